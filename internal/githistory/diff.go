package githistory

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"

	"github.com/keyward/scan/internal/gitrepo"
)

// treeCache keeps decoded trees: a commit's trees are read again as its
// children's parent trees, usually right after.
type treeCache struct {
	s       storer.EncodedObjectStorer
	entries map[plumbing.Hash][]object.TreeEntry
	// missing collects trees that could not be read.
	missing []plumbing.Hash
	// at remembers blobAt's answers.
	at map[treePath]plumbing.Hash

	// ctx and gitDir start git for prefetch (no gitDir: go-git reads
	// every tree); cat is that process, noGit set once it failed.
	ctx    context.Context
	gitDir string
	cat    *gitrepo.CatFile
	noGit  bool
}

const maxCachedTrees = 20_000

func newTreeCache(ctx context.Context, s storer.EncodedObjectStorer, gitDir string) *treeCache {
	return &treeCache{s: s, entries: map[plumbing.Hash][]object.TreeEntry{}, ctx: ctx, gitDir: gitDir}
}

// close stops the prefetching git process, if one was started.
func (c *treeCache) close() {
	if c.cat != nil {
		c.cat.Close()
		c.cat = nil
	}
}

// minPrefetch is the fewest trees worth starting a git process for: go-git
// reads a handful faster than git starts. Once it runs, any batch goes to it.
const minPrefetch = 64

// prefetch reads the trees of hs that are not cached through one
// pipelined "git cat-file --batch". A mirror's thousands of refs have as
// many root trees, which go-git decoded one by one: on hummingbot (5,152
// refs) that was 1.5 s of a single core at the end of the scan, where
// nothing else runs. What git does not give (a missing or malformed tree)
// is left to get, which reads it with go-git and names what is wrong.
func (c *treeCache) prefetch(hs []plumbing.Hash) {
	if c.gitDir == "" || c.noGit {
		return
	}
	var ids []string
	var want []plumbing.Hash
	for _, h := range hs {
		if _, ok := c.entries[h]; !ok {
			ids = append(ids, h.String())
			want = append(want, h)
		}
	}
	if len(want) == 0 || len(want) > maxCachedTrees || c.cat == nil && len(want) < minPrefetch {
		return
	}
	if len(c.entries)+len(want) > maxCachedTrees {
		clear(c.entries)
	}
	if c.cat == nil {
		cat, err := gitrepo.StartCatFile(c.ctx, c.gitDir)
		if err != nil {
			c.noGit = true
			return
		}
		c.cat = cat
	}
	err := c.cat.EachObject(ids, maxTreeSize, func(i int, typ string, data []byte) {
		if typ != "tree" {
			return
		}
		if entries, ok := parseTree(data); ok {
			c.entries[want[i]] = entries
		}
	})
	if err != nil {
		c.cat, c.noGit = nil, true
	}
}

// maxTreeSize bounds a tree read through git (a directory of a million
// entries is some 40 MB).
const maxTreeSize = 64 << 20

// parseTree decodes a tree object's content with go-git's own decoder,
// so that a tree read through git gives what get would have; ok is false
// for content go-git refuses.
func parseTree(data []byte) ([]object.TreeEntry, bool) {
	var obj plumbing.MemoryObject
	obj.SetType(plumbing.TreeObject)
	if _, err := obj.Write(data); err != nil {
		return nil, false
	}
	var t object.Tree
	if err := t.Decode(&obj); err != nil {
		return nil, false
	}
	return t.Entries, true
}

func (c *treeCache) get(h plumbing.Hash) ([]object.TreeEntry, bool) {
	if e, ok := c.entries[h]; ok {
		return e, e != nil
	}
	t, err := object.GetTree(c.s, h)
	if len(c.entries) >= maxCachedTrees {
		clear(c.entries)
	}
	if err != nil {
		c.missing = append(c.missing, h)
		c.entries[h] = nil
		return nil, false
	}
	c.entries[h] = t.Entries
	return t.Entries, true
}

// lookup finds name in entries, which git sorts as if directory names
// ended in '/'.
func lookup(entries []object.TreeEntry, name string) *object.TreeEntry {
	for _, slash := range [2]bool{false, true} {
		i := sort.Search(len(entries), func(i int) bool { return cmpSortName(&entries[i], name, slash) >= 0 })
		if i < len(entries) && entries[i].Name == name {
			return &entries[i]
		}
	}
	return nil
}

// cmpSortName compares e's sort name (its name, with '/' appended for a
// directory) with name's (with '/' appended when slash), without building
// either string. Names in a tree hold no '/'.
func cmpSortName(e *object.TreeEntry, name string, slash bool) int {
	n := min(len(e.Name), len(name))
	if c := strings.Compare(e.Name[:n], name[:n]); c != 0 {
		return c
	}
	return cmp.Compare(sortByte(e.Name, n, e.Mode == filemode.Dir), sortByte(name, n, slash))
}

// sortByte is the byte at i of a sort name: s[i], the '/' implied after a
// directory's name, or -1 past the end.
func sortByte(s string, i int, dir bool) int {
	switch {
	case i < len(s):
		return int(s[i])
	case i == len(s) && dir:
		return '/'
	}
	return -1
}

// newBlob is a file whose content at path differs from the same path in
// every parent: what a commit (a merge too) introduced. parents holds the
// blobs the parents had at that path, if any.
type newBlob struct {
	path    string
	blob    plumbing.Hash
	parents []plumbing.Hash
	// submodule marks a gitlink (no blob) rather than a file.
	submodule bool
}

// diffTrees reports the files of tree that no parent tree has with the same
// content at the same path. Subtrees equal to one in some parent are
// skipped whole, so a commit costs what it changed, not the size of its tree.
func (c *treeCache) diffTrees(tree plumbing.Hash, parents []plumbing.Hash, prefix string, emit func(newBlob)) {
	entries, ok := c.get(tree)
	if !ok {
		return
	}
	pes := make([][]object.TreeEntry, 0, len(parents))
	for _, p := range parents {
		if e, ok := c.get(p); ok {
			pes = append(pes, e)
		}
	}
	for i := range entries {
		e := &entries[i]
		dir := e.Mode == filemode.Dir
		if e.Mode == filemode.Submodule {
			// A gitlink names a commit of another repository, whose
			// history this scan cannot see: the caller says so.
			emit(newBlob{path: prefix + e.Name, submodule: true})
			continue
		}
		if !dir && !gitrepo.HasContent(e.Mode) {
			continue
		}
		var pTrees, pBlobs []plumbing.Hash
		same := false
		for _, pe := range pes {
			x := lookup(pe, e.Name)
			if x == nil {
				continue
			}
			xdir := x.Mode == filemode.Dir
			if x.Hash == e.Hash && xdir == dir {
				same = true
				break
			}
			switch {
			case xdir && dir:
				pTrees = append(pTrees, x.Hash)
			case !xdir && !dir && gitrepo.HasContent(x.Mode):
				pBlobs = append(pBlobs, x.Hash)
			}
		}
		if same {
			continue
		}
		if dir {
			c.diffTrees(e.Hash, pTrees, prefix+e.Name+"/", emit)
			continue
		}
		emit(newBlob{path: prefix + e.Name, blob: e.Hash, parents: pBlobs})
	}
}

// files lists every file of a tree, path -> blob.
func (c *treeCache) files(tree plumbing.Hash, prefix string, out map[string]plumbing.Hash) {
	entries, ok := c.get(tree)
	if !ok {
		return
	}
	for i := range entries {
		e := &entries[i]
		switch {
		case e.Mode == filemode.Dir:
			c.files(e.Hash, prefix+e.Name+"/", out)
		case gitrepo.HasContent(e.Mode):
			out[prefix+e.Name] = e.Hash
		}
	}
}

// blobAt returns the blob at path (slash-separated) in tree; zero when
// there is none. Answers are remembered per subtree: a mirror's thousands
// of tips mostly share the directories along a finding's path.
func (c *treeCache) blobAt(tree plumbing.Hash, path string) plumbing.Hash {
	if c.at == nil {
		c.at = map[treePath]plumbing.Hash{}
	}
	var seen []treePath
	var found plumbing.Hash
	for {
		k := treePath{tree, path}
		if b, ok := c.at[k]; ok {
			found = b
			break
		}
		seen = append(seen, k)
		entries, ok := c.get(tree)
		if !ok {
			break
		}
		name, rest, more := strings.Cut(path, "/")
		e := lookup(entries, name)
		if e == nil || (!more && !gitrepo.HasContent(e.Mode)) || (more && e.Mode != filemode.Dir) {
			break
		}
		if !more {
			found = e.Hash
			break
		}
		tree, path = e.Hash, rest
	}
	for _, k := range seen {
		c.at[k] = found
	}
	return found
}

// blobsAt returns the distinct blobs at path across trees, as blobAt
// would find them in each. It descends one level at a time over the
// distinct subtrees: a mirror's thousands of tips share most directories,
// so a level costs a lookup per distinct directory, not per tip. dirs, if
// not nil, keeps the distinct subtrees found at each directory for the
// next call on the same trees: the paths of a scan's findings share their
// first directories, and each call would look them up again in every tip
// (on hummingbot that was 5,000 root trees searched once per path).
func (c *treeCache) blobsAt(trees map[plumbing.Hash]bool, path string, dirs map[string]map[plumbing.Hash]bool) map[plumbing.Hash]bool {
	at := 0 // where the rest of path starts
	for {
		name, _, more := strings.Cut(path[at:], "/")
		dir := path[:at+len(name)]
		if more && dirs != nil {
			if next, ok := dirs[dir]; ok {
				trees, at = next, at+len(name)+1
				continue
			}
		}
		next := map[plumbing.Hash]bool{}
		c.prefetch(slices.Collect(maps.Keys(trees)))
		for t := range trees {
			entries, ok := c.get(t)
			if !ok {
				continue
			}
			e := lookup(entries, name)
			if e == nil || (!more && !gitrepo.HasContent(e.Mode)) || (more && e.Mode != filemode.Dir) {
				continue
			}
			next[e.Hash] = true
		}
		if !more {
			return next
		}
		if dirs != nil {
			dirs[dir] = next
		}
		trees, at = next, at+len(name)+1
	}
}

// treePath is a path below a tree.
type treePath struct {
	tree plumbing.Hash
	path string
}

// internPaths shares one string per path across all commits.
type internPaths map[string]string

func (m internPaths) get(s string) string {
	if v, ok := m[s]; ok {
		return v
	}
	s = strings.Clone(s)
	m[s] = s
	return s
}
