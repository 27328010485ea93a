package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyward/scan/internal/gittest"
)

// branchyRepo has a rotated key in main's history and a key at the tip of
// an unmerged feature branch; main is checked out.
func branchyRepo(t *testing.T) string {
	t.Helper()
	dir := gittest.NewRepo(t)
	gittest.Write(t, dir, "README.md", "# bot\n")
	gittest.Commit(t, dir, "init")
	gittest.Write(t, dir, "main.cfg", gittest.SecretLine("main-old"))
	gittest.Commit(t, dir, "main key")
	gittest.Write(t, dir, "main.cfg", "rotated\n")
	gittest.Commit(t, dir, "rotate")
	gittest.Git(t, dir, "checkout", "-q", "-b", "feature")
	gittest.Write(t, dir, "feature.cfg", gittest.SecretLine("feature"))
	gittest.Commit(t, dir, "feature key")
	gittest.Git(t, dir, "checkout", "-q", "main")
	return dir
}

// A baseline made in a developer's clone covers the current branch only:
// an unmerged branch's secret is not accepted unseen, and a later scan of
// that branch still fails on it.
func TestBaselineHistoryCoversTheCurrentBranch(t *testing.T) {
	dir := branchyRepo(t)
	file := filepath.Join(t.TempDir(), "baseline.json")
	code, _, errOut := runCLI(t, "baseline", "create", "--history", "--output", file, dir)
	if code != 0 {
		t.Fatalf("create: exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "1 finding(s) accepted") || !strings.Contains(errOut, "reachable from HEAD") {
		t.Errorf("create accepted more than main's history, or did not say its scope:\n%s", errOut)
	}
	if code, out, errOut := runCLI(t, "git", "--branch", "feature", "--baseline", file, dir); code != 1 || !strings.Contains(out, "feature.cfg") {
		t.Errorf("the feature branch's key was accepted: exit %d\n%s%s", code, out, errOut)
	}
	// Every ref, when asked.
	code, _, errOut = runCLI(t, "baseline", "create", "--history", "--all-refs", "--force", "--output", file, dir)
	if code != 0 || !strings.Contains(errOut, "2 finding(s) accepted") {
		t.Errorf("--all-refs: exit %d: %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, "git", "--all-refs", "--branch", "main", dir); code != 2 {
		t.Errorf("--all-refs with --branch: exit %d, want 2: %s", code, errOut)
	}
}
