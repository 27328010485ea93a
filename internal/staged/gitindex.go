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

// gitIndex reads staged changes with hardened git processes.
type gitIndex struct {
	ctx       context.Context
	repo      *gitrepo.Repo
	indexFile string
	cat       *gitrepo.CatFile
	shared    bool // cat belongs to the caller
	early     *Diff
}

func newGitIndex(ctx context.Context, repo *gitrepo.Repo, indexFile string, objects *gitrepo.CatFile, early *Diff) (*gitIndex, error) {
	if _, err := exec.LookPath("git"); err != nil {
		return nil, errNoGit
	}
	if early != nil && (early.gitDir != repo.GitDir() || early.indexFile != indexFile) {
		early = nil // started on another repository or index: not this scan's
	}
	if objects != nil {
		return &gitIndex{ctx: ctx, repo: repo, indexFile: indexFile, cat: objects, shared: true, early: early}, nil
	}
	cat, err := gitrepo.StartCatFile(ctx, repo.GitDir())
	if err != nil {
		return nil, fmt.Errorf("read index: %w", err)
	}
	return &gitIndex{ctx: ctx, repo: repo, indexFile: indexFile, cat: cat, early: early}, nil
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

// Diff is "git diff-index" of an index against HEAD, started before the
// scan needs it: a commit hook otherwise waits for this git process after
// the one that reads objects has started and the rules are built, and the
// two can run side by side.
type Diff struct {
	gitDir, indexFile string
	done              chan struct{}
	out               []byte
	err               error
}

// diffArgs compares the index with base, with git's own rename and copy
// detection, so that a renamed file's unchanged lines are not new.
func diffArgs(base string) []string {
	return []string{"diff-index", "--cached", "--raw", "-z", "-M", "--no-ext-diff", base}
}

// StartDiff starts comparing the index a scan of repo would read
// (indexFile as Options.IndexFile) with HEAD; Options.Diff hands it to the
// scan. It returns nil where git is not installed. Before the first commit
// the scan compares with the empty tree itself.
func StartDiff(ctx context.Context, repo *gitrepo.Repo, indexFile string) *Diff {
	if _, err := exec.LookPath("git"); err != nil || repo.Bare {
		return nil
	}
	path, err := indexPath(repo, indexFile)
	if err != nil {
		return nil
	}
	d := &Diff{gitDir: repo.GitDir(), indexFile: path, done: make(chan struct{})}
	go func() {
		defer close(d.done)
		d.out, d.err = runGit(ctx, d.gitDir, d.indexFile, diffArgs("HEAD")...)
	}()
	return d
}

// changes runs "git diff-index --cached -M": the index against HEAD with
// git's own rename and copy detection, so a renamed file's unchanged lines
// are not new.
func (g *gitIndex) changes() ([]change, error) {
	base := "HEAD"
	if _, err := g.cat.ResolveCommit("HEAD"); err != nil {
		if !errors.Is(err, gitrepo.ErrNoObject) {
			return nil, fmt.Errorf("read HEAD: %w", err)
		}
		base = emptyTreeSHA1
		if g.repo.Settings.SHA256 {
			base = emptyTreeSHA256
		}
	}
	var out []byte
	var err error
	if base == "HEAD" && g.early != nil {
		<-g.early.done
		out, err = g.early.out, g.early.err
	} else {
		out, err = g.git(diffArgs(base)...)
	}
	if err != nil {
		return nil, fmt.Errorf("read index: %w", err)
	}
	return parseRaw(out)
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
	head, err := g.cat.ResolveCommit("HEAD")
	if errors.Is(err, gitrepo.ErrNoObject) {
		return nil, nil // no commit yet: no trusted ignore file
	}
	if err != nil {
		return nil, fmt.Errorf("read HEAD: %w", err)
	}
	data, err := g.cat.TreeFile(head, pathfilter.IgnoreFile, pathfilter.MaxIgnoreFile)
	if err != nil {
		return nil, fmt.Errorf("read %s at HEAD: %w", pathfilter.IgnoreFile, err)
	}
	if data == nil {
		return nil, nil
	}
	return pathfilter.ParseIgnore(data), nil
}

func (g *gitIndex) open(blob string) (io.Reader, int64, error) { return g.cat.OpenID(blob) }

func (g *gitIndex) readAll(blob string, max int64) ([]byte, bool, error) {
	return readAllFrom(g.open, blob, max)
}

func (g *gitIndex) Close() error {
	if g.shared {
		return nil
	}
	return g.cat.Close()
}
