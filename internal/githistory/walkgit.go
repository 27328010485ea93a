package githistory

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/keyward/scan/internal/gitrepo"
)

// walkWithGit is walk for a whole history (no exclusions, no commits known
// from an earlier scan): a hardened "git rev-list" lists the commits
// reachable from tips and a "git cat-file --batch" reads them as they
// come, both in C and beside each other, where go-git's walk inflates
// every commit in Go one after the other (on hummingbot, 62k commits: 2 s
// before the first blob could be read). The commits are decoded by go-git,
// so their parents, dates and messages are byte for byte what walk gives.
//
// ok is false when git cannot be used or its answer is not exactly the
// set walk would find (a missing commit, grafts, a parent outside the
// set): the caller walks with go-git then.
func (g *graph) walkWithGit(ctx context.Context, gitDir string, tips []plumbing.Hash) (out []*node, ok bool) {
	if gitDir == "" || len(tips) == 0 {
		return nil, false
	}
	// go-git ignores grafts, git honours them: the two would disagree on
	// parents.
	if _, err := os.Lstat(filepath.Join(gitDir, "info", "grafts")); err == nil {
		return nil, false
	}
	ctx, cancel := context.WithCancel(ctx)
	revs, err := gitrepo.HardenedCommand(ctx, gitDir, "", "rev-list", "--stdin")
	if err != nil {
		cancel()
		return nil, false
	}
	cat, err := gitrepo.HardenedCommand(ctx, gitDir, "", "cat-file", "--batch")
	if err != nil {
		cancel()
		return nil, false
	}
	revIn, err1 := revs.StdinPipe()
	revOut, err2 := revs.StdoutPipe()
	catIn, err3 := cat.StdinPipe()
	catOut, err4 := cat.StdoutPipe()
	if err := errors.Join(err1, err2, err3, err4); err != nil || revs.Start() != nil {
		cancel()
		return nil, false
	}
	if cat.Start() != nil {
		cancel()
		revs.Wait()
		return nil, false
	}
	gitrepo.GrowPipe(catOut)
	listed := make(chan error, 1)
	// stop ends both processes and reports whether both succeeded; on a
	// failure it kills them first, so that neither waits on a full pipe.
	stop := func(failed bool) bool {
		if failed {
			cancel()
		}
		lerr := <-listed
		rerr, cerr := revs.Wait(), cat.Wait()
		cancel()
		return !failed && lerr == nil && rerr == nil && cerr == nil
	}
	go func() {
		w := bufio.NewWriter(revIn)
		for _, h := range tips {
			w.WriteString(h.String() + "\n")
		}
		w.Flush()
		revIn.Close()
	}()
	// rev-list's ids go straight to cat-file; its exit status is checked
	// once cat-file has answered them all.
	go func() {
		_, err := io.Copy(catIn, revOut)
		catIn.Close()
		listed <- err
	}()

	seen := map[plumbing.Hash]*node{}
	rd := bufio.NewReaderSize(catOut, 256<<10)
	var data []byte
	for {
		header, err := rd.ReadSlice('\n')
		if errors.Is(err, io.EOF) && len(header) == 0 {
			break
		}
		if err != nil {
			stop(true)
			return nil, false
		}
		f := strings.Fields(string(header))
		var size int
		if len(f) == 3 && f[1] == "commit" && plumbing.IsHash(f[0]) {
			size, err = strconv.Atoi(f[2])
		}
		if size <= 0 || err != nil {
			stop(true) // missing, or not a commit
			return nil, false
		}
		h := plumbing.NewHash(f[0])
		data = slices.Grow(data[:0], size+1)[:size+1]
		if _, err := io.ReadFull(rd, data); err != nil || seen[h] != nil {
			stop(true)
			return nil, false
		}
		obj := &plumbing.MemoryObject{}
		obj.SetType(plumbing.CommitObject)
		obj.Write(data[:size])
		var c object.Commit
		if err := c.Decode(obj); err != nil {
			stop(true)
			return nil, false
		}
		n := &node{hash: h, tree: c.TreeHash, when: c.Committer.When.Unix(), message: c.Message, queued: true, expanded: true}
		if !g.shallow[h] {
			n.parents = c.ParentHashes
		}
		seen[h] = n
		out = append(out, n)
	}
	if !stop(false) {
		return nil, false
	}
	// The set must hold every tip and be closed under parents, as walk's
	// is; otherwise git saw another history (replacements, grafts).
	for _, n := range out {
		for _, p := range n.parents {
			if seen[p] == nil {
				return nil, false
			}
		}
	}
	for _, h := range tips {
		if seen[h] == nil {
			return nil, false
		}
	}
	for h, n := range seen {
		g.nodes[h] = n
	}
	return out, true
}
