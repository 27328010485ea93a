//go:build unix

package walk

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// The walk's own directory listing must say what os.ReadDir says: the
// same names in the same order, with the same types, for every kind of
// entry a tree can hold.
func TestListingMatchesReadDir(t *testing.T) {
	tests := []struct {
		name string
		make func(t *testing.T, dir string)
	}{
		{"empty", func(t *testing.T, dir string) {}},
		{"files and directories", func(t *testing.T, dir string) {
			mkfile(t, dir, "b.go")
			mkfile(t, dir, "A.txt")
			mkfile(t, dir, ".env")
			mkfile(t, dir, ".gitignore")
			mkdir(t, dir, "sub")
			mkdir(t, dir, ".git")
		}},
		{"symlinks, live, broken and looping", func(t *testing.T, dir string) {
			mkfile(t, dir, "target")
			mkdir(t, dir, "d")
			symlink(t, "target", filepath.Join(dir, "to-file"))
			symlink(t, "d", filepath.Join(dir, "to-dir"))
			symlink(t, "missing", filepath.Join(dir, "broken"))
			symlink(t, ".", filepath.Join(dir, "self"))
		}},
		{"FIFO and socket", func(t *testing.T, dir string) {
			if err := syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o600); err != nil {
				t.Skip(err)
			}
			l, err := net.Listen("unix", filepath.Join(dir, "sock"))
			if err != nil {
				t.Skip(err)
			}
			t.Cleanup(func() { l.Close() })
		}},
		{"unreadable entries", func(t *testing.T, dir string) {
			p := mkfile(t, dir, "locked")
			if err := os.Chmod(p, 0); err != nil {
				t.Fatal(err)
			}
			d := mkdir(t, dir, "closed")
			mkfile(t, d, "inside")
			if err := os.Chmod(d, 0); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Chmod(d, 0o755) })
		}},
		{"long and odd names", func(t *testing.T, dir string) {
			mkfile(t, dir, strings.Repeat("n", 255))
			mkfile(t, dir, strings.Repeat("é", 127))
			mkfile(t, dir, "with space")
			mkfile(t, dir, "new\nline")
			mkfile(t, dir, "\xff\xfe not utf-8")
			mkfile(t, dir, "..dots")
			mkfile(t, dir, "...")
		}},
		{"more entries than one getdents call returns", func(t *testing.T, dir string) {
			for i := range 3000 {
				mkfile(t, dir, fmt.Sprintf("file-%05d-%s", 2999-i, strings.Repeat("x", i%40)))
			}
		}},
	}
	var l listing // reused from case to case, as the walk reuses it
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tc.make(t, dir)
			want, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			fd, err := openDir(dir, false)
			if err != nil {
				t.Fatal(err)
			}
			if err := l.read(fd, dir, false); err != nil {
				t.Fatal(err)
			}
			if len(l.ents) != len(want) {
				t.Fatalf("%d entries, os.ReadDir has %d", len(l.ents), len(want))
			}
			for i, w := range want {
				if got := string(l.name(i)); got != w.Name() || l.ents[i].typ != w.Type() {
					t.Errorf("entry %d: %q %v, os.ReadDir has %q %v", i, got, l.ents[i].typ, w.Name(), w.Type())
				}
				if !l.has(w.Name()) {
					t.Errorf("has(%q) is false", w.Name())
				}
			}
			if l.has("not-there") {
				t.Error(`has("not-there") is true`)
			}
		})
	}
}

// A path that cannot be listed fails as os.ReadDir fails, with the same
// error under the path.
func TestListingErrors(t *testing.T) {
	dir := t.TempDir()
	file := mkfile(t, dir, "file")
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip(err)
	}
	tests := []struct {
		name, path string
	}{
		{"missing", filepath.Join(dir, "missing")},
		{"a file", file},
		{"a FIFO, opened without blocking", fifo},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, want := os.ReadDir(tc.path)
			if want == nil {
				t.Fatalf("os.ReadDir(%s) did not fail", tc.path)
			}
			var l listing
			fd, err := openDir(tc.path, false)
			if err == nil {
				err = l.read(fd, tc.path, false)
			}
			if err == nil {
				t.Fatal("listed")
			}
			if got, want := unwrapPath(err), unwrapPath(want); !errors.Is(got, want) && got.Error() != want.Error() {
				t.Errorf("error %v, os.ReadDir's %v", got, want)
			}
		})
	}
}

// A directory that cannot be read is skipped with a warning, and the
// rest of the tree is scanned.
func TestScanUnreadableDirectoryIsWarned(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads every directory")
	}
	dir := t.TempDir()
	d := mkdir(t, dir, "closed")
	write(t, d, "hidden.env", "GITHUB_TOKEN="+token+"\n")
	write(t, dir, "open.env", "GITHUB_TOKEN="+token+"\n")
	if err := os.Chmod(d, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(d, 0o755) })
	fs, st := scan(t, Options{Roots: []string{dir}})
	if len(fs) != 1 || !st.Incomplete || st.Skipped["unreadable"] != 1 || len(st.Warnings) != 1 || st.Warnings[0].Path != "closed" {
		t.Errorf("findings %s, stats %+v", paths(fs), st)
	}
}

func mkfile(t *testing.T, dir, name string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func mkdir(t *testing.T, dir, name string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.Mkdir(p, 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func symlink(t *testing.T, target, p string) {
	t.Helper()
	if err := os.Symlink(target, p); err != nil {
		t.Skip(err)
	}
}

var _ fs.DirEntry = (*entry)(nil)

// A directory is opened with raw system calls only where it is known to
// lie on its parent's local disk: not at a mount point, not below a
// followed symlink (whose path the mount points do not list), not when
// the mount points could not be read.
func TestRawChildOnlyOnTheParentsLocalDisk(t *testing.T) {
	mounts := map[string]bool{"/": true, "/src/nfs": true}
	tests := []struct {
		name        string
		mounts      map[string]bool
		abs         string
		local, real bool
		want        bool
	}{
		{"a plain subdirectory", mounts, "/src/pkg", true, true, true},
		{"a mount point", mounts, "/src/nfs", true, true, false},
		{"below a mount point", mounts, "/src/nfs/pkg", true, true, true},
		{"parent not on a local disk", mounts, "/src/pkg", false, true, false},
		{"below a followed symlink", mounts, "/src/pkg", true, false, false},
		{"mount points not known", nil, "/src/pkg", true, true, false},
	}
	for _, tc := range tests {
		w := walker{mounts: tc.mounts}
		if got := w.rawChild(tc.abs, tc.local, tc.real); got != tc.want {
			t.Errorf("%s: raw %v, want %v", tc.name, got, tc.want)
		}
	}
}
