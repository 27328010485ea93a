package githistory

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/keyward/scan/internal/gitrepo"
	"github.com/keyward/scan/internal/scanstate"
)

// loadParentsWithGit reads the parents of commits that the walk did not
// reach (in an incremental scan: the commits an earlier scan covered)
// through one hardened "git cat-file --batch", so that node finds them
// already loaded. Only their trees are needed, to diff the new commits
// against; go-git's first read of an object from a pack builds a map of
// every object in that pack (~50 ms on freqtrade's 30k commits), most of
// a rescan after one commit. Any failure leaves the rest to node.
// maxCommitObject bounds one commit object read here; a larger one (a
// commit message of megabytes) is left to node.
const maxCommitObject = 16 << 20

func (g *graph) loadParentsWithGit(ctx context.Context, gitDir string, commits []*node) {
	if gitDir == "" {
		return
	}
	// go-git ignores grafts, git honours them (see walkWithGit).
	if _, err := os.Lstat(filepath.Join(gitDir, "info", "grafts")); err == nil {
		return
	}
	var want []plumbing.Hash
	asked := map[plumbing.Hash]bool{}
	for _, n := range commits {
		for _, p := range n.parents {
			if g.nodes[p] == nil && !asked[p] {
				asked[p] = true
				want = append(want, p)
			}
		}
	}
	if len(want) == 0 {
		return
	}
	cat, err := gitrepo.StartCatFile(ctx, gitDir)
	if err != nil {
		return
	}
	defer cat.Close()
	loaded := map[plumbing.Hash]*node{}
	for _, h := range want {
		_, typ, data, ok, err := cat.Object(h.String(), maxCommitObject)
		if err != nil || !ok || typ != "commit" {
			return // missing or not a commit: node says so its own way
		}
		obj := &plumbing.MemoryObject{}
		obj.SetType(plumbing.CommitObject)
		obj.Write(data)
		var c object.Commit
		if err := c.Decode(obj); err != nil {
			return
		}
		n := &node{hash: h, tree: c.TreeHash, when: c.Committer.When.Unix(), message: c.Message}
		if !g.shallow[h] {
			n.parents = c.ParentHashes
		}
		loaded[h] = n
	}
	for h, n := range loaded {
		if g.nodes[h] == nil {
			g.nodes[h] = n
		}
	}
}

// objectsPresent says which of ids the repository holds, asking one
// hardened "git cat-file --batch-check": go-git would load the whole pack
// index first (~70 ms on hummingbot) to answer for the few blobs an
// earlier scan could not read. Without git, go-git answers.
func objectsPresent(ctx context.Context, repo *gitrepo.Repo, ids []scanstate.ID) []bool {
	out := make([]bool, len(ids))
	if len(ids) == 0 {
		return out
	}
	if dir := repo.GitDir(); dir != "" {
		var in bytes.Buffer
		for _, id := range ids {
			in.WriteString(plumbing.Hash(id).String() + "\n")
		}
		if cmd, err := gitrepo.HardenedCommand(ctx, dir, "", "cat-file", "--batch-check"); err == nil {
			cmd.Stdin = &in
			if answer, err := cmd.Output(); err == nil {
				lines := strings.Split(strings.TrimSuffix(string(answer), "\n"), "\n")
				ok := len(lines) == len(ids)
				for i := 0; ok && i < len(ids); i++ {
					f := strings.Fields(lines[i])
					ok = len(f) >= 2 && f[0] == plumbing.Hash(ids[i]).String()
					out[i] = ok && f[1] != "missing"
				}
				if ok {
					return out
				}
			}
		}
	}
	for i, id := range ids {
		out[i] = repo.Storer.HasEncodedObject(plumbing.Hash(id)) == nil
	}
	return out
}
