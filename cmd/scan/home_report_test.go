package main

import (
	"encoding/json"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/keyward/scan/internal/display"
	"github.com/keyward/scan/internal/verify/exchangetest"
)

var severityRank = map[string]int{"critical": 5, "high": 4, "medium": 3, "low": 2, "info": 1}

// The audit's reports are read top down by a trader: most dangerous
// first, the keys to revoke listed once by exchange with the key's first
// characters and the exchange's page, and no API paths in the advice.
func TestHomeReportForTrader(t *testing.T) {
	t.Parallel()
	h := newMaskHome(t)
	binance := ruleExample(t, "binance-api-key", 0)
	key := strings.SplitN(strings.SplitN(binance, "\n", 2)[0], "=", 2)[1]
	secret := strings.SplitN(strings.SplitN(binance, "\n", 3)[1], "=", 2)[1]

	_, out, _ := runCLI(t, "home", h.dir)
	if !strings.HasPrefix(out, "Keys to revoke, by exchange") {
		t.Errorf("the text report does not open with the checklist:\n%.600s", out)
	}
	for _, want := range []string{"[ ] key " + key[:4] + "…, secret " + secret[:4] + "…", "https://www.binance.com/en/my/settings/api-management",
		"binance.com → Account → API Management", `see "Keys to revoke" at the top`} {
		if !strings.Contains(out, want) {
			t.Errorf("text report lacks %q", want)
		}
	}
	// The revoke-and-recreate paragraph is said once: under Binance alone,
	// or under the checklist for every exchange in it.
	if n := strings.Count(out, "Revoke this Binance API key now") + strings.Count(out, "At each exchange above: revoke"); n != 1 {
		t.Errorf("the revoke paragraph is said %d times, want once:\n%.1500s", n, out)
	}
	if regexp.MustCompile(`(GET|POST) /`).MatchString(out) {
		t.Error("an API endpoint path in advice for people")
	}
	var sevs []string
	for _, m := range regexp.MustCompile(`(?m)^  (CRITICAL|HIGH|MEDIUM|LOW|INFO) `).FindAllStringSubmatch(out, -1) {
		sevs = append(sevs, strings.ToLower(m[1]))
	}
	checkDanger(t, "text", sevs)
	// Every flag the report suggests exists.
	_, help, _ := runCLI(t, "home", "--help")
	for _, fl := range regexp.MustCompile(`(?:^|\s)(--[a-z][a-z-]+)`).FindAllStringSubmatch(out, -1) {
		if !strings.Contains(help, fl[1]+" ") {
			t.Errorf("the report suggests %s, which scan home does not have", fl[1])
		}
	}

	_, js, _ := runCLI(t, "home", h.dir, "--format", "json")
	var rep jsonReportOut
	if err := json.Unmarshal([]byte(js), &rep); err != nil {
		t.Fatal(err)
	}
	sevs = sevs[:0]
	for _, f := range rep.Findings {
		sevs = append(sevs, f.Severity)
	}
	checkDanger(t, "json", sevs)

	page := filepath.Join(t.TempDir(), "audit.html")
	if code, _, errOut := runCLI(t, "home", h.dir, "--format", "html", "--output", page); code != 1 {
		t.Fatalf("html: exit %d %s", code, errOut)
	}
	b, _ := os.ReadFile(page)
	doc := html.UnescapeString(string(b))
	for _, want := range []string{`<a href="https://www.binance.com/en/my/settings/api-management"`, "key <code>" + key[:4] + "…</code>",
		"Places checked", "Keys to revoke, by exchange"} {
		if !strings.Contains(doc, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if strings.Contains(doc, secret) || strings.Contains(doc, key) {
		t.Error("HTML holds a full credential")
	}
	sevs = sevs[:0]
	for _, m := range regexp.MustCompile(`<td class="sev (\w+)">`).FindAllStringSubmatch(doc[strings.Index(doc, `id="findings"`):], -1) {
		sevs = append(sevs, m[1])
	}
	checkDanger(t, "html", sevs)

	// -q --min-severity critical is short: the checklist, a line per
	// finding, the summary.
	_, q, _ := runCLI(t, "home", h.dir, "-q", "--min-severity", "critical")
	if n := strings.Count(q, "\n"); n > 40 || strings.Contains(q, "advice") || strings.Contains(q, "Places checked") {
		t.Errorf("-q report is %d lines:\n%s", n, q)
	}
}

func checkDanger(t *testing.T, format string, sevs []string) {
	t.Helper()
	if len(sevs) < 3 {
		t.Fatalf("%s: only %d findings", format, len(sevs))
	}
	for i := 1; i < len(sevs); i++ {
		if severityRank[sevs[i]] > severityRank[sevs[i-1]] {
			t.Fatalf("%s: %s after %s: not sorted by danger: %v", format, sevs[i], sevs[i-1], sevs)
		}
	}
}

// scan home --verify works as scan dir --verify does.
func TestHomeVerify(t *testing.T) {
	t.Parallel()
	l := leaks(t)[0]
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, ".bash_history"), []byte("export "+strings.ReplaceAll(strings.TrimSpace(l.content), "\n", "\nexport ")+"\n"), 0o600)
	srv := exchangetest.New(t, l.exchange, exchangetest.Account{Key: l.key, Secret: l.secret, Scenario: exchangetest.LiveWithdraw})
	code, out, errOut := runCLI(t, "home", dir, "--verify", "--verify-endpoint", "binance="+srv.URL)
	if code != 1 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "binance credentials go to "+srv.URL) || srv.Hits() == 0 {
		t.Errorf("verification not announced or not sent: %q", errOut)
	}
	if !strings.HasPrefix(out, "VERIFIED LIVE") || !strings.Contains(out, "checked LIVE — withdraw: yes") {
		t.Errorf("home --verify report:\n%.800s", out)
	}
}

// An Electrum seed written in a note is found as a wallet seed, and
// --mask leaves it where it is.
func TestHomeFindsElectrumSeedInNote(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	note := ruleExample(t, "electrum-seed-phrase", 0)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("todo: buy milk\n"+note), 0o600)
	code, out, errOut := runCLI(t, "home", dir, "--mask", "--yes")
	if code != 1 || !strings.Contains(out, "electrum-seed-phrase") || !strings.Contains(out, "Electrum segwit seed") {
		t.Fatalf("exit %d:\n%s%s", code, out, errOut)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "notes.txt")); !strings.Contains(string(b), note) {
		t.Error("the seed note was masked")
	}
}

// A key committed to a repository in the home and removed since is in no
// file the audit reads: the report names each repository with the
// scan git command that reads its history, and that command finds it.
func TestHomePointsAtGitHistory(t *testing.T) {
	home := t.TempDir()
	repo := filepath.Join(home, "code", "grid bot")
	os.MkdirAll(repo, 0o700)
	for _, args := range [][]string{{"init", "-q", "-b", "main"}, {"config", "user.email", "dev@example.com"}, {"config", "user.name", "Dev"}} {
		gitIn(t, repo, args...)
	}
	env := filepath.Join(repo, "bot.env")
	os.WriteFile(env, []byte("AWS_ACCESS_KEY_ID="+awsKeyID+"\nAWS_SECRET_ACCESS_KEY="+awsSecret+"\n"), 0o600)
	gitIn(t, repo, "add", "bot.env")
	gitIn(t, repo, "commit", "-q", "-m", "first")
	gitIn(t, repo, "rm", "-q", "bot.env")
	gitIn(t, repo, "commit", "-q", "-m", "keys out")

	for _, format := range []string{"text", "html"} {
		code, out, errOut := runCLI(t, "home", home, "--format", format)
		if code != 0 {
			t.Fatalf("%s: exit %d, want 0 (no file holds the key):\n%s%s", format, code, out, errOut)
		}
		if format == "html" {
			out = html.UnescapeString(out)
		}
		flat := strings.Join(strings.Fields(out), " ")
		want := "scan git " + display.Shell(repo)
		if !strings.Contains(flat, "History not read: 1 git repository") || !strings.Contains(out, want) {
			t.Fatalf("%s report does not point at the history with %q:\n%s", format, want, out)
		}
	}
	// The command as printed: a shell reads the quoted path.
	cmd := exec.Command("sh", "-c", `eval "set -- $1"; exec "$0" "$@"`, scanBinary(t), "git "+display.Shell(repo))
	out, _ := cmd.CombinedOutput()
	if ec := cmd.ProcessState.ExitCode(); ec != 1 || !strings.Contains(string(out), "the secret is only in history") {
		t.Errorf("scan git as printed: exit %d\n%s", ec, out)
	}
}
