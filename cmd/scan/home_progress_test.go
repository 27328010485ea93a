package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// screen is standard error as a terminal: the progress line is drawn on it.
type screen struct{ bytes.Buffer }

func (*screen) IsTerminal() bool { return true }

// The progress line must not count as findings what the filters then drop:
// a user reads "2 findings" on the line and "1 finding(s)" in the summary
// as two answers to one question (issue 18).
func TestHomeProgressAgreesWithSummary(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(rel, body string) {
		p := filepath.Join(dir, rel)
		os.MkdirAll(filepath.Dir(p), 0o700)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	accepted := awsSecret[:len(awsSecret)-4] + "Qx7v"
	write("bot/.env", "AWS_ACCESS_KEY_ID="+awsKeyID+"\nAWS_SECRET_ACCESS_KEY="+accepted+"\n")
	write(".bash_history", "ls\nexport AWS_ACCESS_KEY_ID="+awsKeyID+"\nexport AWS_SECRET_ACCESS_KEY="+awsSecret+"\n")
	// The baseline accepts the bot's key, wherever it appears.
	base := filepath.Join(t.TempDir(), "baseline.json")
	if code, _, errOut := runCLI(t, "baseline", "create", filepath.Join(dir, "bot"), "--output", base); code != 0 {
		t.Fatalf("baseline create: exit %d, %s", code, errOut)
	}

	var out bytes.Buffer
	errOut := &screen{}
	if code := run(context.Background(), []string{"home", dir, "--baseline", base, "--format", "json"}, &out, errOut); code != 1 {
		t.Fatalf("exit %d, want 1; stderr %q", code, errOut.String())
	}
	summary := regexp.MustCompile(`scan: (\d+) finding\(s\)`).FindStringSubmatch(errOut.String())
	if summary == nil || summary[1] != "1" {
		t.Fatalf("summary %q, want 1 finding (the other is in the baseline); stderr %q", summary, errOut.String())
	}
	line := regexp.MustCompile(`(\d+) (findings|candidates)`).FindAllStringSubmatch(errOut.String(), -1)
	if len(line) == 0 {
		t.Fatalf("no progress line drawn on the terminal: %q", errOut.String())
	}
	for _, m := range line {
		if m[2] == "findings" && m[1] != summary[1] {
			t.Errorf("progress line says %q, summary says %s finding(s)", m[0], summary[1])
		}
	}
	// What the line counts before the baseline has its own word.
	if last := line[len(line)-1]; last[2] != "candidates" {
		t.Errorf("last progress count %q: the count before the filters must say candidates", last[0])
	}
}
