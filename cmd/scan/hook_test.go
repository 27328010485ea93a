package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func gitRepo(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git binary")
	}
	dir := t.TempDir()
	for _, args := range [][]string{
		{"init", "-q", "-b", "main"},
		{"config", "user.email", "dev@example.com"},
		{"config", "user.name", "Dev"},
	} {
		gitIn(t, dir, args...)
	}
	return dir
}

func gitIn(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "core.hooksPath=/dev/null"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

// The hook path a developer takes: stage a secret, scan staged, fix it.
func TestStagedExitCodes(t *testing.T) {
	t.Parallel()
	dir := gitRepo(t)
	os.WriteFile(filepath.Join(dir, "README.md"), []byte("# bot\n"), 0o644)
	gitIn(t, dir, "add", "README.md")
	if code, _, errOut := runCLI(t, "staged", dir); code != 0 {
		t.Fatalf("clean first commit: exit %d (%s)", code, errOut)
	}
	gitIn(t, dir, "commit", "-q", "-m", "one")

	creds := filepath.Join(dir, "credentials")
	os.WriteFile(creds, []byte("[default]\naws_access_key_id = "+awsKeyID+"\naws_secret_access_key = "+awsSecret+"\n"), 0o644)
	gitIn(t, dir, "add", "credentials")
	code, out, _ := runCLI(t, "staged", dir)
	if code != 1 || !strings.Contains(out, "credentials:3") || strings.Contains(out, awsSecret) {
		t.Fatalf("staged secret: exit %d, output:\n%s", code, out)
	}
	// An unstaged edit does not change what is committed.
	os.WriteFile(creds, []byte("# moved to the environment\n"), 0o644)
	if code, _, _ := runCLI(t, "staged", dir); code != 1 {
		t.Errorf("unstaged fix: exit %d, want 1 (the index still holds the secret)", code)
	}
	gitIn(t, dir, "add", "credentials")
	if code, _, errOut := runCLI(t, "staged", dir); code != 0 {
		t.Errorf("staged fix: exit %d (%s)", code, errOut)
	}
}

func TestStagedOutsideRepositoryFails(t *testing.T) {
	t.Parallel()
	if code, _, _ := runCLI(t, "staged", t.TempDir()); code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
}

func TestInstallHook(t *testing.T) {
	t.Parallel()
	dir := gitRepo(t)
	hook := filepath.Join(dir, ".git", "hooks", "pre-commit")
	os.MkdirAll(filepath.Dir(hook), 0o755)
	os.WriteFile(hook, []byte("#!/bin/sh\necho mine\n"), 0o755)

	if code, _, _ := runCLI(t, "install-hook", "--binary", scanBinary(t), dir); code != 2 {
		t.Fatalf("a foreign hook must not be overwritten: exit %d", code)
	}
	if code, _, errOut := runCLI(t, "install-hook", "--binary", scanBinary(t), "--chain", dir); code != 0 {
		t.Fatalf("--chain: exit %d (%s)", code, errOut)
	}
	local, err := os.ReadFile(hook + ".local")
	if err != nil || !strings.Contains(string(local), "echo mine") {
		t.Fatalf("the existing hook was not kept: %v %q", err, local)
	}
	script, _ := os.ReadFile(hook)
	if !strings.Contains(string(script), "staged") || !strings.Contains(string(script), "pre-commit.local") {
		t.Errorf("hook does not run scan staged after the kept hook:\n%s", script)
	}
	if info, _ := os.Stat(hook); info.Mode()&0o111 == 0 {
		t.Error("hook is not executable")
	}
	// Installing again over our own hook is fine.
	if code, _, errOut := runCLI(t, "install-hook", "--binary", scanBinary(t), dir); code != 0 {
		t.Errorf("reinstall: exit %d (%s)", code, errOut)
	}
	if code, _, _ := runCLI(t, "install-hook", "--binary", scanBinary(t), "--pre-push", dir); code != 0 {
		t.Errorf("--pre-push: exit %d", code)
	}
	if _, err := os.Stat(filepath.Join(dir, ".git", "hooks", "pre-push")); err != nil {
		t.Errorf("pre-push hook missing: %v", err)
	}
}

// With core.hooksPath set, git never looks in .git/hooks: the hook goes
// into the configured directory (relative to the work tree, as git reads
// it), and a hook already there that scan did not write is refused with a
// way forward.
func TestInstallHookHonoursHooksPath(t *testing.T) {
	t.Parallel()
	dir := gitRepo(t)
	gitIn(t, dir, "config", "core.hooksPath", ".githooks")
	sub := filepath.Join(dir, "src")
	os.MkdirAll(sub, 0o755)
	// Run from a subdirectory: the relative setting still means <worktree>/.githooks.
	code, out, errOut := runCLI(t, "install-hook", "--binary", scanBinary(t), sub)
	if code != 0 {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}
	hook := filepath.Join(dir, ".githooks", "pre-commit")
	info, err := os.Stat(hook)
	if err != nil || info.Mode()&0o111 == 0 {
		t.Fatalf("hook not installed in core.hooksPath: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, ".git", "hooks", "pre-commit")); err == nil {
		t.Error("hook also written to .git/hooks, where git will not run it")
	}
	// git itself runs it: a commit with a staged key must reach the hook.
	marker := filepath.Join(dir, "ran")
	os.WriteFile(hook, []byte("#!/bin/sh\ntouch '"+marker+"'\n"), 0o755)
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("a\n"), 0o644)
	cmd := exec.Command("git", "commit", "-q", "-m", "x")
	cmd.Dir = dir
	exec.Command("git", "-C", dir, "add", "a.txt").Run()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("commit: %v %s", err, out)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Fatal("git did not run the hook from core.hooksPath; the test's premise is wrong")
	}

	// That hook is now foreign: refuse, and say how.
	code, _, errOut = runCLI(t, "install-hook", "--binary", scanBinary(t), dir)
	if code != 2 || !strings.Contains(errOut, "core.hooksPath") || !strings.Contains(errOut, "--chain") {
		t.Errorf("foreign hook in core.hooksPath: exit %d, stderr %q", code, errOut)
	}
}
