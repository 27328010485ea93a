package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A .gitleaksignore's entries become baseline entries; the ones that
// match no finding are each named.
func TestBaselineImportGitleaksIgnore(t *testing.T) {
	t.Parallel()
	dir := leakyDir(t)
	ignore := filepath.Join(t.TempDir(), ".gitleaksignore")
	os.WriteFile(ignore, []byte("credentials:aws-access-token:2\ncredentials:aws-access-token:3\nother.env:generic-api-key:9\n"), 0o644)
	code, _, errOut := runCLI(t, "baseline", "import-gitleaksignore", ignore, dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "not imported: line 3: other.env:generic-api-key:9: no finding at other.env:9") {
		t.Errorf("the unmatched entry is not named: %s", errOut)
	}
	if code, _, errOut := runCLI(t, "dir", dir, "--baseline", filepath.Join(dir, ".keyward-baseline.json")); code != 0 {
		t.Errorf("after the import the scan still reports: exit %d: %s", code, errOut)
	}
}
