package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The advice for a key in git history must be a command that works on
// the repository as it is: a key in the root commit cannot be reached
// with "git rebase -i SHA^", one only in HEAD needs no rebase, and the
// report says whether the key is still in the checked-out files. Each
// case runs the printed commands and scans again: nothing may be left.
func TestGitAdviceRootCommitAndHead(t *testing.T) {
	t.Parallel()
	creds := "AWS_ACCESS_KEY_ID=" + awsKeyID + "\nAWS_SECRET_ACCESS_KEY=" + awsSecret + "\n"
	write := func(t *testing.T, dir, name, s string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	commit := func(t *testing.T, dir, msg string) string {
		gitIn(t, dir, "add", "-A")
		gitIn(t, dir, "commit", "-q", "-m", msg)
		return gitOut(t, dir, "rev-parse", "HEAD")
	}
	tests := []struct {
		name string
		// build makes the history and returns the commit that brought
		// the key in.
		build  func(t *testing.T, dir string) string
		atHead bool
		// from is what the advised rebase starts from ("" for --amend);
		// %s is the leaking commit's short id.
		from string
	}{
		{"root commit, still at HEAD", func(t *testing.T, dir string) string {
			write(t, dir, "deploy.env", creds)
			sha := commit(t, dir, "first")
			write(t, dir, "README.md", "# bot\n")
			commit(t, dir, "readme")
			return sha
		}, true, "--root"},
		{"root commit, removed since", func(t *testing.T, dir string) string {
			write(t, dir, "deploy.env", creds)
			write(t, dir, "README.md", "# bot\n")
			sha := commit(t, dir, "first")
			gitIn(t, dir, "rm", "-q", "deploy.env")
			commit(t, dir, "remove")
			return sha
		}, false, "--root"},
		{"root commit, changed since", func(t *testing.T, dir string) string {
			write(t, dir, "deploy.env", "REGION=eu-west-1\n"+creds)
			sha := commit(t, dir, "first")
			write(t, dir, "deploy.env", "REGION=eu-west-1\nAWS_PROFILE=bot\n")
			commit(t, dir, "keys from the profile")
			write(t, dir, "README.md", "# bot\n")
			commit(t, dir, "readme")
			return sha
		}, false, "--root"},
		{"inner commit, removed since", func(t *testing.T, dir string) string {
			write(t, dir, "README.md", "# bot\n")
			commit(t, dir, "first")
			write(t, dir, "deploy.env", creds)
			write(t, dir, "deploy.sh", "#!/bin/sh\n. ./deploy.env\n")
			sha := commit(t, dir, "deploy")
			gitIn(t, dir, "rm", "-q", "deploy.env")
			commit(t, dir, "remove")
			return sha
		}, false, "%s^"},
		{"inner commit, still at HEAD", func(t *testing.T, dir string) string {
			write(t, dir, "README.md", "# bot\n")
			commit(t, dir, "first")
			write(t, dir, "deploy.env", creds)
			sha := commit(t, dir, "deploy")
			write(t, dir, "README.md", "# bot\n\nRun deploy.sh.\n")
			commit(t, dir, "docs")
			return sha
		}, true, "%s^"},
		{"only in HEAD", func(t *testing.T, dir string) string {
			write(t, dir, "README.md", "# bot\n")
			commit(t, dir, "first")
			write(t, dir, "deploy.env", creds)
			return commit(t, dir, "oops")
		}, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := gitRepo(t)
			sha := tt.build(t, dir)
			short := sha[:8]
			code, out, errOut := runCLI(t, "git", dir)
			if code != 1 {
				t.Fatalf("scan git exit %d:\n%s%s", code, out, errOut)
			}
			flat := strings.Join(strings.Fields(out), " ")
			want := []string{"the secret is only in history"}
			if tt.atHead {
				want = []string{"the secret is still in the checked-out files (HEAD)"}
			}
			var not []string
			if tt.from == "" {
				want = append(want, "only in the last commit (HEAD): remove it, git add deploy.env, then git commit --amend")
				not = append(not, "git rebase")
			} else {
				from := strings.ReplaceAll(tt.from, "%s", short)
				want = append(want, "git rebase -i "+from+", marking "+short+` "edit"; take the secret out of deploy.env, git add deploy.env, git commit --amend and git rebase --continue`)
				if !tt.atHead {
					want = append(want, "keep that commit's version: git checkout --theirs deploy.env and git add deploy.env (git rm deploy.env if that commit deleted the file), then git rebase --continue (git rebase --skip if git says the commit is now empty)")
				}
				not = append(not, "only in the last commit")
				if from == "--root" {
					not = append(not, short+"^")
				} else {
					not = append(not, "--root")
				}
			}
			for _, w := range want {
				if !strings.Contains(flat, w) {
					t.Errorf("git report lacks %q:\n%s", w, out)
				}
			}
			for _, n := range not {
				if strings.Contains(flat, n) {
					t.Errorf("git report has %q:\n%s", n, out)
				}
			}

			// Follow the advice as printed. The only thing the user adds
			// is the edit itself, which never matches what a later commit
			// did to the file: the secret's lines replaced by a
			// placeholder.
			run := func(args ...string) (string, error) {
				cmd := exec.Command("git", append([]string{"-c", "core.hooksPath=/dev/null"}, args...)...)
				cmd.Dir = dir
				// The editors stand in for the user: mark the leaking
				// commit "edit" in the todo list, keep the message.
				cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
					"GIT_EDITOR=true", "GIT_SEQUENCE_EDITOR=sed -i -e 's/^pick "+sha[:7]+"/edit "+sha[:7]+"/'")
				b, err := cmd.CombinedOutput()
				if err != nil {
					return string(b), fmt.Errorf("git %s: %v\n%s", strings.Join(args, " "), err, b)
				}
				return string(b), nil
			}
			must := func(args ...string) {
				t.Helper()
				if _, err := run(args...); err != nil {
					t.Fatal(err)
				}
			}
			if tt.from != "" {
				must("rebase", "-i", strings.ReplaceAll(tt.from, "%s", short))
			}
			b, err := os.ReadFile(filepath.Join(dir, "deploy.env"))
			if err != nil {
				t.Fatal(err)
			}
			edited := strings.NewReplacer(awsKeyID, "${AWS_ACCESS_KEY_ID}", awsSecret, "${AWS_SECRET_ACCESS_KEY}").Replace(string(b))
			write(t, dir, "deploy.env", edited)
			must("add", "deploy.env")
			must("commit", "--amend")
			// The printed way through each stop of the rebase.
			rebasing := func() bool {
				_, err := os.Stat(filepath.Join(dir, ".git", "rebase-merge"))
				return err == nil
			}
			for i := 0; i < 5 && rebasing(); i++ {
				out, err := run("rebase", "--continue")
				if err == nil || !rebasing() {
					continue
				}
				if tt.atHead {
					t.Fatal(err)
				}
				st, _ := run("status", "--porcelain")
				switch {
				case strings.HasPrefix(st, "UD deploy.env"):
					must("rm", "-q", "deploy.env")
				case strings.HasPrefix(st, "UU deploy.env"):
					must("checkout", "--theirs", "deploy.env")
					must("add", "deploy.env")
				case strings.Contains(out, "now empty") || st == "":
					must("rebase", "--skip")
				default:
					t.Fatalf("git stopped where the advice says nothing: %v\nstatus %q", err, st)
				}
			}
			if st, _ := run("status"); strings.Contains(st, "rebase in progress") {
				t.Fatalf("the rebase did not end:\n%s", st)
			}
			if code, out, errOut := runCLI(t, "git", dir); code != 0 {
				t.Errorf("after following the advice, scan git exits %d:\n%s%s", code, out, errOut)
			}
		})
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

// After a push the advice comes first with revoking, then a rewrite a
// user can run as printed: git filter-repo refuses a clone that is not
// fresh, and dropping the file would drop a file the bot still uses, so
// the value is replaced in a fresh bare clone and pushed back. The remote
// must hold the key nowhere afterwards.
func TestGitAdviceAfterPush(t *testing.T) {
	t.Parallel()
	dir := gitRepo(t)
	remote := filepath.Join(t.TempDir(), "remote.git")
	gitIn(t, dir, "init", "-q", "--bare", remote)
	if err := os.WriteFile(filepath.Join(dir, "deploy.env"), []byte("REGION=eu-west-1\nAWS_ACCESS_KEY_ID="+awsKeyID+"\nAWS_SECRET_ACCESS_KEY="+awsSecret+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	gitIn(t, dir, "add", "deploy.env")
	gitIn(t, dir, "commit", "-q", "-m", "deploy")
	gitIn(t, dir, "remote", "add", "origin", remote)
	gitIn(t, dir, "push", "-q", "origin", "main")

	code, out, errOut := runCLI(t, "git", dir)
	if code != 1 {
		t.Fatalf("scan git exit %d:\n%s%s", code, out, errOut)
	}
	flat := strings.Join(strings.Fields(out), " ")
	for _, w := range []string{
		"pushed to a remote: revoke the key now — that comes first",
		`url="$(git remote get-url origin)", git clone --bare "$url" clean.git, cd clean.git`,
		`"literal:VALUE==>REMOVED" and run git filter-repo --replace-text FILE`,
		`git push --force --all "$url" and git push --force --tags "$url"`, "and clone again",
	} {
		if !strings.Contains(flat, w) {
			t.Errorf("advice lacks %q:\n%s", w, out)
		}
	}
	if _, err := exec.LookPath("git-filter-repo"); err != nil {
		t.Skip("git filter-repo is not installed: the printed commands cannot be run here")
	}
	sh := func(dir, script string) {
		t.Helper()
		cmd := exec.Command("sh", "-ec", script)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", script, err, b)
		}
	}
	values := filepath.Join(t.TempDir(), "values.txt")
	os.WriteFile(values, []byte("literal:"+awsKeyID+"==>REMOVED\nliteral:"+awsSecret+"==>REMOVED\n"), 0o600)
	// One shell, as the user types it: url is set in the repository and
	// used from the clone.
	sh(dir, `url="$(git remote get-url origin)"
git clone -q --bare "$url" clean.git
cd clean.git
git filter-repo --replace-text `+values+`
git push -q --force --all "$url"
git push -q --force --tags "$url"`)
	if code, out, errOut := runCLI(t, "git", remote); code != 0 {
		t.Errorf("after following the advice, the remote still holds the key: exit %d\n%s%s", code, out, errOut)
	}
}
