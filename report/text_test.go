package report

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/keyward/scan/detectors"
)

func TestTextFinding(t *testing.T) {
	out := write(t, "text", testFindings(), testStats(), testOptions())
	tests := []struct {
		name string
		want string
	}{
		{"path header", "\nconfig/bot.json\n"},
		{"severity and rule", "CRITICAL  binance-api-secret  Binance API secret"},
		{"line and column", "4:15"},
		{"redacted secret", "NhqP…"},
		{"redacted line", `"secret": "NhqP…",`},
		{"linked part", "api-key at line 3"},
		{"note", "freqtrade exchange config"},
		{"exchange advice: revoke", "Revoke this API key at Binance now"},
		{"exchange advice: no withdrawals", "withdrawals disabled"},
		{"exchange advice: IP whitelist", "IP whitelist"},
		{"wallet advice", "Move the funds to a new wallet generated offline"},
		{"service advice", "Revoke or rotate this credential at AWS"},
		{"commit", "3f9a1c2e by Dana Ruiz <dana@example.com> on 2025-03-14T09:26:53Z"},
		{"commit subject redacted", `"deploy: use AKIA… for uploads"`},
		{"pushed", "pushed to a remote: revoke the key now"},
		{"not pushed", "not pushed yet: remove it from history with git rebase -i a1b2c3d4^"},
		{"still at HEAD", "the secret is still in the checked-out files (HEAD)"},
		{"summary", "scanned 1204 files (18.0 MiB) in 2.3s [dir]: 4 findings (3 critical, 1 high)"},
		{"skipped", "skipped 175 files: 140 ignored, 31 binary, 2 symlink, 2 too large"},
	}
	flat := strings.Join(strings.Fields(out), " ")
	for _, tt := range tests {
		if !strings.Contains(out, tt.want) && !strings.Contains(flat, tt.want) {
			t.Errorf("%s: output lacks %q", tt.name, tt.want)
		}
	}
	if strings.Contains(out, "\x1b") {
		t.Error("colour codes written with Color false")
	}
	if strings.Contains(out, "incomplete") || strings.Contains(out, "INCOMPLETE") {
		t.Error("complete scan reported as incomplete")
	}
}

func TestTextAdviceOverride(t *testing.T) {
	fs := testFindings()[1:2]
	fs[0].Advice = "Ask the trading desk to rotate the bot's key."
	out := write(t, "text", fs, testStats(), testOptions())
	if !strings.Contains(out, "Ask the trading desk") || strings.Contains(out, "IP whitelist") {
		t.Errorf("finding's own advice not used:\n%s", out)
	}
}

func TestTextNoFindings(t *testing.T) {
	tests := []struct {
		name  string
		stats detectors.Stats
		want  []string
		not   []string
	}{
		{"clean", testStats(), []string{"no secrets found"}, []string{"INCOMPLETE", "nothing was scanned"}},
		{"nothing scanned", detectors.Stats{}, []string{"no secrets found", "nothing was scanned"}, []string{"INCOMPLETE"}},
		{"incomplete", incompleteStats(), []string{"no secrets found", "2 warnings:", "permission denied", "SCAN INCOMPLETE"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := write(t, "text", nil, tt.stats, testOptions())
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(out, w) {
					t.Errorf("output has %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestTextWarningsLimit(t *testing.T) {
	st := testStats()
	for i := range 15 {
		st.Warnings = append(st.Warnings, detectors.Warning{Kind: detectors.WarnUnreadable, Path: fmt.Sprintf("vendor/pkg%02d/data.bin", i), Message: "permission denied"})
	}
	st.Incomplete = true
	tests := []struct {
		verbose bool
		listed  int
		more    string
	}{
		{false, 10, "… 5 more"},
		{true, 15, ""},
	}
	for _, tt := range tests {
		opt := testOptions()
		opt.Verbose = tt.verbose
		out := write(t, "text", nil, st, opt)
		if n := strings.Count(out, ": permission denied"); n != tt.listed {
			t.Errorf("verbose=%v: %d warnings listed, want %d", tt.verbose, n, tt.listed)
		}
		if tt.more != "" && !strings.Contains(out, tt.more) {
			t.Errorf("verbose=%v: output lacks %q", tt.verbose, tt.more)
		}
		if !strings.Contains(out, "15 warnings") {
			t.Errorf("verbose=%v: warning count missing", tt.verbose)
		}
	}
}

func TestTextColor(t *testing.T) {
	opt := testOptions()
	opt.Color = true
	out := write(t, "text", testFindings(), incompleteStats(), opt)
	if !strings.Contains(out, ansiBoldRd+"CRITICAL") {
		t.Errorf("critical severity not coloured:\n%q", out)
	}
}

// A scanned file controls the line and may carry terminal escapes.
func TestTextEscapesControlCharacters(t *testing.T) {
	fs := testFindings()[1:2]
	fs[0].Line = "\x1b]0;pwned\x07\x1b[2J" + fs[0].Line
	fs[0].Path = "config/bot\r.json"
	out := write(t, "text", fs, testStats(), testOptions())
	if strings.ContainsAny(out, "\x1b\x07\r") {
		t.Errorf("control characters reached the terminal:\n%q", out)
	}
	if !strings.Contains(out, `\x1b[2J`) || !strings.Contains(out, `config/bot\r.json`) {
		t.Errorf("escaped control characters not shown:\n%s", out)
	}
}

func TestHumanUnits(t *testing.T) {
	bytesTests := []struct {
		n    int64
		want string
	}{
		{0, "0 bytes"}, {1, "1 byte"}, {1023, "1023 bytes"}, {1536, "1.5 KiB"},
		{157 << 20, "157.0 MiB"}, {3 << 30, "3.0 GiB"},
	}
	for _, tt := range bytesTests {
		if got := humanBytes(tt.n); got != tt.want {
			t.Errorf("humanBytes(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
	durTests := []struct {
		d    time.Duration
		want string
	}{
		{340 * time.Microsecond, "340µs"}, {12345 * time.Microsecond, "12ms"},
		{2345 * time.Millisecond, "2.3s"}, {125400 * time.Millisecond, "2m5s"},
	}
	for _, tt := range durTests {
		if got := humanDuration(tt.d); got != tt.want {
			t.Errorf("humanDuration(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

// The history advice names the one command that reaches the commit: a
// root commit has no SHA^, and a commit at HEAD needs no rebase at all.
func TestCommitAdvice(t *testing.T) {
	const sha = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"
	tests := []struct {
		name   string
		commit detectors.Commit
		head   string
		want   string
		not    []string
	}{
		{"inner commit", detectors.Commit{SHA: sha, AtHead: true}, "ffff",
			`git rebase -i a1b2c3d4^, marking a1b2c3d4 "edit"; take the secret out of 'my app.env', git add 'my app.env', git commit --amend`, []string{"--root", "only in the last commit", "--skip", "--theirs"}},
		{"inner commit, removed since", detectors.Commit{SHA: sha}, "ffff",
			"git checkout --theirs 'my app.env' and git add 'my app.env' (git rm 'my app.env' if that commit deleted the file), then git rebase --continue", []string{"--root"}},
		{"root commit", detectors.Commit{SHA: sha, Root: true}, "ffff",
			`git rebase -i --root, marking a1b2c3d4 "edit"`, []string{"a1b2c3d4^", "only in the last commit"}},
		{"head commit", detectors.Commit{SHA: sha}, sha,
			"only in the last commit (HEAD): remove it, git add 'my app.env', then git commit --amend", []string{"rebase"}},
		{"head is the root", detectors.Commit{SHA: sha, Root: true}, sha,
			"then git commit --amend", []string{"rebase"}},
		{"pushed root", detectors.Commit{SHA: sha, Root: true, Pushed: true}, "",
			"git filter-repo --invert-paths --path 'my app.env'", []string{"rebase -i"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := commitAdvice(&tt.commit, detectors.KindExchange, "my app.env", tt.head)
			if !strings.Contains(got, tt.want) {
				t.Errorf("advice lacks %q:\n%s", tt.want, got)
			}
			for _, n := range tt.not {
				if strings.Contains(got, n) {
					t.Errorf("advice has %q:\n%s", n, got)
				}
			}
		})
	}
}
