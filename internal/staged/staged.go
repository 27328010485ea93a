// Package staged scans what is about to be committed: the index against
// HEAD (or against nothing, before the first commit), reading blobs from the
// object store the way `git commit` will, never the working tree. Only lines
// the commit adds are reported; a renamed file is compared with its source,
// as `git diff -M` does.
//
// It is the pre-commit hook's scan, so it must be quick and must never pass
// silently: an index it cannot read is an error, not a clean result. Under
// `git commit -a` or `git commit <paths>` git hands the hook a temporary
// index (GIT_INDEX_FILE); Options.IndexFile carries it, and the scan reads
// that index, not .git/index.
//
// Where git is installed the index and the objects are read in this
// process for the common commit (a few files edited or added; see
// localChanges and gitrepo.ObjectReader), and through hardened git
// processes (gitrepo.HardenedCommand) for everything else: renames, which
// git's own rename detection pairs, split and sparse indexes, objects the
// in-process reader cannot find. Without git, go-git reads them.
package staged

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/utils/diff"
	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/content"
	"github.com/keyward/scan/internal/gitrepo"
	"github.com/keyward/scan/internal/pathfilter"
	"github.com/keyward/scan/internal/scanopt"
	"github.com/keyward/scan/internal/source"
)

// Options configure a staged scan.
type Options struct {
	// Path is the repository (or a directory inside its working tree).
	Path string
	// GitDir, if set, is the repository's git directory and Path its work
	// tree (git's GIT_DIR and GIT_WORK_TREE, as hooks get them).
	GitDir string
	// Common's Keep and NoIgnoreFile apply; the scan is sequential.
	scanopt.Common
	// IndexFile is the index to read instead of the repository's own (git
	// sets GIT_INDEX_FILE for hooks); a relative path is taken from the
	// current directory, as git does.
	IndexFile string
	// Objects, if set, is an object reader on the repository that the
	// scan uses (and leaves open) instead of opening its own.
	Objects *gitrepo.ObjectReader
	// Repo, if set, is the repository Path (and GitDir) name, already
	// opened; the scan uses it and leaves it open.
	Repo *gitrepo.Repo

	// goGitOnly reads with go-git even where git is installed (tests).
	goGitOnly bool
	// gitDiff has git compare the index with HEAD even where this
	// process could (tests).
	gitDiff bool
	// prepared is what Prepare read.
	prepared *prepared
}

// prepared is the index's comparison with HEAD, made by Prepare.
type prepared struct {
	objects   *gitrepo.ObjectReader
	indexFile string
	changes   []change
}

// Prepare does the part of a scan that needs no rules: the index's
// comparison with HEAD, where this process can make it (opt.Repo and
// opt.Objects set, git installed). A commit hook calls it while its rules
// are built on another core; Scan with the Options it returns uses what it
// found, and does everything else as without it.
func Prepare(opt Options) Options {
	if opt.Repo == nil || opt.Objects == nil || opt.goGitOnly || opt.gitDiff || opt.Repo.Bare {
		return opt
	}
	if _, err := exec.LookPath("git"); err != nil {
		return opt // the go-git reader compares without git
	}
	indexFile, err := indexPath(opt.Repo, opt.IndexFile)
	if err != nil {
		return opt
	}
	if cs, err := compareInProcess(opt.Objects, indexFile); err == nil {
		opt.prepared = &prepared{objects: opt.Objects, indexFile: indexFile, changes: cs}
	}
	return opt
}

// change is one staged file version and the version it replaces.
type change struct {
	path string
	blob string
	// base is the HEAD blob it replaces (same path, or the source of a
	// rename or copy); "" for a new file.
	base string
}

// maxDiffSide bounds what is read whole to find a file's added lines;
// past it every line of the new version counts as added (the safe side).
const maxDiffSide = 32 << 20

// Scan scans the staged changes of the repository at opt.Path.
func Scan(ctx context.Context, sc *content.Scanner, opt Options) ([]detectors.Finding, detectors.Stats, error) {
	start := time.Now()
	var stats detectors.Stats
	var err error
	repo := opt.Repo
	if repo == nil {
		if repo, err = gitrepo.OpenIn(opt.Path, opt.GitDir); err != nil {
			return nil, stats, err
		}
		defer repo.Close()
	}
	if repo.Bare {
		return nil, stats, fmt.Errorf("%s is a bare repository: it has no index to scan", opt.Path)
	}
	indexFile, err := indexPath(repo, opt.IndexFile)
	if err != nil {
		return nil, stats, err
	}
	if info, err := os.Lstat(indexFile); err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			return nil, stats, fmt.Errorf("read index: %w", err)
		}
		if _, err := repo.Head(); err == nil {
			return nil, stats, fmt.Errorf("read index: the repository has commits but no index file (%s)", indexFile)
		}
		// A new repository where nothing was added yet: nothing staged.
		stats.Duration = time.Since(start)
		return nil, stats, nil
	} else if !info.Mode().IsRegular() {
		return nil, stats, fmt.Errorf("read index: %s is not a regular file", indexFile)
	}

	idx, err := openIndex(ctx, repo, indexFile, opt)
	if err != nil {
		return nil, stats, err
	}
	defer idx.Close()

	// The ignore file is HEAD's, as a range takes its base's: a commit
	// that adds "*" to it must not silence its own secrets. A staged
	// change to it is named, and applies from the next commit on.
	keep := opt.Keep
	if !opt.NoIgnoreFile {
		ign, err := idx.headIgnoreFile()
		if err != nil {
			return nil, stats, err
		}
		keep = keep.And(ign)
	}
	changes, err := idx.changes()
	if err != nil {
		return nil, stats, err
	}
	src := &stagedSource{idx: idx, keep: keep, changes: changes, noIgnoreFile: opt.NoIgnoreFile}
	// One worker: a hook's change is small, and its objects are read
	// one at a time.
	found, st, err := source.Scan(ctx, sc, src, source.Options{Workers: 1})
	stats.Merge(st)
	stats.Duration = time.Since(start)
	return append(src.made, found...), stats, err
}

// stagedSource yields the staged versions to scan.
type stagedSource struct {
	idx          changeReader
	keep         pathfilter.Keep
	changes      []change
	noIgnoreFile bool
	// made holds the findings the source makes itself (a staged change to
	// the ignore file).
	made []detectors.Finding
}

func (s *stagedSource) Items(ctx context.Context, st *detectors.Stats, yield func(source.Item) bool) error {
	for _, c := range s.changes {
		if c.path == pathfilter.IgnoreFile && !s.noIgnoreFile {
			st.Warn(detectors.WarnIgnoreFile, pathfilter.IgnoreFile, "staged change not applied: this commit is scanned with the ignore file of HEAD; "+
				"to apply the new patterns, commit "+pathfilter.IgnoreFile+" on its own first")
			s.made = append(s.made, detectors.IgnoreFileChanged(pathfilter.IgnoreFile, c.blob))
		}
		if ctx.Err() != nil {
			break
		}
		if !s.keep.Allows(c.path) {
			st.Skip("ignored")
			continue
		}
		c := c
		it := source.Item{
			Path: c.path,
			Open: func() (io.ReadCloser, int64, error) {
				r, size, err := s.idx.open(c.blob)
				if err != nil {
					return nil, 0, err
				}
				return io.NopCloser(r), size, nil
			},
			Result: func(r source.Result) []detectors.Finding {
				if r.Err != nil {
					if ctx.Err() == nil {
						r.Stats.Incomplete = true
						r.Stats.Warn(detectors.WarnUnreadable, c.path, r.Err.Error())
					}
					return nil
				}
				return addedOnly(s.idx, c, r.Findings)
			},
		}
		if !yield(it) {
			break
		}
	}
	return nil
}

// addedOnly keeps the findings of a staged version (scanned whole, so
// that rules see each secret with its context) that touch an added line.
func addedOnly(idx changeReader, c change, fs []detectors.Finding) []detectors.Finding {
	if len(fs) == 0 || c.base == "" {
		return fs
	}
	old, ok1, err1 := idx.readAll(c.base, maxDiffSide)
	cur, ok2, err2 := idx.readAll(c.blob, maxDiffSide)
	if err1 != nil || err2 != nil || !ok1 || !ok2 {
		// Without a readable old version every line counts as added: the
		// safe side for a hook.
		return fs
	}
	// Whatever the bytes are, lines are lines: the content layer found
	// these findings on lines of the new version (in a binary file's text
	// regions too), and the ones on lines the old version already had
	// are not new.
	added := addedLines(string(old), string(cur))
	kept := fs[:0]
	for _, f := range fs {
		for l := f.StartLine; l <= f.EndLine; l++ {
			if added[l] {
				kept = append(kept, f)
				break
			}
		}
	}
	return kept
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

// changeReader reads staged changes: through git where it is installed,
// through go-git otherwise.
type changeReader interface {
	// changes lists the staged files whose content differs from HEAD.
	changes() ([]change, error)
	// headIgnoreFile returns HEAD's .keywardignore, nil if none (or no
	// HEAD yet).
	headIgnoreFile() (*pathfilter.Ignore, error)
	open(blob string) (io.Reader, int64, error)
	readAll(blob string, max int64) ([]byte, bool, error)
	Close() error
}

// indexPath is the index file a scan reads: the repository's own, or the
// one git named (GIT_INDEX_FILE), relative to the current directory.
func indexPath(repo *gitrepo.Repo, indexFile string) (string, error) {
	if indexFile == "" {
		return filepath.Join(repo.GitDir(), "index"), nil
	}
	if filepath.IsAbs(indexFile) {
		return indexFile, nil
	}
	abs, err := filepath.Abs(indexFile)
	if err != nil {
		return "", fmt.Errorf("index file %s: %w", indexFile, err)
	}
	return abs, nil
}

func openIndex(ctx context.Context, repo *gitrepo.Repo, indexFile string, opt Options) (changeReader, error) {
	if !opt.goGitOnly {
		g, err := newGitIndex(ctx, repo, indexFile, opt)
		if err == nil {
			return g, nil
		}
		if !errors.Is(err, errNoGit) {
			return nil, err
		}
	}
	return newGoGitIndex(repo, indexFile)
}

// readAllFrom reads a whole blob through open, up to max bytes.
func readAllFrom(open func(string) (io.Reader, int64, error), blob string, max int64) ([]byte, bool, error) {
	src, size, err := open(blob)
	if err != nil {
		return nil, false, err
	}
	if size > max {
		return nil, false, nil
	}
	data := make([]byte, size)
	if _, err := io.ReadFull(src, data); err != nil {
		return nil, false, fmt.Errorf("blob %s: %w", blob, err)
	}
	return data, true, nil
}
