package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// screen is standard error as a terminal: the progress line is drawn on it.
type screen struct{ bytes.Buffer }

func (*screen) IsTerminal() bool { return true }

// What a user sees on the terminal during and after `scan home` must
// give one answer: the progress line counts files as the summary does and
// shows no count of secrets (the rules' matches before the filters are not
// the findings), and the closing line, drawn after every filter, gives the
// count the report holds (issue 18). The home has every kind of file, a
// key accepted by a baseline and findings below --min-severity, so the
// walk sees more matches than the report keeps.
func TestHomeProgressAgreesWithSummary(t *testing.T) {
	t.Parallel()
	h := newMaskHome(t)
	dir := h.dir
	write := func(rel, body string) {
		p := filepath.Join(dir, rel)
		os.MkdirAll(filepath.Dir(p), 0o700)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	accepted := awsSecret[:len(awsSecret)-4] + "Qx7v"
	write("bot/.env", "AWS_ACCESS_KEY_ID="+awsKeyID+"\nAWS_SECRET_ACCESS_KEY="+accepted+"\n")
	// The baseline accepts the bot's key, wherever it appears.
	base := filepath.Join(t.TempDir(), "baseline.json")
	if code, _, errOut := runCLI(t, "baseline", "create", filepath.Join(dir, "bot"), "--output", base); code != 0 {
		t.Fatalf("baseline create: exit %d, %s", code, errOut)
	}
	// Walk first without filters: the rules match more than the report
	// below holds, or this test would prove nothing.
	_, all, _ := runCLI(t, "home", dir, "--format", "json", "--no-progress")
	var raw struct{ Findings []any }
	if err := json.Unmarshal([]byte(all), &raw); err != nil {
		t.Fatal(err)
	}

	var out bytes.Buffer
	errOut := &screen{}
	if code := run(context.Background(), []string{"home", dir, "--baseline", base, "--min-severity", "high"}, &out, errOut); code != 1 {
		t.Fatalf("exit %d, want 1; stderr %q", code, errOut.String())
	}
	summary := regexp.MustCompile(`scanned (\d+) files \([^)]*\) in [^ ]+ \[home\]: (\d+) findings`).FindStringSubmatch(out.String())
	if summary == nil {
		t.Fatalf("no summary in the report:\n%s", out.String())
	}
	files, findings := summary[1], summary[2]
	if n, _ := strconv.Atoi(findings); n >= len(raw.Findings) {
		t.Fatalf("the filters dropped nothing (%s findings, %d unfiltered): the test proves nothing", findings, len(raw.Findings))
	}

	// The live line: counts of files only, never above the summary's.
	screenText := errOut.String()
	live := regexp.MustCompile(`(\d+) files?  `).FindAllStringSubmatch(screenText, -1)
	if len(live) == 0 {
		t.Fatalf("no progress line drawn on the terminal: %q", screenText)
	}
	total, _ := strconv.Atoi(files)
	for _, m := range live {
		if n, _ := strconv.Atoi(m[1]); n > total {
			t.Errorf("progress line says %q, the summary %s files", m[0], files)
		}
	}
	if bad := regexp.MustCompile(`\d+ (candidates?|matches|secrets?)\b`).FindString(screenText); bad != "" {
		t.Errorf("the screen shows %q: a count that is not the report's", bad)
	}
	// Every count of findings on the screen is the report's, and the
	// last thing standard error says is the closing line.
	counts := regexp.MustCompile(`(\d+) finding`).FindAllStringSubmatch(screenText, -1)
	if len(counts) == 0 {
		t.Fatalf("no closing line: %q", screenText)
	}
	for _, m := range counts {
		if m[1] != findings {
			t.Errorf("standard error says %q, the report %s findings", m[0], findings)
		}
	}
	closing := "scan: " + findings + " finding(s) in " + files + " file(s)\n"
	if !strings.HasSuffix(screenText, closing) {
		t.Errorf("standard error does not end with %q: %q", closing, screenText[max(0, len(screenText)-300):])
	}
}
