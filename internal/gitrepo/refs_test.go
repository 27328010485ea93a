package gitrepo

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
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

// Refs whose types git gives in one batch are listed as go-git alone lists
// them: commits, annotated tags (and a tag of a tag) peeled, a ref to a
// tree and one to a blob left out, a ref to a missing object warned about.
func TestListRefsBatchedAgreesWithGoGit(t *testing.T) {
	dir := gittest.NewRepo(t)
	gittest.Write(t, dir, "a.txt", "one\n")
	base := gittest.Commit(t, dir, "one")
	var stream strings.Builder
	for i := range 70 {
		fmt.Fprintf(&stream, "commit refs/pull/%d/head\ncommitter T <t@example.com> 1700000000 +0000\ndata 1\nc\nfrom %s\nM 100644 inline n%d\ndata 2\nn\n\n", i, base, i)
	}
	fi := exec.Command("git", "fast-import", "--quiet")
	fi.Dir, fi.Stdin = dir, strings.NewReader(stream.String())
	if out, err := fi.CombinedOutput(); err != nil {
		t.Fatalf("fast-import: %v\n%s", err, out)
	}
	gittest.Git(t, dir, "tag", "-a", "v1", "-m", "release one")
	gittest.Git(t, dir, "tag", "-a", "v1-again", "-m", "a tag of a tag", "v1")
	gittest.Git(t, dir, "update-ref", "refs/trees/top", gittest.Git(t, dir, "rev-parse", "HEAD^{tree}"))
	gittest.Git(t, dir, "update-ref", "refs/blobs/a", gittest.Git(t, dir, "rev-parse", "HEAD:a.txt"))
	if err := os.WriteFile(filepath.Join(dir, ".git", "refs", "heads", "gone"), []byte(strings.Repeat("ab", 20)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	list := func(batch int) Refs {
		defer func(n int) { minBatchRefs = n }(minBatchRefs)
		minBatchRefs = batch
		repo, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer repo.Close()
		refs, err := repo.ListRefs()
		if err != nil {
			t.Fatal(err)
		}
		return refs
	}
	want, got := list(1<<30), list(1)
	if len(want.All) != 71 || len(want.Tags) != 2 || len(want.Warnings) != 1 {
		t.Fatalf("the repository is not what the test means: %d tips, tags %v, warnings %v", len(want.All), want.Tags, want.Warnings)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("batched:\n%+v\nwant:\n%+v", got, want)
	}
}
