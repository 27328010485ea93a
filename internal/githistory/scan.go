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
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/content"
	"github.com/keyward/scan/internal/gitrepo"
	"github.com/keyward/scan/internal/pathfilter"
	"github.com/keyward/scan/internal/scanopt"
	"github.com/keyward/scan/internal/scanstate"
)

// Options select what history to scan.
type Options struct {
	// Path is the repository (a working tree, a directory inside one, a
	// bare repository or a linked worktree).
	Path string
	// Common's Threads bound the blob readers (git processes are capped at
	// the core count whatever it says).
	scanopt.Common

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

	// State, if set, makes the scan incremental: commits reachable from the
	// tips it recorded and blobs it has read are skipped, and locations it
	// has reported are not reported again (see package scanstate). The
	// caller commits and saves it after a complete scan. StateDigest
	// identifies the rules and settings; the scan adds the ignore file.
	State       *scanstate.State
	StateDigest scanstate.Digest

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
func Scan(ctx context.Context, sc *content.Scanner, opt Options) ([]detectors.Finding, detectors.Stats, error) {
	var stats detectors.Stats
	repo, err := gitrepo.Open(opt.Path)
	if err != nil {
		return nil, stats, err
	}
	defer repo.Close()
	if repo.Settings.SHA256 {
		return nil, stats, fmt.Errorf("%s: %w: the repository uses SHA-256 object names (extensions.objectFormat = sha256), which the history reader cannot read yet; scan the working tree with \"scan dir\" instead", opt.Path, gitrepo.ErrUnsupported)
	}
	return ScanRepo(ctx, sc, repo, opt)
}

// ScanRepo is Scan on an opened repository.
func ScanRepo(ctx context.Context, sc *content.Scanner, repo *gitrepo.Repo, opt Options) ([]detectors.Finding, detectors.Stats, error) {
	start := time.Now()
	var stats detectors.Stats
	opt.Threads = opt.Workers()
	shallow, err := repo.Storer.Shallow()
	if err != nil {
		return nil, stats, fmt.Errorf("read shallow list: %w", err)
	}
	if len(shallow) > 0 {
		stats.Warn(detectors.WarnShallow, "", fmt.Sprintf(
			"history is shallow: commits before %d boundary commit(s) are not in this clone and were not scanned (fetch with --unshallow for a full audit)", len(shallow)))
	}
	g := newGraph(repo.Storer, shallow)

	var known func(plumbing.Hash) bool
	if opt.State != nil {
		known = func(h plumbing.Hash) bool { return opt.State.Known(scanstate.ID(h)) }
	}
	refs, err := repo.ListRefsKnown(known)
	if err != nil {
		return nil, stats, err
	}
	for _, w := range refs.Warnings {
		stats.Warn(detectors.WarnRef, "", w)
	}
	if len(refs.Warnings) > 0 {
		stats.Incomplete = true
		if opt.State != nil {
			opt.State.Block("refs could not be read")
		}
	}

	tips := refs.All
	var excl []plumbing.Hash
	switch {
	case opt.LocalHeads:
		tips = refs.Heads
	case opt.Revs != nil:
		tips = nil
		for _, r := range opt.Revs {
			h, err := repo.Resolve(r)
			if err != nil {
				return nil, stats, err
			}
			tips = append(tips, h)
		}
	case opt.Branch != "":
		h, err := repo.Resolve(opt.Branch)
		if err != nil {
			return nil, stats, fmt.Errorf("--branch: %w", err)
		}
		tips = []plumbing.Hash{h}
	}
	if opt.SinceCommit != "" {
		h, err := repo.Resolve(opt.SinceCommit)
		if err != nil {
			return nil, stats, fmt.Errorf("--since-commit: %w", err)
		}
		excl = append(excl, h)
	}
	for _, r := range opt.Exclude {
		h, err := repo.Resolve(r)
		if err != nil {
			return nil, stats, err
		}
		excl = append(excl, h)
	}
	for _, r := range opt.ExcludeIfKnown {
		h, err := repo.Resolve(r)
		if err != nil {
			opt.ExcludeRemotes = true
			continue
		}
		excl = append(excl, h)
	}
	if opt.ExcludeRemotes {
		excl = append(excl, refs.Remotes...)
	}

	// The ignore file comes from what is already trusted: HEAD for a full
	// audit, the range's base for a range under review — a pull request
	// must not be able to silence itself by adding "*" to it.
	ignoreFrom, ignoreWhere := refs.Head, "HEAD"
	ranged := len(excl) > 0 || opt.SinceCommit != ""
	if ranged {
		ignoreFrom, ignoreWhere = plumbing.ZeroHash, "the range's base"
		if len(excl) > 0 {
			ignoreFrom = excl[0]
		}
	}
	if !opt.NoIgnoreFile {
		ign, err := ignoreFileAt(repo, ignoreFrom)
		if err != nil {
			stats.Warn(detectors.WarnIgnoreFile, pathfilter.IgnoreFile, fmt.Sprintf("at %s not used: %v", ignoreWhere, err))
		}
		opt.Keep = opt.Keep.And(ign)
	}

	if opt.State != nil {
		if ranged || !opt.Since.IsZero() || opt.MaxCommits > 0 {
			return nil, stats, errors.New("a scan state records whole histories: it cannot be combined with a range, --since or --max-commits")
		}
		st := opt.State
		if st.Start(stateDigest(repo, refs.Head, shallow, opt)) {
			var still []scanstate.ID
			for _, id := range st.Missing() {
				if repo.Storer.HasEncodedObject(plumbing.Hash(id)) != nil {
					still = append(still, id)
				}
			}
			if len(still) < len(st.Missing()) {
				st.Reset(fmt.Sprintf("%d object(s) missing at the last scan are present now", len(st.Missing())-len(still)))
			}
		}
		if st.Incremental() {
			if n := len(st.Missing()); n > 0 {
				var names []string
				for _, id := range st.Missing() {
					names = append(names, "blob "+plumbing.Hash(id).String()+" (missing at an earlier scan)")
					st.AddMissing(id)
				}
				stats.Incomplete = true
				stats.Warnings = append(stats.Warnings, namedWarnings(detectors.WarnMissingObject, "missing or unreadable git object", names)...)
			}
			// Commits scanned before, with their ancestors, are
			// left out of the walk.
			g.known = known
			opt.AllowEmpty = true
		}
		var ids []scanstate.ID
		for _, h := range tips {
			ids = append(ids, scanstate.ID(h))
		}
		opt.State.SetTips(ids)
	}

	commits, err := g.walk(ctx, tips, excl)
	if err != nil {
		if ctx.Err() != nil {
			stats.Interrupt()
			return nil, stats, nil
		}
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
	if len(commits) == 0 && len(refs.Missing) > 0 {
		// The range looks empty because its tips are missing, not
		// because there is nothing to scan.
		return nil, stats, fmt.Errorf("cannot read the history: %s", strings.Join(refs.Warnings, "; "))
	}
	if len(commits) == 0 && !opt.AllowEmpty {
		return nil, stats, fmt.Errorf("%w (use --allow-empty to treat that as a clean scan)", errEmptyRange)
	}
	order := topoOrder(commits)
	stats.Commits = int64(len(order))

	s := &scanner{
		ctx:     ctx,
		content: sc,
		g:       g,
		repo:    repo,
		opt:     opt,
		ranged:  ranged,
		jobs:    make(chan job, 256),
		blobs:   map[plumbing.Hash]*blobResult{},
	}
	events := s.run(order)
	stats.Merge(s.stats)
	if ctx.Err() != nil {
		// Interrupted: report what was found in the blobs read so far,
		// attributed as far as the diffs went, and say so.
		stats.Interrupt()
	}
	if len(s.submodules) > 0 {
		stats.Warn(detectors.WarnNotScanned, "", "submodule history is not scanned: "+strings.Join(s.submodules, ", ")+` (run "scan git" inside each)`)
	}
	for _, ch := range s.ignoreChanges {
		stats.Warn(detectors.WarnIgnoreFile, pathfilter.IgnoreFile, fmt.Sprintf("changed in commit %s; its new patterns were not applied to this scan — review the change", ch.commit.String()[:12]))
	}
	missing := append([]string(nil), g.missing...)
	for _, h := range s.trees.missing {
		missing = append(missing, "tree "+h.String())
	}
	if opt.State != nil && len(missing) > 0 {
		opt.State.Block("commits or trees could not be read")
	}
	missing = append(missing, s.missingBlobs...)
	if len(missing) > 0 {
		stats.Incomplete = true
		stats.Warnings = append(stats.Warnings, namedWarnings(detectors.WarnMissingObject, "missing or unreadable git object", missing)...)
	}

	out, blobs := s.attribute(order, events)
	if st := opt.State; st != nil {
		for _, n := range order {
			st.AddCommit(scanstate.ID(n.hash))
		}
		for h, r := range s.blobs {
			if r.state == blobScanned || r.state == blobSkipped {
				st.AddBlob(scanstate.ID(h), len(r.findings) > 0)
			}
		}
	}
	for _, ch := range s.ignoreChanges {
		out = append(out, ignoreChangedFinding(ch.commit))
		blobs = append(blobs, ch.blob)
	}
	if s.late != nil {
		s.late.src.Close()
	}
	if len(out) > 0 && ctx.Err() == nil {
		if err := s.annotate(ctx, refs, out, blobs); err != nil {
			return nil, stats, err
		}
	}
	stats.Duration = time.Since(start)
	return out, stats, nil
}

// stateDigest extends the caller's digest with what else decides the
// findings of a whole-history scan: the ignore file at HEAD, which refs
// are scanned, and the shallow boundary.
func stateDigest(repo *gitrepo.Repo, head plumbing.Hash, shallow []plumbing.Hash, opt Options) scanstate.Digest {
	h := sha256.New()
	h.Write(opt.StateDigest[:])
	// Deepening a shallow clone brings in ancestors of commits already
	// scanned, which an incremental walk would never reach.
	for _, c := range shallow {
		h.Write(c[:])
	}
	fmt.Fprintf(h, "\x00branch=%q localheads=%v revs=%q noignore=%v\x00", opt.Branch, opt.LocalHeads, opt.Revs, opt.NoIgnoreFile)
	if !head.IsZero() && !opt.NoIgnoreFile {
		data, err := repo.FileAt(head, pathfilter.IgnoreFile, pathfilter.MaxIgnoreFile)
		if err != nil {
			fmt.Fprintf(h, "error %v", err)
		}
		h.Write(data)
	}
	var d scanstate.Digest
	copy(d[:], h.Sum(nil))
	return d
}

// ignoreFileAt reads the ignore file in commit's tree; nil when the commit
// is zero or has none.
func ignoreFileAt(repo *gitrepo.Repo, commit plumbing.Hash) (*pathfilter.Ignore, error) {
	if commit.IsZero() {
		return nil, nil
	}
	data, err := repo.FileAt(commit, pathfilter.IgnoreFile, pathfilter.MaxIgnoreFile)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return nil, nil // a missing commit is reported by the walk
	}
	if err != nil || data == nil {
		return nil, err
	}
	return pathfilter.ParseIgnore(data), nil
}

func namedWarnings(kind detectors.WarningKind, what string, items []string) []detectors.Warning {
	var w []detectors.Warning
	for i, it := range items {
		if i == maxNamedWarnings {
			w = append(w, detectors.Warning{Kind: kind, Message: fmt.Sprintf("%s: %d more not listed", what, len(items)-i)})
			break
		}
		w = append(w, detectors.Warning{Kind: kind, Message: what + ": " + it})
	}
	return w
}

// blobResult is what scanning one blob gave.
type blobResult struct {
	findings []detectors.Finding
	// state: scanned, skipped (binary, too large) or missing.
	state blobState
	// damaged: the object exists but reading it failed.
	damaged bool
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
	ctx     context.Context
	content *content.Scanner
	g       *graph
	repo    *gitrepo.Repo
	opt     Options
	trees   *treeCache
	jobs    chan job

	mu           sync.Mutex
	blobs        map[plumbing.Hash]*blobResult
	stats        detectors.Stats
	missingBlobs []string

	// ranged marks a scan of a range under review (see ignoreFileAt).
	ranged bool
	// late reads the blobs attribution needs after the workers are done.
	late *worker
	// submodules names the gitlinks met; ignoreChanges the commits in the
	// range that change the ignore file.
	submodules    []string
	ignoreChanges []ignoreChange
}

// ignoreChange is a commit in a range under review that changes the
// ignore file, and the ignore file's new blob.
type ignoreChange struct{ commit, blob plumbing.Hash }

// ignoreChangedFinding reports, at info, a change to the ignore file in a
// range under review (see detectors.IgnoreFileChangedRule).
func ignoreChangedFinding(commit plumbing.Hash) detectors.Finding {
	r := detectors.IgnoreFileChangedRule()
	return detectors.Finding{
		RuleID:   r.ID,
		Title:    r.Title,
		Severity: r.Severity,
		Service:  r.Service,
		Location: detectors.Location{Path: pathfilter.IgnoreFile, StartLine: 1, StartColumn: 1, EndLine: 1, EndColumn: 2},
		Secret:   pathfilter.IgnoreFile + "@" + commit.String(),
		Advice:   r.Advice,
		Commit:   &detectors.Commit{SHA: commit.String()},
	}
}

// maxGitProcesses bounds the git processes a scan starts, whatever
// --threads says: each costs memory and a file descriptor per pack.
var maxGitProcesses = runtime.NumCPU()

// run diffs every commit against its parents on this goroutine and feeds the
// new blobs to a bounded pool of readers, each with its own object store.
// A cancelled context stops it early; the events so far are returned.
func (s *scanner) run(order []*node) []event {
	s.trees = newTreeCache(s.repo.Storer)
	ctx := s.ctx
	var wg sync.WaitGroup
	for i := range s.opt.Threads {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := worker{s: s, rd: s.content.NewReader(), src: s.repo.NewBlobReader(ctx, s.opt.goGitOnly || i >= maxGitProcesses)}
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
	submodules := map[string]bool{}
	for i, n := range order {
		if ctx.Err() != nil {
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
			if nb.submodule {
				if !submodules[nb.path] {
					submodules[nb.path] = true
					s.submodules = append(s.submodules, nb.path)
				}
				return
			}
			if nb.path == pathfilter.IgnoreFile && s.ranged {
				s.ignoreChanges = append(s.ignoreChanges, ignoreChange{n.hash, nb.blob})
			}
			if !s.opt.Keep.Allows(nb.path) {
				s.stats.Skip("ignored")
				return
			}
			nb.path = paths.get(nb.path)
			events = append(events, event{commit: int32(i), newBlob: nb})
			if !queued[nb.blob] {
				queued[nb.blob] = true
				if st := s.opt.State; st != nil {
					// A blob read before needs reading again only if it
					// held findings, to attribute them at a new place.
					if seen, had := st.Seen(scanstate.ID(nb.blob)); seen && !had {
						return
					}
				}
				select {
				case s.jobs <- job{blob: nb.blob, path: nb.path, commit: n.hash}:
				case <-ctx.Done():
				}
			}
		})
	}
	close(s.jobs)
	wg.Wait()
	return events
}

// node finds a parent commit, loading it if the walk stopped short of it
// (a parent outside the range).
func (s *scanner) node(h plumbing.Hash) *node { return s.g.node(h) }

type worker struct {
	s   *scanner
	rd  *content.Reader
	src gitrepo.BlobReader
}

func (w *worker) scan(j job) {
	res, st := w.read(j)
	s := w.s
	s.mu.Lock()
	defer s.mu.Unlock()
	s.blobs[j.blob] = res
	s.stats.Merge(st)
	if res.state == blobMissing {
		if st := s.opt.State; st != nil {
			// An absent object is named again by every later scan until
			// it is fetched; one present but unreadable is not
			// remembered at all.
			if res.damaged {
				st.Block("blob " + j.blob.String() + " could not be read")
			} else {
				st.AddMissing(scanstate.ID(j.blob))
			}
		}
		s.missingBlobs = append(s.missingBlobs, fmt.Sprintf("blob %s (%s in commit %s)", j.blob, j.path, j.commit))
	}
}

// read streams one blob through the content layer. (Scanning only the
// lines changed against the parent version was measured on freqtrade:
// re-reading parents cost more than the engine saved.)
func (w *worker) read(j job) (*blobResult, detectors.Stats) {
	var st detectors.Stats
	src, size, err := w.src.Open(j.blob)
	if err != nil {
		if w.s.ctx.Err() != nil {
			// A cancel kills the git process; that says nothing about
			// the blob.
			return &blobResult{state: blobSkipped}, st
		}
		return &blobResult{state: blobMissing}, st
	}
	files := st.Files
	fs, err := w.rd.Scan(w.s.ctx, j.path, src, size, &st)
	switch {
	case errors.Is(err, content.ErrInterrupted) || w.s.ctx.Err() != nil:
		return &blobResult{state: blobSkipped, findings: fs}, st
	case err != nil:
		return &blobResult{state: blobMissing, damaged: true, findings: fs}, st
	case st.Files == files:
		return &blobResult{state: blobSkipped}, st
	}
	return &blobResult{state: blobScanned, findings: fs}, st
}

// scanLate scans a blob outside the range (a parent's version, HEAD's
// version) when attribution needs it.
func (s *scanner) scanLate(h plumbing.Hash, path string) *blobResult {
	if r := s.blobs[h]; r != nil {
		return r
	}
	if s.late == nil {
		s.late = &worker{s: s, rd: s.content.NewReader(), src: s.repo.NewBlobReader(s.ctx, true)}
	}
	r, _ := s.late.read(job{blob: h, path: path})
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
			if st := s.opt.State; st != nil {
				sk := st.Key(ev.path, f.RuleID, f.Secret)
				if st.Reported(sk) {
					reported[k] = true
					continue
				}
				st.AddReported(sk)
			}
			here = append(here, k)
			// The blob was scanned under one of its paths; this event
			// may name another. An archive member keeps its place
			// inside the archive.
			at := ev.path
			if f.Archive != "" && strings.HasPrefix(f.Path, f.Archive) {
				at = ev.path + f.Path[len(f.Archive):]
				f.Archive = ev.path
			}
			f.Path = at
			f.Parts = append([]detectors.Part(nil), f.Parts...)
			for i := range f.Parts {
				f.Parts[i].Location.Path = at
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
func (s *scanner) annotate(ctx context.Context, refs gitrepo.Refs, out []detectors.Finding, blobs []plumbing.Hash) error {
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
	pushed, err := s.g.reachable(ctx, refs.Remotes, want)
	if err != nil {
		return err
	}
	for h, c := range commits {
		c.Pushed = pushed[h]
	}

	if refs.Head.IsZero() {
		return nil
	}
	headNode := s.g.node(refs.Head)
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
