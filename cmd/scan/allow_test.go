package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestInlineAllowComments(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files := map[string]string{
		// Suppressed, each by another form.
		// A marker covers its own line: the key's and the secret's.
		"fixtures/gitleaks.env": "AWS_ACCESS_KEY_ID=" + awsKeyID + " # gitleaks:allow\nAWS_SECRET_ACCESS_KEY=" + awsSecret + " # gitleaks:allow\n",
		"ci/release.sh":         "# keyward:allow-next-line github-token\nexport GITHUB_TOKEN=" + githubToken + "\n",
		"tests/conf.py":         "GITHUB_TOKEN = '" + githubToken + "'  # pragma: allowlist secret\n",
		// Allowed for another rule only: still reported.
		"deploy/token.yml": "github_token: " + githubToken + " # keyward:allow slack-webhook\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	code, out, errOut := runCLI(t, "dir", dir, "--format", "json", "--verbose")
	if code != 1 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, p := range []string{"gitleaks.env", "release.sh", "conf.py"} {
		if strings.Contains(out, p) {
			t.Errorf("%s was allowed inline but reported", p)
		}
	}
	if !strings.Contains(out, "deploy/token.yml") {
		t.Errorf("a comment allowing another rule suppressed the finding:\n%s", out)
	}
	if !strings.Contains(out, `"suppressed": {`) || !strings.Contains(out, `"inline": 4`) {
		t.Errorf("the JSON stats do not count 4 inline suppressions:\n%s", out)
	}
	for _, want := range []string{
		"fixtures/gitleaks.env:2 aws-secret-access-key", "(gitleaks:allow)",
		"ci/release.sh:2 github-token", "(keyward:allow-next-line github-token)",
		"(pragma: allowlist secret)", "suppressed 4 findings: 4 inline",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("--verbose does not list %q:\n%s", want, errOut)
		}
	}
	if strings.Contains(errOut, githubToken) || strings.Contains(errOut, awsSecret) {
		t.Errorf("--verbose printed a secret")
	}

	// An audit ignores every comment.
	_, out, _ = runCLI(t, "dir", dir, "--format", "json", "--no-inline-allow")
	for _, p := range []string{"gitleaks.env", "release.sh", "conf.py", "token.yml"} {
		if !strings.Contains(out, p) {
			t.Errorf("--no-inline-allow: %s not reported", p)
		}
	}
}

// A marker covers its line only: the key of a pair whose secret is allowed
// is still reported.
func TestInlineAllowCoversItsLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"app.env": "AWS_ACCESS_KEY_ID=" + awsKeyID + "\nAWS_SECRET_ACCESS_KEY=" + awsSecret + " # keyward:allow\n",
	})
	_, out, _ := runCLI(t, "dir", dir, "--format", "json")
	if strings.Contains(out, `"rule_id": "aws-secret-access-key"`) || !strings.Contains(out, `"rule_id": "aws-access-key-id"`) {
		t.Errorf("want the key reported alone:\n%s", out)
	}
}

// In history, a secret whose allow comment a later commit removes is
// reported at that commit.
func TestInlineAllowRemovedLaterInHistory(t *testing.T) {
	t.Parallel()
	dir := gitRepo(t)
	writeFiles(t, dir, map[string]string{"release.sh": "export GITHUB_TOKEN=" + githubToken + " # keyward:allow\n"})
	gitIn(t, dir, "add", ".")
	gitIn(t, dir, "commit", "-q", "-m", "release script (fixture token)")
	writeFiles(t, dir, map[string]string{"release.sh": "export GITHUB_TOKEN=" + githubToken + "\n"})
	gitIn(t, dir, "commit", "-q", "-am", "tidy")
	code, out, errOut := runCLI(t, "git", dir, "--format", "json")
	if code != 1 || !strings.Contains(out, `"subject": "tidy"`) {
		t.Errorf("the token must be reported at the commit that removed its allow comment: exit %d\n%s%s", code, out, errOut)
	}
}
