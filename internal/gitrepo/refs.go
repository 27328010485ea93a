package gitrepo

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Refs lists the starting points of a full scan.
type Refs struct {
	All, Remotes []plumbing.Hash
	// RemoteRefs maps each remote-tracking ref's name to its commit.
	RemoteRefs map[string]plumbing.Hash
	Heads      []plumbing.Hash // local branches and HEAD
	Head       plumbing.Hash   // zero when HEAD is unborn
	// Tags are the annotated tag objects under refs/tags (their messages
	// are free text people paste into).
	Tags []plumbing.Hash
	// Warnings name refs that could not be followed (a missing tip
	// object); Missing lists those objects.
	Warnings []string
	Missing  []plumbing.Hash
}

// ListRefs collects every ref (branches, tags, remote-tracking refs, the
// stash and its reflog, HEAD), peeled to commits. Replace refs are skipped:
// git honours them, but a scanner must see the objects that are really
// there.
func (r *Repo) ListRefs() (Refs, error) { return r.ListRefsKnown(nil) }

// ListRefsKnown is ListRefs for a caller that knows some commits already
// (an incremental scan): refs pointing at them are taken as commits without
// reading the object, which on a mirror with thousands of pull refs is
// most of the time ListRefs takes.
func (r *Repo) ListRefsKnown(isCommit func(plumbing.Hash) bool) (Refs, error) {
	var ri Refs
	seen := map[plumbing.Hash]bool{}
	add := func(h plumbing.Hash, remote bool) {
		if remote {
			ri.Remotes = append(ri.Remotes, h)
		}
		if !seen[h] {
			seen[h] = true
			ri.All = append(ri.All, h)
		}
	}
	var peeled map[string]packedTag
	if isCommit != nil {
		peeled = r.packedPeeled()
	}
	it, err := r.Storer.IterReferences()
	if err != nil {
		return ri, fmt.Errorf("list refs: %w", err)
	}
	var refs []*plumbing.Reference
	err = it.ForEach(func(ref *plumbing.Reference) error {
		if ref.Type() == plumbing.HashReference && !strings.HasPrefix(ref.Name().String(), "refs/replace/") {
			refs = append(refs, ref)
		}
		return nil
	})
	if err != nil {
		return ri, fmt.Errorf("list refs: %w", err)
	}
	var commits map[plumbing.Hash]bool
	if isCommit == nil {
		commits = r.commitsAmong(refs)
	}
	for _, ref := range refs {
		name := ref.Name().String()
		h, ok, err := ref.Hash(), true, error(nil)
		switch p, packed := peeled[name]; {
		case isCommit == nil && commits[h]:
		case isCommit == nil:
			h, ok, err = r.Peel(h)
		case isCommit(h):
		case packed && p.tag == h && isCommit(p.target):
			h = p.target
		default:
			h, ok, err = r.Peel(h)
		}
		if err != nil {
			ri.Warnings = append(ri.Warnings, fmt.Sprintf("ref %s: %v", name, err))
			ri.Missing = append(ri.Missing, ref.Hash())
			continue
		}
		if h != ref.Hash() && strings.HasPrefix(name, "refs/tags/") {
			ri.Tags = append(ri.Tags, ref.Hash())
		}
		if ok && strings.HasPrefix(name, "refs/remotes/") {
			if ri.RemoteRefs == nil {
				ri.RemoteRefs = map[string]plumbing.Hash{}
			}
			ri.RemoteRefs[name] = h
		}
		if ok {
			add(h, strings.HasPrefix(name, "refs/remotes/"))
			if strings.HasPrefix(name, "refs/heads/") {
				ri.Heads = append(ri.Heads, h)
			}
		}
	}
	if head, err := r.Head(); err == nil {
		ri.Head = head.Hash()
		ri.Heads = append(ri.Heads, head.Hash())
		add(head.Hash(), false)
	} else if !errors.Is(err, plumbing.ErrReferenceNotFound) {
		return ri, fmt.Errorf("read HEAD: %w", err)
	}
	// Older stash entries live only in the stash's reflog.
	for _, h := range r.stashLog() {
		if _, err := r.Storer.EncodedObject(plumbing.CommitObject, h); err == nil {
			add(h, false)
		}
	}
	return ri, nil
}

// minBatchRefs is the fewest refs worth starting git for: go-git reads a
// few objects faster than git starts.
var minBatchRefs = 64

// commitsAmong returns which refs point straight at a commit, asked of one
// pipelined "git cat-file --batch": go-git read each ref's object whole to
// learn its type, and a mirror's thousands of pull refs cost it half a
// second before the walk could start (hummingbot: 5,152 refs, 0.54 s).
// What git does not say is a commit (a tag, a missing object, no git) is
// left to Peel.
func (r *Repo) commitsAmong(refs []*plumbing.Reference) map[plumbing.Hash]bool {
	dir := r.GitDir()
	if dir == "" || len(refs) < minBatchRefs {
		return nil
	}
	c, err := StartCatFile(context.Background(), dir)
	if err != nil {
		return nil
	}
	defer c.Close()
	ids := make([]string, len(refs))
	for i, ref := range refs {
		ids[i] = ref.Hash().String()
	}
	commits := make(map[plumbing.Hash]bool, len(refs))
	// A commit is a few hundred bytes; one larger is left to Peel.
	c.EachObject(ids, 1<<20, func(i int, typ string, _ []byte) {
		if typ == "commit" {
			commits[refs[i].Hash()] = true
		}
	})
	return commits
}

// packedTag is an annotated tag in packed-refs and what git peeled it to.
type packedTag struct{ tag, target plumbing.Hash }

// packedPeeled reads the peeled values git writes into packed-refs after
// each annotated tag ("^<id>" under the tag's line). With them, a tag
// whose target a caller already knows as a commit is followed without
// reading the tag object: the first object read from a pack costs go-git
// its whole index (a map of every object), most of an incremental scan's
// time on a large history. A loose ref overrides its packed value, so the
// caller uses an entry only when the tag id matches the ref's.
func (r *Repo) packedPeeled() map[string]packedTag {
	f, err := r.fs.Open("packed-refs")
	if err != nil {
		return nil
	}
	defer f.Close()
	out := map[string]packedTag{}
	var last string
	var lastHash plumbing.Hash
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "^"); ok {
			if last != "" && plumbing.IsHash(rest) {
				out[last] = packedTag{tag: lastHash, target: plumbing.NewHash(rest)}
			}
			last = ""
			continue
		}
		id, name, ok := strings.Cut(line, " ")
		if !ok || !plumbing.IsHash(id) {
			last = ""
			continue
		}
		last, lastHash = name, plumbing.NewHash(id)
	}
	if sc.Err() != nil {
		return nil
	}
	return out
}

// Peel follows annotated tags to a commit; ok is false for tags of trees
// or blobs.
func (r *Repo) Peel(h plumbing.Hash) (plumbing.Hash, bool, error) {
	for range 16 {
		o, err := r.Storer.EncodedObject(plumbing.AnyObject, h)
		if err != nil {
			return h, false, fmt.Errorf("object %s: %w", h, err)
		}
		switch o.Type() {
		case plumbing.CommitObject:
			return h, true, nil
		case plumbing.TagObject:
			t, err := object.DecodeTag(r.Storer, o)
			if err != nil {
				return h, false, fmt.Errorf("tag %s: %w", h, err)
			}
			h = t.Target
		default:
			return h, false, nil
		}
	}
	return h, false, fmt.Errorf("tag chain too deep at %s", h)
}

// RemoteTips returns the commits of remote's tracking refs
// (refs/remotes/<remote>/...): what this clone last saw the remote have.
func (ri Refs) RemoteTips(remote string) []plumbing.Hash {
	prefix := "refs/remotes/" + remote + "/"
	var out []plumbing.Hash
	for name, h := range ri.RemoteRefs {
		if strings.HasPrefix(name, prefix) {
			out = append(out, h)
		}
	}
	return out
}

func (r *Repo) stashLog() []plumbing.Hash {
	f, err := r.fs.Open("logs/refs/stash")
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []plumbing.Hash
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && plumbing.IsHash(fields[1]) {
			out = append(out, plumbing.NewHash(fields[1]))
		}
	}
	return out
}

// Resolve turns a revision (branch, tag, remote ref, SHA, HEAD~2) into a
// commit.
func (r *Repo) Resolve(rev string) (plumbing.Hash, error) {
	h, err := r.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("resolve revision %q: %w", rev, err)
	}
	c, ok, err := r.Peel(*h)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("resolve revision %q: %w", rev, err)
	}
	if !ok {
		return plumbing.ZeroHash, fmt.Errorf("revision %q is not a commit", rev)
	}
	return c, nil
}

// FileAt reads the file at name (slash-separated, from the top of the
// tree) in commit's tree, up to max bytes. It returns nil data, and no
// error, when the commit has no such regular file.
func (r *Repo) FileAt(commit plumbing.Hash, name string, max int64) ([]byte, error) {
	c, err := r.CommitObject(commit)
	if err != nil {
		return nil, fmt.Errorf("read commit %s: %w", commit, err)
	}
	t, err := c.Tree()
	if err != nil {
		return nil, fmt.Errorf("read tree of %s: %w", commit, err)
	}
	e, err := t.FindEntry(name)
	if err != nil || !IsFile(e.Mode) {
		return nil, nil
	}
	data, ok, err := r.ReadBlob(e.Hash, max)
	if err != nil {
		return nil, fmt.Errorf("read %s at %s: %w", name, commit, err)
	}
	if !ok {
		return nil, fmt.Errorf("read %s at %s: larger than %d bytes", name, commit, max)
	}
	return data, nil
}
