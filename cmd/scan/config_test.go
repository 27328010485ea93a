package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// acmeKey is a fake value for a custom rule, built at run time.
var acmeKey = "acme_live_" + "q7Xv2LpR9sKd4TmW8zYb3NcF6hJ1gE5a"

const acmeConfig = `[rules]
disable = ["github-token", "generic-secret"]

[[rule]]
id = "acme-api-key"
title = "ACME API key"
regex = '''\b(?P<secret>acme_live_[A-Za-z0-9]{32})\b'''
keywords = ["acme_live_"]
severity = "critical"
examples = ["ACME_KEY=ACME_VALUE"]

[[allowlist]]
description = "fixtures"
paths = ["fixtures/**"]
`

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestConfigFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		".keyward.toml":      strings.ReplaceAll(acmeConfig, "ACME_VALUE", acmeKey),
		"app/settings.py":    "ACME_KEY = '" + acmeKey + "'\n",
		"fixtures/creds.ini": "aws_access_key_id = " + awsKeyID + "\naws_secret_access_key = " + awsSecret + "\n",
		"ci/release.sh":      "export GITHUB_TOKEN=" + githubToken + "\n",
		"deploy/credentials": "aws_access_key_id = " + awsKeyID + "\naws_secret_access_key = " + awsSecret + "\n",
	})
	code, out, errOut := runCLI(t, "dir", dir, "--format", "json", "--verbose")
	if code != 1 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, `"rule_id": "acme-api-key"`) || !strings.Contains(out, "app/settings.py") {
		t.Errorf("the custom rule found nothing:\n%s", out)
	}
	if strings.Contains(out, "release.sh") {
		t.Errorf("a disabled rule still reported")
	}
	if strings.Contains(out, "fixtures/creds.ini") || !strings.Contains(out, "deploy/credentials") {
		t.Errorf("the allowlist dropped the wrong findings:\n%s", out)
	}
	if !strings.Contains(errOut, "path matches fixtures/** (fixtures in ") || !strings.Contains(out, `"config": 1`) {
		t.Errorf("the allowlisted finding is not counted and explained:\n%s", errOut)
	}

	// --config replaces the root's file.
	other := filepath.Join(t.TempDir(), "strict.toml")
	os.WriteFile(other, []byte("[scan]\nexclude = [\"deploy/**\"]\n"), 0o644)
	_, out, _ = runCLI(t, "dir", dir, "--format", "json", "--config", other)
	if !strings.Contains(out, "release.sh") || !strings.Contains(out, "fixtures/creds.ini") || strings.Contains(out, "deploy/credentials") || strings.Contains(out, "acme-api-key") {
		t.Errorf("--config did not replace the root's settings:\n%s", out)
	}
}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{".keyward.toml": "[scan]\nexclude = []\nmax-size = \"1MiB\"\n"})
	code, _, errOut := runCLI(t, "dir", dir)
	if code != 2 || !strings.Contains(errOut, ".keyward.toml:3: unknown key \"scan.max-size\"") {
		t.Errorf("unknown key: exit %d, stderr %q", code, errOut)
	}
	writeFiles(t, dir, map[string]string{".keyward.toml": "[[rule]]\nid = \"x-key\"\nregex = '(?P<secret>x_[a-z]{30})'\nkeywords = [\"x_\"]\nexamples = [\"x_tooshort\"]\n"})
	code, _, errOut = runCLI(t, "dir", dir)
	if code != 2 || !strings.Contains(errOut, ".keyward.toml:5: rule \"x-key\": example 1 is not found") {
		t.Errorf("failing example: exit %d, stderr %q", code, errOut)
	}
}

// In a range scan the settings come from the range's base: a pull request
// cannot switch off the rule that would catch it.
func TestRangeScanTakesConfigFromBase(t *testing.T) {
	t.Parallel()
	dir := gitRepo(t)
	writeFiles(t, dir, map[string]string{"README.md": "# bot\n"})
	gitIn(t, dir, "add", ".")
	gitIn(t, dir, "commit", "-q", "-m", "base")
	gitIn(t, dir, "checkout", "-q", "-b", "feature")
	writeFiles(t, dir, map[string]string{
		".keyward.toml": "[rules]\ndisable = [\"github-token\", \"generic-secret\"]\n",
		"ci/release.sh": "export GITHUB_TOKEN=" + githubToken + "\n",
	})
	gitIn(t, dir, "add", ".")
	gitIn(t, dir, "commit", "-q", "-m", "add release script")

	if code, out, errOut := runCLI(t, "git", dir, "--since-commit", "main", "--format", "json"); code != 1 || !strings.Contains(out, "release.sh") {
		t.Errorf("range scan used the config the range adds: exit %d\n%s%s", code, out, errOut)
	}
	// A full scan of the branch reads the working tree's config.
	if code, out, _ := runCLI(t, "git", dir, "--format", "json"); code != 0 {
		t.Errorf("full scan: exit %d\n%s", code, out)
	}
}

func TestConfigImportGitleaks(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		".gitleaks.toml": `title = "acme"
[[rules]]
id = "acme_live_key"
description = "ACME live key"
regex = '''acme_live_([A-Za-z0-9]{32})'''
keywords = ["acme_live_"]

[[rules.allowlists]]
commits = ["0123abcd"]

[allowlist]
paths = ['''(^|/)fixtures/''']
`,
		"app/settings.py":   "ACME_KEY = '" + acmeKey + "'\n",
		"fixtures/creds.py": "ACME_KEY = '" + acmeKey + "'\n",
	})
	out := filepath.Join(dir, ".keyward.toml")
	code, _, errOut := runCLI(t, "config", "import-gitleaks", filepath.Join(dir, ".gitleaks.toml"), "--output", out)
	if code != 0 || !strings.Contains(errOut, "not converted: rule \"acme_live_key\" allowlist 1: commits [0123abcd]") {
		t.Fatalf("import: exit %d\n%s", code, errOut)
	}
	if code, _, _ := runCLI(t, "config", "import-gitleaks", filepath.Join(dir, ".gitleaks.toml"), "--output", out); code != 2 {
		t.Errorf("import over an existing file: exit %d, want 2", code)
	}
	if code, stdout, errOut := runCLI(t, "config", "check", out); code != 0 || !strings.Contains(stdout, "1 custom rule(s)") {
		t.Errorf("config check: exit %d\n%s%s", code, stdout, errOut)
	}
	code, stdout, _ := runCLI(t, "dir", dir, "--format", "json")
	if code != 1 || !strings.Contains(stdout, `"rule_id": "acme-live-key"`) || strings.Contains(stdout, "fixtures/creds.py") {
		t.Errorf("scan with the imported config: exit %d\n%s", code, stdout)
	}
}

// A push, like a pull request, is a range under review: the config and
// baseline come from the commit the remote already has, not from the
// commits being pushed.
func TestPrePushTakesConfigFromBase(t *testing.T) {
	t.Parallel()
	dir := gitRepo(t)
	writeFiles(t, dir, map[string]string{"README.md": "# bot\n"})
	gitIn(t, dir, "add", ".")
	gitIn(t, dir, "commit", "-q", "-m", "base")
	base := gitOut(t, dir, "rev-parse", "HEAD")
	writeFiles(t, dir, map[string]string{
		".keyward.toml": "[rules]\ndisable = [\"github-token\", \"generic-secret\"]\n",
		"ci/release.sh": "export GITHUB_TOKEN=" + githubToken + "\n",
	})
	gitIn(t, dir, "add", ".")
	gitIn(t, dir, "commit", "-q", "-m", "add release script")
	head := gitOut(t, dir, "rev-parse", "HEAD")

	cmd := exec.Command(scanBinary(t), "pre-push")
	cmd.Dir = dir // as git runs the hook
	cmd.Stdin = strings.NewReader("refs/heads/main " + head + " refs/heads/main " + base + "\n")
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	}
	if code != 1 || !strings.Contains(string(out), "release.sh") {
		t.Errorf("pre-push used the config the push adds: exit %d\n%s", code, out)
	}
}

func gitOut(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git %v: %v", args, err)
	}
	return strings.TrimSpace(string(out))
}
