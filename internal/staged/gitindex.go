package staged

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"

	"github.com/keyward/scan/internal/gitrepo"
	"github.com/keyward/scan/internal/pathfilter"
)

// errNoGit says git is not installed; the go-git reader takes over.
var errNoGit = errors.New("git not installed")

// Empty trees: what HEAD is compared with before the first commit.
const (
	emptyTreeSHA1   = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
	emptyTreeSHA256 = "6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321"
)

// gitIndex reads staged changes where git is installed: the index and
// the objects in this process when it can (see localChanges and
// gitrepo.ObjectReader), with hardened git processes for the rest.
type gitIndex struct {
	ctx       context.Context
	repo      *gitrepo.Repo
	indexFile string
	objects   *gitrepo.ObjectReader
	shared    bool // objects belongs to the caller
	// gitDiff has git compare the index with HEAD even when this
	// process could (tests compare the two).
	gitDiff bool
	// prepared is the comparison Prepare made, if any.
	prepared *prepared
}

func newGitIndex(ctx context.Context, repo *gitrepo.Repo, indexFile string, opt Options) (*gitIndex, error) {
	if _, err := exec.LookPath("git"); err != nil {
		return nil, errNoGit
	}
	objects := opt.Objects
	g := &gitIndex{ctx: ctx, repo: repo, indexFile: indexFile, objects: objects, shared: objects != nil, gitDiff: opt.gitDiff}
	if p := opt.prepared; p != nil && objects != nil && p.objects == objects && p.indexFile == indexFile {
		g.prepared = p
	}
	if objects == nil {
		g.objects = gitrepo.NewObjectReader(ctx, repo.GitDir())
	}
	return g, nil
}

func (g *gitIndex) git(args ...string) ([]byte, error) {
	return runGit(g.ctx, g.repo.GitDir(), g.indexFile, args...)
}

func runGit(ctx context.Context, gitDir, indexFile string, args ...string) ([]byte, error) {
	cmd, err := gitrepo.HardenedCommand(ctx, gitDir, indexFile, args...)
	if err != nil {
		return nil, err
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("git %s: %s", args[0], msg)
	}
	return out, nil
}

// diffArgs compares the index with base, with git's own rename and copy
// detection, so that a renamed file's unchanged lines are not new.
func diffArgs(base string) []string {
	return []string{"diff-index", "--cached", "--raw", "-z", "-M", "--no-ext-diff", base}
}

// changes compares the index with HEAD (with the empty tree before the
// first commit): in this process when it can (or as Prepare already did),
// else with "git diff-index --cached -M", whose rename detection pairs a
// moved file with its source so that its unchanged lines are not new.
// Whatever the in-process comparison cannot settle, a damaged index
// included, goes to git, whose verdict stands.
func (g *gitIndex) changes() ([]change, error) {
	if g.prepared != nil {
		return g.prepared.changes, nil
	}
	if !g.gitDiff {
		if cs, err := compareInProcess(g.objects, g.indexFile); err == nil {
			return cs, nil
		}
	}
	base := "HEAD"
	if _, err := g.objects.ResolveCommit("HEAD"); errors.Is(err, gitrepo.ErrNoObject) {
		base = emptyTreeSHA1
		if g.repo.Settings.SHA256 {
			base = emptyTreeSHA256
		}
	} else if err != nil {
		return nil, fmt.Errorf("read HEAD: %w", err)
	}
	out, err := g.git(diffArgs(base)...)
	if err != nil {
		return nil, fmt.Errorf("read index: %w", err)
	}
	return parseRaw(out)
}

// compareInProcess compares the index file with HEAD's tree (the empty
// tree before the first commit) in this process; any error means git
// must.
func compareInProcess(objects *gitrepo.ObjectReader, indexPath string) ([]change, error) {
	tree := ""
	head, err := objects.ResolveCommit("HEAD")
	switch {
	case errors.Is(err, gitrepo.ErrNoObject):
	case err != nil:
		return nil, err
	default:
		if tree, err = objects.CommitTree(head); err != nil {
			return nil, err
		}
	}
	var cs []change
	err = withIndexFile(indexPath, func(idx *indexFile) error {
		cs, err = localChanges(idx, tree, objects.Object)
		return err
	})
	return cs, err
}

// parseRaw reads "git diff-index --raw -z" output:
// ":<old mode> <new mode> <old id> <new id> <status>\0<path>\0[<new path>\0]".
func parseRaw(out []byte) ([]change, error) {
	var changes []change
	fields := bytes.Split(out, []byte{0})
	for i := 0; i < len(fields); i++ {
		rec := string(fields[i])
		if rec == "" {
			continue
		}
		if !strings.HasPrefix(rec, ":") {
			return nil, fmt.Errorf("read index: unexpected diff-index record %q", rec)
		}
		f := strings.Fields(rec[1:])
		if len(f) != 5 || i+1 >= len(fields) {
			return nil, fmt.Errorf("read index: unexpected diff-index record %q", rec)
		}
		newMode, oldID, newID, status := f[1], f[2], f[3], f[4]
		path := string(fields[i+1])
		i++
		if status[0] == 'R' || status[0] == 'C' {
			if i+1 >= len(fields) {
				return nil, fmt.Errorf("read index: rename without a destination in %q", rec)
			}
			path = string(fields[i+1])
			i++
		}
		// Deletions add nothing; unmerged paths cannot be committed; a
		// submodule's content is in another repository. A symlink's blob
		// (its target string) is published like a file's.
		if status[0] == 'D' || status[0] == 'U' || !(regularMode(newMode) || newMode == "120000") {
			continue
		}
		c := change{path: path, blob: newID}
		if status[0] != 'A' && strings.Trim(oldID, "0") != "" {
			c.base = oldID
		}
		changes = append(changes, c)
	}
	return changes, nil
}

func regularMode(m string) bool { return m == "100644" || m == "100755" || m == "100664" }

func (g *gitIndex) headIgnoreFile() (*pathfilter.Ignore, error) {
	head, err := g.objects.ResolveCommit("HEAD")
	if errors.Is(err, gitrepo.ErrNoObject) {
		return nil, nil // no commit yet: no trusted ignore file
	}
	if err != nil {
		return nil, fmt.Errorf("read HEAD: %w", err)
	}
	data, err := g.objects.TreeFile(head, pathfilter.IgnoreFile, pathfilter.MaxIgnoreFile)
	if err != nil {
		return nil, fmt.Errorf("read %s at HEAD: %w", pathfilter.IgnoreFile, err)
	}
	if data == nil {
		return nil, nil
	}
	return pathfilter.ParseIgnore(data), nil
}

func (g *gitIndex) open(blob string) (io.Reader, int64, error) { return g.objects.OpenID(blob) }

func (g *gitIndex) readAll(blob string, max int64) ([]byte, bool, error) {
	return readAllFrom(g.open, blob, max)
}

func (g *gitIndex) Close() error {
	if g.shared {
		return nil
	}
	return g.objects.Close()
}
