package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/keyward/scan/internal/gitrepo"
	"github.com/keyward/scan/internal/gittest"
	"github.com/keyward/scan/report"
)

func TestProvenanceOfWorkTree(t *testing.T) {
	t.Parallel()
	dir := gittest.NewRepo(t)
	gittest.Write(t, dir, "a.txt", "hello\n")
	head := gittest.Commit(t, dir, "one")
	gittest.Git(t, dir, "remote", "add", "origin", "https://example.com/team/bot.git")
	// The same from the repository a commit hook has already opened.
	opened, err := gitrepo.OpenIn(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	defer opened.Close()
	for _, repo := range []*gitrepo.Repo{nil, opened} {
		var opt report.Options
		provenance(dir, repo, &opt)
		if opt.Revision != head || opt.Branch != "main" || opt.Repository != "https://example.com/team/bot.git" {
			t.Errorf("opened %v: provenance = revision %q, branch %q, repository %q", repo != nil, opt.Revision, opt.Branch, opt.Repository)
		}
		// Below the top level, paths cannot be mapped onto the repository.
		sub := filepath.Join(dir, "sub")
		os.Mkdir(sub, 0o755)
		opt = report.Options{}
		provenance(sub, repo, &opt)
		if opt.Revision != "" {
			t.Errorf("opened %v: provenance below the top level = %q, want none", repo != nil, opt.Revision)
		}
	}
}

// Provenance is read from a repository in the scanned tree: metadata that
// could block (a FIFO for .git/config) is refused, not read.
func TestProvenanceRefusesBlockingMetadata(t *testing.T) {
	t.Parallel()
	dir, fifo := gittest.FIFOConfigRepo(t)
	done := make(chan report.Options, 1)
	go func() {
		var opt report.Options
		provenance(dir, nil, &opt)
		done <- opt
	}()
	select {
	case opt := <-done:
		if opt.Revision != "" || opt.Root == "" {
			t.Errorf("provenance = %+v", opt)
		}
	case <-time.After(30 * time.Second):
		os.WriteFile(fifo, nil, 0) // free the blocked reader
		t.Fatal("provenance blocked on a FIFO in .git")
	}
}
