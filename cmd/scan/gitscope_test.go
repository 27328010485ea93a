package main

import (
	"os"
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
	t.Parallel()
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

// A range scan reached through a symlinked directory (/tmp is /private/tmp
// on macOS; runners link work directories) still reads the baseline and a
// --config file from the base when they lie in the repository, however
// each side is spelled: the pull request cannot accept its own secret.
func TestRangeSettingsThroughSymlinkedPaths(t *testing.T) {
	t.Parallel()
	parent := t.TempDir()
	real := filepath.Join(parent, "real")
	link := filepath.Join(parent, "link")
	if err := os.Mkdir(real, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, link); err != nil {
		t.Skip(err)
	}
	dir := filepath.Join(real, "repo")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	gittest.Git(t, dir, "init", "-q")
	gittest.Write(t, dir, "README.md", "# bot\n")
	gittest.Write(t, dir, "ci/keyward.toml", "[scan]\nexclude = [\"docs/**\"]\n")
	base := gittest.Commit(t, dir, "init")
	// The pull request: a key, a baseline accepting it, and a config
	// excluding everything.
	gittest.Write(t, dir, "bot.cfg", gittest.SecretLine("symlinked"))
	if code, _, errOut := runCLI(t, "baseline", "create", dir); code != 0 {
		t.Fatalf("baseline create: exit %d: %s", code, errOut)
	}
	gittest.Write(t, dir, "ci/keyward.toml", "[scan]\nexclude = [\"**\"]\n")
	gittest.Commit(t, dir, "add key, accept it, exclude everything")

	viaLink := filepath.Join(link, "repo")
	for _, tt := range []struct{ name, repo, files string }{
		{"repo through the link", viaLink, dir},
		{"files through the link", dir, viaLink},
	} {
		t.Run(tt.name, func(t *testing.T) {
			bl := filepath.Join(tt.files, ".keyward-baseline.json")
			code, out, errOut := runCLI(t, "git", "--since-commit", base, "--baseline", bl, tt.repo)
			if code != 1 || !strings.Contains(out, "bot.cfg") {
				t.Errorf("--baseline: the pull request accepted its own key: exit %d\n%s%s", code, out, errOut)
			}
			cfg := filepath.Join(tt.files, "ci/keyward.toml")
			code, out, errOut = runCLI(t, "git", "--since-commit", base, "--config", cfg, tt.repo)
			if code != 1 || !strings.Contains(out, "bot.cfg") {
				t.Errorf("--config: the pull request switched its own scan off: exit %d\n%s%s", code, out, errOut)
			}
		})
	}
	// A --config file the base does not have is an error that says so.
	gittest.Write(t, dir, "ci/new.toml", "[scan]\nexclude = [\"**\"]\n")
	gittest.Commit(t, dir, "new config")
	code, _, errOut := runCLI(t, "git", "--since-commit", base, "--config", filepath.Join(viaLink, "ci/new.toml"), dir)
	if code != 2 || !strings.Contains(errOut, "does not exist at "+base) {
		t.Errorf("a config added by the range: exit %d: %s", code, errOut)
	}
}

// A token pasted into a commit subject is reported, and no report format
// prints it in full (SARIF's properties.commit.subject, JSON, text).
func TestSubjectSecretIsRedactedInEveryFormat(t *testing.T) {
	t.Parallel()
	dir := gittest.NewRepo(t)
	gittest.Write(t, dir, "README.md", "# bot\n")
	gittest.Commit(t, dir, "init")
	gittest.Write(t, dir, "bot.cfg", gittest.SecretLine("file"))
	gittest.Commit(t, dir, "temporary token "+gittest.FakeToken("subject"))
	for _, format := range []string{"text", "json", "sarif"} {
		code, out, errOut := runCLI(t, "git", "--format", format, dir)
		if code != 1 {
			t.Errorf("%s: exit %d: %s", format, code, errOut)
		}
		if strings.Contains(out+errOut, gittest.FakeToken("subject")) {
			t.Errorf("%s: the subject's token is printed in full", format)
		}
		if !strings.Contains(out, "commit message") && !strings.Contains(out, "commit%20message") {
			t.Errorf("%s: the token in the message is not reported", format)
		}
	}
}

// A commit that also stages an ignore file of "*" is still scanned, and
// the text report names the change instead of saying nothing is staged.
func TestStagedIgnoreAllIsNotApplied(t *testing.T) {
	t.Parallel()
	dir := gittest.NewRepo(t)
	gittest.Write(t, dir, "README.md", "# bot\n")
	gittest.Commit(t, dir, "init")
	gittest.Write(t, dir, ".keywardignore", "*\n")
	gittest.Write(t, dir, "bot.cfg", gittest.SecretLine("ignore-all"))
	gittest.Git(t, dir, "add", ".")
	code, out, errOut := runCLI(t, "staged", "--format", "text", dir)
	if code != 1 || !strings.Contains(out, "bot.cfg") {
		t.Errorf("a staged ignore file of * silenced the commit: exit %d\n%s%s", code, out, errOut)
	}
	if strings.Contains(out+errOut, "no file is staged") || !strings.Contains(out+errOut, "ignore file of HEAD") {
		t.Errorf("the report does not name the staged ignore file:\n%s%s", out, errOut)
	}
}
