package gitrepo

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ErrNoObject is returned for an object name that names nothing in the
// repository (an unborn HEAD, a missing path).
var ErrNoObject = errors.New("no such object")

// Object asks for any object by name: an id, or a revision git understands
// ("HEAD^{commit}", "HEAD^{tree}"). It returns the object's id, type and
// content, up to max bytes; ok is false when it is larger. A name that
// resolves to nothing (or to more than one object) is ErrNoObject.
//
// Reading a file at a commit through Object and TreeFile costs a few
// requests to the running process; go-git would first index every object
// of the pack (tens of milliseconds on a large repository), which a
// pre-commit hook pays on every commit.
func (c *CatFile) Object(name string, max int64) (id, typ string, data []byte, ok bool, err error) {
	if strings.ContainsAny(name, "\n\x00") {
		return "", "", nil, false, fmt.Errorf("object %q: %w", name, ErrNoObject)
	}
	if c.pending > 0 {
		if _, err := c.out.Discard(int(c.pending)); err != nil {
			return "", "", nil, false, fmt.Errorf("git cat-file: %w", err)
		}
		c.pending = 0
	}
	if _, err := c.in.WriteString(name + "\n"); err != nil {
		return "", "", nil, false, fmt.Errorf("git cat-file: %w", err)
	}
	if err := c.in.Flush(); err != nil {
		return "", "", nil, false, fmt.Errorf("git cat-file: %w", err)
	}
	header, err := c.out.ReadString('\n')
	if err != nil {
		return "", "", nil, false, fmt.Errorf("git cat-file: %w", err)
	}
	fields := strings.Fields(header)
	if len(fields) >= 2 && (fields[len(fields)-1] == "missing" || fields[len(fields)-1] == "ambiguous") {
		return "", "", nil, false, fmt.Errorf("object %q: %w", name, ErrNoObject)
	}
	if len(fields) != 3 {
		return "", "", nil, false, fmt.Errorf("git cat-file: unexpected answer %q", strings.TrimSpace(header))
	}
	var size int64
	if _, err := fmt.Sscan(fields[2], &size); err != nil || size < 0 {
		return "", "", nil, false, fmt.Errorf("git cat-file: bad size in %q", strings.TrimSpace(header))
	}
	c.pending = size + 1
	if size > max {
		return fields[0], fields[1], nil, false, nil
	}
	data = make([]byte, size)
	if _, err := io.ReadFull(c.out, data); err != nil {
		return "", "", nil, false, fmt.Errorf("git cat-file: %w", err)
	}
	c.pending = 1
	return fields[0], fields[1], data, true, nil
}

// ResolveCommit returns the id of the commit rev names, or ErrNoObject.
func (c *CatFile) ResolveCommit(rev string) (string, error) {
	id, _, _, _, err := c.Object(rev+"^{commit}", 0)
	return id, err
}

// TreeFile reads the file at name (slash-separated, from the top of the
// tree) in commit's tree, up to max bytes, as FileAt does: nil data, and no
// error, when the tree has no regular file there (a symlink, a directory
// or a submodule is none).
func (c *CatFile) TreeFile(commit, name string, max int64) ([]byte, error) {
	return treeFile(func(id string, max int64) (string, []byte, bool, error) {
		_, typ, data, ok, err := c.Object(id, max)
		return typ, data, ok, err
	}, commit, commit+"^{tree}", name, max)
}

// treeFile is TreeFile through read, which reads an object by name; tree
// names commit's tree.
func treeFile(read func(name string, max int64) (typ string, data []byte, ok bool, err error), commit, tree, name string, max int64) ([]byte, error) {
	const maxTree = 64 << 20
	_, data, ok, err := read(tree, maxTree)
	if err != nil {
		return nil, fmt.Errorf("read tree of %s: %w", commit, err)
	}
	if !ok {
		return nil, fmt.Errorf("read tree of %s: larger than %d bytes", commit, maxTree)
	}
	idLen := len(commit) / 2 // SHA-1 or SHA-256, in bytes
	parts := strings.Split(name, "/")
	for i, part := range parts {
		mode, id, found := treeEntry(data, part, idLen)
		if !found {
			return nil, nil
		}
		last := i == len(parts)-1
		if !last {
			if mode != "40000" {
				return nil, nil
			}
			if _, data, ok, err = read(id, maxTree); err != nil || !ok {
				return nil, fmt.Errorf("read tree %s of %s: %v", strings.Join(parts[:i+1], "/"), commit, errOrTooLarge(err))
			}
			continue
		}
		if mode != "100644" && mode != "100755" && mode != "100664" {
			return nil, nil
		}
		typ, data, ok, err := read(id, max)
		if err != nil {
			return nil, fmt.Errorf("read %s at %s: %w", name, commit, err)
		}
		if typ != "blob" {
			return nil, nil
		}
		if !ok {
			return nil, fmt.Errorf("read %s at %s: larger than %d bytes", name, commit, max)
		}
		return data, nil
	}
	return nil, nil
}

func errOrTooLarge(err error) error {
	if err != nil {
		return err
	}
	return errors.New("too large")
}

// treeEntry finds name in a tree object's content and returns its mode
// and id in hex.
func treeEntry(tree []byte, name string, idLen int) (mode, id string, ok bool) {
	EachTreeEntry(tree, idLen, func(m, n, raw []byte) bool {
		if string(n) != name {
			return true
		}
		mode, id, ok = string(m), fmt.Sprintf("%x", raw), true
		return false
	})
	return mode, id, ok
}

// EachTreeEntry calls fn with the mode, name and raw id (idLen bytes) of
// each record of a tree object's content ("<mode> <name>\0<id>") until fn
// returns false. It returns false when the content is malformed.
func EachTreeEntry(tree []byte, idLen int, fn func(mode, name, id []byte) bool) bool {
	for len(tree) > 0 {
		sp := bytes.IndexByte(tree, ' ')
		nul := bytes.IndexByte(tree, 0)
		if sp < 0 || nul < sp || nul+1+idLen > len(tree) {
			return false
		}
		if !fn(tree[:sp], tree[sp+1:nul], tree[nul+1:nul+1+idLen]) {
			return true
		}
		tree = tree[nul+1+idLen:]
	}
	return true
}

// EachObject reads the objects ids names, pipelined: the ids are written
// while the answers are read, so that many small objects (the root trees
// of a mirror's thousands of refs) cost git's inflating, not a round trip
// each. fn gets each answer in order: the object's type and content, or
// an empty type for one that is missing or larger than max. An error means
// the stream broke; the answers before it were given.
func (c *CatFile) EachObject(ids []string, max int64, fn func(i int, typ string, data []byte)) error {
	if err := c.skipPending(); err != nil {
		return err
	}
	for _, id := range ids {
		if strings.ContainsAny(id, "\n\x00 ") {
			return fmt.Errorf("object %q: %w", id, ErrNoObject)
		}
	}
	wrote := make(chan error, 1)
	go func() {
		for _, id := range ids {
			if _, err := c.in.WriteString(id + "\n"); err != nil {
				wrote <- err
				return
			}
		}
		wrote <- c.in.Flush()
	}()
	var buf []byte
	var failed error
	for i := range ids {
		header, err := c.out.ReadString('\n')
		if err != nil {
			failed = fmt.Errorf("git cat-file: %w", err)
			break
		}
		fields := strings.Fields(header)
		if len(fields) == 2 && (fields[1] == "missing" || fields[1] == "ambiguous") {
			fn(i, "", nil)
			continue
		}
		var size int64
		if len(fields) == 3 {
			size, err = strconv.ParseInt(fields[2], 10, 64)
		}
		if len(fields) != 3 || err != nil || size < 0 {
			failed = fmt.Errorf("git cat-file: unexpected answer %q", strings.TrimSpace(header))
			break
		}
		if size > max {
			if _, err := c.out.Discard(int(size) + 1); err != nil {
				failed = fmt.Errorf("git cat-file: %w", err)
				break
			}
			fn(i, "", nil)
			continue
		}
		if int64(cap(buf)) < size+1 {
			buf = make([]byte, size+1)
		}
		buf = buf[:size+1]
		if _, err := io.ReadFull(c.out, buf); err != nil {
			failed = fmt.Errorf("git cat-file: %w", err)
			break
		}
		fn(i, fields[1], buf[:size])
	}
	if failed != nil {
		// git may be blocked writing an answer, and the writer on a
		// full pipe: only killing it ends both.
		c.kill()
		<-wrote
		return failed
	}
	if err := <-wrote; err != nil {
		return fmt.Errorf("git cat-file: %w", err)
	}
	return nil
}
