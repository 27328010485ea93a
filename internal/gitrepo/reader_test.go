package gitrepo

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/keyward/scan/internal/gittest"
)

// HEAD is resolved from the ref files where they say it plainly, by git
// otherwise, and always to what git resolves it to.
func TestObjectReaderResolvesHead(t *testing.T) {
	tests := []struct {
		name string
		// prepare returns the git directory to read and the work tree
		// whose HEAD git resolves.
		prepare  func(t *testing.T, dir string) (gitDir, workTree string)
		gitAsked bool
	}{
		{"a loose branch", func(t *testing.T, dir string) (string, string) {
			return filepath.Join(dir, ".git"), dir
		}, false},
		{"a packed branch", func(t *testing.T, dir string) (string, string) {
			gittest.Git(t, dir, "pack-refs", "--all")
			return filepath.Join(dir, ".git"), dir
		}, false},
		{"a detached HEAD", func(t *testing.T, dir string) (string, string) {
			gittest.Git(t, dir, "checkout", "-q", "--detach", "HEAD~1")
			return filepath.Join(dir, ".git"), dir
		}, false},
		{"a linked worktree on its own branch", func(t *testing.T, dir string) (string, string) {
			wt := filepath.Join(t.TempDir(), "wt")
			gittest.Git(t, dir, "worktree", "add", "-q", "-b", "side", wt, "HEAD~1")
			return filepath.Join(dir, ".git", "worktrees", "wt"), wt
		}, false},
		{"a HEAD that names a tag's ref (left to git)", func(t *testing.T, dir string) (string, string) {
			gittest.Git(t, dir, "tag", "v1", "HEAD~1")
			gittest.Git(t, dir, "symbolic-ref", "HEAD", "refs/tags/v1")
			return filepath.Join(dir, ".git"), dir
		}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := gittest.NewRepo(t)
			gittest.Write(t, dir, "a.txt", "one\n")
			gittest.Commit(t, dir, "one")
			gittest.Write(t, dir, "a.txt", "two\n")
			gittest.Commit(t, dir, "two")
			gitDir, workTree := tc.prepare(t, dir)
			want := gittest.Git(t, workTree, "rev-parse", "HEAD")
			r := NewObjectReader(context.Background(), gitDir)
			defer r.Close()
			got, err := r.ResolveCommit("HEAD")
			if err != nil || got != want {
				t.Fatalf("HEAD = %s, %v; git says %s", got, err, want)
			}
			if r.GitStarted() != tc.gitAsked {
				t.Errorf("git started: %v, want %v", r.GitStarted(), tc.gitAsked)
			}
			tree, err := r.CommitTree(got)
			if want := gittest.Git(t, workTree, "rev-parse", "HEAD^{tree}"); err != nil || tree != want {
				t.Errorf("tree %s, %v; git says %s", tree, err, want)
			}
		})
	}
}

// Before the first commit HEAD names nothing: git confirms it.
func TestObjectReaderUnbornHead(t *testing.T) {
	dir := gittest.NewRepo(t)
	r := NewObjectReader(context.Background(), filepath.Join(dir, ".git"))
	defer r.Close()
	if id, err := r.ResolveCommit("HEAD"); !errors.Is(err, ErrNoObject) {
		t.Fatalf("unborn HEAD: %q, %v", id, err)
	}
	if !r.GitStarted() {
		t.Error("an unborn HEAD was taken for granted without asking git")
	}
}

// An object the in-process reader does not have (a partial clone's gap, or
// here one removed behind its back) is asked of git, whose answer stands.
func TestObjectReaderAsksGit(t *testing.T) {
	dir := gittest.NewRepo(t)
	gittest.Write(t, dir, "a.txt", "content\n")
	gittest.Commit(t, dir, "one")
	id := gittest.Git(t, dir, "rev-parse", "HEAD:a.txt")
	r := NewObjectReader(context.Background(), filepath.Join(dir, ".git"))
	defer r.Close()
	r.objs.dirs = nil // as if the store could not see it
	typ, data, ok, err := r.Object(id, 1<<20)
	if err != nil || !ok || typ != "blob" || string(data) != "content\n" || !r.GitStarted() {
		t.Fatalf("%s %q %v %v (git started %v)", typ, data, ok, err, r.GitStarted())
	}
	if _, _, _, err := r.Object("0123456789012345678901234567890123456789", 1<<20); !errors.Is(err, ErrNoObject) {
		t.Errorf("an object neither has: %v", err)
	}
}
