package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The advice for a key in git history must be a command that works on
// the repository as it is: a key in the root commit cannot be reached
// with "git rebase -i SHA^", and the report says whether the key is still
// in the checked-out files.
func TestGitAdviceRootCommitAndHead(t *testing.T) {
	dir := gitRepo(t)
	creds := "AWS_ACCESS_KEY_ID=" + awsKeyID + "\nAWS_SECRET_ACCESS_KEY=" + awsSecret + "\n"
	os.WriteFile(filepath.Join(dir, "deploy.env"), []byte(creds), 0o644)
	gitIn(t, dir, "add", ".")
	gitIn(t, dir, "commit", "-q", "-m", "first")
	root := strings.TrimSpace(gitOut(t, dir, "rev-parse", "HEAD"))
	gitIn(t, dir, "rm", "-q", "deploy.env")
	gitIn(t, dir, "commit", "-q", "-m", "remove")

	_, out, errOut := runCLI(t, "git", dir)
	flat := strings.Join(strings.Fields(out), " ")
	for _, want := range []string{
		"the secret is only in history",
		"git rebase -i " + root[:8] + "^ (git rebase -i --root if " + root[:8] + " is the first commit)",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("git report lacks %q:\n%s%s", want, out, errOut)
		}
	}
	// The advised command works on this repository.
	cmd := exec.Command("git", "rebase", "-i", "--root")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_SEQUENCE_EDITOR=true", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("git rebase -i --root: %v\n%s", err, b)
	}

	// A key only in the last commit: amend it.
	os.WriteFile(filepath.Join(dir, "app.env"), []byte(creds), 0o644)
	gitIn(t, dir, "add", ".")
	gitIn(t, dir, "commit", "-q", "-m", "oops")
	_, out, _ = runCLI(t, "git", dir)
	flat = strings.Join(strings.Fields(out), " ")
	if !strings.Contains(flat, "the secret is still in the checked-out files (HEAD)") ||
		!strings.Contains(flat, "only in the last commit (HEAD): remove it, git add app.env, then git commit --amend") {
		t.Errorf("HEAD-only advice:\n%s", out)
	}
}

// The hook's advice for a committed env file untracks and ignores it.
func TestHookAdviceForEnvFile(t *testing.T) {
	dir := gitRepo(t)
	os.WriteFile(filepath.Join(dir, ".env"), []byte("AWS_ACCESS_KEY_ID="+awsKeyID+"\nAWS_SECRET_ACCESS_KEY="+awsSecret+"\n"), 0o644)
	gitIn(t, dir, "add", ".env")
	t.Chdir(dir)
	_, out, errOut := runCLI(t, "staged")
	all := out + errOut
	for _, want := range []string{"git rm --cached .env", "echo /.env >> .gitignore", "rotate"} {
		if !strings.Contains(all, want) {
			t.Errorf("hook advice lacks %q:\n%s", want, all)
		}
	}
}
