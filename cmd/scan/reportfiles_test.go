package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// --output and --report (or two --report) naming one file, however
// spelled, are refused before anything is scanned or written.
func TestReportsNamingOneFileAreRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	real := filepath.Join(dir, "real")
	os.Mkdir(real, 0o755)
	link := filepath.Join(dir, "link")
	if err := os.Symlink(real, link); err != nil {
		t.Skip("no symlinks:", err)
	}
	out := filepath.Join(real, "r.json")
	rel, err := filepath.Rel(mustGetwd(t), filepath.Join(real, "sub", "..", "r.json"))
	if err != nil {
		t.Fatal(err)
	}
	existing := filepath.Join(dir, "existing.sarif")
	os.WriteFile(existing, []byte("previous"), 0o600)
	hard := filepath.Join(dir, "hard.sarif")
	if err := os.Link(existing, hard); err != nil {
		t.Skip("no hard links:", err)
	}
	tests := []struct {
		name string
		args []string
	}{
		{"output and report", []string{"--output", out, "--report", "sarif=" + out}},
		{"two reports", []string{"--report", "json=" + out, "--report", "sarif=" + out}},
		{"through a symlinked directory", []string{"--output", out, "--report", "sarif=" + filepath.Join(link, "r.json")}},
		{"relative with ..", []string{"--output", out, "--report", "sarif=" + rel}},
		{"hard link", []string{"--report", "sarif=" + existing, "--report", "json=" + hard}},
	}
	for _, tt := range tests {
		args := append([]string{"dir", leakyDir(t), "--format", "json"}, tt.args...)
		code, _, errOut := runCLI(t, args...)
		if code != 2 || !strings.Contains(errOut, "name the same file") {
			t.Errorf("%s: exit %d, stderr %q; want 2 and a message", tt.name, code, errOut)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a report was written although the command was refused")
	}
	if b, _ := os.ReadFile(existing); string(b) != "previous" {
		t.Errorf("an existing report was changed: %q", b)
	}
	// Distinct files are fine.
	if code, _, errOut := runCLI(t, "dir", leakyDir(t), "--format", "json", "--output", out, "--report", "sarif="+filepath.Join(link, "r.sarif")); code != 1 {
		t.Errorf("distinct files: exit %d: %s", code, errOut)
	}
}

func mustGetwd(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return wd
}
