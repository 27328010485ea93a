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

// homeDir is a small home: a world-readable .env, a private history, a
// backup archive, and a secret in the trash.
func homeDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	// A home others may enter: the files' own modes decide who reads them.
	os.Chmod(dir, 0o755)
	os.Chmod(filepath.Dir(dir), 0o755)
	creds := "AWS_ACCESS_KEY_ID=" + awsKeyID + "\nAWS_SECRET_ACCESS_KEY=" + awsSecret + "\n"
	write := func(rel, body string, mode os.FileMode) {
		p := filepath.Join(dir, rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), mode); err != nil {
			t.Fatal(err)
		}
		os.Chmod(p, mode)
	}
	write("bot/.env", creds, 0o644)
	write(".bash_history", "ls\nexport "+strings.ReplaceAll(creds, "\n", "\nexport ")+"cd bot\n", 0o600)
	write(".local/share/Trash/files/old.env", creds, 0o600)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("bot/.env")
	w.Write([]byte(creds))
	zw.Close()
	write("backup.zip", buf.String(), 0o644)
	return dir
}

func TestHomeJSONContract(t *testing.T) {
	t.Parallel()
	dir := homeDir(t)
	code, out, errOut := runCLI(t, "home", dir, "--format", "json")
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr %q", code, errOut)
	}
	// Not a terminal: no progress line, only the one-line summary.
	if strings.Count(errOut, "\n") != 1 || !strings.HasPrefix(errOut, "scan: 3 finding(s)") {
		t.Errorf("stderr = %q", errOut)
	}
	var rep struct {
		Command  string
		Findings []struct {
			Path    string          `json:"path"`
			Archive string          `json:"archive"`
			Kind    string          `json:"kind"`
			File    json.RawMessage `json:"file"`
			Secret  string          `json:"secret"`
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range rep.Findings {
		var file bytes.Buffer
		json.Compact(&file, f.File)
		got[f.Path] = f.Archive + " " + f.Kind + " " + file.String()
		if strings.Contains(out, awsSecret) {
			t.Fatal("secret printed without --show-secrets")
		}
	}
	want := map[string]string{
		"bot/.env":            ` cloud {"mode":"0644","readable_by_others":true}`,
		".bash_history":       ` cloud {"mode":"0600","readable_by_others":false}`,
		"backup.zip!bot/.env": `backup.zip cloud {"mode":"0644","readable_by_others":true}`,
	}
	for p, w := range want {
		if got[p] != w {
			t.Errorf("%s: %q, want %q", p, got[p], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("findings %v, want only %v (the trash is skipped)", got, want)
	}
}

func TestHomeTextSummaryAndOverrides(t *testing.T) {
	t.Parallel()
	dir := homeDir(t)
	code, out, _ := runCLI(t, "home", dir, "--no-skip", "trash", "--skip", "bot")
	if code != 1 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{".local/share/Trash/files/old.env", "backup.zip!bot/.env", "Findings by kind", "cloud                3       3  critical", "chmod 600", "Scrub shell history"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Contains(out, "\nbot/.env") {
		t.Error("--skip bot did not skip bot/.env")
	}
	if code, _, errOut := runCLI(t, "home", dir, "--no-skip", "nonsense"); code != 2 || !strings.Contains(errOut, "no skip rule") {
		t.Errorf("--no-skip nonsense: exit %d, %q", code, errOut)
	}
}

func TestHomeCleanAndInterrupted(t *testing.T) {
	t.Parallel()
	clean := t.TempDir()
	os.WriteFile(filepath.Join(clean, ".bashrc"), []byte("alias ll='ls -l'\n"), 0o644)
	if code, out, errOut := runCLI(t, "home", clean); code != 0 || errOut != "" || !strings.Contains(out, "nothing found") {
		t.Errorf("clean home: exit %d, stderr %q\n%s", code, errOut, out)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errOut bytes.Buffer
	if code := run(ctx, []string{"home", homeDir(t)}, &out, &errOut); code != 130 {
		t.Errorf("interrupted: exit %d, want 130; stderr %q", code, errOut.String())
	}
}

// typist answers questions as a person at a terminal would.
type typist struct{ *strings.Reader }

func (typist) IsTerminal() bool { return true }

func TestHomeMask(t *testing.T) {
	t.Parallel()
	dir := homeDir(t)
	hist := filepath.Join(dir, ".bash_history")
	orig, _ := os.ReadFile(hist)

	// Declined: nothing changes.
	root := newRootCmd()
	var out, errOut bytes.Buffer
	root.SetArgs([]string{"home", dir, "--mask"})
	root.SetIn(typist{strings.NewReader("n\n")})
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.ExecuteContext(context.Background())
	if now, _ := os.ReadFile(hist); !bytes.Equal(now, orig) || !strings.Contains(errOut.String(), "nothing changed") ||
		!strings.Contains(errOut.String(), "[y/N]") {
		t.Fatalf("declined mask changed the file or did not say so: %q", errOut.String())
	}

	code, _, errOut2 := runCLI(t, "home", dir, "--mask", "--yes")
	if code != 1 {
		t.Fatalf("exit %d: %s", code, errOut2)
	}
	now, _ := os.ReadFile(hist)
	if bytes.Contains(now, []byte(awsSecret)) || !bytes.Contains(now, []byte("export AWS_SECRET_ACCESS_KEY="+awsSecret[:4]+"****MASKED-BY-KEYWARD****")) {
		t.Errorf("history after mask:\n%s", now)
	}
	if !bytes.Contains(now, []byte("cd bot\n")) {
		t.Error("mask lost the other lines")
	}
	if _, err := os.Stat(hist + ".keyward-backup"); err == nil {
		t.Error("a backup beside the file: it would be found again")
	}
	backups, _ := filepath.Glob(filepath.Join(dir, ".keyward", "backups", "*", "files", ".bash_history"))
	if len(backups) != 1 {
		t.Fatalf("backups: %v", backups)
	}
	if b, _ := os.ReadFile(backups[0]); !bytes.Equal(b, orig) {
		t.Error("backup is not the original")
	}
	if info, _ := os.Stat(hist); info.Mode().Perm() != 0o600 {
		t.Errorf("mask changed the mode to %v", info.Mode().Perm())
	}
	if !strings.Contains(errOut2, "'backup.zip!bot/.env'\n      inside an archive") {
		t.Errorf("archive member not named as unmaskable: %q", errOut2)
	}
	// A live bot config is advice, not rewriting.
	if b, _ := os.ReadFile(filepath.Join(dir, "bot/.env")); !bytes.Contains(b, []byte(awsSecret)) {
		t.Error("bot/.env was masked; it is a live config")
	}
}
