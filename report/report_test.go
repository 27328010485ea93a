package report

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/keyward/scan/detectors"
)

// Documented example credentials: realistic shapes, revoked or never live.
const (
	binanceKey    = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
	binanceSecret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
	awsKeyID      = "AKIAIOSFODNN7EXAMPLE"
	awsSecret     = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	mnemonic      = "legal winner thank year wave sausage worth useful legal winner thank yellow"
	pemBody1      = "MIIEowIBAAKCAQEAx3nZmT0pQ8Zk2mWj4n7cbl9YQk5vWc2Jq3Rr1bq8t6sHf0Lw"
	pemBody2      = "Vt5Y2kq9Xc0gP7mBfR8wLzA1sDnE3hJ6uK4iO2pQ9yT5rW7eX1cV3bN8mM0aZ2fG"
	pemKey        = "-----BEGIN RSA PRIVATE KEY-----\n" + pemBody1 + "\n" + pemBody2 + "\n-----END RSA PRIVATE KEY-----"
)

// rawSecrets are values that must never appear in a default report.
var rawSecrets = []string{binanceKey, binanceSecret, awsKeyID, awsSecret, mnemonic, pemBody1, pemBody2}

// testRules are rules as the registry describes them, without advice of
// their own, so the writers' advice for each kind shows.
func testRules() []detectors.Rule {
	return []detectors.Rule{
		{ID: "aws-access-key-id", Title: "AWS access key ID", Severity: detectors.High, Service: "aws", Name: "AWS", Kind: detectors.KindCloud, Part: detectors.PartKey},
		{ID: "aws-secret-access-key", Title: "AWS secret access key", Severity: detectors.Critical, Service: "aws", Name: "AWS", Kind: detectors.KindCloud, Part: detectors.PartSecret},
		{ID: "binance-api-key", Title: "Binance API key", Severity: detectors.High, Service: "binance", Exchange: "binance", Name: "Binance", Kind: detectors.KindExchange, Part: detectors.PartKey},
		{ID: "binance-api-secret", Title: "Binance API secret", Severity: detectors.Critical, Service: "binance", Exchange: "binance", Name: "Binance", Kind: detectors.KindExchange, Part: detectors.PartSecret,
			AdviceURL: "https://www.binance.com/en/my/settings/api-management"},
		{ID: "bip39-mnemonic", Title: "BIP-39 mnemonic", Severity: detectors.Critical, Service: "bip39", Name: "BIP-39 wallet", Kind: detectors.KindWallet},
		{ID: "github-pat", Title: "GitHub personal access token", Severity: detectors.High, Service: "github", Name: "GitHub", Kind: detectors.KindSaaS},
		{ID: "rsa-private-key", Title: "RSA private key", Severity: detectors.High, Generic: false, Name: "PEM private key", Kind: detectors.KindGeneric,
			Validate: func(string, detectors.Candidate) detectors.Verdict { return detectors.Verdict{} }},
		{ID: "slack-webhook", Title: "Slack webhook URL", Severity: detectors.Medium, Service: "slack", Name: "Slack", Kind: detectors.KindSaaS},
	}
}

// testFindings returns findings in the order the engine sorts them.
func testFindings() []detectors.Finding {
	fs := []detectors.Finding{
		{
			RuleID: "aws-secret-access-key", Title: "AWS secret access key", Severity: detectors.Critical,
			Service: "aws", Part: detectors.PartSecret,
			Location: detectors.Location{Path: ".env", StartLine: 2, StartColumn: 23, EndLine: 2, EndColumn: 63},
			Secret:   awsSecret,
			Line:     "AWS_SECRET_ACCESS_KEY=" + awsSecret,
			Parts: []detectors.Part{{RuleID: "aws-access-key-id", Part: detectors.PartKey, Secret: awsKeyID,
				Location: detectors.Location{Path: ".env", StartLine: 1, StartColumn: 19, EndLine: 1, EndColumn: 39}}},
			Commit: &detectors.Commit{SHA: "3f9a1c2e7b4d5f60718293a4b5c6d7e8f9012345", Author: "Dana Ruiz", Email: "dana@example.com",
				Date: "2025-03-14T09:26:53Z", Subject: "deploy: use " + awsKeyID + " for uploads", Pushed: true, AtHead: true},
		},
		{
			RuleID: "binance-api-secret", Title: "Binance API secret", Severity: detectors.Critical,
			Service: "binance", Exchange: "binance", Part: detectors.PartSecret,
			Location: detectors.Location{Path: "config/bot.json", StartLine: 4, StartColumn: 15, EndLine: 4, EndColumn: 79},
			Secret:   binanceSecret,
			Line:     `    "secret": "` + binanceSecret + `",`,
			Parts: []detectors.Part{{RuleID: "binance-api-key", Part: detectors.PartKey, Secret: binanceKey,
				Location: detectors.Location{Path: "config/bot.json", StartLine: 3, StartColumn: 12, EndLine: 3, EndColumn: 76}}},
			Notes: []string{"freqtrade exchange config"},
		},
		{
			RuleID: "rsa-private-key", Title: "RSA private key", Severity: detectors.High,
			Location: detectors.Location{Path: "deploy/my keys/id_rsa", StartLine: 1, StartColumn: 1, EndLine: 4, EndColumn: 30},
			Secret:   pemKey,
			Line:     "-----BEGIN RSA PRIVATE KEY-----",
			Notes:    []string{"unencrypted"},
		},
		{
			RuleID: "bip39-mnemonic", Title: "BIP-39 mnemonic", Severity: detectors.Critical, Service: "bitcoin",
			// The engine left the end unset: writers must still produce a
			// region GitHub accepts.
			Location: detectors.Location{Path: "wallet/seed.txt", StartLine: 1, StartColumn: 10},
			Secret:   mnemonic,
			Line:     "MNEMONIC=" + mnemonic,
			Commit: &detectors.Commit{SHA: "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678", Author: "Dana Ruiz", Email: "dana@example.com",
				Date: "2025-03-15T10:00:00Z", Subject: "wip", AtHead: true},
		},
	}
	return fs
}

func testStats() detectors.Stats {
	return detectors.Stats{
		Files: 1204, Bytes: 18_874_368, Commits: 0, Duration: 2345 * time.Millisecond,
		Skipped: map[string]int64{"binary": 31, "too large": 2, "symlink": 2, "ignored": 140},
	}
}

func incompleteStats() detectors.Stats {
	s := testStats()
	s.Warnings = []detectors.Warning{
		{Kind: detectors.WarnUnreadable, Path: "vendor/blob.dat", Message: "permission denied"},
		{Kind: detectors.WarnMissingObject, Message: "missing object 9c1e2f in history"},
	}
	s.Incomplete = true
	return s
}

func testOptions() Options {
	return Options{Version: "0.3.0", Command: "dir", Rules: testRules()}
}

func write(t *testing.T, format string, fs []detectors.Finding, st detectors.Stats, opt Options) string {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, format, fs, st, opt); err != nil {
		t.Fatalf("Write(%s): %v", format, err)
	}
	return b.String()
}

var formats = []string{"text", "json", "sarif", "github"}

// jsonUnescape undoes the escaping JSON applies to strings, so that a raw
// secret is found in JSON output whatever characters it contains.
func contains(format, out, secret string) bool {
	if format == "text" {
		return strings.Contains(out, secret) ||
			strings.Contains(out, strings.ReplaceAll(secret, "\n", `\n`))
	}
	enc, _ := json.Marshal(secret)
	return strings.Contains(out, strings.Trim(string(enc), `"`))
}

func TestSecretsRedactedByDefault(t *testing.T) {
	for _, format := range formats {
		t.Run(format, func(t *testing.T) {
			out := write(t, format, testFindings(), incompleteStats(), testOptions())
			for _, s := range rawSecrets {
				// Redaction keeps four characters; eight must never show.
				if contains(format, out, s) || strings.Contains(out, s[:8]) {
					t.Errorf("output contains secret %.12s…:\n%s", s, out)
				}
			}
		})
	}
}

func TestShowSecrets(t *testing.T) {
	opt := testOptions()
	opt.ShowSecrets = true
	for _, format := range formats {
		t.Run(format, func(t *testing.T) {
			out := write(t, format, testFindings(), testStats(), opt)
			for _, s := range []string{binanceKey, binanceSecret, awsKeyID, awsSecret, mnemonic, pemKey} {
				// SARIF is uploaded and archived, annotations land in a
				// public log: neither ever holds a secret.
				never := format == "sarif" || format == "github"
				if got := contains(format, out, s) || strings.Contains(out, s[:8]); got == never {
					t.Errorf("output holds secret %.12s… = %v with ShowSecrets", s, got)
				}
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	for _, format := range formats {
		t.Run(format, func(t *testing.T) {
			first := write(t, format, testFindings(), incompleteStats(), testOptions())
			// Maps (skipped reasons, fingerprints) iterate in random order;
			// several runs give them the chance to disagree.
			for range 20 {
				if again := write(t, format, testFindings(), incompleteStats(), testOptions()); again != first {
					t.Fatalf("second write differs from the first")
				}
			}
		})
	}
}

func TestIncompleteInEveryFormat(t *testing.T) {
	tests := []struct {
		format string
		want   string
	}{
		{"text", "SCAN INCOMPLETE"},
		{"json", `"incomplete": true`},
		// SARIF says so in its notifications: executionSuccessful stays
		// true when there are results (see TestSARIFExecutionSuccessful).
		{"sarif", "scan incomplete"},
		{"github", "::warning title=Scan incomplete::"},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			for _, fs := range [][]detectors.Finding{nil, testFindings()} {
				out := write(t, tt.format, fs, incompleteStats(), testOptions())
				if !strings.Contains(out, tt.want) {
					t.Errorf("incomplete scan with %d findings: output lacks %q:\n%s", len(fs), tt.want, out)
				}
				clean := write(t, tt.format, fs, testStats(), testOptions())
				if strings.Contains(clean, tt.want) {
					t.Errorf("complete scan with %d findings: output has %q", len(fs), tt.want)
				}
			}
		})
	}
}

func TestWriteUnknownFormat(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, "xml", testFindings(), testStats(), testOptions()); err == nil {
		t.Fatal("Write accepted format xml")
	}
	if b.Len() != 0 {
		t.Errorf("Write wrote %d bytes for an unknown format", b.Len())
	}
}

// A report replaces what was at its path without following links or
// touching any other file, and only once it is complete.
func TestCreate(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows has no Unix permission bits or symlinks for everyone")
	}
	const old = "an older, longer report"
	tests := []struct {
		name string
		// setup prepares dir and returns the report path and, when the
		// test must check it stayed untouched, another file.
		setup func(t *testing.T, dir string) (path, other string)
	}{
		{"new file", func(t *testing.T, dir string) (string, string) {
			return filepath.Join(dir, "new.sarif"), ""
		}},
		{"existing world-readable file", func(t *testing.T, dir string) (string, string) {
			p := filepath.Join(dir, "old.sarif")
			mustWrite(t, p, old, 0o644)
			return p, ""
		}},
		{"symlink to another file", func(t *testing.T, dir string) (string, string) {
			target := filepath.Join(dir, "target.txt")
			mustWrite(t, target, old, 0o644)
			p := filepath.Join(dir, "link.sarif")
			if err := os.Symlink(target, p); err != nil {
				t.Fatal(err)
			}
			return p, target
		}},
		{"dangling symlink", func(t *testing.T, dir string) (string, string) {
			p := filepath.Join(dir, "dangling.sarif")
			if err := os.Symlink(filepath.Join(dir, "created-through-link"), p); err != nil {
				t.Fatal(err)
			}
			return p, ""
		}},
		{"hard link", func(t *testing.T, dir string) (string, string) {
			other := filepath.Join(dir, "shared.txt")
			mustWrite(t, other, old, 0o644)
			p := filepath.Join(dir, "hard.sarif")
			if err := os.Link(other, p); err != nil {
				t.Fatal(err)
			}
			return p, other
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path, other := tt.setup(t, dir)
			f, err := Create(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := io.WriteString(f, "{}"); err != nil {
				t.Fatal(err)
			}
			if err := f.Commit(); err != nil {
				t.Fatal(err)
			}
			fi, err := os.Lstat(path)
			if err != nil {
				t.Fatal(err)
			}
			if !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o600 {
				t.Errorf("mode = %v, want a regular file with 0600", fi.Mode())
			}
			if b, _ := os.ReadFile(path); string(b) != "{}" {
				t.Errorf("content = %q, want the new report", b)
			}
			if other != "" {
				b, _ := os.ReadFile(other)
				oi, _ := os.Stat(other)
				if string(b) != old || oi.Mode().Perm() != 0o644 {
					t.Errorf("%s changed: %q, mode %v", other, b, oi.Mode())
				}
			}
			if _, err := os.Lstat(filepath.Join(dir, "created-through-link")); err == nil {
				t.Error("the report was created through a dangling symlink")
			}
			assertOnlyFiles(t, dir)
		})
	}
}

// A device, directly or through a link (/dev/stdout is one), is written
// to, never replaced: replacing /dev/null or /dev/stdout as root would
// break them for every process.
func TestCreateDevice(t *testing.T) {
	if _, err := os.Stat(os.DevNull); err != nil || runtime.GOOS == "windows" {
		t.Skip("no /dev/null")
	}
	link := filepath.Join(t.TempDir(), "out.json")
	if err := os.Symlink(os.DevNull, link); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{link, os.DevNull} {
		f, err := Create(path)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(f, "{}")
		if err := f.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	if info, err := os.Lstat(link); err != nil || info.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link to %s was replaced: %v", os.DevNull, err)
	}
	if info, err := os.Stat(os.DevNull); err != nil || info.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("%s is no longer a device: %v", os.DevNull, err)
	}
	assertOnlyFiles(t, filepath.Dir(link))
}

// A report that is abandoned (the scan failed or was interrupted) leaves
// the previous one as it was and no temporary file behind.
func TestCreateAbandoned(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.json")
	mustWrite(t, path, "previous", 0o600)
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(f, "half a rep")
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "previous" {
		t.Errorf("previous report changed to %q", b)
	}
	assertOnlyFiles(t, dir)
	if _, err := Create(dir); err == nil {
		t.Error("Create accepted a directory")
	}
}

func mustWrite(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

// assertOnlyFiles fails if a temporary report file was left in dir.
func assertOnlyFiles(t *testing.T, dir string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}
