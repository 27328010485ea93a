package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/keyward/scan/internal/display"
)

// "scan dir" on a home that --mask has run on must not report the
// originals keyward kept as new leaks, wherever the scan starts (the home,
// the backups folder, a file inside one), and must say what they hold, as
// "scan home" does (issue 18). A folder that merely has the name, or a
// copy that lost the owner-only modes and manifest's checksums, is scanned
// as any folder is: a name alone must not hide a secret.
func TestScanDirOnOwnBackups(t *testing.T) {
	t.Parallel()
	h := newMaskHome(t)
	if code, _, errOut := runCLI(t, "home", h.dir, "--mask", "--yes"); code != 1 {
		t.Fatalf("--mask: exit %d, %s", code, errOut)
	}
	bk := filepath.Join(h.dir, ".keyward", "backups")
	runs, _ := os.ReadDir(bk)
	if len(runs) != 1 {
		t.Fatalf("%d backup runs", len(runs))
	}
	run := filepath.Join(bk, runs[0].Name())
	_, homeOut, _ := runCLI(t, "home", h.dir)
	want := regexp.MustCompile(`(\d+) finding\(s\) are in keyward's own backups`).FindStringSubmatch(homeOut)
	if want == nil {
		t.Fatalf("scan home does not count the backups:\n%s", homeOut)
	}
	note := want[0] + " (" + display.Text(bk) + "), not reported again: scan home --unmask " + display.Shell(h.dir) + " restores them"

	for _, tc := range []struct {
		name string
		root string
		// clean: nothing but the backups, so nothing is reported.
		clean bool
	}{
		{"the home", h.dir, false},
		{"the backups folder", bk, true},
		{"one run", run, true},
		{"its files folder", filepath.Join(run, "files"), true},
		{"one saved file", filepath.Join(run, "files", ".bash_history"), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "dir", tc.root)
			listed := out[:regexp.MustCompile(`(?m)^scanned `).FindStringIndex(out)[0]]
			if strings.Contains(listed, ".keyward") || strings.Contains(listed, "files/") || strings.Contains(listed, "MASKED") {
				t.Errorf("backups reported as findings:\n%s", out)
			}
			flat := strings.Join(strings.Fields(out), " ")
			if !strings.Contains(flat, note) {
				t.Errorf("report lacks %q:\n%s%s", note, out, errOut)
			}
			if tc.clean && code != 0 {
				t.Errorf("exit %d for a folder of keyward's own backups, want 0:\n%s", code, out)
			}
			if !tc.clean && code != 1 {
				t.Errorf("exit %d for the home, want 1", code)
			}
		})
	}
	t.Run("json names it on standard error", func(t *testing.T) {
		_, out, errOut := runCLI(t, "dir", bk, "--format", "json")
		if strings.Contains(out, ".bash_history") || !strings.Contains(errOut, want[0]) {
			t.Errorf("stdout %s\nstderr %s", out, errOut)
		}
	})

	// Lookalikes are scanned: a copy of the run elsewhere keeps its files
	// but not the place and modes; a folder of that name whose files the
	// manifest does not list; one whose file no longer matches its sum.
	copyRun := func(t *testing.T, dst string, mode os.FileMode) {
		filepath.Walk(run, func(p string, info os.FileInfo, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(run, p)
			if info.IsDir() {
				return os.MkdirAll(filepath.Join(dst, rel), 0o700)
			}
			b, _ := os.ReadFile(p)
			return os.WriteFile(filepath.Join(dst, rel), b, mode)
		})
		os.Chmod(dst, 0o700)
	}
	for _, tc := range []struct {
		name string
		make func(t *testing.T, root string) string
	}{
		{"a copy in another folder", func(t *testing.T, root string) string {
			dst := filepath.Join(root, "old-laptop", runs[0].Name())
			copyRun(t, dst, 0o600)
			return root
		}},
		{"a checkout's modes", func(t *testing.T, root string) string {
			dst := filepath.Join(root, ".keyward", "backups", runs[0].Name())
			copyRun(t, dst, 0o644)
			return root
		}},
		{"a file the manifest does not list", func(t *testing.T, root string) string {
			dst := filepath.Join(root, ".keyward", "backups", runs[0].Name())
			copyRun(t, dst, 0o600)
			if err := os.WriteFile(filepath.Join(dst, "files", "extra.env"), h.content["bots/grid/.env"], 0o600); err != nil {
				t.Fatal(err)
			}
			return root
		}},
		{"a file that changed since", func(t *testing.T, root string) string {
			dst := filepath.Join(root, ".keyward", "backups", runs[0].Name())
			copyRun(t, dst, 0o600)
			if err := os.WriteFile(filepath.Join(dst, "files", ".bash_history"), append(h.content[".bash_history"], '\n'), 0o600); err != nil {
				t.Fatal(err)
			}
			return root
		}},
	} {
		t.Run("lookalike: "+tc.name, func(t *testing.T) {
			root := tc.make(t, t.TempDir())
			code, out, _ := runCLI(t, "dir", root)
			if code != 1 || !strings.Contains(out, ".bash_history") || strings.Contains(out, "keyward's own backups") {
				t.Errorf("exit %d; a lookalike must be scanned as any folder:\n%s", code, out)
			}
		})
	}
}
