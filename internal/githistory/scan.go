// Package githistory scans a repository's history for secrets.
//
// Every unique blob is read and scanned once, however many commits and
// paths share it. A secret is reported where it was introduced: at the first
// commit (parents before children, older first) whose version of a file
// contains it while no parent's version of the same path does. That one
// definition covers plain commits, merges (only what a conflict resolution
// added, not what either side brought), renames (a new location), files
// deleted later, and commit ranges (a secret already in the file before the
// range is not reported for an edit inside it).
//
// Objects are read with go-git; nothing from the repository's config is ever
// executed.
package githistory

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	ignore "github.com/sabhiram/go-gitignore"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/engine"
)

// Options select what history to scan.
type Options struct {
	// Path is the repository (a working tree, a directory inside one, a
	// bare repository or a linked worktree).
	Path        string
	Threads     int
	MaxFileSize int64
	// Keep, if set, filters paths (true = scan).
	Keep func(path string) bool

	// SinceCommit limits the scan to commits not reachable from this
	// revision (a pull request's base).
	SinceCommit string
	// Branch scans one revision's history instead of every ref.
	Branch string
	// Since drops commits committed before it.
	Since time.Time
	// MaxCommits keeps only the newest N commits of the range (0 = all).
	MaxCommits int
	// AllowEmpty makes an empty range a clean scan instead of an error.
	AllowEmpty bool

	// Revs, if set, replace every ref as starting points (pre-push).
	Revs []string
	// Exclude drops commits reachable from these revisions.
	Exclude []string
	// ExcludeIfKnown drops commits reachable from these commits when they
	// exist here (a remote's sha that was never fetched does not), and
	// otherwise falls back to ExcludeRemotes.
	ExcludeIfKnown []string
	// ExcludeRemotes drops commits reachable from any remote-tracking ref.
	ExcludeRemotes bool
	// LocalHeads starts from local branches and HEAD only (no tags,
	// remote refs or stash).
	LocalHeads bool

	// goGitOnly reads blobs with go-git even where git is installed, so
	// tests can compare the two readers.
	goGitOnly bool
}

// ErrEmptyRange is returned when the selected range holds no commits.
var ErrEmptyRange = errEmptyRange

// maxNamedWarnings bounds how many missing objects are named one by one; a
// partial clone can lack thousands.
const maxNamedWarnings = 20

// Scan scans the history selected by opt.
func Scan(ctx context.Context, eng *engine.Engine, opt Options) ([]detectors.Finding, detectors.Stats, error) {
	var stats detectors.Stats
	repo, err := Open(opt.Path)
	if err != nil {
		return nil, stats, err
	}
	defer repo.Close()
	return ScanRepo(ctx, eng, repo, opt)
}

// ScanRepo is Scan on an opened repository.
func ScanRepo(ctx context.Context, eng *engine.Engine, repo *Repo, opt Options) ([]detectors.Finding, detectors.Stats, error) {
	start := time.Now()
	var stats detectors.Stats
	if opt.Threads <= 0 {
		opt.Threads = runtime.NumCPU()
	}
	if opt.MaxFileSize <= 0 {
		opt.MaxFileSize = 1 << 62
	}
	if opt.Keep == nil {
		opt.Keep = func(string) bool { return true }
	}
	shallow, err := repo.Storer.Shallow()
	if err != nil {
		return nil, stats, fmt.Errorf("read shallow list: %w", err)
	}
	if len(shallow) > 0 {
		stats.Warnings = append(stats.Warnings, fmt.Sprintf(
			"history is shallow: commits before %d boundary commit(s) are not in this clone and were not scanned (fetch with --unshallow for a full audit)", len(shallow)))
	}
	g := newGraph(repo.Storer, shallow)

	refs, err := repo.refs()
	if err != nil {
		return nil, stats, err
	}
	stats.Warnings = append(stats.Warnings, refs.warnings...)
	if len(refs.warnings) > 0 {
		stats.Incomplete = true
	}

	if keep, err := withHeadIgnoreFile(repo, refs.head, opt.Keep); err != nil {
		stats.Warnings = append(stats.Warnings, err.Error())
	} else {
		opt.Keep = keep
	}

	tips := refs.all
	var excl []plumbing.Hash
	switch {
	case opt.LocalHeads:
		tips = refs.heads
	case opt.Revs != nil:
		tips = nil
		for _, r := range opt.Revs {
			h, err := repo.resolve(r)
			if err != nil {
				return nil, stats, err
			}
			tips = append(tips, h)
		}
	case opt.Branch != "":
		h, err := repo.resolve(opt.Branch)
		if err != nil {
			return nil, stats, fmt.Errorf("--branch: %w", err)
		}
		tips = []plumbing.Hash{h}
	}
	if opt.SinceCommit != "" {
		h, err := repo.resolve(opt.SinceCommit)
		if err != nil {
			return nil, stats, fmt.Errorf("--since-commit: %w", err)
		}
		excl = append(excl, h)
	}
	for _, r := range opt.Exclude {
		h, err := repo.resolve(r)
		if err != nil {
			return nil, stats, err
		}
		excl = append(excl, h)
	}
	for _, r := range opt.ExcludeIfKnown {
		h, err := repo.resolve(r)
		if err != nil {
			opt.ExcludeRemotes = true
			continue
		}
		excl = append(excl, h)
	}
	if opt.ExcludeRemotes {
		excl = append(excl, refs.remotes...)
	}

	commits, err := g.walk(ctx, tips, excl)
	if err != nil {
		return nil, stats, err
	}
	if !opt.Since.IsZero() {
		kept := commits[:0]
		for _, n := range commits {
			if n.when >= opt.Since.Unix() {
				kept = append(kept, n)
			}
		}
		commits = kept
	}
	if opt.MaxCommits > 0 && len(commits) > opt.MaxCommits {
		newestFirst(commits)
		commits = commits[:opt.MaxCommits]
	}
	if len(commits) == 0 && !opt.AllowEmpty {
		return nil, stats, fmt.Errorf("%w (use --allow-empty to treat that as a clean scan)", errEmptyRange)
	}
	order := topoOrder(commits)
	stats.Commits = int64(len(order))

	s := &scanner{
		ctx:   ctx,
		eng:   eng,
		g:     g,
		repo:  repo,
		opt:   opt,
		jobs:  make(chan job, 256),
		blobs: map[plumbing.Hash]*blobResult{},
	}
	events, err := s.run(order)
	if err != nil {
		return nil, stats, err
	}
	stats.Merge(s.stats)
	missing := append([]string(nil), g.missing...)
	for _, h := range s.trees.missing {
		missing = append(missing, "tree "+h.String())
	}
	missing = append(missing, s.missingBlobs...)
	if len(missing) > 0 {
		stats.Incomplete = true
		stats.Warnings = append(stats.Warnings, namedWarnings("missing or unreadable git object", missing)...)
	}

	out, blobs := s.attribute(order, events)
	if len(out) > 0 {
		if err := s.annotate(ctx, refs, out, blobs); err != nil {
			return nil, stats, err
		}
	}
	stats.Duration = time.Since(start)
	return out, stats, nil
}

// IgnoreFile is read from HEAD's tree and applies to the whole history, as
// .gitleaksignore does for gitleaks.
const IgnoreFile = ".keywardignore"

func withHeadIgnoreFile(repo *Repo, head plumbing.Hash, keep func(string) bool) (func(string) bool, error) {
	if head.IsZero() {
		return keep, nil
	}
	c, err := repo.CommitObject(head)
	if err != nil {
		return keep, nil
	}
	f, err := c.File(IgnoreFile)
	if err != nil {
		return keep, nil // no ignore file at HEAD
	}
	text, err := f.Contents()
	if err != nil {
		return keep, fmt.Errorf("read %s at HEAD: %w", IgnoreFile, err)
	}
	m := ignore.CompileIgnoreLines(strings.Split(text, "\n")...)
	return func(p string) bool { return keep(p) && !m.MatchesPath(p) }, nil
}

func namedWarnings(what string, items []string) []string {
	var w []string
	for i, it := range items {
		if i == maxNamedWarnings {
			w = append(w, fmt.Sprintf("%s: %d more not listed", what, len(items)-i))
			break
		}
		w = append(w, what+": "+it)
	}
	return w
}

// refsInfo lists the starting points of a full scan.
type refsInfo struct {
	all, remotes []plumbing.Hash
	heads        []plumbing.Hash // local branches and HEAD
	head         plumbing.Hash   // zero when HEAD is unborn
	warnings     []string
}

// refs collects every ref (branches, tags, remote-tracking refs, the
// stash and its reflog, HEAD), peeled to commits. Replace refs are skipped:
// git honours them, but a scanner must see the objects that are really
// there.
func (r *Repo) refs() (refsInfo, error) {
	var ri refsInfo
	seen := map[plumbing.Hash]bool{}
	add := func(h plumbing.Hash, remote bool) {
		if remote {
			ri.remotes = append(ri.remotes, h)
		}
		if !seen[h] {
			seen[h] = true
			ri.all = append(ri.all, h)
		}
	}
	it, err := r.Storer.IterReferences()
	if err != nil {
		return ri, fmt.Errorf("list refs: %w", err)
	}
	err = it.ForEach(func(ref *plumbing.Reference) error {
		name := ref.Name().String()
		if ref.Type() != plumbing.HashReference || strings.HasPrefix(name, "refs/replace/") {
			return nil
		}
		h, ok, err := r.peel(ref.Hash())
		if err != nil {
			ri.warnings = append(ri.warnings, fmt.Sprintf("ref %s: %v", name, err))
			return nil
		}
		if ok {
			add(h, strings.HasPrefix(name, "refs/remotes/"))
			if strings.HasPrefix(name, "refs/heads/") {
				ri.heads = append(ri.heads, h)
			}
		}
		return nil
	})
	if err != nil {
		return ri, fmt.Errorf("list refs: %w", err)
	}
	if head, err := r.Head(); err == nil {
		ri.head = head.Hash()
		ri.heads = append(ri.heads, head.Hash())
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

// peel follows annotated tags to a commit; ok is false for tags of trees
// or blobs.
func (r *Repo) peel(h plumbing.Hash) (plumbing.Hash, bool, error) {
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

// resolve turns a revision (branch, tag, remote ref, SHA, HEAD~2) into a
// commit.
func (r *Repo) resolve(rev string) (plumbing.Hash, error) {
	h, err := r.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("resolve revision %q: %w", rev, err)
	}
	c, ok, err := r.peel(*h)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("resolve revision %q: %w", rev, err)
	}
	if !ok {
		return plumbing.ZeroHash, fmt.Errorf("revision %q is not a commit", rev)
	}
	return c, nil
}

// blobResult is what scanning one blob gave.
type blobResult struct {
	findings []detectors.Finding
	// state: scanned, skipped (binary, too large) or missing.
	state blobState
}

type blobState uint8

const (
	blobScanned blobState = iota + 1
	blobSkipped
	blobMissing
)

type job struct {
	blob   plumbing.Hash
	path   string
	commit plumbing.Hash
}

type event struct {
	commit int32
	newBlob
}

type scanner struct {
	ctx   context.Context
	eng   *engine.Engine
	g     *graph
	repo  *Repo
	opt   Options
	trees *treeCache
	jobs  chan job

	mu           sync.Mutex
	blobs        map[plumbing.Hash]*blobResult
	stats        detectors.Stats
	missingBlobs []string
}

// run diffs every commit against its parents on this goroutine and feeds the
// new blobs to a bounded pool of readers, each with its own object store.
func (s *scanner) run(order []*node) ([]event, error) {
	s.trees = newTreeCache(s.repo.Storer)
	ctx, cancel := context.WithCancel(s.ctx)
	defer cancel()
	var wg sync.WaitGroup
	for range s.opt.Threads {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := worker{s: s, src: s.blobSource(ctx)}
			defer w.src.Close()
			for j := range s.jobs {
				if ctx.Err() != nil {
					continue // drain
				}
				w.scan(j)
			}
		}()
	}
	var events []event
	queued := map[plumbing.Hash]bool{}
	paths := internPaths{}
	var err error
	for i, n := range order {
		if err = ctx.Err(); err != nil {
			break
		}
		parentTrees := make([]plumbing.Hash, 0, len(n.parents))
		for _, p := range n.parents {
			pn := s.node(p)
			if pn != nil && !pn.missing {
				parentTrees = append(parentTrees, pn.tree)
			}
		}
		s.trees.diffTrees(n.tree, parentTrees, "", func(nb newBlob) {
			if !s.opt.Keep(nb.path) {
				return
			}
			nb.path = paths.get(nb.path)
			events = append(events, event{commit: int32(i), newBlob: nb})
			if !queued[nb.blob] {
				queued[nb.blob] = true
				s.jobs <- job{blob: nb.blob, path: nb.path, commit: n.hash}
			}
		})
	}
	close(s.jobs)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	return events, nil
}

// node finds a parent commit, loading it if the walk stopped short of it
// (a parent outside the range).
func (s *scanner) node(h plumbing.Hash) *node { return s.g.node(h) }

type worker struct {
	s   *scanner
	src blobSource
	buf []byte
}

// blobSource prefers git's own object reader, hardened, and falls back to
// go-git where git is missing or refuses the repository.
func (s *scanner) blobSource(ctx context.Context) blobSource {
	if root, ok := s.repo.fs.(interface{ Root() string }); ok && !s.opt.goGitOnly {
		if c, err := startCatFile(ctx, root.Root()); err == nil {
			return c
		}
	}
	return goGitBlobs{s.repo.newStorage(16 << 20)}
}

func (w *worker) scan(j job) {
	res, st := w.read(j)
	s := w.s
	s.mu.Lock()
	defer s.mu.Unlock()
	s.blobs[j.blob] = res
	s.stats.Merge(st)
	if res.state == blobMissing {
		s.missingBlobs = append(s.missingBlobs, fmt.Sprintf("blob %s (%s in commit %s)", j.blob, j.path, j.commit))
	}
}

// read reads and scans one whole blob. (Scanning only the lines changed
// against the parent version was measured on freqtrade: re-reading parents
// cost more than the engine saved.)
func (w *worker) read(j job) (*blobResult, detectors.Stats) {
	var st detectors.Stats
	data, size, err := w.src.read(j.blob, w.s.opt.MaxFileSize, w.buf)
	if err != nil {
		return &blobResult{state: blobMissing}, st
	}
	if data == nil {
		st.Skip("too large")
		return &blobResult{state: blobSkipped}, st
	}
	w.buf = data[:0]
	if engine.IsBinary(data) {
		st.Skip("binary")
		return &blobResult{state: blobSkipped}, st
	}
	st.Files++
	st.Bytes += size
	fs := w.s.eng.Scan(engine.Chunk{Path: j.path, Data: data, Line: 1, Column: 1})
	// Large buffers would pin memory for the rest of the scan.
	if cap(w.buf) > 64<<20 {
		w.buf = nil
	}
	return &blobResult{state: blobScanned, findings: fs}, st
}

// scanLate scans a blob outside the range (a parent's version, HEAD's
// version) when attribution needs it.
func (s *scanner) scanLate(h plumbing.Hash, path string) *blobResult {
	if r := s.blobs[h]; r != nil {
		return r
	}
	w := worker{s: s, src: goGitBlobs{s.repo.Storer.(*filesystem.Storage)}}
	r, _ := w.read(job{blob: h, path: path})
	s.blobs[h] = r
	return r
}

type secretKey struct{ rule, secret string }

// attribute turns per-blob findings into per-location findings at the
// commit that introduced them.
// The second result holds each finding's blob.
func (s *scanner) attribute(order []*node, events []event) ([]detectors.Finding, []plumbing.Hash) {
	type locKey struct{ path, rule, secret string }
	reported := map[locKey]bool{}
	var out []detectors.Finding
	var blobs []plumbing.Hash
	for _, ev := range events {
		res := s.blobs[ev.blob]
		if res == nil || len(res.findings) == 0 {
			continue
		}
		// A secret the file already had in a parent was not introduced
		// here (an edit elsewhere in the file, a merge keeping one side).
		prior := map[secretKey]bool{}
		for _, pb := range ev.parents {
			for _, f := range s.scanLate(pb, ev.path).findings {
				prior[secretKey{f.RuleID, f.Secret}] = true
			}
		}
		var here []locKey
		for _, f := range res.findings {
			k := locKey{ev.path, f.RuleID, f.Secret}
			if prior[secretKey{f.RuleID, f.Secret}] || reported[k] {
				continue
			}
			here = append(here, k)
			f.Path = ev.path
			f.Parts = append([]detectors.Part(nil), f.Parts...)
			for i := range f.Parts {
				f.Parts[i].Location.Path = ev.path
			}
			f.Commit = &detectors.Commit{SHA: order[ev.commit].hash.String()}
			out = append(out, f)
			blobs = append(blobs, ev.blob)
		}
		for _, k := range here {
			reported[k] = true
		}
	}
	return out, blobs
}

// annotate fills in commit metadata, whether each secret is still at HEAD,
// and whether its commit is already on a remote-tracking ref.
func (s *scanner) annotate(ctx context.Context, refs refsInfo, out []detectors.Finding, blobs []plumbing.Hash) error {
	commits := map[plumbing.Hash]*detectors.Commit{}
	for i := range out {
		h := plumbing.NewHash(out[i].Commit.SHA)
		if c, ok := commits[h]; ok {
			out[i].Commit = c
			continue
		}
		c := out[i].Commit
		commits[h] = c
		obj, err := object.GetCommit(s.repo.Storer, h)
		if err != nil {
			return fmt.Errorf("read commit %s: %w", h, err)
		}
		c.Author = obj.Author.Name
		c.Email = obj.Author.Email
		c.Date = obj.Author.When.Format(time.RFC3339)
		c.Subject, _, _ = strings.Cut(strings.TrimSpace(obj.Message), "\n")
	}
	want := map[plumbing.Hash]bool{}
	for h := range commits {
		want[h] = true
	}
	pushed, err := s.g.reachable(ctx, refs.remotes, want)
	if err != nil {
		return err
	}
	for h, c := range commits {
		c.Pushed = pushed[h]
	}

	if refs.head.IsZero() {
		return nil
	}
	headNode := s.g.node(refs.head)
	if headNode.missing {
		return nil
	}
	head := map[string]plumbing.Hash{}
	s.trees.files(headNode.tree, "", head)
	inHead := make(map[plumbing.Hash]bool, len(head))
	for _, b := range head {
		inHead[b] = true
	}
	// Findings are shared per commit, but AtHead is per location: give each
	// finding its own copy before setting it.
	for i := range out {
		c := *out[i].Commit
		out[i].Commit = &c
		at := inHead[blobs[i]]
		if hb, ok := head[out[i].Path]; ok && !at {
			for _, f := range s.scanLate(hb, out[i].Path).findings {
				if f.RuleID == out[i].RuleID && f.Secret == out[i].Secret {
					at = true
					break
				}
			}
		}
		c.AtHead = at
	}
	return nil
}
