package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A config that enables one rule, disables rules, excludes paths or
// allowlists turns a clean result into a partial one: every format says
// what it turned off.
func TestConfigThatNarrowsTheScanIsNamed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := "[rules]\nenable = [\"github-token\"]\n\n[scan]\nexclude = [\"docs/**\"]\n\n[[allowlist]]\ndescription = \"fixtures\"\npaths = [\"test/**\"]\n"
	os.WriteFile(filepath.Join(dir, ".keyward.toml"), []byte(cfg), 0o644)
	os.WriteFile(filepath.Join(dir, "app.py"), []byte("print('hello')\n"), 0o644)
	for _, format := range []string{"text", "json", "sarif"} {
		code, out, errOut := runCLI(t, "dir", dir, "--format", format)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", format, code, errOut)
		}
		all := out + errOut
		for _, want := range []string{"only 1 of", "github-token", "docs/**", "fixtures"} {
			if !strings.Contains(all, want) {
				t.Errorf("%s: the report does not say %q:\n%s", format, want, all)
			}
		}
	}
}
