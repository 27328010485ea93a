package report

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/keyward/scan/detectors"
)

// htmlFindings are a home audit's worth of findings of every kind.
func htmlFindings() []detectors.Finding {
	mk := func(path, rule, service, exchange string, sev detectors.Severity, secret string, others bool) detectors.Finding {
		f := detectors.Finding{
			RuleID: rule, Title: rule, Severity: sev, Service: service, Exchange: exchange,
			Location: detectors.Location{Path: path, StartLine: 3, StartColumn: 1, EndLine: 3, EndColumn: 9},
			Secret:   secret, Line: "KEY=" + secret,
			File: &detectors.FileAccess{Mode: "0600"},
		}
		if others {
			f.File = &detectors.FileAccess{Mode: "0644", ReadableByOthers: true}
		}
		return f
	}
	fs := []detectors.Finding{
		mk(".bash_history", "binance-api-secret", "binance", "binance", detectors.Critical, "tbDgjeATwLdwslnRDYqhYgHhQ87f7Q5P", false),
		mk("bots/.env", "bybit-api-secret", "bybit", "bybit", detectors.Critical, "qkfbplAmL1MnBZ8HgYdwp83NJTRbGQRr", true),
		mk("ft/config.json", "binance-api-secret", "binance", "binance", detectors.High, "LOCMVNWr1wqHtxvaXbZVT65hU74MuPzS", false),
		mk(".config/solana/id.json", "solana-keypair", "solana", "", detectors.Critical, "[231,222,230,246,76,125,102,176]", false),
		mk(".electrum/wallets/default_wallet", "electrum-wallet-encrypted", "electrum", "", detectors.Medium, "QklFMZ4rK0qBhIQZp3y8EVnN2foVi5fm", false),
		mk(".aws/credentials", "aws-secret-access-key", "aws", "", detectors.Critical, "GRj3juJ6yIedHqdNud7W7JJeYAd9D5TT", false),
		mk(".psql_history", "url-credentials", "url", "", detectors.High, "hT5vR9qLm2XcW8</script><b>x", true),
	}
	return fs
}

func TestWriteHTMLSelfContainedAndRedacted(t *testing.T) {
	var b bytes.Buffer
	stats := detectors.Stats{Files: 40, Bytes: 1 << 20, Skipped: map[string]int64{"cache": 3}}
	if err := writeHTML(&b, htmlFindings(), stats, Options{Version: "test", Command: "home"}); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, f := range htmlFindings() {
		if strings.Contains(page, f.Secret) {
			t.Errorf("secret of %s appears unredacted", f.Path)
		}
	}
	if strings.Contains(page, "<b>x") {
		t.Error("content from a scanned file was not escaped")
	}
	// No external assets: nothing loads from anywhere. Links the reader
	// follows (an exchange's revocation page) load nothing by themselves.
	if m := regexp.MustCompile(`(?i)(src\s*=|<link[^>]*href\s*=|url\()\s*["']?(https?:|//)`).FindString(page); m != "" {
		t.Errorf("external reference %q", m)
	}
	for _, want := range []string{`id="count-total">7<`, `id="kind-exchange-count">3<`, `id="kind-wallet-count">2<`, `id="kind-cloud-count">1<`, `id="kind-generic-count">1<`, "<svg", "Revoke every exchange API key", "cache: 3"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}

	var shown bytes.Buffer
	writeHTML(&shown, htmlFindings(), stats, Options{ShowSecrets: true})
	if !strings.Contains(shown.String(), "tbDgjeATwLdwslnRDYqhYgHhQ87f7Q5P") {
		t.Error("--show-secrets did not show the secret")
	}
}

// TestHTMLInChromium loads the page in headless Chromium: it must run with
// no console message at all (errors, CSP violations) and its filters must
// show the expected counts.
func TestHTMLInChromium(t *testing.T) {
	bin := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		t.Skip("no chromium on PATH (Debian: apt-get install chromium)")
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	f, err := Create(page)
	if err != nil {
		t.Fatal(err)
	}
	if err := writeHTML(f, htmlFindings(), detectors.Stats{Files: 40}, Options{Version: "test", Command: "home"}); err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}

	shownRe := regexp.MustCompile(`id="shown">(\d+)<`)
	for _, tc := range []struct {
		hash  string
		shown string
	}{
		{"", "7"},
		// All three filters at once: critical exchange keys in a history.
		{"#kind=exchange&severity=critical&q=history", "1"},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu",
			"--disable-background-networking", "--disable-extensions", "--no-first-run",
			"--user-data-dir="+filepath.Join(dir, "profile"),
			"--enable-logging=stderr", "--v=0", "--dump-dom", "file://"+page+tc.hash)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		cancel()
		if err != nil {
			t.Fatalf("%s: chromium: %v\n%s", tc.hash, err, stderr.String())
		}
		for _, line := range strings.Split(stderr.String(), "\n") {
			if strings.Contains(line, ":CONSOLE") {
				t.Errorf("%s: console message: %s", tc.hash, line)
			}
		}
		m := shownRe.FindStringSubmatch(stdout.String())
		if m == nil || m[1] != tc.shown {
			t.Errorf("%s: shown = %v, want %s", tc.hash, m, tc.shown)
		}
		if !strings.Contains(stdout.String(), `id="count-total">7<`) {
			t.Errorf("%s: total count missing from the rendered page", tc.hash)
		}
	}
	os.Remove(page)
}
