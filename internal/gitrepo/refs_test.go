package gitrepo

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/keyward/scan/internal/gittest"
)

// An incremental scan follows a packed annotated tag through the value git
// peeled it to when that commit is known, without reading the tag object;
// a loose ref that moved the tag since is followed for real.
func TestListRefsKnownPeelsPackedTags(t *testing.T) {
	dir := gittest.NewRepo(t)
	gittest.Write(t, dir, "a.txt", "one\n")
	c1 := plumbing.NewHash(gittest.Commit(t, dir, "one"))
	gittest.Git(t, dir, "tag", "-a", "v1", "-m", "release one")
	gittest.Git(t, dir, "tag", "-a", "v0", "-m", "release zero")
	gittest.Git(t, dir, "pack-refs", "--all")
	tag1 := plumbing.NewHash(gittest.Git(t, dir, "rev-parse", "v1"))
	// The tag object is gone: only packed-refs can say where v1 points.
	hex := tag1.String()
	if err := os.Remove(filepath.Join(dir, ".git", "objects", hex[:2], hex[2:])); err != nil {
		t.Fatal(err)
	}
	repo, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	known := func(h plumbing.Hash) bool { return h == c1 }
	refs, err := repo.ListRefsKnown(known)
	if err != nil || len(refs.Warnings) > 0 {
		t.Fatalf("known target: %v, warnings %v", err, refs.Warnings)
	}
	if !slices.Contains(refs.Tags, tag1) || !slices.Equal(refs.All, []plumbing.Hash{c1}) {
		t.Errorf("known target: tags %v, all %v; want v1's tag object and only %s", refs.Tags, refs.All, c1)
	}
	if refs, _ := repo.ListRefsKnown(nil); len(refs.Warnings) == 0 {
		t.Error("without known commits the tag object must be read, and it is missing")
	}

	// v0 moved (a loose ref overrides its packed line) to a commit only
	// it reaches.
	gittest.Git(t, dir, "checkout", "-q", "-b", "side")
	gittest.Write(t, dir, "a.txt", "two\n")
	c2 := plumbing.NewHash(gittest.Commit(t, dir, "two"))
	gittest.Git(t, dir, "tag", "-f", "-a", "v0", "-m", "release zero, again")
	gittest.Git(t, dir, "checkout", "-q", "-")
	gittest.Git(t, dir, "branch", "-q", "-D", "side")
	tag0 := plumbing.NewHash(gittest.Git(t, dir, "rev-parse", "v0"))
	repo2, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer repo2.Close()
	refs, err = repo2.ListRefsKnown(func(h plumbing.Hash) bool { return h == c1 || h == c2 })
	if err != nil || len(refs.Warnings) > 0 {
		t.Fatalf("moved tag: %v, warnings %v", err, refs.Warnings)
	}
	if !slices.Contains(refs.Tags, tag0) || !slices.Contains(refs.All, c2) {
		t.Errorf("moved tag: tags %v, all %v; want the new tag object and %s", refs.Tags, refs.All, c2)
	}
}
