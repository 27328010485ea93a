package staged

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/keyward/scan/internal/gitrepo"
	"github.com/keyward/scan/internal/gittest"
)

// baseTree is a committed tree with files at several depths, names that
// sort around a directory's ("a.txt" < "a/" < "a0"), an executable and a
// symlink.
func baseTree(t *testing.T) string {
	t.Helper()
	dir := newRepo(t)
	for _, f := range []string{"a.txt", "a/b.txt", "a/c/d.txt", "a/c/e.txt", "a0", "b/x.txt", "b/y/z.txt", "top.md"} {
		write(t, dir, f, "content of "+f+"\n")
	}
	write(t, dir, "run.sh", "#!/bin/sh\n")
	os.Chmod(filepath.Join(dir, "run.sh"), 0o755)
	if err := os.Symlink("top.md", filepath.Join(dir, "link")); err != nil {
		t.Skip(err)
	}
	gittest.Commit(t, dir, "base")
	return dir
}

// The in-process comparison of the index with HEAD lists what git's
// diff-index lists, and leaves to git what it cannot settle.
func TestLocalChangesAgreeWithGit(t *testing.T) {
	tests := []struct {
		name   string
		stage  func(t *testing.T, dir string)
		askGit bool
	}{
		{"an edit at the top", func(t *testing.T, dir string) {
			write(t, dir, "top.md", "new content\n")
			run(t, dir, "add", "top.md")
		}, false},
		{"an edit two directories down", func(t *testing.T, dir string) {
			write(t, dir, "a/c/d.txt", "new content\n")
			run(t, dir, "add", "a/c/d.txt")
		}, false},
		{"edits beside names that sort around a directory", func(t *testing.T, dir string) {
			write(t, dir, "a.txt", "new\n")
			write(t, dir, "a0", "new\n")
			write(t, dir, "a/b.txt", "new\n")
			run(t, dir, "add", ".")
		}, false},
		{"new files in new and old directories", func(t *testing.T, dir string) {
			write(t, dir, "new/deep/f.txt", "new\n")
			write(t, dir, "b/y/n.txt", "new\n")
			write(t, dir, "a/c0", "new\n")
			run(t, dir, "add", ".")
		}, false},
		{"a mode change only", func(t *testing.T, dir string) {
			run(t, dir, "update-index", "--chmod=+x", "top.md")
		}, false},
		{"a symlink retargeted and a new one", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "link"))
			os.Symlink("a.txt", filepath.Join(dir, "link"))
			os.Symlink("elsewhere", filepath.Join(dir, "b/link2"))
			run(t, dir, "add", ".")
		}, false},
		{"a file that became a symlink", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "a0"))
			os.Symlink("top.md", filepath.Join(dir, "a0"))
			run(t, dir, "add", "a0")
		}, false},
		{"a submodule added", func(t *testing.T, dir string) {
			run(t, dir, "update-index", "--add", "--cacheinfo", "160000,"+run(t, dir, "rev-parse", "HEAD")+",sub")
			write(t, dir, "b/x.txt", "edited too\n")
			run(t, dir, "add", "b/x.txt")
		}, false},
		{"deletions and an edit", func(t *testing.T, dir string) {
			run(t, dir, "rm", "-q", "-r", "b")
			write(t, dir, "a/c/e.txt", "edited\n")
			run(t, dir, "add", ".")
		}, false},
		{"no cache-tree left: every directory compared", func(t *testing.T, dir string) {
			run(t, dir, "rm", "-q", "-r", "--cached", ".")
			write(t, dir, "a/c/e.txt", "edited\n")
			run(t, dir, "add", ".")
		}, false},
		{"index version 4", func(t *testing.T, dir string) {
			write(t, dir, "a/c/e.txt", "edited\n")
			write(t, dir, "a/c/new.txt", "new\n")
			run(t, dir, "add", ".")
			run(t, dir, "update-index", "--index-version", "4")
		}, false},
		{"one of two identical directories edited", func(t *testing.T, dir string) {
			// Both have the same tree in HEAD: the cache tree must be
			// read by name, or the edited one passes for the other.
			for _, d := range []string{"twin1", "twin2"} {
				write(t, dir, d+"/same.txt", "identical\n")
			}
			gittest.Commit(t, dir, "twins")
			write(t, dir, "twin1/same.txt", "edited\n")
			run(t, dir, "add", "twin1/same.txt")
		}, false},
		{"a cache-tree of another commit (reset --soft)", func(t *testing.T, dir string) {
			write(t, dir, "b/y/z.txt", "edited\n")
			write(t, dir, "a/c/e.txt", "edited\n")
			gittest.Commit(t, dir, "edits")
			run(t, dir, "reset", "-q", "--soft", "HEAD~1")
		}, false},
		{"a rename", func(t *testing.T, dir string) {
			run(t, dir, "mv", "b/x.txt", "moved.txt")
		}, true},
		{"a file replaced by a directory", func(t *testing.T, dir string) {
			run(t, dir, "rm", "-q", "a0")
			write(t, dir, "a0/inside.txt", "new\n")
			run(t, dir, "add", ".")
		}, true},
		{"an intent-to-add entry", func(t *testing.T, dir string) {
			write(t, dir, "later.txt", "not yet\n")
			run(t, dir, "add", "-N", "later.txt")
		}, true},
		{"a split index", func(t *testing.T, dir string) {
			write(t, dir, "top.md", "edited\n")
			run(t, dir, "update-index", "--split-index", "--add", "top.md")
		}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := baseTree(t)
			tc.stage(t, dir)
			got, err := localChangesOf(t, dir)
			if tc.askGit {
				if !errors.Is(err, errAskGit) {
					t.Fatalf("want the comparison left to git, got %+v, %v", got, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if want := gitChanges(t, dir, "HEAD"); !reflect.DeepEqual(got, want) {
				t.Errorf("in process: %+v\ngit:        %+v", got, want)
			}
		})
	}
}

// Before the first commit every staged file is new.
func TestLocalChangesFirstCommit(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "a/b.txt", "b\n")
	write(t, dir, "c.txt", "c\n")
	run(t, dir, "add", ".")
	r := gitrepo.NewObjectReader(context.Background(), filepath.Join(dir, ".git"))
	defer r.Close()
	var got []change
	err := withIndexFile(filepath.Join(dir, ".git", "index"), func(idx *indexFile) (err error) {
		got, err = localChanges(idx, "", r.Object)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := gitChanges(t, dir, emptyTreeSHA1); !reflect.DeepEqual(got, want) {
		t.Errorf("in process: %+v\ngit:        %+v", got, want)
	}
}

// A damaged index is never read as a shorter one.
func TestLocalIndexDamaged(t *testing.T) {
	dir := baseTree(t)
	write(t, dir, "top.md", "edited\n")
	run(t, dir, "add", "top.md")
	data, err := os.ReadFile(filepath.Join(dir, ".git", "index"))
	if err != nil {
		t.Fatal(err)
	}
	whole, err := parseIndex(data)
	if err != nil {
		t.Fatalf("the undamaged index: %v", err)
	}
	// index.skipHash (git 2.40) writes zeros instead of the checksum.
	zeros := append([]byte(nil), data...)
	copy(zeros[len(zeros)-20:], make([]byte, 20))
	if idx, err := parseIndex(zeros); err != nil || !reflect.DeepEqual(idx.entries, whole.entries) || !reflect.DeepEqual(idx.tree, whole.tree) || len(whole.entries) != 10 {
		t.Fatalf("an index without a checksum: %v", err)
	}
	flip := append([]byte(nil), data...)
	flip[100] ^= 1
	for name, b := range map[string][]byte{
		"a flipped bit":   flip,
		"truncated":       data[:len(data)/2],
		"not an index":    []byte("garbage that is long enough to have a checksum"),
		"a missing entry": append(append([]byte(nil), data[:8]...), append([]byte{0, 0, 0, 99}, data[12:]...)...),
	} {
		if _, err := parseIndex(b); !errors.Is(err, errAskGit) {
			t.Errorf("%s: %v, want errAskGit", name, err)
		}
	}
}

// A small edit is read without starting any git process.
func TestSmallEditStartsNoGit(t *testing.T) {
	dir := baseTree(t)
	run(t, dir, "gc", "-q")
	write(t, dir, "a/c/d.txt", "edited\n"+secretLine("nogit"))
	run(t, dir, "add", ".")
	opt := withHookReaders(t, Options{Path: dir})
	fs, _, err := Scan(context.Background(), newScanner(t), opt)
	if err != nil || len(fs) != 1 || fs[0].Secret != token("nogit") {
		t.Fatalf("findings %+v, %v", fs, err)
	}
	if opt.Objects.GitStarted() {
		t.Error("a git process was started for a small edit")
	}
}

func localChangesOf(t *testing.T, dir string) ([]change, error) {
	t.Helper()
	r := gitrepo.NewObjectReader(context.Background(), filepath.Join(dir, ".git"))
	defer r.Close()
	tree := run(t, dir, "rev-parse", "HEAD^{tree}")
	var cs []change
	err := withIndexFile(filepath.Join(dir, ".git", "index"), func(idx *indexFile) (err error) {
		cs, err = localChanges(idx, tree, r.Object)
		return err
	})
	return cs, err
}

// gitChanges is diff-index's list, less what adds no line (a mode change).
func gitChanges(t *testing.T, dir, base string) []change {
	t.Helper()
	out, err := runGit(context.Background(), filepath.Join(dir, ".git"), "", diffArgs(base)...)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := parseRaw(out)
	if err != nil {
		t.Fatal(err)
	}
	var kept []change
	for _, c := range cs {
		if c.blob != c.base {
			kept = append(kept, c)
		}
	}
	return kept
}
