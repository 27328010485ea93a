package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Fake credentials built at run time, so this file holds no literal secret.
var (
	awsKeyID  = "AKIA" + "OK5AIJWPAZJPJIS7"
	awsSecret = "GRj3juJ6yIedHqdNud7W7" + "JJeYAd9D5TTtGPNmDcl"
)

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func leakyDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	content := "[default]\naws_access_key_id = " + awsKeyID + "\naws_secret_access_key = " + awsSecret + "\n"
	if err := os.WriteFile(filepath.Join(dir, "credentials"), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestExitCodes(t *testing.T) {
	t.Parallel()
	clean := t.TempDir()
	os.WriteFile(filepath.Join(clean, "main.go"), []byte("package main\n"), 0o644)
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"clean", []string{"dir", clean}, 0},
		{"findings", []string{"dir", leakyDir(t)}, 1},
		{"missing path", []string{"dir", filepath.Join(clean, "nope")}, 2},
		{"bad flag", []string{"dir", "--no-such-flag", clean}, 2},
		{"bad format", []string{"dir", "--format", "xml", clean}, 2},
		{"bad size", []string{"dir", "--max-file-size", "big", clean}, 2},
		{"bad glob", []string{"dir", "--include", "[", clean}, 2},
		{"version", []string{"version"}, 0},
		{"rules", []string{"rules"}, 0},
	}
	for _, tt := range tests {
		if code, _, errOut := runCLI(t, tt.args...); code != tt.want {
			t.Errorf("%s: exit %d, want %d (stderr %q)", tt.name, code, tt.want, errOut)
		}
	}
}

func TestSecretsRedactedInEveryFormat(t *testing.T) {
	t.Parallel()
	dir := leakyDir(t)
	for _, format := range []string{"text", "json", "sarif", "github"} {
		code, out, errOut := runCLI(t, "dir", dir, "--format", format)
		if code != 1 {
			t.Fatalf("%s: exit %d: %s", format, code, errOut)
		}
		if strings.Contains(out+errOut, awsSecret) || strings.Contains(out+errOut, awsKeyID) {
			t.Errorf("%s: output contains a full secret", format)
		}
		if !strings.Contains(out, "aws-secret-access-key") {
			t.Errorf("%s: output does not name the rule", format)
		}
		// SARIF is uploaded and archived, annotations go to a public
		// log: no flag puts a secret in them.
		never := format == "sarif" || format == "github"
		_, shown, _ := runCLI(t, "dir", dir, "--format", format, "--show-secrets")
		if strings.Contains(shown, awsSecret) == never {
			t.Errorf("%s: --show-secrets shows the secret: %v", format, !never)
		}
	}
}

func TestJSONReportLocations(t *testing.T) {
	t.Parallel()
	_, out, _ := runCLI(t, "dir", leakyDir(t), "--format", "json")
	var doc struct {
		Findings []struct {
			RuleID    string `json:"rule_id"`
			Path      string `json:"path"`
			StartLine int    `json:"start_line"`
			StartCol  int    `json:"start_column"`
			EndCol    int    `json:"end_column"`
			Severity  string `json:"severity"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Findings) != 1 {
		t.Fatalf("got %d findings, want the secret with its key id linked: %+v", len(doc.Findings), doc.Findings)
	}
	f := doc.Findings[0]
	if f.RuleID != "aws-secret-access-key" || f.Path != "credentials" || f.StartLine != 3 || f.StartCol != 25 || f.EndCol != 65 || f.Severity != "critical" {
		t.Errorf("finding %+v", f)
	}
}

func TestOutputFileIsPrivate(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "report.sarif")
	if code, _, errOut := runCLI(t, "dir", leakyDir(t), "--format", "sarif", "--output", out); code != 1 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	info, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("report mode %o, want 600", perm)
	}
}

func TestSeveralPathsAreAllScanned(t *testing.T) {
	t.Parallel()
	a, b := leakyDir(t), leakyDir(t)
	_, out, _ := runCLI(t, "dir", a, b, "--format", "json")
	if n := strings.Count(out, `"rule_id": "aws-secret-access-key"`); n != 2 {
		t.Errorf("found %d secrets across two roots, want 2", n)
	}
}

func TestMinSeverityAndExclude(t *testing.T) {
	t.Parallel()
	dir := leakyDir(t)
	if code, _, _ := runCLI(t, "dir", dir, "--exclude", "credentials"); code != 0 {
		t.Errorf("--exclude: exit %d, want 0", code)
	}
	if code, _, _ := runCLI(t, "dir", dir, "--min-severity", "critical"); code != 1 {
		t.Errorf("--min-severity critical: exit %d, want 1", code)
	}
	if code, _, _ := runCLI(t, "dir", dir, "--min-severity", "bogus"); code != 2 {
		t.Errorf("bad --min-severity: exit %d, want 2", code)
	}
}

func TestRulesListsRedactedExamples(t *testing.T) {
	t.Parallel()
	_, out, _ := runCLI(t, "rules")
	for _, id := range []string{"binance-api-secret", "okx-passphrase", "bip39-mnemonic", "aws-access-key-id", "private-key", "bitcoin-core-wallet", "Binance.US", "HTX (Huobi)"} {
		if !strings.Contains(out, id) {
			t.Errorf("scan rules does not list %s", id)
		}
	}
	if strings.Contains(out, "-----BEGIN RSA PRIVATE KEY-----\nMII") {
		t.Error("scan rules prints a full example key")
	}
}

// A sample value from docs/ copied into a config file is the documentation's
// sample, not a new leak: it is rated as documentation (info) there too.
func TestDocumentedValueIsDocumentationEverywhere(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	token := "hZ-y58LXyX" + "_HZ8O1cJzVyN6ePWrLpNQv4Q"
	files := map[string]string{
		"docs/rest-api.md": "```json\n\"api_server\": {\n    \"ws_token\": \"" + token + "\"\n}\n```\n",
		"config.json":      "{\n  \"api_server\": {\n    \"enabled\": true,\n    \"ws_token\": \"" + token + "\"\n  }\n}\n",
	}
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if code, out, _ := runCLI(t, "dir", dir, "--format", "json"); code != 0 {
		t.Errorf("exit %d, want 0 (the value is documentation's sample):\n%s", code, out)
	}
	code, out, _ := runCLI(t, "dir", dir, "--format", "json", "--min-severity", "info")
	if code != 1 || !strings.Contains(out, "published in documentation (docs/rest-api.md)") {
		t.Errorf("--min-severity info: exit %d, want 1 and a note naming docs/rest-api.md:\n%s", code, out)
	}
}

// scan dir reads archive members (as scan git and scan home do) unless
// --no-archives.
func TestDirReadsArchives(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.Create("bot/.env")
	w.Write([]byte("AWS_ACCESS_KEY_ID=" + awsKeyID + "\nAWS_SECRET_ACCESS_KEY=" + awsSecret + "\n"))
	zw.Close()
	if err := os.WriteFile(filepath.Join(dir, "backup.zip"), b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, _ := runCLI(t, "dir", dir, "--format", "json")
	if code != 1 || !strings.Contains(out, `"path": "backup.zip!bot/.env"`) || !strings.Contains(out, `"archive": "backup.zip"`) {
		t.Errorf("exit %d\n%s", code, out)
	}
	if code, out, _ := runCLI(t, "dir", dir, "--no-archives"); code != 0 {
		t.Errorf("--no-archives: exit %d\n%s", code, out)
	}
}
