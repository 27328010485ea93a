// Package staged scans what is about to be committed: the index against
// HEAD (or against nothing, before the first commit), reading blobs from the
// object store the way `git commit` will, never the working tree. Only lines
// the commit adds are reported.
//
// It is the pre-commit hook's scan, so it must be quick and must never pass
// silently: an index it cannot read is an error, not a clean result.
package staged

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/utils/diff"
	ignore "github.com/sabhiram/go-gitignore"
	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/engine"
	"github.com/keyward/scan/internal/githistory"
)

// Options configure a staged scan.
type Options struct {
	// Path is the repository (or a directory inside its working tree).
	Path        string
	Keep        func(path string) bool
	MaxFileSize int64
}

// change is one staged file version and the version it replaces.
type change struct {
	path string
	blob plumbing.Hash
	// base is the HEAD blob it replaces (same path, or the source of a
	// rename); zero for a new file.
	base plumbing.Hash
}

// Scan scans the staged changes of the repository at opt.Path.
func Scan(ctx context.Context, eng *engine.Engine, opt Options) ([]detectors.Finding, detectors.Stats, error) {
	start := time.Now()
	var stats detectors.Stats
	if opt.Keep == nil {
		opt.Keep = func(string) bool { return true }
	}
	if opt.MaxFileSize <= 0 {
		opt.MaxFileSize = 1 << 62
	}
	repo, err := githistory.Open(opt.Path)
	if err != nil {
		return nil, stats, err
	}
	defer repo.Close()
	if repo.Bare {
		return nil, stats, fmt.Errorf("%s is a bare repository: it has no index to scan", opt.Path)
	}

	head, hasHead, err := headFiles(repo)
	if err != nil {
		return nil, stats, err
	}
	if _, err := repo.Filesystem().Stat("index"); err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			return nil, stats, fmt.Errorf("read index: %w", err)
		}
		if hasHead {
			return nil, stats, fmt.Errorf("read index: the repository has commits but no index file")
		}
		// A new repository where nothing was added yet: nothing staged.
		stats.Duration = time.Since(start)
		return nil, stats, nil
	}
	idx, err := repo.Storer.Index()
	if err != nil {
		return nil, stats, fmt.Errorf("read index: %w", err)
	}

	keep, err := withIgnoreFile(repo, idx, opt.Keep)
	if err != nil {
		return nil, stats, err
	}
	changes := diffIndex(idx, head, keep)
	var out []detectors.Finding
	for _, c := range changes {
		if err := ctx.Err(); err != nil {
			return nil, stats, err
		}
		fs, err := scanChange(repo, eng, c, opt.MaxFileSize, &stats)
		if err != nil {
			stats.Incomplete = true
			stats.Warnings = append(stats.Warnings, fmt.Sprintf("%s: %v", c.path, err))
			continue
		}
		out = append(out, fs...)
	}
	stats.Duration = time.Since(start)
	return out, stats, nil
}

// headFiles maps HEAD's files to their blobs; empty before the first commit.
func headFiles(repo *githistory.Repo) (map[string]plumbing.Hash, bool, error) {
	files := map[string]plumbing.Hash{}
	ref, err := repo.Head()
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return files, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read HEAD: %w", err)
	}
	c, err := object.GetCommit(repo.Storer, ref.Hash())
	if err != nil {
		return nil, false, fmt.Errorf("read HEAD commit %s: %w", ref.Hash(), err)
	}
	t, err := object.GetTree(repo.Storer, c.TreeHash)
	if err != nil {
		return nil, false, fmt.Errorf("read HEAD tree %s: %w", c.TreeHash, err)
	}
	w := object.NewTreeWalker(t, true, nil)
	defer w.Close()
	for {
		name, e, err := w.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, false, fmt.Errorf("read HEAD tree: %w", err)
		}
		if githistory.IsFile(e.Mode) {
			files[name] = e.Hash
		}
	}
	return files, true, nil
}

// IgnoreFile is read from the index (the version being committed), so that
// the hook's advice "add the path to .keywardignore" works at once.
const IgnoreFile = ".keywardignore"

func withIgnoreFile(repo *githistory.Repo, idx *index.Index, keep func(string) bool) (func(string) bool, error) {
	e, err := idx.Entry(IgnoreFile)
	if errors.Is(err, index.ErrEntryNotFound) {
		return keep, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read index: %w", err)
	}
	data, ok, err := repo.ReadBlob(e.Hash, 1<<20)
	if err != nil || !ok {
		return nil, fmt.Errorf("read staged %s: %v", IgnoreFile, err)
	}
	m := ignore.CompileIgnoreLines(strings.Split(string(data), "\n")...)
	return func(p string) bool { return keep(p) && !m.MatchesPath(p) }, nil
}

// diffIndex lists the staged files whose content differs from HEAD.
// Deleted files need nothing; a file that appears under a new name with
// content HEAD had elsewhere is a pure rename and adds nothing either.
func diffIndex(idx *index.Index, head map[string]plumbing.Hash, keep func(string) bool) []change {
	inIndex := make(map[string]bool, len(idx.Entries))
	for _, e := range idx.Entries {
		inIndex[e.Name] = true
	}
	removed := map[plumbing.Hash]bool{}
	removedByBase := map[string]plumbing.Hash{}
	for p, h := range head {
		if !inIndex[p] {
			removed[h] = true
			removedByBase[path.Base(p)] = h
		}
	}
	var out []change
	for _, e := range idx.Entries {
		// Conflicted entries (stages 1-3) cannot be committed (go-git's
		// index.Merged is 1, but a merged entry is stage 0 on disk); intent-to-add
		// entries have no content yet; gitlinks and symlinks hold none of ours.
		if e.Stage != 0 || e.IntentToAdd || !githistory.IsFile(e.Mode) {
			continue
		}
		base, inHead := head[e.Name]
		if inHead && base == e.Hash {
			continue
		}
		if !keep(e.Name) {
			continue
		}
		if !inHead {
			if removed[e.Hash] {
				continue
			}
			// A rename with edits: compare with the removed file of the same
			// name, if there is one, so only the edits count as added.
			base = removedByBase[path.Base(e.Name)]
		}
		out = append(out, change{path: e.Name, blob: e.Hash, base: base})
	}
	return out
}

// scanChange scans the new version whole, so that rules see each secret with
// its context, and keeps the findings that touch an added line.
func scanChange(repo *githistory.Repo, eng *engine.Engine, c change, max int64, st *detectors.Stats) ([]detectors.Finding, error) {
	data, ok, err := repo.ReadBlob(c.blob, max)
	if err != nil {
		return nil, err
	}
	if !ok {
		st.Skip("too large")
		return nil, nil
	}
	if engine.IsBinary(data) {
		st.Skip("binary")
		return nil, nil
	}
	st.Files++
	st.Bytes += int64(len(data))
	fs := eng.Scan(engine.Chunk{Path: c.path, Data: data, Line: 1, Column: 1})
	if len(fs) == 0 || c.base.IsZero() {
		return fs, nil
	}
	old, ok, err := repo.ReadBlob(c.base, max)
	if err != nil || !ok || engine.IsBinary(old) {
		// Without a readable old version every line counts as added: the
		// safe side for a hook.
		return fs, nil
	}
	added := addedLines(string(old), string(data))
	kept := fs[:0]
	for _, f := range fs {
		for l := f.StartLine; l <= f.EndLine; l++ {
			if added[l] {
				kept = append(kept, f)
				break
			}
		}
	}
	return kept, nil
}

// addedLines returns the 1-based numbers of the lines of dst that a line
// diff from src inserts.
func addedLines(src, dst string) map[int]bool {
	added := map[int]bool{}
	line := 1
	for _, d := range diff.DoWithTimeout(src, dst, 2*time.Second) {
		n := strings.Count(d.Text, "\n")
		if !strings.HasSuffix(d.Text, "\n") && d.Text != "" {
			n++ // a last line without newline
		}
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			for i := 0; i < n; i++ {
				added[line+i] = true
			}
			line += n
		case diffmatchpatch.DiffEqual:
			line += n
		}
	}
	return added
}
