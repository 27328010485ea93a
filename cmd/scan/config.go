package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/config"
	"github.com/keyward/scan/internal/display"
	"github.com/keyward/scan/internal/gitrepo"
	"github.com/keyward/scan/internal/regularfile"
)

// loadConfig finds and loads the config: --config FILE, else the one the
// command says (the base of a git range), else .keyward.toml at the scanned
// root. No config is not an error; a broken one is.
func (f *scanFlags) loadConfig(cmd *cobra.Command, builtin []detectors.Rule) (*config.Config, error) {
	var cfg *config.Config
	var err error
	switch {
	case f.config != "" && f.trusted != nil:
		// A config file the user names is read at the trusted commit
		// too when it lies in the repository: a pull request must not
		// switch its own scan off by editing (or adding) it.
		name, data, rerr := f.trusted.userFile(f.config)
		switch {
		case rerr != nil:
			return nil, fmt.Errorf("--config: %w", rerr)
		case data == nil:
			return nil, fmt.Errorf("--config %s: the file does not exist at %s, where a range takes its settings from; commit it there first", f.config, f.trusted.rev)
		}
		cfg, err = config.Parse(name, data, builtin)
	case f.config != "":
		cfg, err = config.Load(f.config, builtin)
	case f.trusted != nil:
		name, data, rerr := f.trusted.file(config.FileName)
		switch {
		case rerr != nil:
			return nil, rerr
		case data != nil:
			cfg, err = config.Parse(name, data, builtin)
		}
	default:
		root := f.root
		if root == "" {
			root = "."
		}
		if st, serr := os.Stat(root); serr == nil && !st.IsDir() {
			root = filepath.Dir(root)
		}
		path := filepath.Join(root, config.FileName)
		if _, serr := os.Stat(path); errors.Is(serr, fs.ErrNotExist) {
			return nil, nil
		}
		cfg, err = config.Load(path, builtin)
	}
	if err != nil {
		return nil, err
	}
	if cfg != nil && f.verbose {
		fmt.Fprintf(cmd.ErrOrStderr(), "scan: settings from %s\n", display.Text(cfg.Path))
	}
	return cfg, nil
}

// repoRev is a commit of a repository that a scan takes its settings from.
// A range scan takes them from the range's base (a commit hook from HEAD),
// so that the commits under review cannot switch off the rules that would
// catch them.
type repoRev struct {
	repo, rev string
	// gitDir is the git directory when git named it (GIT_DIR in a hook).
	gitDir string

	// objects reads the commit's files in this process, or through one
	// hardened git cat-file, when git is installed: go-git indexes every
	// object of a pack before it reads the first, which a commit hook
	// would pay for each file.
	objects *gitrepo.ObjectReader
	commit  string // rev resolved, once objects is started
	started bool
	// opened is the repository, opened once for every read and for the
	// scan that follows (opening it costs a hook a few milliseconds).
	opened *gitrepo.Repo
}

// open opens the repository on first use; close closes it.
func (t *repoRev) open() (*gitrepo.Repo, error) {
	if t.opened != nil {
		return t.opened, nil
	}
	repo, err := gitrepo.OpenIn(t.repo, t.gitDir)
	if err != nil {
		return nil, err
	}
	t.opened = repo
	return repo, nil
}

// maxRepoFile bounds a config or baseline read from a commit.
const maxRepoFile = 16 << 20

// catFile starts the object reader on first use and resolves rev; nil when
// git cannot be used (then go-git reads the files).
func (t *repoRev) catFile() (*gitrepo.ObjectReader, error) {
	if t.started {
		return t.objects, nil
	}
	t.started = true
	repo, err := t.open()
	if err != nil {
		return nil, err
	}
	if _, err := exec.LookPath("git"); err != nil {
		return nil, nil
	}
	c := gitrepo.NewObjectReader(context.Background(), repo.GitDir())
	commit, err := c.ResolveCommit(t.rev)
	if err != nil {
		_, gitErr := c.Git()
		c.Close()
		if gitErr != nil {
			return nil, nil // git refuses the repository: go-git reads it
		}
		return nil, fmt.Errorf("resolve revision %q: %w", t.rev, err)
	}
	t.objects, t.commit = c, commit
	return c, nil
}

// resolves reports whether rev names a commit of the repository.
func (t *repoRev) resolves() bool {
	c, err := t.catFile()
	if err != nil {
		return false
	}
	if c != nil {
		return true
	}
	repo, err := t.open()
	if err != nil {
		return false
	}
	_, err = repo.Resolve(t.rev)
	return err == nil
}

// close stops the object reader, if one was started, and closes the
// repository, if it was opened.
func (t *repoRev) close() {
	if t == nil {
		return
	}
	if t.objects != nil {
		t.objects.Close()
		t.objects = nil
	}
	if t.opened != nil {
		t.opened.Close()
		t.opened = nil
	}
}

// file reads the file at name (slash-separated, relative to the
// repository's top level) as it is at the trusted commit, through git
// cat-file or gitrepo, neither of which runs anything from the
// repository's configuration. It returns nil data when the file does not
// exist at rev.
func (t *repoRev) file(name string) (string, []byte, error) {
	rev := t.rev
	c, err := t.catFile()
	if err != nil {
		return "", nil, err
	}
	if c != nil {
		data, err := c.TreeFile(t.commit, name, maxRepoFile)
		if err != nil || data == nil {
			return "", nil, err
		}
		return rev + ":" + name, data, nil
	}
	repo, err := t.open()
	if err != nil {
		return "", nil, err
	}
	h, err := repo.Resolve(rev)
	if err != nil {
		return "", nil, err
	}
	data, err := repo.FileAt(h, name, maxRepoFile)
	if err != nil || data == nil {
		return "", nil, err
	}
	return rev + ":" + name, data, nil
}

// userFile reads a file the user named (a path on disk: a baseline, a
// config) as it is at the trusted commit when the path lies inside the
// repository's working tree, so that the commits under review cannot
// accept their own secrets by editing it. A file outside the repository
// is read from disk. data is nil when the commit has no such file.
func (t *repoRev) userFile(file string) (name string, data []byte, err error) {
	repo, err := t.open()
	if err != nil {
		return "", nil, err
	}
	top := repo.WorkTree
	rel, inside := pathInside(top, file)
	if !inside {
		data, err := regularfile.ReadFile(file, maxRepoFile)
		return file, data, err
	}
	return t.file(rel)
}

// pathInside returns file's slash-separated path relative to top, and
// whether it lies inside top. Both sides are resolved through symlinks
// first: on macOS /tmp is /private/tmp, and runners reach work directories
// through links, so comparing the paths as spelled would put a file that
// is in the repository outside it (and read it from the working tree).
// The file itself is not followed: a link inside the repository is the
// repository's file.
func pathInside(top, file string) (string, bool) {
	if top == "" {
		return "", false
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return "", false
	}
	if top, err = filepath.Abs(top); err != nil {
		return "", false
	}
	top = resolvePath(top)
	abs = filepath.Join(resolvePath(filepath.Dir(abs)), filepath.Base(abs))
	rel, err := filepath.Rel(top, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// resolvePath resolves the symlinks in an absolute path; the part that does
// not exist (a file the working tree deleted) is kept as written.
func resolvePath(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	parent := filepath.Dir(p)
	if parent == p {
		return p
	}
	return filepath.Join(resolvePath(parent), filepath.Base(p))
}
