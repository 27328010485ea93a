package main

import (
	"os"
	"path/filepath"

	"github.com/keyward/scan/internal/gitrepo"
	"github.com/keyward/scan/report"
)

// provenance fills in where the scanned content came from, for SARIF: the
// absolute root, and, when root is inside a git work tree, the remote URL,
// commit and branch. It opens the repository through gitrepo, which runs
// nothing from its configuration and refuses metadata that could block (a
// FIFO for .git/config in the scanned tree), and gives up quietly:
// provenance is nice to have, never a reason to fail a scan. opened, if not
// nil, is the repository root names, already open (a commit hook's): opening
// it again costs the hook milliseconds.
func provenance(root string, opened *gitrepo.Repo, opt *report.Options) {
	if root == "" {
		root = "."
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return
	}
	if st, err := os.Stat(abs); err == nil && !st.IsDir() {
		abs = filepath.Dir(abs)
	}
	opt.Root = abs
	repo := opened
	if repo == nil {
		if repo, err = gitrepo.Open(abs); err != nil {
			return
		}
		defer repo.Close()
	}
	if !repo.Bare && resolvePath(repo.WorkTree) != resolvePath(abs) {
		// The scan starts below the top level: its paths are relative to
		// where it started, so the repository cannot be mapped onto them.
		return
	}
	if head, err := repo.Head(); err == nil {
		opt.Revision = head.Hash().String()
		if head.Name().IsBranch() {
			opt.Branch = head.Name().Short()
		}
	}
	if remote, err := repo.Remote("origin"); err == nil && len(remote.Config().URLs) > 0 {
		opt.Repository = remote.Config().URLs[0]
	}
}
