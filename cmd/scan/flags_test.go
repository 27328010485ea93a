package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseSize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int64 // 0: rejected
	}{
		{"10MiB", 10 << 20},
		{"512k", 512 << 10},
		{"1GB", 1000 * 1000 * 1000},
		{"1.5KiB", 1536},
		{"4096", 4096},
		{"2TiB", 2 << 40},
		{"nan", 0},
		{"NaN", 0},
		{"inf", 0},
		{"+Inf", 0},
		{"infinity", 0},
		{"0.1", 0},
		{"1.0000001k", 0},
		{"1e30", 0},
		{"1e400", 0},
		{"2PiB", 0},
		{"0", 0},
		{"-5MiB", 0},
		{"0x10", 0},
		{"1_000", 0},
		{"", 0},
		{"MiB", 0},
	}
	for _, tt := range tests {
		got, err := parseSize(tt.in)
		if tt.want == 0 {
			if err == nil {
				t.Errorf("parseSize(%q) = %d, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

func TestBadSizeExitsTwo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, size := range []string{"nan", "inf", "0.1", "1e30"} {
		code, _, errOut := runCLI(t, "dir", dir, "--max-file-size", size)
		if code != 2 || !strings.Contains(errOut, "--max-file-size") {
			t.Errorf("--max-file-size %s: exit %d, stderr %q", size, code, errOut)
		}
	}
}

func TestThreadsCapped(t *testing.T) {
	t.Parallel()
	var warn bytes.Buffer
	n, err := capThreads(100000, 2, &warn)
	if err != nil || n != 2*threadsPerCore || !strings.Contains(warn.String(), "capped at 8") {
		t.Errorf("capThreads(100000, 2) = %d, %v, warning %q", n, err, warn.String())
	}
	warn.Reset()
	if n, _ := capThreads(3, 2, &warn); n != 3 || warn.Len() != 0 {
		t.Errorf("capThreads(3, 2) = %d, warning %q", n, warn.String())
	}
	if _, err := capThreads(0, 2, &warn); err == nil {
		t.Error("capThreads(0) accepted")
	}
	code, _, errOut := runCLI(t, "dir", t.TempDir(), "--threads", "100000")
	if code != 0 || !strings.Contains(errOut, "capped at") {
		t.Errorf("--threads 100000: exit %d, stderr %q", code, errOut)
	}
}

// An empty directory is "nothing scanned", worded for a directory scan.
func TestNothingScannedWording(t *testing.T) {
	t.Parallel()
	_, out, _ := runCLI(t, "dir", t.TempDir())
	if !strings.Contains(out, "nothing was scanned: check the paths") || strings.Contains(out, "commit range") {
		t.Errorf("dir: %q", out)
	}
}

// A cloud key pair is not an exchange key: its note must not speak of
// trading and withdrawals.
func TestCloudPairNote(t *testing.T) {
	t.Parallel()
	_, out, _ := runCLI(t, "dir", leakyDir(t), "--format", "json")
	var doc struct {
		Findings []struct {
			RuleID   string   `json:"rule_id"`
			Kind     string   `json:"kind"`
			Name     string   `json:"service_name"`
			Severity string   `json:"severity"`
			Notes    []string `json:"notes"`
			Advice   string   `json:"advice"`
			URL      string   `json:"advice_url"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Findings) != 1 {
		t.Fatalf("%v: %s", err, out)
	}
	f := doc.Findings[0]
	if f.Kind != "cloud" || f.Name != "AWS" || f.Severity != "critical" || !strings.HasPrefix(f.URL, "https://console.aws.amazon.com/") {
		t.Errorf("finding %+v", f)
	}
	text := strings.Join(f.Notes, " ") + " " + f.Advice
	for _, w := range []string{"trade", "withdraw", "exchange"} {
		if strings.Contains(text, w) {
			t.Errorf("AWS finding speaks of %q: %q", w, text)
		}
	}
}

// --output never follows a symlink to overwrite its target, and a failed
// scan leaves the previous report as it was.
func TestOutputReplacesLinksAndKeepsReportOnFailure(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim.txt")
	os.WriteFile(victim, []byte("precious"), 0o644)
	link := filepath.Join(dir, "report.json")
	if err := os.Symlink(victim, link); err != nil {
		t.Skip("no symlinks:", err)
	}
	if code, _, errOut := runCLI(t, "dir", leakyDir(t), "--format", "json", "--output", link); code != 1 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious" {
		t.Errorf("the symlink's target was overwritten: %q", b)
	}
	if info, _ := os.Stat(victim); info.Mode().Perm() != 0o644 {
		t.Errorf("the symlink's target was chmod'ed to %v", info.Mode().Perm())
	}
	if info, err := os.Lstat(link); err != nil || !info.Mode().IsRegular() || info.Mode().Perm() != 0o600 {
		t.Fatalf("report at the link's place: %v %v", info.Mode(), err)
	}
	before, _ := os.ReadFile(link)
	if code, _, _ := runCLI(t, "dir", filepath.Join(dir, "missing"), "--format", "json", "--output", link); code != 2 {
		t.Fatalf("scan of a missing path: exit %d, want 2", code)
	}
	if after, _ := os.ReadFile(link); !bytes.Equal(before, after) {
		t.Error("a failed scan changed the previous report")
	}
}

// An interrupted scan never replaces a report with a partial one.
func TestInterruptedScanKeepsReport(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "report.json")
	os.WriteFile(out, []byte("previous"), 0o600)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	code := run(ctx, []string{"dir", leakyDir(t), "--format", "json", "--output", out}, &stdout, &stderr)
	if code != 130 {
		t.Fatalf("exit %d, want 130 (stderr %q)", code, stderr.String())
	}
	if b, _ := os.ReadFile(out); string(b) != "previous" {
		t.Errorf("the previous report was replaced by %q", b)
	}
	if !strings.Contains(stderr.String(), "left as it was") {
		t.Errorf("stderr %q does not say the report was kept", stderr.String())
	}
}
