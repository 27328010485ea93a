package githistory

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// node is one commit of the graph, reduced to what walking and diffing need.
type node struct {
	hash    plumbing.Hash
	parents []plumbing.Hash
	tree    plumbing.Hash
	when    int64 // committer time, Unix seconds
	// uninteresting: reachable from an excluded revision.
	uninteresting bool
	queued        bool
	// expanded: parents have been queued (or marked).
	expanded bool
	missing  bool
	// message is the commit's message until the scan queues it.
	message string
}

// graph loads commits on demand and remembers them, so that the range walk,
// the pushed walk and the diffs read each commit object once.
type graph struct {
	s       storer.EncodedObjectStorer
	nodes   map[plumbing.Hash]*node
	shallow map[plumbing.Hash]bool
	// missing lists commits that should exist but could not be read.
	missing []string
	// known, if set, names commits an earlier scan covered with all their
	// ancestors: walks stop there without reading them.
	known func(plumbing.Hash) bool
}

func newGraph(s storer.EncodedObjectStorer, shallow []plumbing.Hash) *graph {
	g := &graph{s: s, nodes: map[plumbing.Hash]*node{}, shallow: map[plumbing.Hash]bool{}}
	for _, h := range shallow {
		g.shallow[h] = true
	}
	return g
}

func (g *graph) node(h plumbing.Hash) *node {
	n := g.nodes[h]
	if n != nil {
		return n
	}
	n = &node{hash: h}
	g.nodes[h] = n
	c, err := object.GetCommit(g.s, h)
	if err != nil {
		n.missing = true
		g.missing = append(g.missing, fmt.Sprintf("commit %s: %v", h, err))
		return n
	}
	n.tree = c.TreeHash
	n.message = c.Message
	n.when = c.Committer.When.Unix()
	// A shallow boundary commit names parents that were never fetched:
	// treat it as a root rather than as damage.
	if !g.shallow[h] {
		n.parents = c.ParentHashes
	}
	return n
}

// byDate is a max-heap of commits by committer time, newest first, as git's
// revision walk pops them.
type byDate []*node

func (q byDate) Len() int { return len(q) }
func (q byDate) Less(i, j int) bool {
	if q[i].when != q[j].when {
		return q[i].when > q[j].when
	}
	return string(q[i].hash[:]) < string(q[j].hash[:])
}
func (q byDate) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *byDate) Push(x any)   { *q = append(*q, x.(*node)) }
func (q *byDate) Pop() any {
	old := *q
	n := old[len(old)-1]
	*q = old[:len(old)-1]
	return n
}

// walk returns the commits reachable from tips and not from excl, like
// `git rev-list tips --not excl`. It walks newest first and stops once only
// excluded commits are left in the queue. Clock skew can only make it keep
// a commit that is in fact excluded (scanned needlessly), never drop one.
func (g *graph) walk(ctx context.Context, tips, excl []plumbing.Hash) ([]*node, error) {
	q := &byDate{}
	push := func(n *node) {
		if !n.queued {
			n.queued = true
			heap.Push(q, n)
		}
	}
	for _, h := range excl {
		n := g.node(h)
		g.markUninteresting(n)
		push(n)
	}
	for _, h := range tips {
		if g.known == nil || !g.known(h) {
			push(g.node(h))
		}
	}
	var out []*node
	steps := 0
	for q.Len() > 0 {
		if steps++; steps%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if len(excl) > 0 && allUninteresting(*q) {
			break
		}
		n := heap.Pop(q).(*node)
		if n.expanded {
			continue
		}
		n.expanded = true
		if n.missing {
			continue
		}
		for _, p := range n.parents {
			if g.known != nil && g.known(p) {
				continue
			}
			pn := g.node(p)
			if n.uninteresting {
				g.markUninteresting(pn)
			}
			push(pn)
		}
		if !n.uninteresting {
			out = append(out, n)
		}
	}
	// A commit taken early may have been marked later through another path.
	kept := out[:0]
	for _, n := range out {
		if !n.uninteresting && !n.missing {
			kept = append(kept, n)
		}
	}
	return kept, nil
}

// markUninteresting marks n and every already-expanded ancestor, so the
// mark reaches commits that were popped before it arrived.
func (g *graph) markUninteresting(n *node) {
	stack := []*node{n}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n.uninteresting {
			continue
		}
		n.uninteresting = true
		if n.expanded {
			for _, p := range n.parents {
				if pn := g.nodes[p]; pn != nil {
					stack = append(stack, pn)
				}
			}
		}
	}
}

func allUninteresting(q []*node) bool {
	for _, n := range q {
		if !n.uninteresting {
			return false
		}
	}
	return true
}

// reachable reports which of want are reachable from tips.
func (g *graph) reachable(ctx context.Context, tips []plumbing.Hash, want map[plumbing.Hash]bool) (map[plumbing.Hash]bool, error) {
	got := map[plumbing.Hash]bool{}
	if len(want) == 0 || len(tips) == 0 {
		return got, nil
	}
	seen := map[plumbing.Hash]bool{}
	stack := append([]plumbing.Hash(nil), tips...)
	for len(stack) > 0 && len(got) < len(want) {
		if len(seen)%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[h] {
			continue
		}
		seen[h] = true
		if want[h] {
			got[h] = true
		}
		if g.known != nil && g.known(h) {
			continue // old history cannot reach commits new to this scan
		}
		stack = append(stack, g.node(h).parents...)
	}
	return got, nil
}

// topoOrder sorts commits so that every parent in the set comes before its
// children, older commits first among those free to go: the first commit in
// this order that contains a blob is the one that introduced it.
func topoOrder(ns []*node) []*node {
	in := make(map[plumbing.Hash]*node, len(ns))
	for _, n := range ns {
		in[n.hash] = n
	}
	pending := make(map[plumbing.Hash]int, len(ns))
	children := make(map[plumbing.Hash][]*node, len(ns))
	for _, n := range ns {
		for _, p := range n.parents {
			if _, ok := in[p]; ok {
				pending[n.hash]++
				children[p] = append(children[p], n)
			}
		}
	}
	ready := &oldestFirst{}
	for _, n := range ns {
		if pending[n.hash] == 0 {
			heap.Push(ready, n)
		}
	}
	out := make([]*node, 0, len(ns))
	for ready.Len() > 0 {
		n := heap.Pop(ready).(*node)
		out = append(out, n)
		for _, c := range children[n.hash] {
			if pending[c.hash]--; pending[c.hash] == 0 {
				heap.Push(ready, c)
			}
		}
	}
	return out
}

type oldestFirst struct{ byDate }

func (q oldestFirst) Less(i, j int) bool { return q.byDate.Less(j, i) }

// newestFirst sorts commits newest first (for --max-commits).
func newestFirst(ns []*node) {
	sort.Slice(ns, func(i, j int) bool { return byDate(ns).Less(i, j) })
}

var errEmptyRange = errors.New("the range contains no commits")
