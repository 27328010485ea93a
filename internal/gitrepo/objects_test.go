package gitrepo

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/keyward/scan/internal/gittest"
)

// objectHistory writes a history whose objects git stores in every way:
// a file edited many times (deltas, chains of them), trees several levels
// deep, a symlink, an executable, an empty file, bytes that are not text.
func objectHistory(t *testing.T, dir string) {
	t.Helper()
	var body strings.Builder
	for i := range 400 {
		fmt.Fprintf(&body, "line %d of a settings file that changes a little in every commit\n", i)
	}
	gittest.Write(t, dir, "empty", "")
	gittest.Write(t, dir, "bin.dat", "\x00\x01\x02\xff binary \x00")
	for i := range 12 {
		text := strings.Replace(body.String(), fmt.Sprintf("line %d ", i*7), fmt.Sprintf("line %d (edited in %d) ", i*7, i), 1)
		gittest.Write(t, dir, "config/app/settings.txt", text)
		gittest.Write(t, dir, fmt.Sprintf("src/pkg%d/file.go", i%3), fmt.Sprintf("package pkg\n\nconst N = %d\n", i))
		gittest.Commit(t, dir, fmt.Sprintf("commit %d", i))
	}
	if err := os.Symlink("config/app/settings.txt", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	gittest.Write(t, dir, "run.sh", "#!/bin/sh\necho hi\n")
	if err := os.Chmod(filepath.Join(dir, "run.sh"), 0o755); err != nil {
		t.Fatal(err)
	}
	gittest.Git(t, dir, "tag", "-a", "-m", "a tag", "v1")
	gittest.Commit(t, dir, "link and script")
}

// allObjects reads every object of the repository at dir as git does.
func allObjects(t *testing.T, dir string) map[string]struct {
	typ  string
	data []byte
} {
	t.Helper()
	cmd := exec.Command("git", "cat-file", "--batch-all-objects", "--batch")
	cmd.Dir = dir
	cmd.Env = gittest.Env()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git cat-file: %v", err)
	}
	objs := map[string]struct {
		typ  string
		data []byte
	}{}
	r := bufio.NewReader(bytes.NewReader(out))
	for {
		line, err := r.ReadString('\n')
		if err == io.EOF {
			break
		}
		f := strings.Fields(line)
		if len(f) != 3 {
			t.Fatalf("cat-file line %q", line)
		}
		n, _ := strconv.Atoi(f[2])
		data := make([]byte, n+1)
		if _, err := io.ReadFull(r, data); err != nil {
			t.Fatal(err)
		}
		objs[f[0]] = struct {
			typ  string
			data []byte
		}{f[1], data[:n]}
	}
	return objs
}

func TestObjectsReadWhatGitReads(t *testing.T) {
	gittest.NeedGit(t)
	tests := []struct {
		name string
		// prepare turns the history at dir into the layout under test
		// and returns the git directory to open and the work tree whose
		// objects git lists.
		prepare func(t *testing.T, dir string) (gitDir, workTree string)
		packed  bool // every object is in a pack
	}{
		{"loose objects", func(t *testing.T, dir string) (string, string) {
			return filepath.Join(dir, ".git"), dir
		}, false},
		{"one pack with offset deltas", func(t *testing.T, dir string) (string, string) {
			gittest.Git(t, dir, "repack", "-a", "-d", "-f", "--depth=50", "--window=50")
			gittest.Git(t, dir, "prune-packed")
			return filepath.Join(dir, ".git"), dir
		}, true},
		{"a pack with deltas by id", func(t *testing.T, dir string) (string, string) {
			gittest.Git(t, dir, "-c", "repack.useDeltaBaseOffset=false", "repack", "-a", "-d", "-f", "--depth=50", "--window=50")
			gittest.Git(t, dir, "prune-packed")
			return filepath.Join(dir, ".git"), dir
		}, true},
		{"an index with 64-bit offsets", func(t *testing.T, dir string) (string, string) {
			gittest.Git(t, dir, "repack", "-a", "-d", "-f", "--depth=50", "--window=50")
			gittest.Git(t, dir, "prune-packed")
			packs, _ := filepath.Glob(filepath.Join(dir, ".git", "objects", "pack", "*.pack"))
			if len(packs) != 1 {
				t.Fatalf("packs: %v", packs)
			}
			idx := strings.TrimSuffix(packs[0], ".pack") + ".idx"
			os.Chmod(idx, 0o644)
			os.Remove(idx)
			// Every offset past 64 goes to the large-offset table.
			gittest.Git(t, dir, "index-pack", "--index-version=2,64", "-o", idx, packs[0])
			return filepath.Join(dir, ".git"), dir
		}, true},
		{"packs and loose objects", func(t *testing.T, dir string) (string, string) {
			gittest.Git(t, dir, "repack", "-a", "-d")
			gittest.Write(t, dir, "config/app/settings.txt", "rewritten after the repack\n")
			gittest.Commit(t, dir, "after the pack")
			return filepath.Join(dir, ".git"), dir
		}, false},
		{"a clone --shared (alternates)", func(t *testing.T, dir string) (string, string) {
			gittest.Git(t, dir, "repack", "-a", "-d")
			clone := t.TempDir()
			gittest.Git(t, clone, "clone", "-q", "--shared", dir, "c")
			c := filepath.Join(clone, "c")
			gittest.Write(t, c, "config/app/settings.txt", "changed in the clone\n")
			gittest.Commit(t, c, "in the clone")
			return filepath.Join(c, ".git"), c
		}, false},
		{"a linked worktree", func(t *testing.T, dir string) (string, string) {
			gittest.Git(t, dir, "repack", "-a", "-d")
			wt := filepath.Join(t.TempDir(), "wt")
			gittest.Git(t, dir, "worktree", "add", "-q", "-b", "side", wt)
			gittest.Write(t, wt, "side.txt", "only on the side branch\n")
			gittest.Commit(t, wt, "on the side")
			return filepath.Join(dir, ".git", "worktrees", "wt"), wt
		}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := gittest.NewRepo(t)
			objectHistory(t, dir)
			gitDir, workTree := tc.prepare(t, dir)
			want := allObjects(t, workTree)
			if tc.packed {
				loose, _ := filepath.Glob(filepath.Join(dir, ".git", "objects", "??", "*"))
				if len(loose) > 0 {
					t.Fatalf("%d loose objects left", len(loose))
				}
			}
			o, err := OpenObjects(gitDir, 64<<20)
			if err != nil {
				t.Fatal(err)
			}
			defer o.Close()
			for id, w := range want {
				typ, data, ok, err := o.Object(id, 64<<20)
				if err != nil || !ok {
					t.Fatalf("%s (%s): ok %v, %v", id, w.typ, ok, err)
				}
				if typ != w.typ || !bytes.Equal(data, w.data) {
					t.Fatalf("%s: read a %s of %d bytes, git a %s of %d", id, typ, len(data), w.typ, len(w.data))
				}
				if len(data) > 0 {
					typ, data, ok, err := o.Object(id, int64(len(w.data)-1))
					if err != nil || ok || data != nil || typ != w.typ {
						t.Fatalf("%s under a limit below its size: %s %v %v", id, typ, ok, err)
					}
				}
			}
			if len(want) < 40 {
				t.Fatalf("only %d objects: the history is not what the test needs", len(want))
			}
			if _, _, _, err := o.Object(strings.Repeat("ab", 20), 1<<20); !errors.Is(err, ErrNoObject) {
				t.Errorf("a missing object: %v, want ErrNoObject", err)
			}
		})
	}
}

// An object larger than the reader's limit is left to git, said so.
func TestObjectsLargerThanTheLimit(t *testing.T) {
	dir := gittest.NewRepo(t)
	gittest.Write(t, dir, "big.txt", strings.Repeat("x", 5000))
	gittest.Commit(t, dir, "big")
	id := gittest.Git(t, dir, "rev-parse", "HEAD:big.txt")
	o, err := OpenObjects(filepath.Join(dir, ".git"), 4096)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	if _, _, _, err := o.Object(id, 1<<20); !errors.Is(err, ErrUnsupported) {
		t.Errorf("over the limit: %v, want ErrUnsupported", err)
	}
	if typ, _, ok, err := o.Object(id, 100); err != nil || ok || typ != "blob" {
		t.Errorf("over max: %s %v %v", typ, ok, err)
	}
}

// Damaged object data is an error, never other bytes.
func TestObjectsDamaged(t *testing.T) {
	tests := []struct {
		name   string
		damage func(t *testing.T, dir, id string)
	}{
		{"a truncated loose object", func(t *testing.T, dir, id string) {
			p := filepath.Join(dir, ".git", "objects", id[:2], id[2:])
			data, _ := os.ReadFile(p)
			os.Chmod(p, 0o644)
			if err := os.WriteFile(p, data[:len(data)-6], 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{"a loose object with a wrong size", func(t *testing.T, dir, id string) {
			p := filepath.Join(dir, ".git", "objects", id[:2], id[2:])
			os.Chmod(p, 0o644)
			if err := os.WriteFile(p, zlibBytes(t, "blob 3\x00abcdef"), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{"a pack whose data was overwritten", func(t *testing.T, dir, id string) {
			gittest.Git(t, dir, "repack", "-a", "-d")
			gittest.Git(t, dir, "prune-packed")
			packs, _ := filepath.Glob(filepath.Join(dir, ".git", "objects", "pack", "*.pack"))
			data, _ := os.ReadFile(packs[0])
			for i := 12; i < len(data)-20; i++ {
				data[i] ^= 0x55
			}
			os.Chmod(packs[0], 0o644)
			if err := os.WriteFile(packs[0], data, 0o644); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := gittest.NewRepo(t)
			gittest.Write(t, dir, "a.txt", strings.Repeat("some text\n", 50))
			gittest.Commit(t, dir, "a")
			id := gittest.Git(t, dir, "rev-parse", "HEAD:a.txt")
			tc.damage(t, dir, id)
			o, err := OpenObjects(filepath.Join(dir, ".git"), 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			defer o.Close()
			if _, data, ok, err := o.Object(id, 1<<20); err == nil {
				t.Errorf("read %d bytes (ok %v) without an error", len(data), ok)
			}
		})
	}
}

func zlibBytes(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	z := zlib.NewWriter(&b)
	z.Write([]byte(s))
	z.Close()
	return b.Bytes()
}
