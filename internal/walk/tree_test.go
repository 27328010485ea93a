package walk

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/regularfile"
)

// Each file is marked with whether its own file system is a local disk's,
// which picks the reader that keeps its processor through the system
// calls: a file in a directory by the directory's, a followed symlink by
// its target's, a root file by its own. The temporary directory here is
// on whatever the machine has, so the test checks the walk agrees with
// regularfile.LocalDisk, and that a tree of several directories on one
// device costs one question.
func TestFilesAreMarkedByTheirFileSystem(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a.env", "A=1\n")
	write(t, dir, "sub/b.env", "B=2\n")
	write(t, dir, "sub/deeper/c.env", "C=3\n")
	target := write(t, t.TempDir(), "target.env", "T=4\n")
	if err := os.Symlink(target, filepath.Join(dir, "link.env")); err != nil {
		t.Fatal(err)
	}
	want := regularfile.LocalDisk(dir)

	for _, tc := range []struct {
		name    string
		opt     Options
		root    string
		files   int
		devices int
	}{
		{"a tree", Options{}, dir, 3, 1},
		{"a tree, symlinks followed", Options{FollowSymlinks: true}, dir, 4, 1},
		{"a file as the root", Options{}, target, 1, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			roots, err := checkRoots([]string{tc.root})
			if err != nil {
				t.Fatal(err)
			}
			var jobs []job
			var st detectors.Stats
			w := walker{opt: &tc.opt, root: roots[0], stats: &st, ctx: context.Background(),
				visited: map[fileID]bool{}, local: map[uint64]bool{},
				emit: func(j job) bool { jobs = append(jobs, j); return true }}
			w.run()
			if len(jobs) != tc.files {
				t.Fatalf("%d files queued, want %d: %+v", len(jobs), tc.files, jobs)
			}
			for _, j := range jobs {
				if j.local != want {
					t.Errorf("%s: local %v, want %v (the temporary directory's file system)", j.rel, j.local, want)
				}
			}
			if len(w.local) != tc.devices {
				t.Errorf("asked about %d devices, want %d", len(w.local), tc.devices)
			}
		})
	}
}

// The walk joins a directory and an entry's name by hand; it must agree
// with filepath.Join, for the file system's root too, and each file's
// display path with the one rel gives.
func TestJoinNameAndDisplayPaths(t *testing.T) {
	for _, tc := range [][2]string{{"/", "etc"}, {"/home/u", ".env"}, {"/a b/c", "d\\e"}} {
		dir, name := filepath.FromSlash(tc[0]), tc[1]
		if got, want := joinName(dir, name), filepath.Join(dir, name); got != want {
			t.Errorf("joinName(%q, %q) = %q, want %q", dir, name, got, want)
		}
	}
	dir := t.TempDir()
	write(t, dir, "a.env", "A=1\n")
	write(t, dir, "sub/deeper/c.env", "C=3\n")
	other := t.TempDir()
	write(t, other, "x/y.env", "Y=1\n")
	for _, roots := range [][]string{{dir}, {dir, other}} {
		rs, err := checkRoots(roots)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			var st detectors.Stats
			w := walker{opt: &Options{}, root: r, stats: &st, ctx: context.Background(),
				visited: map[fileID]bool{}, local: map[uint64]bool{}}
			n := 0
			w.emit = func(j job) bool {
				n++
				if want := w.rel(j.abs); j.rel != want {
					t.Errorf("%s: shown as %q, want %q", j.abs, j.rel, want)
				}
				return true
			}
			w.run()
			if n == 0 {
				t.Errorf("%v: nothing queued", roots)
			}
		}
	}
}
