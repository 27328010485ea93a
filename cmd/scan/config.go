package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/config"
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
	case f.config != "":
		cfg, err = config.Load(f.config, builtin)
	case f.configAt != nil:
		name, data, rerr := f.configAt()
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
		fmt.Fprintf(cmd.ErrOrStderr(), "scan: settings from %s\n", cfg.Path)
	}
	return cfg, nil
}

// configAtRev reads .keyward.toml as it is at rev in the repository at
// path. A range scan takes its settings from the range's base, so that the
// commits under review cannot switch off the rules that would catch them.
// It returns nil data when the base has no config.
func configAtRev(path, rev string) (string, []byte, error) {
	return fileAtRev(path, rev, config.FileName)
}

// maxRepoFile bounds a config or baseline read from a commit.
const maxRepoFile = 16 << 20

// fileAtRev reads the file at name (slash-separated, relative to the
// repository's top level) as it is at rev, through gitrepo, which runs
// nothing from the repository's configuration. It returns nil data when
// the file does not exist at rev.
func fileAtRev(path, rev, name string) (string, []byte, error) {
	repo, err := gitrepo.Open(path)
	if err != nil {
		return "", nil, err
	}
	defer repo.Close()
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

// baselineAtRev reads the baseline the user named (a path on disk) as it
// is at rev, when the path lies inside the repository at repoPath: in a
// range scan the commits under review must not be able to accept their
// own secrets by editing the baseline. A baseline outside the repository
// is read from disk. data is nil when the base has no such file.
func baselineAtRev(repoPath, rev, file string) (name string, data []byte, err error) {
	repo, err := gitrepo.Open(repoPath)
	if err != nil {
		return "", nil, err
	}
	top := repo.WorkTree
	repo.Close()
	if top == "" {
		data, err := regularfile.ReadFile(file, maxRepoFile)
		return file, data, err
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return "", nil, err
	}
	rel, err := filepath.Rel(top, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		data, err := regularfile.ReadFile(file, maxRepoFile)
		return file, data, err
	}
	return fileAtRev(repoPath, rev, filepath.ToSlash(rel))
}
