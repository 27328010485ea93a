package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// githubToken is a second fake credential, built at run time.
var githubToken = "ghp_" + "R8sL2nV5qW9xK3mT7yB4cF6hJ1dG0pZ2aN5e"

func TestBaselineCommands(t *testing.T) {
	t.Parallel()
	dir := leakyDir(t)
	file := filepath.Join(t.TempDir(), "baseline.json")

	if code, _, errOut := runCLI(t, "baseline", "create", dir, "--output", file); code != 0 {
		t.Fatalf("create: exit %d: %s", code, errOut)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{awsSecret, awsKeyID, awsSecret[:8], awsKeyID[4:12]} {
		if strings.Contains(string(data), s) {
			t.Fatalf("baseline holds %q:\n%s", s, data)
		}
	}
	if code, _, _ := runCLI(t, "baseline", "create", dir, "--output", file); code != 2 {
		t.Errorf("create over an existing baseline: exit %d, want 2", code)
	}

	// Accepted: nothing to report, and the summary says what was dropped.
	code, out, errOut := runCLI(t, "dir", dir, "--baseline", file)
	if code != 0 || !strings.Contains(out+errOut, "suppressed 1 finding: 1 baseline") {
		t.Errorf("baselined scan: exit %d\n%s%s", code, out, errOut)
	}

	// Move the secret down and rename the file: still accepted.
	old := filepath.Join(dir, "credentials")
	body, _ := os.ReadFile(old)
	os.Remove(old)
	os.MkdirAll(filepath.Join(dir, "aws"), 0o755)
	os.WriteFile(filepath.Join(dir, "aws", "credentials.prod"), append([]byte("# moved here\n\n\n"), body...), 0o644)
	if code, out, errOut := runCLI(t, "dir", dir, "--baseline", file); code != 0 {
		t.Errorf("after a move and a rename: exit %d\n%s%s", code, out, errOut)
	}

	// A new secret still fails, and only it is reported.
	os.WriteFile(filepath.Join(dir, "release.sh"), []byte("export GITHUB_TOKEN="+githubToken+"\n"), 0o644)
	code, out, _ = runCLI(t, "dir", dir, "--baseline", file, "--format", "json")
	if code != 1 || !strings.Contains(out, "release.sh") || strings.Contains(out, "credentials.prod") {
		t.Errorf("new secret: exit %d, want 1 with only release.sh:\n%s", code, out)
	}

	if code, out, errOut := runCLI(t, "baseline", "check", dir, "--baseline", file); code != 0 || out != "" {
		t.Errorf("check with nothing stale: exit %d\n%s%s", code, out, errOut)
	}

	// A note survives an update that adds the new token.
	var raw map[string]any
	json.Unmarshal(data, &raw)
	raw["entries"].([]any)[0].(map[string]any)["note"] = "revoked 2025-02, rewrite pending"
	data, _ = json.MarshalIndent(raw, "", "  ")
	os.WriteFile(file, data, 0o644)
	if code, _, errOut := runCLI(t, "baseline", "update", dir, "--baseline", file); code != 0 {
		t.Fatalf("update: exit %d: %s", code, errOut)
	}
	data, _ = os.ReadFile(file)
	if !strings.Contains(string(data), "revoked 2025-02, rewrite pending") || strings.Count(string(data), `"fingerprint": "`) != 2 {
		t.Errorf("update lost the note or did not add the token:\n%s", data)
	}
	if code, _, _ := runCLI(t, "dir", dir, "--baseline", file); code != 0 {
		t.Errorf("after update: exit %d, want 0", code)
	}

	// The AWS key is removed: its entry is stale until pruned.
	os.Remove(filepath.Join(dir, "aws", "credentials.prod"))
	code, out, _ = runCLI(t, "baseline", "check", dir, "--baseline", file)
	if code != 1 || !strings.Contains(out, "stale\taws-secret-access-key\tcredentials\t") {
		t.Errorf("check after removal: exit %d, want 1 listing the AWS entry:\n%s", code, out)
	}
	if code, _, errOut := runCLI(t, "baseline", "update", dir, "--baseline", file, "--prune"); code != 0 {
		t.Fatalf("update --prune: exit %d: %s", code, errOut)
	}
	if code, _, _ := runCLI(t, "baseline", "check", dir, "--baseline", file); code != 0 {
		t.Errorf("check after prune: exit %d, want 0", code)
	}
}

func TestBaselineFlagErrors(t *testing.T) {
	t.Parallel()
	dir := leakyDir(t)
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"version": 1, "entries": "x"}`), 0o644)
	for _, args := range [][]string{
		{"dir", dir, "--baseline", filepath.Join(dir, "missing.json")},
		{"dir", dir, "--baseline", bad},
		{"baseline", "check", dir},
	} {
		if code, _, _ := runCLI(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

func TestBaselineOfHistory(t *testing.T) {
	t.Parallel()
	dir := gitRepo(t)
	writeFiles(t, dir, map[string]string{"credentials": "aws_access_key_id = " + awsKeyID + "\naws_secret_access_key = " + awsSecret + "\n"})
	gitIn(t, dir, "add", ".")
	gitIn(t, dir, "commit", "-q", "-m", "add credentials")
	gitIn(t, dir, "rm", "-q", "credentials")
	gitIn(t, dir, "commit", "-q", "-m", "remove credentials")

	if code, _, _ := runCLI(t, "baseline", "create", dir); code != 0 {
		t.Fatalf("create from the tree: exit %d", code)
	}
	// The tree is clean, so a baseline of it accepts nothing in history.
	if code, _, _ := runCLI(t, "git", dir, "--baseline", filepath.Join(dir, ".keyward-baseline.json")); code != 1 {
		t.Errorf("history scan against a tree baseline: exit %d, want 1", code)
	}
	if code, _, errOut := runCLI(t, "baseline", "create", dir, "--history", "--force"); code != 0 {
		t.Fatalf("create --history: exit %d: %s", code, errOut)
	}
	if code, out, errOut := runCLI(t, "git", dir, "--baseline", filepath.Join(dir, ".keyward-baseline.json")); code != 0 {
		t.Errorf("history scan against a history baseline: exit %d\n%s%s", code, out, errOut)
	}
}

// In a range scan the baseline, like the config, comes from the range's
// base: a pull request cannot accept its own secret by editing it.
func TestRangeScanTakesBaselineFromBase(t *testing.T) {
	t.Parallel()
	dir := gitRepo(t)
	writeFiles(t, dir, map[string]string{"README.md": "# bot\n"})
	gitIn(t, dir, "add", ".")
	gitIn(t, dir, "commit", "-q", "-m", "base")
	gitIn(t, dir, "checkout", "-q", "-b", "feature")
	writeFiles(t, dir, map[string]string{"ci/release.sh": "export GITHUB_TOKEN=" + githubToken + "\n"})
	if code, _, errOut := runCLI(t, "baseline", "create", dir); code != 0 {
		t.Fatalf("create: exit %d: %s", code, errOut)
	}
	gitIn(t, dir, "add", ".")
	gitIn(t, dir, "commit", "-q", "-m", "release script, and accept its token")

	file := filepath.Join(dir, ".keyward-baseline.json")
	code, out, errOut := runCLI(t, "git", dir, "--since-commit", "main", "--baseline", file, "--format", "json")
	if code != 1 || !strings.Contains(out, "release.sh") || !strings.Contains(errOut, "does not exist at the range's base") {
		t.Errorf("the range's own baseline accepted its secret: exit %d\n%s%s", code, out, errOut)
	}
	// Once the baseline is on the base branch, it applies.
	gitIn(t, dir, "checkout", "-q", "main")
	gitIn(t, dir, "merge", "-q", "--ff-only", "feature")
	gitIn(t, dir, "checkout", "-q", "-b", "next")
	writeFiles(t, dir, map[string]string{"notes.md": "notes\n", "ci/release.sh": "# moved\nexport GITHUB_TOKEN=" + githubToken + "\n"})
	gitIn(t, dir, "add", ".")
	gitIn(t, dir, "commit", "-q", "-m", "notes")
	if code, out, errOut := runCLI(t, "git", dir, "--since-commit", "main", "--baseline", file); code != 0 {
		t.Errorf("baseline from the base: exit %d\n%s%s", code, out, errOut)
	}
}
