package gitrepo

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/keyward/scan/internal/regularfile"
)

// ObjectReader reads the objects a commit hook needs in this process
// (Objects, and HEAD from the ref files) and asks a hardened "git cat-file
// --batch", started the first time it is needed, for whatever that cannot
// read: a revision other than HEAD or an id, a partial clone's missing
// object, a format the in-process reader does not know. git's answer is
// the last word: an object git cannot read either is an error. It is not
// safe for concurrent use.
type ObjectReader struct {
	ctx    context.Context
	gitDir string
	objs   *Objects // nil where the store could not be opened
	cat    *CatFile
	catErr error
}

// inProcessLimit is the largest object read in this process; larger ones
// are streamed from git.
const inProcessLimit = 32 << 20

// NewObjectReader reads the objects of the repository whose git directory
// is gitDir.
func NewObjectReader(ctx context.Context, gitDir string) *ObjectReader {
	r := &ObjectReader{ctx: ctx, gitDir: gitDir}
	if objs, err := OpenObjects(gitDir, inProcessLimit); err == nil {
		r.objs = objs
	}
	return r
}

// Git returns the git process, starting it on first use.
func (r *ObjectReader) Git() (*CatFile, error) {
	if r.cat == nil && r.catErr == nil {
		r.cat, r.catErr = StartCatFile(r.ctx, r.gitDir)
	}
	return r.cat, r.catErr
}

// GitStarted reports whether a git process had to be started.
func (r *ObjectReader) GitStarted() bool { return r.cat != nil || r.catErr != nil }

// Object reads an object by id (hex), as CatFile.Object does: ok is false,
// without data, when it is larger than max.
func (r *ObjectReader) Object(id string, max int64) (typ string, data []byte, ok bool, err error) {
	if r.objs != nil {
		if typ, data, ok, err := r.objs.Object(id, max); err == nil {
			return typ, data, ok, nil
		}
	}
	c, err := r.Git()
	if err != nil {
		return "", nil, false, err
	}
	_, typ, data, ok, err = c.Object(id, max)
	return typ, data, ok, err
}

// OpenID returns a reader of the blob id's content and its size, as
// CatFile.OpenID does (anything but a blob is ErrMissingBlob).
func (r *ObjectReader) OpenID(id string) (io.Reader, int64, error) {
	if r.objs != nil {
		typ, data, ok, err := r.objs.Object(id, inProcessLimit)
		switch {
		case err == nil && ok && typ == "blob":
			return bytes.NewReader(data), int64(len(data)), nil
		case err == nil && ok:
			return nil, 0, fmt.Errorf("object %s is a %s: %w", id, typ, ErrMissingBlob)
		}
	}
	c, err := r.Git()
	if err != nil {
		return nil, 0, err
	}
	return c.OpenID(id)
}

// ResolveCommit returns the id of the commit rev names, or ErrNoObject.
// HEAD and commit ids are resolved here; other revisions, and a HEAD that
// names no commit yet (or one this reader cannot find), by git.
func (r *ObjectReader) ResolveCommit(rev string) (string, error) {
	id := ""
	switch {
	case rev == "HEAD":
		id = r.readHead()
	case isHexID(rev):
		id = rev
	}
	if id != "" && r.objs != nil {
		if typ, _, _, err := r.objs.Object(id, 0); err == nil && typ == typeCommit {
			return id, nil
		}
	}
	c, err := r.Git()
	if err != nil {
		return "", err
	}
	return c.ResolveCommit(rev)
}

// TreeFile reads the file at name in commit's tree, as CatFile.TreeFile.
func (r *ObjectReader) TreeFile(commit, name string, max int64) ([]byte, error) {
	tree, err := r.commitTree(commit)
	if err != nil {
		return nil, err
	}
	return treeFile(r.Object, commit, tree, name, max)
}

// CommitTree returns the id of commit's tree.
func (r *ObjectReader) commitTree(commit string) (string, error) {
	typ, data, ok, err := r.Object(commit, 1<<20)
	switch {
	case err != nil:
		return "", fmt.Errorf("read commit %s: %w", commit, err)
	case !ok || typ != typeCommit:
		return "", fmt.Errorf("read commit %s: not a commit", commit)
	}
	line, _, _ := bytes.Cut(data, []byte{'\n'})
	tree, found := strings.CutPrefix(string(line), "tree ")
	if !found || !isHexID(tree) {
		return "", fmt.Errorf("read commit %s: no tree line", commit)
	}
	return tree, nil
}

// CommitTree is the id of commit's tree.
func (r *ObjectReader) CommitTree(commit string) (string, error) { return r.commitTree(commit) }

// Close stops the git process, if one was started.
func (r *ObjectReader) Close() error {
	if r.objs != nil {
		r.objs.Close()
	}
	if r.cat != nil {
		return r.cat.Close()
	}
	return nil
}

func isHexID(s string) bool {
	if len(s) != 2*hashLen {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// maxSymref bounds the chain of symbolic refs HEAD is followed through.
const maxSymref = 5

// readHead returns the commit id HEAD names, from the ref files: HEAD in
// the git directory (a linked worktree has its own), branches loose or in
// packed-refs in the common directory. "" when it cannot tell (an unborn
// branch, a reftable, anything unusual): git is asked then.
func (r *ObjectReader) readHead() string {
	common, err := commonDir(r.gitDir)
	if err != nil {
		return ""
	}
	data, err := regularfile.ReadFile(filepath.Join(r.gitDir, "HEAD"), 4096)
	for range maxSymref {
		if err != nil {
			return ""
		}
		text := strings.TrimSpace(string(data))
		if isHexID(text) {
			return text
		}
		ref, ok := strings.CutPrefix(text, "ref: ")
		// Only branches are shared through the common directory; a
		// worktree's own refs are not followed here.
		if !ok || !strings.HasPrefix(ref, "refs/heads/") || strings.Contains(ref, "..") {
			return ""
		}
		data, err = regularfile.ReadFile(filepath.Join(common, filepath.FromSlash(ref)), 4096)
		if errors.Is(err, fs.ErrNotExist) {
			return packedRef(common, ref)
		}
	}
	return ""
}

// packedRef finds ref in the common directory's packed-refs.
func packedRef(common, ref string) string {
	data, err := regularfile.ReadFile(filepath.Join(common, "packed-refs"), 256<<20)
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(data), "\n") {
		id, name, ok := strings.Cut(line, " ")
		if ok && name == ref && isHexID(id) {
			return id
		}
	}
	return ""
}
