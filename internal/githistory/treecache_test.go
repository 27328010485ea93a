package githistory

import (
	"context"
	"fmt"
	"os/exec"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage/memory"

	"github.com/keyward/scan/internal/gitrepo"
)

// Trees read ahead through git, and directories kept from one path to
// the next, give blobsAt the answers go-git's reads give path by path, over more tips than minPrefetch, and the same missing trees: an
// id that names nothing, and a tree git stores but go-git cannot decode
// (a malformed mode), both left to go-git, which names them.
func TestTreePrefetchAgreesWithGoGit(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "conf/app.env", "v0\n")
	write(t, dir, "conf/deep/x.env", "x\n")
	write(t, dir, "README", "r\n")
	base := commit(t, dir, "base")
	// One branch per tip, each off base with its own change, written in
	// one fast-import.
	var stream strings.Builder
	file := func(path, content string) {
		fmt.Fprintf(&stream, "M 100644 inline %s\ndata %d\n%s\n", path, len(content), content)
	}
	for i := range minPrefetch + 6 {
		fmt.Fprintf(&stream, "commit refs/heads/b%03d\ncommitter T <t@example.com> 1700000000 +0000\ndata 1\nc\nfrom %s\n", i, base)
		switch i % 3 {
		case 0:
			file("conf/app.env", fmt.Sprintf("v%d\n", i))
		case 1:
			file("conf/deep/x.env", fmt.Sprintf("x%d\n", i))
		default:
			fmt.Fprintf(&stream, "D conf\n")
			file("conf", "now a file\n")
		}
		file(fmt.Sprintf("n%d", i), "n\n")
		stream.WriteString("\n")
	}
	fi := exec.Command("git", "fast-import", "--quiet")
	fi.Dir, fi.Stdin = dir, strings.NewReader(stream.String())
	if out, err := fi.CombinedOutput(); err != nil {
		t.Fatalf("fast-import: %v\n%s", err, out)
	}
	var tips []string
	for _, line := range strings.Split(run(t, dir, "for-each-ref", "--format=%(refname) %(tree)", "refs/heads/"), "\n") {
		if ref, tree, _ := strings.Cut(line, " "); ref != "refs/heads/main" {
			tips = append(tips, tree)
		}
	}
	cmd := exec.Command("git", "hash-object", "-w", "-t", "tree", "--literally", "--stdin")
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader("10x644 bad\x00" + strings.Repeat("\x01", 20))
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	malformed := strings.TrimSpace(string(out))
	absent := strings.Repeat("cd", 20)

	repo, err := gitrepo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	trees := map[plumbing.Hash]bool{plumbing.NewHash(malformed): true, plumbing.NewHash(absent): true}
	for _, h := range tips {
		trees[plumbing.NewHash(h)] = true
	}
	// Paths sharing directories, read after one another, take their
	// subtrees from the directories kept.
	paths := []string{"conf/app.env", "conf/deep/x.env", "conf", "conf/deep", "README", "n3", "none/such", "conf/deep/x.env/no"}
	type answer struct {
		blobs   map[string][]plumbing.Hash
		missing []plumbing.Hash
		viaGit  bool
	}
	read := func(gitDir string, st storer.EncodedObjectStorer, dirs map[string]map[plumbing.Hash]bool) answer {
		c := newTreeCache(context.Background(), st, gitDir)
		defer c.close()
		a := answer{blobs: map[string][]plumbing.Hash{}}
		for _, p := range paths {
			var bs []plumbing.Hash
			for b := range c.blobsAt(trees, p, dirs) {
				bs = append(bs, b)
			}
			slices.SortFunc(bs, func(x, y plumbing.Hash) int { return strings.Compare(x.String(), y.String()) })
			a.blobs[p] = bs
		}
		a.missing = slices.Clone(c.missing)
		slices.SortFunc(a.missing, func(x, y plumbing.Hash) int { return strings.Compare(x.String(), y.String()) })
		a.viaGit = c.cat != nil
		return a
	}
	want := read("", repo.Storer, nil)
	// Over an empty object store, every tree git did not give is named
	// missing: only the absent and the malformed one may be.
	dirs := map[string]map[plumbing.Hash]bool{}
	got := read(repo.GitDir(), memory.NewStorage(), dirs)
	if len(dirs["conf"]) < 2 || len(dirs["conf/deep"]) < 2 {
		t.Errorf("directories kept: %v", dirs)
	}
	if !got.viaGit || want.viaGit {
		t.Fatalf("git read the trees: %v with a git directory, %v without", got.viaGit, want.viaGit)
	}
	if len(want.missing) != 2 {
		t.Fatalf("go-git named %v missing, want the absent and the malformed tree", want.missing)
	}
	if !reflect.DeepEqual(got.missing, want.missing) {
		t.Errorf("missing trees %v, want %v", got.missing, want.missing)
	}
	for _, p := range paths {
		if !reflect.DeepEqual(got.blobs[p], want.blobs[p]) {
			t.Errorf("%s: blobs %v, want %v", p, got.blobs[p], want.blobs[p])
		}
	}
	if len(tips) != minPrefetch+6 {
		t.Fatalf("%d tips", len(tips))
	}
	if len(want.blobs["conf/app.env"]) < 2 || len(want.blobs["conf"]) != 1 || len(want.blobs["none/such"]) != 0 {
		t.Errorf("the history is not what the test means: %v", want.blobs)
	}
}
