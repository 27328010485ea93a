package main

import (
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	"github.com/keyward/scan/internal/gittest"
)

// A .env that starts with a magic number's bytes is text, and its keys are
// found by every source that reads files: dir, home, git and staged.
func TestMagicLookingTextInEverySource(t *testing.T) {
	t.Parallel()
	alnum := func(seed int64) string {
		const set = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
		r := rand.New(rand.NewSource(seed))
		b := make([]byte, 64)
		for i := range b {
			b[i] = set[r.Intn(len(set))]
		}
		return string(b)
	}
	keys := "BINANCE_API_KEY=" + alnum(1) + "\nBINANCE_API_SECRET=" + alnum(2) + "\n"
	for _, start := range []string{"MZ=1\n", "ID3=x\n", "RIFF=1\n", "BZh9\n", "%PDF-1.7\n", "GIF89a\n", "PK=1\n"} {
		dir := gittest.NewRepo(t)
		if err := os.WriteFile(filepath.Join(dir, ".env"), []byte(start+keys), 0o600); err != nil {
			t.Fatal(err)
		}
		if code, _, errOut := runCLI(t, "dir", dir, "-q"); code != 1 {
			t.Errorf("%q: scan dir exit %d, want 1: %s", start, code, errOut)
		}
		if code, _, errOut := runCLI(t, "home", dir, "-q"); code != 1 {
			t.Errorf("%q: scan home exit %d, want 1: %s", start, code, errOut)
		}
		gittest.Git(t, dir, "add", ".env")
		if code, _, errOut := runCLI(t, "staged", dir, "-q"); code != 1 {
			t.Errorf("%q: scan staged exit %d, want 1: %s", start, code, errOut)
		}
		gittest.Git(t, dir, "commit", "-q", "-m", "settings")
		if code, _, errOut := runCLI(t, "git", dir, "-q"); code != 1 {
			t.Errorf("%q: scan git exit %d, want 1: %s", start, code, errOut)
		}
	}
}
