package gitrepo

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/keyward/scan/internal/gittest"
)

// TreeFile reads what FileAt reads, through git: the same bytes for a
// regular file at any depth, and nothing for what is not one (a symlink,
// a directory, a submodule-like path, a missing file), interleaved with
// blob reads on the same process.
func TestTreeFileAgreesWithFileAt(t *testing.T) {
	gittest.NeedGit(t)
	dir := gittest.NewRepo(t)
	gittest.Write(t, dir, ".keyward.toml", "[allowlist]\npaths = [\"a\"]\n")
	gittest.Write(t, dir, "config/deep/baseline.json", "{\"findings\": []}\n")
	gittest.Write(t, dir, "run.sh", "#!/bin/sh\n")
	if err := os.Chmod(filepath.Join(dir, "run.sh"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(".keyward.toml", filepath.Join(dir, "link.toml")); err != nil {
		t.Fatal(err)
	}
	gittest.Write(t, dir, "big.txt", strings.Repeat("z", 5000))
	gittest.Commit(t, dir, "one")

	repo, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	head, err := repo.Resolve("HEAD")
	if err != nil {
		t.Fatal(err)
	}
	c, err := StartCatFile(context.Background(), repo.GitDir())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	commit, err := c.ResolveCommit("HEAD")
	if err != nil || commit != head.String() {
		t.Fatalf("ResolveCommit(HEAD) = %q, %v; want %s", commit, err, head)
	}
	if _, err := c.ResolveCommit("no-such-branch"); !errors.Is(err, ErrNoObject) {
		t.Fatalf("ResolveCommit(no-such-branch) = %v, want ErrNoObject", err)
	}
	for _, name := range []string{".keyward.toml", "config/deep/baseline.json", "run.sh", "link.toml", "config", "config/deep", "missing", "config/missing", ".keyward.toml/x", "big.txt"} {
		want, werr := repo.FileAt(head, name, 1<<20)
		got, gerr := c.TreeFile(commit, name, 1<<20)
		if (werr != nil) != (gerr != nil) || string(got) != string(want) || (got == nil) != (want == nil) {
			t.Errorf("%s: TreeFile = %q, %v; FileAt = %q, %v", name, got, gerr, want, werr)
		}
		// A blob read between requests leaves the stream in step.
		if _, _, err := c.Open(head); err == nil {
			t.Fatalf("a commit read as a blob")
		}
	}
	if _, err := c.TreeFile(commit, "big.txt", 100); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("TreeFile over its limit = %v, want an error saying so", err)
	}
	if data, err := c.TreeFile(commit, ".keyward.toml", 1<<20); err != nil || !strings.Contains(string(data), "allowlist") {
		t.Fatalf("TreeFile after a refused read = %q, %v", data, err)
	}
}

// EachObject gives, in the order asked, each object git cat-file -p
// prints (trees, blobs, commits), nothing for a missing id or one over the
// limit, and leaves the process in step for the next request.
func TestEachObjectAgreesWithCatFile(t *testing.T) {
	gittest.NeedGit(t)
	dir := gittest.NewRepo(t)
	gittest.Write(t, dir, "a.txt", "alpha\n")
	gittest.Write(t, dir, "sub/b.txt", strings.Repeat("beta ", 3000))
	gittest.Commit(t, dir, "one")
	rev := func(name string) string { return strings.TrimSpace(gittest.Git(t, dir, "rev-parse", name)) }
	missing := strings.Repeat("ab", 20)
	tests := []struct {
		id      string
		typ     string // "" for nothing given
		overMax bool
	}{
		{rev("HEAD^{tree}"), "tree", false},
		{rev("HEAD:a.txt"), "blob", false},
		{missing, "", false},
		{rev("HEAD:sub"), "tree", false},
		{rev("HEAD:sub/b.txt"), "", true},
		{rev("HEAD"), "commit", false},
		{rev("HEAD:a.txt"), "blob", false},
	}
	repo, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	c, err := StartCatFile(context.Background(), repo.GitDir())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var ids []string
	for _, tt := range tests {
		ids = append(ids, tt.id)
	}
	var got []int
	err = c.EachObject(ids, 10000, func(i int, typ string, data []byte) {
		got = append(got, i)
		tt := tests[i]
		if typ != tt.typ {
			t.Errorf("%d (%s): type %q, want %q", i, tt.id, typ, tt.typ)
		}
		if tt.typ == "" {
			if data != nil {
				t.Errorf("%d (%s): %d bytes for nothing", i, tt.id, len(data))
			}
			return
		}
		cmd := exec.Command("git", "cat-file", tt.typ, tt.id)
		cmd.Dir, cmd.Env = dir, gittest.Env()
		want, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		if string(data) != string(want) {
			t.Errorf("%d (%s): %q, want %q", i, tt.id, data, want)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(tests) {
		t.Fatalf("answers %v, want %d in order", got, len(tests))
	}
	for i, g := range got {
		if g != i {
			t.Fatalf("answers %v, want %d in order", got, len(tests))
		}
	}
	// In step: a blob read after the batch is the right one.
	r, size, err := c.Open(plumbing.NewHash(rev("HEAD:a.txt")))
	if err != nil || size != 6 {
		t.Fatalf("Open after EachObject: size %d, %v", size, err)
	}
	if b, _ := io.ReadAll(r); string(b) != "alpha\n" {
		t.Fatalf("Open after EachObject read %q", b)
	}
}
