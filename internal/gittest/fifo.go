package gittest

import (
	"os"
	"path/filepath"
	"testing"
)

// FIFOConfigRepo lays out a repository skeleton in a temporary directory
// whose .git/config is a FIFO: opening it for reading blocks until a writer
// comes. It returns the directory and the FIFO's path (write to it to free
// a blocked reader); it skips the test where FIFOs cannot be made.
func FIFOConfigRepo(t testing.TB) (dir, fifo string) {
	t.Helper()
	dir = t.TempDir()
	for _, d := range []string{".git/refs/heads", ".git/objects"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, ".git/HEAD"), []byte("ref: refs/heads/main\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fifo = filepath.Join(dir, ".git/config")
	if err := mkfifo(fifo); err != nil {
		t.Skip(err)
	}
	return dir, fifo
}
