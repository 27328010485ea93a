package githistory

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/keyward/scan/internal/gitrepo"
)

// TestDiffTreeEqualsGoGitDiff checks that git's diff-tree stream and the
// go-git tree diff report the same new blobs, in the same order, for every
// commit of a history with the cases where they could part: a merge that
// resolves a conflict, a merge keeping one side, an octopus merge, a mode
// change, a file becoming a directory and back, a symlink, a submodule,
// deletions, a rename, a file reverted to an older version, and paths with
// spaces, newlines and non-ASCII bytes.
func TestDiffTreeEqualsGoGitDiff(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "a.txt", "a\n")
	write(t, dir, "dir/b.txt", "b\n")
	write(t, dir, "x", "plain file\n")
	commit(t, dir, "base")
	run(t, dir, "checkout", "-q", "-b", "side")
	write(t, dir, "a.txt", "side\n")
	write(t, dir, "dir/c.txt", "c\n")
	commit(t, dir, "side")
	run(t, dir, "checkout", "-q", "-b", "third", "main")
	write(t, dir, "third.txt", "3\n")
	commit(t, dir, "third")
	run(t, dir, "checkout", "-q", "main")
	write(t, dir, "a.txt", "main\n")
	if err := os.Chmod(filepath.Join(dir, "dir/b.txt"), 0o755); err != nil {
		t.Fatal(err)
	}
	commit(t, dir, "main change and mode change")
	cmd := exec.Command("git", "-c", "core.hooksPath=/dev/null", "merge", "-q", "side")
	cmd.Dir = dir
	_ = cmd.Run() // conflicts, as intended
	write(t, dir, "a.txt", "both\n")
	commit(t, dir, "merge side")
	run(t, dir, "merge", "-q", "--no-edit", "third")
	// A file becomes a directory, gets a symlink and odd names.
	os.Remove(filepath.Join(dir, "x"))
	write(t, dir, "x/inner.txt", "inner\n")
	write(t, dir, "name with space.txt", "s\n")
	write(t, dir, "new\nline.txt", "n\n")
	write(t, dir, "caf\xc3\xa9.txt", "c\n")
	if err := os.Symlink("a.txt", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	commit(t, dir, "file to dir")
	// Back to a file, a rename, a deletion, a revert to an old blob.
	os.RemoveAll(filepath.Join(dir, "x"))
	write(t, dir, "x", "plain file\n")
	run(t, dir, "mv", "dir/c.txt", "dir/renamed.txt")
	os.Remove(filepath.Join(dir, "third.txt"))
	write(t, dir, "a.txt", "a\n")
	commit(t, dir, "back")
	// Submodules (gitlinks to this repository's own first commit): one
	// that stays, unpopulated, while files beside it change, one removed
	// again.
	first := run(t, dir, "rev-list", "--max-parents=0", "HEAD")
	run(t, dir, "update-index", "--add", "--cacheinfo", "160000,"+first+",vendor/lib")
	run(t, dir, "update-index", "--add", "--cacheinfo", "160000,"+first+",sublib")
	if err := os.Mkdir(filepath.Join(dir, "sublib"), 0o755); err != nil {
		t.Fatal(err)
	}
	run(t, dir, "commit", "-q", "-m", "submodule")
	// An octopus merge of three branches, each adding a file.
	for _, b := range []string{"o1", "o2", "o3"} {
		run(t, dir, "checkout", "-q", "-b", b, "main")
		write(t, dir, b+".txt", b+"\n")
		commit(t, dir, b)
	}
	run(t, dir, "checkout", "-q", "main")
	write(t, dir, "main-only.txt", "m\n")
	commit(t, dir, "before octopus")
	run(t, dir, "merge", "-q", "--no-edit", "o1", "o2", "o3")

	repo, err := gitrepo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	g := newGraph(repo.Storer, nil)
	refs, err := repo.ListRefsKnown(nil)
	if err != nil {
		t.Fatal(err)
	}
	commits, err := g.walk(context.Background(), refs.All, nil)
	if err != nil {
		t.Fatal(err)
	}
	order := topoOrder(commits)
	s := &scanner{ctx: context.Background(), g: g, repo: repo}
	dt := s.startDiffTree(order)
	if dt == nil {
		t.Fatal("diff-tree did not start")
	}
	defer dt.close()
	trees := newTreeCache(context.Background(), repo.Storer, "")
	viaGit := 0
	// An unchanged gitlink beside a change is named by the go-git diff
	// only; the scan names submodules, once each, so the two need only
	// name the same ones.
	subsGit, subsGoGit := map[string]bool{}, map[string]bool{}
	for _, n := range order {
		var parentTrees []plumbing.Hash
		for _, p := range n.parents {
			parentTrees = append(parentTrees, g.node(p).tree)
		}
		var want, got []newBlob
		trees.diffTrees(n.tree, parentTrees, "", func(nb newBlob) {
			if nb.submodule {
				subsGoGit[nb.path] = true
				return
			}
			want = append(want, nb)
		})
		if len(n.parents) == 0 {
			continue // roots are diffed with go-git
		}
		if !dt.diff(n.hash, func(nb newBlob) {
			if nb.submodule {
				subsGit[nb.path] = true
				return
			}
			got = append(got, nb)
		}) {
			t.Fatalf("diff-tree gave up at %s", n.hash)
		}
		viaGit++
		if !reflect.DeepEqual(got, want) {
			t.Errorf("commit %s:\n diff-tree %s\n go-git    %s", n.hash, describeBlobs(got), describeBlobs(want))
		}
	}
	if !reflect.DeepEqual(subsGit, subsGoGit) || len(subsGit) != 2 {
		t.Errorf("submodules: diff-tree %v, go-git %v", subsGit, subsGoGit)
	}
	if viaGit < 12 {
		t.Fatalf("only %d commits diffed by git", viaGit)
	}
}

func describeBlobs(nbs []newBlob) string {
	var s string
	for _, nb := range nbs {
		s += fmt.Sprintf("[%q %.7s sub=%v parents=%d] ", nb.path, nb.blob, nb.submodule, len(nb.parents))
	}
	return s
}

// TestMissingTreeMidHistory: git's diff stops at a commit whose tree is
// gone; the scan diffs that commit and the rest with go-git, names the
// tree, still finds what later commits added, and is incomplete.
func TestMissingTreeMidHistory(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "a.cfg", secretLine("before"))
	commit(t, dir, "one")
	write(t, dir, "sub/x.txt", "x\n")
	commit(t, dir, "two")
	write(t, dir, "b.cfg", secretLine("after"))
	commit(t, dir, "three")
	tree := run(t, dir, "rev-parse", "HEAD:sub")
	if err := os.Remove(filepath.Join(dir, ".git", "objects", tree[:2], tree[2:])); err != nil {
		t.Fatal(err)
	}
	fs, st := scan(t, Options{Path: dir})
	got := byPath(t, fs)
	if len(fs) != 2 || got["a.cfg"].Commit == nil || got["b.cfg"].Commit == nil {
		t.Errorf("want the secrets before and after the missing tree, got %+v", fs)
	}
	if !st.Incomplete || !strings.Contains(fmt.Sprint(st.Warnings), "tree "+tree) {
		t.Errorf("want Incomplete and a warning naming tree %s, got %+v", tree, st)
	}
}

// TestWalkWithGitEqualsWalk checks that the rev-list walk finds the
// commits go-git's walk finds, with the same parents, trees, dates and
// messages, in a full clone and in a shallow one, and that it declines
// where git would see another history (grafts).
func TestWalkWithGitEqualsWalk(t *testing.T) {
	h := &history{t: t, dir: t.TempDir()}
	h.git("init", "-q")
	h.commit("one\n\nbody with\n trailing space \n", map[string]string{"a.txt": "a\n"})
	h.git("checkout", "-q", "-b", "side")
	h.commit("side", map[string]string{"b.txt": "b\n"})
	h.git("checkout", "-q", "main")
	h.commit("main", map[string]string{"c.txt": "c\n"})
	h.git("merge", "-q", "--no-edit", "side")
	h.git("tag", "-a", "v1", "-m", "tag message")
	h.commit("last", map[string]string{"a.txt": "a2\n"})
	shallow := filepath.Join(t.TempDir(), "shallow")
	run(t, t.TempDir(), "clone", "-q", "--depth", "2", "--no-single-branch", "file://"+h.dir, shallow)

	same := func(dir string) {
		t.Helper()
		repo, err := gitrepo.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer repo.Close()
		shallowList, err := repo.Storer.Shallow()
		if err != nil {
			t.Fatal(err)
		}
		refs, err := repo.ListRefsKnown(nil)
		if err != nil {
			t.Fatal(err)
		}
		g1, g2 := newGraph(repo.Storer, shallowList), newGraph(repo.Storer, shallowList)
		want, err := g1.walk(context.Background(), refs.All, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := g2.walkWithGit(context.Background(), repo.GitDir(), refs.All)
		if !ok {
			t.Fatalf("%s: the git walk declined", dir)
		}
		view := func(ns []*node) []string {
			var out []string
			for _, n := range topoOrder(ns) {
				out = append(out, fmt.Sprintf("%s %v %s %d %q", n.hash, n.parents, n.tree, n.when, n.message))
			}
			return out
		}
		if w, g := view(want), view(got); !reflect.DeepEqual(w, g) {
			t.Errorf("%s:\n git walk   %q\n go-git walk %q", dir, g, w)
		}
		// Grafts change parents for git only: the git walk must decline.
		grafts := filepath.Join(repo.GitDir(), "info", "grafts")
		os.MkdirAll(filepath.Dir(grafts), 0o755)
		if err := os.WriteFile(grafts, []byte(want[0].hash.String()+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		defer os.Remove(grafts)
		if _, ok := newGraph(repo.Storer, shallowList).walkWithGit(context.Background(), repo.GitDir(), refs.All); ok {
			t.Errorf("%s: the git walk ran despite grafts", dir)
		}
	}
	same(h.dir)
	same(shallow)
}
