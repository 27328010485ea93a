package staged

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/keyward/scan/internal/gitrepo"
	"github.com/keyward/scan/internal/pathfilter"
	"github.com/keyward/scan/internal/regularfile"
)

// goGitIndex reads staged changes with go-git, where git is not installed.
type goGitIndex struct {
	repo  *gitrepo.Repo
	idx   *index.Index
	blobs gitrepo.BlobReader
}

// maxIndexFile bounds the index read into memory (a 100k-file repository
// has an index of about 10 MB).
const maxIndexFile = 512 << 20

func newGoGitIndex(repo *gitrepo.Repo, indexFile string) (*goGitIndex, error) {
	switch {
	case repo.Settings.SHA256:
		return nil, fmt.Errorf("read index: the repository uses SHA-256 object names (extensions.objectFormat = sha256), which need git installed for \"scan staged\"")
	case repo.Settings.SplitIndex:
		return nil, fmt.Errorf("read index: the repository uses a split index (core.splitIndex), which needs git installed for \"scan staged\"; or run \"git update-index --no-split-index\"")
	}
	f, _, err := regularfile.Open(indexFile, false)
	if err != nil {
		return nil, fmt.Errorf("read index: %w", err)
	}
	defer f.Close()
	idx := &index.Index{}
	if err := index.NewDecoder(io.LimitReader(f, maxIndexFile)).Decode(idx); err != nil {
		return nil, fmt.Errorf("read index %s: %w", indexFile, err)
	}
	return &goGitIndex{repo: repo, idx: idx, blobs: repo.NewBlobReader(context.Background(), true)}, nil
}

func (g *goGitIndex) headIgnoreFile() (*pathfilter.Ignore, error) {
	ref, err := g.repo.Head()
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return nil, nil // no commit yet: no trusted ignore file
	}
	if err != nil {
		return nil, fmt.Errorf("read HEAD: %w", err)
	}
	data, err := g.repo.FileAt(ref.Hash(), pathfilter.IgnoreFile, pathfilter.MaxIgnoreFile)
	if err != nil || data == nil {
		return nil, err
	}
	return pathfilter.ParseIgnore(data), nil
}

// changes lists the staged files whose content differs from HEAD. A file
// that appears under a new name with content HEAD had elsewhere is a pure
// rename and adds nothing; a renamed file with edits is compared with the
// removed file of the same base name, or else the removed file that shares
// most of its lines. (git's own rename detection is used where git is
// installed.)
func (g *goGitIndex) changes() ([]change, error) {
	head, err := headFiles(g.repo)
	if err != nil {
		return nil, err
	}
	inIndex := make(map[string]bool, len(g.idx.Entries))
	for _, e := range g.idx.Entries {
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
	for _, e := range g.idx.Entries {
		// Conflicted entries (stages 1-3) cannot be committed;
		// intent-to-add entries have no content yet; a gitlink's content
		// is in another repository. A symlink's target string counts.
		if e.Stage != 0 || e.IntentToAdd || !gitrepo.HasContent(e.Mode) {
			continue
		}
		base, inHead := head[e.Name]
		if inHead && base == e.Hash {
			continue
		}
		if !inHead {
			if removed[e.Hash] {
				continue
			}
			base = removedByBase[path.Base(e.Name)]
			if base.IsZero() {
				base = g.mostSimilar(e.Hash, removed)
			}
		}
		c := change{path: e.Name, blob: e.Hash.String()}
		if !base.IsZero() {
			c.base = base.String()
		}
		out = append(out, c)
	}
	return out, nil
}

// maxRenameCandidates bounds the removed files compared with a new one.
const maxRenameCandidates = 50

// mostSimilar finds the removed file that shares at least half its lines
// with blob, as git's rename detection would pair them (by lines, not
// bytes, which is close enough for telling edits from new text).
func (g *goGitIndex) mostSimilar(blob plumbing.Hash, removed map[plumbing.Hash]bool) plumbing.Hash {
	if len(removed) == 0 || len(removed) > maxRenameCandidates {
		return plumbing.ZeroHash
	}
	cur, ok, err := g.repo.ReadBlob(blob, maxDiffSide)
	if err != nil || !ok {
		return plumbing.ZeroHash
	}
	lines := map[string]bool{}
	for _, l := range strings.Split(string(cur), "\n") {
		lines[l] = true
	}
	var best plumbing.Hash
	bestScore := 0.5
	for h := range removed {
		old, ok, err := g.repo.ReadBlob(h, maxDiffSide)
		if err != nil || !ok {
			continue
		}
		oldLines := strings.Split(string(old), "\n")
		shared := 0
		for _, l := range oldLines {
			if lines[l] {
				shared++
			}
		}
		score := float64(shared) / float64(max(len(oldLines), len(lines)))
		if score > bestScore || (score == bestScore && !best.IsZero() && h.String() < best.String()) {
			best, bestScore = h, score
		}
	}
	return best
}

// headFiles maps HEAD's files to their blobs; empty before the first commit.
func headFiles(repo *gitrepo.Repo) (map[string]plumbing.Hash, error) {
	files := map[string]plumbing.Hash{}
	ref, err := repo.Head()
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return files, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read HEAD: %w", err)
	}
	c, err := object.GetCommit(repo.Storer, ref.Hash())
	if err != nil {
		return nil, fmt.Errorf("read HEAD commit %s: %w", ref.Hash(), err)
	}
	t, err := object.GetTree(repo.Storer, c.TreeHash)
	if err != nil {
		return nil, fmt.Errorf("read HEAD tree %s: %w", c.TreeHash, err)
	}
	w := object.NewTreeWalker(t, true, nil)
	defer w.Close()
	for {
		name, e, err := w.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read HEAD tree: %w", err)
		}
		if gitrepo.HasContent(e.Mode) {
			files[name] = e.Hash
		}
	}
	return files, nil
}

func (g *goGitIndex) open(blob string) (io.Reader, int64, error) {
	if !plumbing.IsHash(blob) {
		return nil, 0, fmt.Errorf("blob %q: not an object id", blob)
	}
	return g.blobs.Open(plumbing.NewHash(blob))
}

func (g *goGitIndex) readAll(blob string, max int64) ([]byte, bool, error) {
	return readAllFrom(g.open, blob, max)
}

func (g *goGitIndex) Close() error { return g.blobs.Close() }
