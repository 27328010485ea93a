package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyward/scan/internal/gittest"
)

func TestGitStateFlag(t *testing.T) {
	t.Parallel()
	dir := gittest.NewRepo(t)
	gittest.Write(t, dir, "a.cfg", gittest.SecretLine("st1"))
	gittest.Commit(t, dir, "a")
	state := filepath.Join(t.TempDir(), "history.state")

	code, _, errOut := runCLI(t, "git", dir, "--state", state, "--format", "json")
	if code != 1 || !strings.Contains(errOut, "full scan (no state yet)") {
		t.Fatalf("first run: exit %d, stderr %q", code, errOut)
	}
	code, out, errOut := runCLI(t, "git", dir, "--state", state, "--format", "json")
	if code != 0 || !strings.Contains(errOut, "incremental scan, 0 new commit(s)") || strings.Contains(out, "a.cfg") {
		t.Fatalf("nothing new: exit %d, stderr %q", code, errOut)
	}
	gittest.Write(t, dir, "b.cfg", gittest.SecretLine("st2"))
	gittest.Commit(t, dir, "b")
	code, out, errOut = runCLI(t, "git", dir, "--state", state, "--format", "json")
	if code != 1 || !strings.Contains(out, "b.cfg") || strings.Contains(out, "a.cfg") || !strings.Contains(errOut, "1 new commit(s)") {
		t.Fatalf("one new commit: exit %d, stderr %q, out %s", code, errOut, out)
	}
	// The same repository spelled another way (a symlink, as macOS's /tmp
	// is) keeps the state usable.
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(dir, link); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = runCLI(t, "git", link, "--state", state, "--format", "json")
	if code != 0 || !strings.Contains(errOut, "incremental scan, 0 new commit(s)") {
		t.Fatalf("same repository through a symlink: exit %d, stderr %q", code, errOut)
	}
	// A changed setting means a full scan, and says so.
	code, _, errOut = runCLI(t, "git", dir, "--state", state, "--format", "json", "--exclude", "nothing/**")
	if code != 1 || !strings.Contains(errOut, "full scan (the rule set or the scan settings changed") {
		t.Fatalf("changed settings: exit %d, stderr %q", code, errOut)
	}

	bad := filepath.Join(t.TempDir(), "bad.state")
	os.WriteFile(bad, []byte("not a state\n"), 0o600)
	code, _, errOut = runCLI(t, "git", dir, "--state", bad)
	if code != 2 || !strings.Contains(errOut, bad) {
		t.Fatalf("corrupt state: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = runCLI(t, "git", dir, "--state", state, "--since-commit", "HEAD~1")
	if code != 2 || !strings.Contains(errOut, "cannot be combined") {
		t.Fatalf("state with a range: exit %d, stderr %q", code, errOut)
	}
}
