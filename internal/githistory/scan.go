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
// Where git is installed, hardened git processes walk the history (rev-list),
// diff its trees (diff-tree) and read blobs (cat-file), beside this process
// on other cores; go-git reads what they cannot and everything where git is
// missing. Nothing from the repository's config is ever executed.
package githistory

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
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
	"github.com/keyward/scan/internal/source"
)

// Options select what history to scan.
type Options struct {
	// Path is the repository (a working tree, a directory inside one, a
	// bare repository or a linked worktree).
	Path string
	// GitDir, if set, is the repository's git directory and Path its work
	// tree (git's GIT_DIR and GIT_WORK_TREE, as hooks get them).
	GitDir string
	// Common's Threads bound the blob readers (git processes are capped at
	// the core count whatever it says).
	scanopt.Common

	// SinceCommit limits the scan to commits not reachable from this
	// revision (a pull request's base).
	SinceCommit string
	// Branch scans the history reachable from one revision (a branch, a
	// tag, a SHA) instead of from every ref: what a push to that branch
	// publishes, without other branches' unmerged commits.
	Branch string
	// Since drops commits committed before it.
	Since time.Time
	// MaxCommits keeps only the newest N commits of the range (0 = all).
	MaxCommits int
	// AllowEmpty makes an empty range a clean scan instead of an error.
	AllowEmpty bool
	// SettingsFrom, when set, is the trusted revision the ignore file is
	// read from (the base of a pull request whose whole merged history is
	// scanned), instead of HEAD or the range's base.
	SettingsFrom string

	// Revs, if set, replace every ref as starting points (pre-push).
	Revs []string
	// Exclude drops commits reachable from these revisions.
	Exclude []string
	// ExcludeIfKnown drops commits reachable from these commits when they
	// exist here (a remote's sha that was never fetched does not), and
	// otherwise falls back to ExcludeRemotes.
	ExcludeIfKnown []string
	// ExcludeRemotes drops commits reachable from any remote-tracking ref,
	// or only from Remote's when Remote is set.
	ExcludeRemotes bool
	// Remote is the destination of a push: what it has is what its own
	// tracking refs reach, never what another remote has (pushing a
	// private mirror's history to a public remote publishes it).
	Remote string
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
	repo, err := gitrepo.OpenIn(opt.Path, opt.GitDir)
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
	// The ignore file comes from what is already trusted: HEAD for a full
	// audit, the branch's tip for one branch's history, the range's base
	// for a range under review — a pull request must not be able to
	// silence itself by adding "*" to it.
	ignoreFrom, ignoreWhere := refs.Head, "HEAD"
	// Annotated tags whose messages are scanned: every tag in a full
	// audit, the tags being pushed in a push.
	tags := refs.Tags
	switch {
	case opt.LocalHeads:
		tips, tags = refs.Heads, nil
	case opt.Revs != nil:
		tips, tags = nil, nil
		for _, r := range opt.Revs {
			h, err := repo.Resolve(r)
			if err != nil {
				return nil, stats, err
			}
			tips = append(tips, h)
			if t, ok := tagObject(repo, r); ok && !slices.Contains(opt.ExcludeIfKnown, r) {
				tags = append(tags, t)
			}
		}
	case opt.Branch != "":
		h, err := repo.Resolve(opt.Branch)
		if err != nil {
			return nil, stats, fmt.Errorf("--branch: %w", err)
		}
		tips, tags = []plumbing.Hash{h}, nil
		ignoreFrom, ignoreWhere = h, opt.Branch
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
	switch {
	case opt.ExcludeRemotes && opt.Remote != "":
		excl = append(excl, refs.RemoteTips(opt.Remote)...)
	case opt.ExcludeRemotes:
		excl = append(excl, refs.Remotes...)
	}

	ranged := len(excl) > 0 || opt.SinceCommit != ""
	if ranged {
		ignoreFrom, ignoreWhere = plumbing.ZeroHash, "the range's base"
		if len(excl) > 0 {
			ignoreFrom = excl[0]
		}
		if opt.Revs == nil {
			tags = nil // a range under review scans its commits' messages only
		}
	}
	if opt.SettingsFrom != "" {
		h, err := repo.Resolve(opt.SettingsFrom)
		if err != nil {
			return nil, stats, fmt.Errorf("--settings-from: %w", err)
		}
		ignoreFrom, ignoreWhere = h, opt.SettingsFrom
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
			still := 0
			for _, present := range objectsPresent(ctx, repo, st.Missing()) {
				if !present {
					still++
				}
			}
			if still < len(st.Missing()) {
				st.Reset(fmt.Sprintf("%d object(s) missing at the last scan are present now", len(st.Missing())-still))
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
			// left out of the walk, and so are the annotated tags
			// whose messages were read.
			g.known = known
			opt.AllowEmpty = true
			var unread []plumbing.Hash
			for _, t := range tags {
				if !st.TagKnown(scanstate.ID(t)) {
					unread = append(unread, t)
				}
			}
			tags = unread
		}
		var ids []scanstate.ID
		for _, h := range tips {
			ids = append(ids, scanstate.ID(h))
		}
		opt.State.SetTips(ids)
	}

	var commits []*node
	ok := false
	if len(excl) == 0 && g.known == nil && !opt.goGitOnly {
		commits, ok = g.walkWithGit(ctx, repo.GitDir(), tips)
	}
	if !ok {
		commits, err = g.walk(ctx, tips, excl)
		if err == nil && g.known != nil && !opt.goGitOnly {
			g.loadParentsWithGit(ctx, repo.GitDir(), commits)
		}
	}
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
		ctx:      ctx,
		content:  sc,
		g:        g,
		repo:     repo,
		opt:      opt,
		ranged:   ranged,
		blobs:    map[plumbing.Hash]*blobResult{},
		reread:   map[classKey]*blobResult{},
		classes:  map[string]string{},
		messages: map[plumbing.Hash][]detectors.Finding{},
	}
	events := s.run(order, tags)
	defer s.trees.close()
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
	// Workers finish in any order: sorted, the named ones are the same
	// from one run to the next.
	slices.Sort(s.missingBlobs)
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
		for _, t := range tags {
			st.AddTag(scanstate.ID(t))
		}
		for h, r := range s.blobs {
			if r.state == blobScanned || r.state == blobSkipped {
				st.AddBlob(scanstate.ID(h), len(r.findings) > 0)
			}
		}
	}
	for _, ch := range s.ignoreChanges {
		f := detectors.IgnoreFileChanged(pathfilter.IgnoreFile, ch.commit.String())
		f.Commit = &detectors.Commit{SHA: ch.commit.String()}
		out = append(out, f)
		blobs = append(blobs, ch.blob)
	}
	msgs, err := s.messageFindings(order, tags)
	if err != nil {
		return nil, stats, err
	}
	out = append(out, msgs...)
	for range msgs {
		blobs = append(blobs, plumbing.ZeroHash)
	}
	if len(out) > 0 && ctx.Err() == nil {
		if err := s.annotate(ctx, refs, tips, out, blobs); err != nil {
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
	// path is the path the blob was read under; its findings hold at
	// every path of the same class (engine.PathClass).
	path string
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

	mu    sync.Mutex
	blobs map[plumbing.Hash]*blobResult
	// reread holds a blob's results under path classes other than the
	// one it was first read under (a fixture copied to config/).
	reread       map[classKey]*blobResult
	classMu      sync.Mutex
	classes      map[string]string // path -> engine.PathClass
	stats        detectors.Stats
	missingBlobs []string

	// ranged marks a scan of a range under review (see ignoreFileAt).
	ranged bool
	// submodules names the gitlinks met; ignoreChanges the commits in the
	// range that change the ignore file.
	submodules    []string
	ignoreChanges []ignoreChange
	// messages holds the findings in each scanned commit's or tag's
	// message.
	messages map[plumbing.Hash][]detectors.Finding
}

// ignoreChange is a commit in a range under review that changes the
// ignore file, and the ignore file's new blob.
type ignoreChange struct{ commit, blob plumbing.Hash }

// maxGitProcesses bounds the git processes a scan starts, whatever
// --threads says: each costs memory and a file descriptor per pack.
var maxGitProcesses = runtime.NumCPU()

// blobProcesses is how many cat-file processes read a scan's blobs: one
// for every two workers. One process inflates about twice as fast as one
// worker scans (hummingbot's 2.3 GB of blobs: some 8 s of git's CPU
// against 14 s of the engine's), and each more process rebuilds delta
// chains another one has already rebuilt: on this 2-core machine one
// process for hummingbot's blobs costs 8.3-9.4 s of CPU where two cost
// 10.1-11.2 s, and 5.1-5.4 s where two cost 7.3 s for freqtrade's.
func (s *scanner) blobProcesses() int {
	return min(max(s.opt.Threads/2, 1), maxGitProcesses)
}

// run diffs every commit against its parents and hands the new blobs and
// the messages to the shared pool (source.Scan) as items; a BlobStream
// inflates the blobs in git processes ahead of the workers. A cancelled
// context stops it early; the events so far are returned.
func (s *scanner) run(order []*node, tags []plumbing.Hash) []event {
	gitDir := s.repo.GitDir()
	if s.opt.goGitOnly {
		gitDir = ""
	}
	s.trees = newTreeCache(s.ctx, s.repo.Storer, gitDir)
	stream := s.repo.NewBlobStream(s.ctx, s.blobProcesses(), s.opt.goGitOnly)
	defer stream.Close()
	src := &diffSource{s: s, order: order, tags: tags, stream: stream}
	_, st, _ := source.Scan(s.ctx, s.content, src, source.Options{Workers: s.opt.Threads})
	s.stats.Merge(st)
	return src.events
}

// diffSource is the history as a source: every blob a commit introduces
// (once, however many commits share it) and every message.
type diffSource struct {
	s      *scanner
	order  []*node
	tags   []plumbing.Hash
	stream *gitrepo.BlobStream
	events []event
}

func (d *diffSource) Items(ctx context.Context, _ *detectors.Stats, yield func(source.Item) bool) error {
	s := d.s
	// queued holds the path each blob was first read under ("" when an
	// earlier run's state spared it), and again the other path classes
	// it is queued to be read under.
	queued := map[plumbing.Hash]string{}
	again := map[classKey]bool{}
	paths := internPaths{}
	submodules := map[string]bool{}
	// People paste tokens into commit and tag messages; git log shows
	// them to anyone with the repository.
	queueMessage := func(h plumbing.Hash, msg string) bool {
		if len(msg) < minMessage {
			return true
		}
		return yield(s.messageItem(h, msg))
	}
	for _, t := range d.tags {
		if tag, err := object.GetTag(s.repo.Storer, t); err == nil {
			if !queueMessage(t, tag.Message) {
				return nil
			}
		}
	}
	dt := s.startDiffTree(d.order)
	if dt != nil {
		defer dt.close()
	}
	for i, n := range d.order {
		if ctx.Err() != nil {
			break
		}
		if !queueMessage(n.hash, n.message) {
			break
		}
		n.message = ""
		parents := make([]plumbing.Hash, 0, len(n.parents))
		parentTrees := make([]plumbing.Hash, 0, len(n.parents))
		for _, p := range n.parents {
			pn := s.node(p)
			if pn != nil && !pn.missing {
				parents = append(parents, p)
				parentTrees = append(parentTrees, pn.tree)
			}
		}
		emit := func(nb newBlob) {
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
				s.mu.Lock()
				s.stats.Skip("ignored")
				s.mu.Unlock()
				return
			}
			nb.path = paths.get(nb.path)
			d.events = append(d.events, event{commit: int32(i), newBlob: nb})
			first, ok := queued[nb.blob]
			if !ok {
				queued[nb.blob] = ""
				if st := s.opt.State; st != nil {
					// A blob read before needs reading again only if it
					// held findings, to attribute them at a new place.
					if seen, had := st.Seen(scanstate.ID(nb.blob)); seen && !had {
						return
					}
				}
				queued[nb.blob] = nb.path
				yield(s.blobItem(d.stream, nb.blob, nb.path, n.hash, false))
				return
			}
			// The same bytes at a path of another kind (a fixture copied
			// to config/) are read again under it, in the same stream.
			if first != "" && first != nb.path {
				if k := (classKey{nb.blob, s.classOf(nb.path)}); k.class != s.classOf(first) && !again[k] {
					again[k] = true
					yield(s.blobItemAs(d.stream, nb.blob, nb.path, n.hash, true, true))
				}
			}
		}
		if len(parents) > 0 && dt != nil && dt.diff(n.hash, emit) {
			continue
		}
		s.trees.diffTrees(n.tree, parentTrees, "", emit)
	}
	return nil
}

// messageItem is a commit's or an annotated tag's message as an item.
func (s *scanner) messageItem(h plumbing.Hash, msg string) source.Item {
	return source.Item{
		Path:    MessagePath,
		NotFile: true,
		Open: func() (io.ReadCloser, int64, error) {
			return io.NopCloser(strings.NewReader(msg)), int64(len(msg)), nil
		},
		Result: func(r source.Result) []detectors.Finding {
			if r.Err != nil && s.ctx.Err() == nil {
				r.Stats.Incomplete = true
				r.Stats.Warn(detectors.WarnUnreadable, MessagePath, fmt.Sprintf("message of %s: %v", h, r.Err))
			}
			if len(r.Findings) > 0 {
				s.mu.Lock()
				s.messages[h] = r.Findings
				s.mu.Unlock()
			}
			return nil
		},
	}
}

// blobItem is one blob as an item: its result is kept per blob, for
// attribution. A late blob (a version outside the range, read for
// attribution) is only remembered: missing, it names no warning.
func (s *scanner) blobItem(stream *gitrepo.BlobStream, h plumbing.Hash, path string, commit plumbing.Hash, late bool) source.Item {
	return s.blobItemAs(stream, h, path, commit, late, false)
}

// blobItemAs is blobItem; a reread item keeps its result apart, under
// its path's class, and names nothing missing (the blob was read before).
func (s *scanner) blobItemAs(stream *gitrepo.BlobStream, h plumbing.Hash, path string, commit plumbing.Hash, late, reread bool) source.Item {
	pb := stream.Want(h)
	return source.Item{
		Path: path,
		Open: pb.Open,
		Result: func(r source.Result) []detectors.Finding {
			res := s.blobResult(r)
			res.path = path
			s.mu.Lock()
			defer s.mu.Unlock()
			if reread {
				s.reread[classKey{h, s.classOf(path)}] = res
				return nil
			}
			s.blobs[h] = res
			if res.state != blobMissing || late {
				return nil
			}
			if st := s.opt.State; st != nil {
				// An absent object is named again by every later scan
				// until it is fetched; one present but unreadable is not
				// remembered at all.
				if res.damaged {
					st.Block("blob " + h.String() + " could not be read")
				} else {
					st.AddMissing(scanstate.ID(h))
				}
			}
			s.missingBlobs = append(s.missingBlobs, fmt.Sprintf("blob %s (%s in commit %s)", h, path, commit))
			return nil
		},
	}
}

// blobResult says what reading a blob gave.
func (s *scanner) blobResult(r source.Result) *blobResult {
	switch {
	case !r.Opened && s.ctx.Err() != nil:
		// A cancel kills the git process; that says nothing about the
		// blob.
		return &blobResult{state: blobSkipped}
	case !r.Opened:
		return &blobResult{state: blobMissing}
	case errors.Is(r.Err, content.ErrInterrupted) || s.ctx.Err() != nil:
		return &blobResult{state: blobSkipped, findings: r.Findings}
	case r.Err != nil:
		return &blobResult{state: blobMissing, damaged: true, findings: r.Findings}
	case !r.Read:
		return &blobResult{state: blobSkipped}
	}
	return &blobResult{state: blobScanned, findings: r.Findings}
}

// lateBlob is a blob outside the range that attribution needs, and the
// path it is read under.
type lateBlob struct {
	blob plumbing.Hash
	path string
}

// classKey is a blob read under one path class.
type classKey struct {
	blob  plumbing.Hash
	class string
}

// resultAt is what the blob gave read under path: its first reading, or a
// reading under path's class when the first was under another.
func (s *scanner) resultAt(h plumbing.Hash, path string) *blobResult {
	res := s.blobs[h]
	if !s.elsewhere(res, path) {
		return res
	}
	if r := s.reread[classKey{h, s.classOf(path)}]; r != nil && r.state == blobScanned {
		return r
	}
	return res
}

// elsewhere reports whether res, a blob's first reading, was under a path
// of another class than path.
func (s *scanner) elsewhere(res *blobResult, path string) bool {
	return res != nil && res.state == blobScanned && res.path != path && s.classOf(res.path) != s.classOf(path)
}

// classOf is engine.PathClass, remembered: a history names the same
// paths in commit after commit.
func (s *scanner) classOf(path string) string {
	s.classMu.Lock()
	defer s.classMu.Unlock()
	c, ok := s.classes[path]
	if !ok {
		c = s.content.Engine().PathClass(path)
		s.classes[path] = c
	}
	return c
}

// scanLateBlobs reads, through the same pool, the blobs attribution needs
// that the range did not hold (a parent's version, a tip's version); each
// is read once, under the first path it is wanted at.
func (s *scanner) scanLateBlobs(want []lateBlob) {
	var todo []lateBlob
	seen := map[plumbing.Hash]bool{}
	for _, w := range want {
		if !w.blob.IsZero() && s.blobs[w.blob] == nil && !seen[w.blob] {
			seen[w.blob] = true
			todo = append(todo, w)
		}
	}
	if len(todo) == 0 || s.ctx.Err() != nil {
		return
	}
	stream := s.repo.NewBlobStream(s.ctx, s.blobProcesses(), s.opt.goGitOnly)
	defer stream.Close()
	source.Scan(s.ctx, s.content, lateSource{s, stream, todo}, source.Options{Workers: s.opt.Threads})
}

type lateSource struct {
	s      *scanner
	stream *gitrepo.BlobStream
	blobs  []lateBlob
}

func (l lateSource) Items(ctx context.Context, _ *detectors.Stats, yield func(source.Item) bool) error {
	for _, b := range l.blobs {
		if !yield(l.s.blobItem(l.stream, b.blob, b.path, plumbing.ZeroHash, true)) {
			break
		}
	}
	return nil
}

// startDiffTree starts git's tree diff on every commit of order that has a
// parent to diff against; nil when git cannot be used. Root commits (and
// commits whose parents are all missing) are diffed with go-git: git would
// diff a commit it sees as a root against its own idea of its parents
// (grafts), not the scan's.
func (s *scanner) startDiffTree(order []*node) *diffTree {
	dir := s.repo.GitDir()
	if s.opt.goGitOnly || dir == "" {
		return nil
	}
	lines := make([]diffLine, 0, len(order))
	for _, n := range order {
		var ps []plumbing.Hash
		for _, p := range n.parents {
			if pn := s.node(p); pn != nil && !pn.missing {
				ps = append(ps, p)
			}
		}
		if len(ps) > 0 {
			lines = append(lines, diffLine{n.hash, ps})
		}
	}
	if len(lines) == 0 {
		return nil
	}
	dt, err := startDiffTree(s.ctx, dir, lines)
	if err != nil {
		return nil
	}
	return dt
}

// node finds a parent commit, loading it if the walk stopped short of it
// (a parent outside the range).
func (s *scanner) node(h plumbing.Hash) *node { return s.g.node(h) }

// scanLate is the result of a blob outside the range that attribution
// needs (read ahead by scanLateBlobs); read on its own if it was not.
func (s *scanner) scanLate(h plumbing.Hash, path string) *blobResult {
	if r := s.blobs[h]; r != nil {
		return r
	}
	s.scanLateBlobs([]lateBlob{{h, path}})
	if r := s.blobs[h]; r != nil {
		return r
	}
	return &blobResult{state: blobSkipped} // interrupted
}

type secretKey struct{ rule, secret string }

// attribute turns per-blob findings into per-location findings at the
// commit that introduced them.
// The second result holds each finding's blob.
//
// One secret is one finding per path, whichever rule claims it: when the
// words around an unchanged value change between commits, a different
// rule may claim it (an exchange rule first, the generic one later). The
// value was introduced once; the most specific rule that ever claimed it
// names it.
//
// A value that stands on several lines of one file is one finding, and a
// test value copied into several test files (one fixture key shared by a
// suite) is one finding too, with a note counting the other places: each
// copy is the same made-up or leaked value, and the reader's action on it
// is the same. Outside tests each path stays its own finding, since each
// is a copy to clean up.
func (s *scanner) attribute(order []*node, events []event) ([]detectors.Finding, []plumbing.Hash) {
	type locKey struct{ path, secret string }
	reported := map[locKey]int{} // index in out; -1 when an earlier run reported it
	inTests := map[string]int{}  // a test value's first finding, index in out
	morePaths := map[int]int{}   // index in out: test files holding the same value
	moreLines := map[int]int{}   // index in out: other lines of its file with the same value
	// The parents' versions a finding is checked against are read first,
	// together, through the pool.
	var late []lateBlob
	for _, ev := range events {
		if res := s.resultAt(ev.blob, ev.path); res != nil && len(res.findings) > 0 {
			for _, pb := range ev.parents {
				late = append(late, lateBlob{pb, ev.path})
			}
		}
	}
	s.scanLateBlobs(late)
	var out []detectors.Finding
	var blobs []plumbing.Hash
	for _, ev := range events {
		res := s.resultAt(ev.blob, ev.path)
		if res == nil || len(res.findings) == 0 {
			continue
		}
		// A secret the file already had in a parent was not introduced
		// here (an edit elsewhere in the file, a merge keeping one side).
		prior := map[string]bool{}
		for _, pb := range ev.parents {
			for _, f := range s.scanLate(pb, ev.path).findings {
				prior[f.Secret] = true
			}
		}
		var here []locKey
		type memberKey struct{ member, secret string } // an archive's members are files of their own
		inBlob := map[memberKey]int{}                  // index in out of this blob's finding of a value
		for _, f := range res.findings {
			k := locKey{ev.path, f.Secret}
			if i, ok := reported[k]; ok {
				if i >= 0 && moreSpecific(&f, &out[i]) {
					renameFinding(&out[i], &f)
				}
				continue
			}
			if prior[f.Secret] {
				continue
			}
			mk := memberKey{f.Path, f.Secret}
			if i, ok := inBlob[mk]; ok {
				if out[i].StartLine != f.StartLine {
					moreLines[i]++
				}
				if moreSpecific(&f, &out[i]) {
					renameFinding(&out[i], &f)
				}
				continue
			}
			testCopy := detectors.TestPath(ev.path) && f.Severity <= detectors.Low
			if i, ok := inTests[f.Secret]; ok && testCopy {
				morePaths[i]++
				reported[k] = i
				continue
			}
			if st := s.opt.State; st != nil {
				sk := st.Key(ev.path, f.RuleID, f.Secret)
				if st.Reported(sk) {
					reported[k] = -1 // reported by an earlier run
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
			inBlob[mk] = len(out)
			f.Commit = &detectors.Commit{SHA: order[ev.commit].hash.String()}
			if testCopy {
				if _, ok := inTests[f.Secret]; !ok {
					inTests[f.Secret] = len(out)
				}
			}
			out = append(out, f)
			blobs = append(blobs, ev.blob)
		}
		for i, k := range here {
			reported[k] = len(out) - len(here) + i
		}
	}
	// Notes are copied first: a finding shares its slices with the blob's
	// cached result.
	for i, n := range moreLines {
		out[i].Notes = append(append([]string(nil), out[i].Notes...), fmt.Sprintf("the same value is on %d more line(s) of this file", n))
	}
	for i, n := range morePaths {
		out[i].Notes = append(append([]string(nil), out[i].Notes...), fmt.Sprintf("the same value is in %d more test file(s)", n))
	}
	return out, blobs
}

// moreSpecific reports whether a names a value better than b: a service's
// rule over the generic one.
func moreSpecific(a, b *detectors.Finding) bool {
	return a.Service != "generic" && b.Service == "generic"
}

// renameFinding gives dst (kept where and when the value was introduced)
// the rule and description of src, a later and more specific claim.
func renameFinding(dst, src *detectors.Finding) {
	dst.RuleID, dst.Title, dst.Severity = src.RuleID, src.Title, src.Severity
	dst.Service, dst.Exchange, dst.Part = src.Service, src.Exchange, src.Part
	dst.Advice, dst.Notes = src.Advice, append([]string(nil), src.Notes...)
}

// annotate fills in commit metadata, whether each secret is still at the
// tip of a scanned ref, and whether its commit is already on a
// remote-tracking ref.
func (s *scanner) annotate(ctx context.Context, refs gitrepo.Refs, tips []plumbing.Hash, out []detectors.Finding, blobs []plumbing.Hash) error {
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
		c.Root = len(obj.ParentHashes) == 0
	}
	// A subject is printed in every report format: a secret pasted into
	// it is redacted here, at the source, so that no filter or writer can
	// let it through (a baselined message finding still has a subject).
	if conceal := s.messageSecrets(); conceal != nil {
		for _, c := range commits {
			c.Subject = conceal.Replace(c.Subject)
		}
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

	// Findings are shared per commit, but AtHead is per location: give each
	// finding its own copy before setting it.
	for i := range out {
		c := *out[i].Commit
		out[i].Commit = &c
	}
	// "Removed since" must be true of every ref the scan started from: a
	// secret at a feature branch's tip is not removed because HEAD lacks
	// it. HEAD (when scanned) is listed whole, so a secret moved to
	// another path still counts; other tips are looked up at the
	// finding's path.
	//
	// Both are read only as far as needed: the trees along a finding's
	// path answer the common case (the secret still in its file at HEAD),
	// HEAD is listed whole only when that fails, and the other tips are
	// read only when HEAD does not hold the secret — an incremental scan
	// of a mirror with thousands of refs would otherwise read every tip
	// commit and every HEAD tree for one new finding.
	var headTree plumbing.Hash
	if !refs.Head.IsZero() && slices.Contains(tips, refs.Head) {
		if hn := s.g.node(refs.Head); !hn.missing {
			headTree = hn.tree
		}
	}
	var inHead map[plumbing.Hash]bool
	listHead := func() {
		if inHead != nil || headTree.IsZero() {
			return
		}
		headFiles := map[string]plumbing.Hash{}
		s.trees.files(headTree, "", headFiles)
		inHead = make(map[plumbing.Hash]bool, len(headFiles))
		for _, b := range headFiles {
			inHead[b] = true
		}
	}
	// atTips gives the versions of a path at the tips, each once.
	var tipTrees map[plumbing.Hash]bool
	tipBlobs := map[string]map[plumbing.Hash]bool{}
	tipDirs := map[string]map[plumbing.Hash]bool{}
	atTips := func(path string) map[plumbing.Hash]bool {
		if tipTrees == nil {
			tipTrees = map[plumbing.Hash]bool{}
			for _, t := range tips {
				if n := s.g.node(t); !n.missing {
					tipTrees[n.tree] = true
				}
			}
		}
		if b, ok := tipBlobs[path]; ok {
			return b
		}
		b := s.trees.blobsAt(tipTrees, path, tipDirs)
		tipBlobs[path] = b
		return b
	}
	// holds says whether blob, the version of f's file at some tip, still
	// has f's secret (own is the blob f was found in).
	holds := func(f *detectors.Finding, own, blob plumbing.Hash) bool {
		if blob.IsZero() {
			return false
		}
		if blob == own {
			return true
		}
		for _, g := range s.scanLate(blob, filePath(f)).findings {
			if g.RuleID == f.RuleID && g.Secret == f.Secret {
				return true
			}
		}
		return false
	}
	// The versions holds reads are read first, together, through the
	// pool: HEAD's, then the other tips' for what HEAD does not hold.
	var ahead []lateBlob
	if !headTree.IsZero() {
		for i := range out {
			if !blobs[i].IsZero() {
				ahead = append(ahead, lateBlob{s.trees.blobAt(headTree, filePath(&out[i])), filePath(&out[i])})
			}
		}
		s.scanLateBlobs(ahead)
	}
	ahead = ahead[:0]
	for i := range out {
		f := &out[i]
		if blobs[i].IsZero() {
			continue
		}
		if !headTree.IsZero() {
			if holds(f, blobs[i], s.trees.blobAt(headTree, filePath(f))) {
				continue
			}
			listHead()
			if inHead[blobs[i]] {
				continue
			}
		}
		for b := range atTips(filePath(f)) {
			ahead = append(ahead, lateBlob{b, filePath(f)})
		}
	}
	s.scanLateBlobs(ahead)
	for i := range out {
		f := &out[i]
		if blobs[i].IsZero() {
			continue // a message: in history, at no path
		}
		at := false
		if !headTree.IsZero() {
			at = holds(f, blobs[i], s.trees.blobAt(headTree, filePath(f)))
			if !at {
				listHead()
				at = inHead[blobs[i]]
			}
		}
		if !at {
			for b := range atTips(filePath(f)) {
				if at = holds(f, blobs[i], b); at {
					break
				}
			}
		}
		f.Commit.AtHead = at
	}
	return nil
}

// filePath is the path in the tree of the file a finding is in (an
// archive member's archive).
func filePath(f *detectors.Finding) string {
	if f.Archive != "" {
		return f.Archive
	}
	return f.Path
}

// MessagePath is the location of a finding in a commit's or an annotated
// tag's message; the finding's commit says which.
const MessagePath = "(commit message)"

// tagMessagePath is the location of a finding in an annotated tag's
// message.
func tagMessagePath(name string) string { return "(message of tag " + name + ")" }

// minMessage is the shortest message worth scanning: no credential the
// rules know is shorter.
const minMessage = 8

// tagObject returns the annotated tag object rev names, if it names one
// by its id (what git gives a pre-push hook for a tag).
func tagObject(repo *gitrepo.Repo, rev string) (plumbing.Hash, bool) {
	if !plumbing.IsHash(rev) {
		return plumbing.ZeroHash, false
	}
	h := plumbing.NewHash(rev)
	if _, err := repo.Storer.EncodedObject(plumbing.TagObject, h); err != nil {
		return plumbing.ZeroHash, false
	}
	return h, true
}

// messageFindings turns the findings in messages into findings located at
// their commit (or tag), each secret reported once, at the oldest commit
// whose message has it.
func (s *scanner) messageFindings(order []*node, tags []plumbing.Hash) ([]detectors.Finding, error) {
	if len(s.messages) == 0 {
		return nil, nil
	}
	seen := map[secretKey]bool{}
	var out []detectors.Finding
	add := func(fs []detectors.Finding, commit plumbing.Hash, path string) {
		for _, f := range fs {
			k := secretKey{f.RuleID, f.Secret}
			if seen[k] {
				continue
			}
			seen[k] = true
			f.Path = path
			f.Parts = append([]detectors.Part(nil), f.Parts...)
			for i := range f.Parts {
				f.Parts[i].Location.Path = path
			}
			f.Commit = &detectors.Commit{SHA: commit.String()}
			out = append(out, f)
		}
	}
	for _, n := range order {
		add(s.messages[n.hash], n.hash, MessagePath)
	}
	for _, t := range tags {
		fs := s.messages[t]
		if len(fs) == 0 {
			continue
		}
		tag, err := object.GetTag(s.repo.Storer, t)
		if err != nil {
			return nil, fmt.Errorf("read tag %s: %w", t, err)
		}
		target, ok, err := s.repo.Peel(t)
		if err != nil || !ok {
			target = t // a tag of a tree or blob: the tag names the place
		}
		add(fs, target, tagMessagePath(tag.Name))
	}
	return out, nil
}

// messageSecrets replaces every secret found in a message with its
// redacted form; nil when no message had one.
func (s *scanner) messageSecrets() *strings.Replacer {
	var secrets []string
	for _, fs := range s.messages {
		for _, f := range fs {
			secrets = append(secrets, f.Secret)
			for _, p := range f.Parts {
				secrets = append(secrets, p.Secret)
			}
		}
	}
	if len(secrets) == 0 {
		return nil
	}
	// Longest first, so that a secret containing another is replaced whole.
	slices.SortFunc(secrets, func(a, b string) int { return len(b) - len(a) })
	pairs := make([]string, 0, 2*len(secrets))
	for _, sec := range secrets {
		if sec != "" {
			pairs = append(pairs, sec, detectors.Redact(sec))
		}
	}
	return strings.NewReplacer(pairs...)
}
