package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyward/scan/internal/gittest"
)

// guiPath is the PATH a GUI git client may give hooks: no scan, no Go.
const guiPath = "PATH=/usr/bin:/bin"

// gitRun runs git (hooks enabled) in dir with env added to the fixture
// environment; it returns the exit code and the output.
func gitRun(t *testing.T, dir string, env []string, args ...string) (int, string) {
	t.Helper()
	gittest.NeedGit(t)
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(gittest.Env(), env...)
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), string(out)
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, string(out)
}

func installHookWith(t *testing.T, repo, bin string, extra ...string) {
	t.Helper()
	args := append([]string{"install-hook", "--binary", bin}, extra...)
	if code, out, errOut := runCLI(t, append(args, repo)...); code != 0 {
		t.Fatalf("install-hook: exit %d: %s%s", code, out, errOut)
	}
}

// The hook runs the binary it was installed with, by absolute path, from an
// environment whose PATH has neither scan nor Go (a GUI client); when that
// binary is gone it stops and says how to reinstall, and it never reaches
// for "go run …@latest".
func TestHookRunsItsOwnBinaryWithAMinimalPath(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/usr/bin/git"); err != nil {
		t.Skip("git is not in /usr/bin: cannot give hooks a minimal PATH")
	}
	dir := gittest.NewRepo(t)
	gittest.Write(t, dir, "README.md", "# bot\n")
	gittest.Commit(t, dir, "init")
	binDir := t.TempDir()
	bin := filepath.Join(binDir, "scan")
	if err := os.Symlink(scanBinary(t), bin); err != nil {
		t.Fatal(err)
	}
	installHookWith(t, dir, bin)
	script, _ := os.ReadFile(filepath.Join(dir, ".git/hooks/pre-commit"))
	if strings.Contains(string(script), "go run") || !strings.Contains(string(script), bin) {
		t.Errorf("hook does not run its own binary, or falls back to go run:\n%s", script)
	}

	gittest.Write(t, dir, "bot.cfg", gittest.SecretLine("gui"))
	gittest.Git(t, dir, "add", "bot.cfg")
	if code, out := gitRun(t, dir, []string{guiPath}, "commit", "-q", "-m", "key"); code == 0 || !strings.Contains(out, "bot.cfg") {
		t.Errorf("GUI PATH: the key was committed: exit %d\n%s", code, out)
	}
	gittest.Write(t, dir, "bot.cfg", "EXCHANGE=binance\n")
	gittest.Git(t, dir, "add", "bot.cfg")
	if code, out := gitRun(t, dir, []string{guiPath}, "commit", "-q", "-m", "clean"); code != 0 {
		t.Fatalf("GUI PATH: a clean commit was refused: exit %d\n%s", code, out)
	}

	os.Remove(bin)
	gittest.Write(t, dir, "notes.txt", "n\n")
	gittest.Git(t, dir, "add", "notes.txt")
	code, out := gitRun(t, dir, nil, "commit", "-q", "-m", "after removal")
	if code == 0 || !strings.Contains(out, "is gone") || !strings.Contains(out, "scan install-hook") {
		t.Errorf("binary removed: exit %d, want a refusal saying how to reinstall:\n%s", code, out)
	}
}

// A hook run by "git --git-dir=… --work-tree=… commit" scans the repository
// git names, even when the work tree lies inside another repository (whose
// clean index the hook must not scan instead), and in a linked worktree.
func TestHookHonoursGitDirAndWorkTree(t *testing.T) {
	t.Parallel()
	outer := gittest.NewRepo(t)
	gittest.Write(t, outer, "README.md", "outer\n")
	gittest.Commit(t, outer, "outer init")
	store := filepath.Join(t.TempDir(), "store.git")
	gittest.Git(t, filepath.Dir(store), "init", "-q", "--bare", store)
	wt := filepath.Join(outer, "deploy")
	if err := os.Mkdir(wt, 0o755); err != nil {
		t.Fatal(err)
	}
	installHookWith(t, store, scanBinary(t))
	sep := []string{"--git-dir=" + store, "--work-tree=" + wt}
	gittest.Write(t, wt, "README.md", "deploy\n")
	gittest.Git(t, outer, append(sep, "add", "README.md")...)
	if code, out := gitRun(t, outer, nil, append(sep, "commit", "-q", "-m", "clean")...); code != 0 {
		t.Fatalf("--git-dir/--work-tree: a clean commit was refused: exit %d\n%s", code, out)
	}
	gittest.Write(t, wt, "deploy.env", gittest.SecretLine("gitdir"))
	gittest.Git(t, outer, append(sep, "add", "deploy.env")...)
	if code, out := gitRun(t, outer, nil, append(sep, "commit", "-q", "-m", "key")...); code == 0 || !strings.Contains(out, "deploy.env") {
		t.Errorf("--git-dir/--work-tree: the key was committed (the hook scanned another repository?): exit %d\n%s", code, out)
	}

	// A linked worktree shares the main repository's hooks.
	linked := filepath.Join(t.TempDir(), "linked")
	gittest.Git(t, outer, "worktree", "add", "-q", "-b", "side", linked)
	installHookWith(t, outer, scanBinary(t))
	gittest.Write(t, linked, "side.env", gittest.SecretLine("linked"))
	gittest.Git(t, linked, "add", "side.env")
	if code, out := gitRun(t, linked, nil, "commit", "-q", "-m", "key"); code == 0 || !strings.Contains(out, "side.env") {
		t.Errorf("linked worktree: the key was committed: exit %d\n%s", code, out)
	}
	gittest.Write(t, linked, "side.env", "EXCHANGE=kraken\n")
	gittest.Git(t, linked, "add", "side.env")
	if code, out := gitRun(t, linked, nil, "commit", "-q", "-m", "clean"); code != 0 {
		t.Errorf("linked worktree: a clean commit was refused: exit %d\n%s", code, out)
	}
}

// Pushing to a second remote scans what that remote does not have, even
// when another remote's tracking ref already holds the commits: pushing a
// private mirror's history to a public remote must not pass as "0 files".
func TestPrePushToASecondRemote(t *testing.T) {
	t.Parallel()
	dir := gittest.NewRepo(t)
	private := filepath.Join(t.TempDir(), "private.git")
	public := filepath.Join(t.TempDir(), "public.git")
	for _, r := range []string{private, public} {
		gittest.Git(t, filepath.Dir(r), "init", "-q", "--bare", r)
	}
	gittest.Git(t, dir, "remote", "add", "origin", private)
	gittest.Git(t, dir, "remote", "add", "public", public)
	gittest.Write(t, dir, "README.md", "# bot\n")
	gittest.Commit(t, dir, "init")
	gittest.Write(t, dir, "bot.cfg", gittest.SecretLine("mirror"))
	gittest.Commit(t, dir, "key, pushed to the private mirror only")
	gittest.Git(t, dir, "push", "-q", "origin", "main")

	installHookWith(t, dir, scanBinary(t), "--pre-push")
	code, out := gitRun(t, dir, nil, "push", "-q", "public", "main")
	if code == 0 || !strings.Contains(out, "bot.cfg") {
		t.Errorf("the private history reached the public remote: exit %d\n%s", code, out)
	}
	if refs := gittest.Git(t, public, "for-each-ref"); refs != "" {
		t.Errorf("the public remote received %s", refs)
	}
	// Pushing to the remote that already has it publishes nothing new.
	gittest.Write(t, dir, "README.md", "# bot, v2\n")
	gittest.Commit(t, dir, "docs")
	if code, out := gitRun(t, dir, nil, "push", "-q", "origin", "main"); code != 0 {
		t.Errorf("a clean push to origin was refused: exit %d\n%s", code, out)
	}
}
