package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// File names are written by whoever wrote the scanned tree: no report for
// people may carry their escape sequences or bidi overrides to a terminal
// or a CI log.
func TestFileNamesAreEscapedInEveryFormatForPeople(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tok := "ghp_" + "Zq8Lp2Rk7XvA9mN3bC5dF1gH4jK6wE0tY2uI"
	for _, name := range []string{"a\x1b[31mred\x1b[0m.env", "b\u202etxt.env", "c\tx\ny.env"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("GITHUB_TOKEN="+tok+"\n"), 0o600); err != nil {
			t.Skip("file system refuses the name:", err)
		}
	}
	for _, format := range []string{"text", "github", "html"} {
		code, out, errOut := runCLI(t, "dir", dir, "--format", format, "--verbose")
		if code != 1 {
			t.Fatalf("%s: exit %d: %s", format, code, errOut)
		}
		for _, bad := range []string{"\x1b", "\u202e", "c\tx\ny"} {
			if strings.Contains(out, bad) || strings.Contains(errOut, bad) {
				t.Errorf("%s: output carries %q raw", format, bad)
			}
		}
	}
}
