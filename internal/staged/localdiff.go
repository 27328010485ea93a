package staged

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime/debug"
	"strconv"
	"strings"
)

// The index compared with HEAD in this process, for the common commit: a
// few files edited or added. git's own comparison (diff-index, a process
// as costly as the rest of the hook) is asked for the rest: a commit that
// both adds and removes files (git's rename detection pairs them), an
// unmerged or intent-to-add entry, a split or sparse index, an index
// format this reader does not know. errAskGit says so.
var errAskGit = errors.New("left to git")

// indexEntry is one entry of the index file.
type indexEntry struct {
	path        string
	mode        uint32
	id          [idLen]byte
	stage       int
	intentToAdd bool
}

// indexFile is what the comparison needs of an index.
type indexFile struct {
	entries []indexEntry
	// trees maps directories ("" for the top, "a/b") to the tree the
	// cache-tree extension records for them: the index's entries under a
	// directory whose recorded tree is HEAD's are HEAD's entries, and are
	// not compared one by one. Directories with staged changes have none.
	trees map[string][idLen]byte
}

// Entry modes, as the index and trees hold them.
const (
	modeTree    = 0o040000
	modeFile    = 0o100644
	modeExec    = 0o100755
	modeGroupRW = 0o100664
	modeSymlink = 0o120000
	modeGitlink = 0o160000
)

// hasContent: a regular file, or a symlink, whose blob is its target.
func hasContent(m uint32) bool {
	return m == modeFile || m == modeExec || m == modeGroupRW || m == modeSymlink
}

const (
	idLen           = 20
	entryFixed      = 62 // stat data, mode, id and flags of an entry
	flagExtended    = 0x4000
	flagIntentToAdd = 1 << 13
	maxCacheDepth   = 4096
)

// readIndexFile reads a version 2, 3 or 4 index: a header, the entries
// sorted by path, extensions, and a checksum of all that.
func readIndexFile(path string) (idx *indexFile, err error) {
	data, unmap, err := mapIndex(path)
	if err != nil {
		return nil, err
	}
	defer unmap()
	// A mapped file cut short faults where it is read: an error, not a
	// crash.
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			idx, err = nil, fmt.Errorf("%w: index %s changed while it was read: %v", errAskGit, path, r)
		}
	}()
	return parseIndex(data)
}

func parseIndex(data []byte) (*indexFile, error) {
	if len(data) < 12+idLen || string(data[:4]) != "DIRC" {
		return nil, fmt.Errorf("%w: not an index file", errAskGit)
	}
	body, sum := data[:len(data)-idLen], data[len(data)-idLen:]
	// index.skipHash writes zeros instead of the checksum.
	if !bytes.Equal(sum, make([]byte, idLen)) {
		if h := sha1.Sum(body); !bytes.Equal(h[:], sum) {
			return nil, fmt.Errorf("%w: index checksum mismatch", errAskGit)
		}
	}
	version := binary.BigEndian.Uint32(body[4:])
	if version < 2 || version > 4 {
		return nil, fmt.Errorf("%w: index version %d", errAskGit, version)
	}
	count := int(binary.BigEndian.Uint32(body[8:]))
	if count > len(body)/entryFixed {
		return nil, fmt.Errorf("%w: %d entries cannot fit", errAskGit, count)
	}
	idx := &indexFile{entries: make([]indexEntry, 0, count), trees: map[string][idLen]byte{}}
	pos := 12
	prev := ""
	for range count {
		if pos+entryFixed > len(body) {
			return nil, fmt.Errorf("%w: truncated entry", errAskGit)
		}
		e := indexEntry{mode: binary.BigEndian.Uint32(body[pos+24:])}
		copy(e.id[:], body[pos+40:])
		flags := binary.BigEndian.Uint16(body[pos+60:])
		e.stage = int(flags>>12) & 3
		p := pos + entryFixed
		if flags&flagExtended != 0 {
			if version < 3 || p+2 > len(body) {
				return nil, fmt.Errorf("%w: extended flags in a version %d index", errAskGit, version)
			}
			e.intentToAdd = binary.BigEndian.Uint16(body[p:])&flagIntentToAdd != 0
			p += 2
		}
		if version == 4 {
			// The path is the previous one less a number of bytes (an
			// offset-encoded integer), plus a NUL-terminated suffix.
			strip, n := offsetVarint(body[p:])
			if n == 0 || strip > uint64(len(prev)) {
				return nil, fmt.Errorf("%w: bad path prefix", errAskGit)
			}
			p += n
			end := bytes.IndexByte(body[p:], 0)
			if end < 0 {
				return nil, fmt.Errorf("%w: unterminated path", errAskGit)
			}
			e.path = prev[:len(prev)-int(strip)] + string(body[p:p+end])
			pos = p + end + 1
		} else {
			end := bytes.IndexByte(body[p:], 0)
			if end < 0 {
				return nil, fmt.Errorf("%w: unterminated path", errAskGit)
			}
			e.path = string(body[p : p+end])
			// Entries are padded with NULs to a multiple of 8 bytes.
			pos += (p - pos + end + 8) &^ 7
		}
		if e.path == "" || (prev != "" && e.path < prev) || (e.path == prev && e.stage == 0) {
			return nil, fmt.Errorf("%w: entries out of order at %q", errAskGit, e.path)
		}
		prev = e.path
		idx.entries = append(idx.entries, e)
	}
	if pos > len(body) {
		return nil, fmt.Errorf("%w: truncated entries", errAskGit)
	}
	for pos < len(body) {
		if pos+8 > len(body) {
			return nil, fmt.Errorf("%w: truncated extension", errAskGit)
		}
		sig := body[pos : pos+4]
		size := int(binary.BigEndian.Uint32(body[pos+4:]))
		if size > len(body)-pos-8 {
			return nil, fmt.Errorf("%w: truncated extension %q", errAskGit, sig)
		}
		ext := body[pos+8 : pos+8+size]
		switch {
		case string(sig) == "TREE":
			rest, err := idx.cacheTree(ext, "", 0)
			if err != nil || len(rest) != 0 {
				return nil, fmt.Errorf("%w: bad cache-tree extension", errAskGit)
			}
		case sig[0] < 'A' || sig[0] > 'Z':
			// One git requires its readers to understand: a split
			// index ("link"), a sparse index ("sdir").
			return nil, fmt.Errorf("%w: index extension %q", errAskGit, sig)
		}
		pos += 8 + size
	}
	return idx, nil
}

// offsetVarint decodes git's offset encoding (each continuation adds one
// before shifting); n is 0 on a bad encoding.
func offsetVarint(b []byte) (v uint64, n int) {
	if len(b) == 0 {
		return 0, 0
	}
	c := b[0]
	v = uint64(c & 0x7f)
	n = 1
	for c&0x80 != 0 {
		if n >= len(b) || n > 9 {
			return 0, 0
		}
		c = b[n]
		n++
		v = (v+1)<<7 | uint64(c&0x7f)
	}
	return v, n
}

// cacheTree reads one directory of the cache-tree extension and its
// subdirectories, in pre-order: "<name>\0<entries> <subtrees>\n", then the
// tree id unless entries is -1 (a directory with staged changes).
func (idx *indexFile) cacheTree(b []byte, parent string, depth int) ([]byte, error) {
	if depth > maxCacheDepth {
		return nil, errors.New("too deep")
	}
	nul := bytes.IndexByte(b, 0)
	if nul < 0 {
		return nil, errors.New("no name")
	}
	name := string(b[:nul])
	b = b[nul+1:]
	nl := bytes.IndexByte(b, '\n')
	if nl < 0 {
		return nil, errors.New("no counts")
	}
	counts := strings.Fields(string(b[:nl]))
	b = b[nl+1:]
	if len(counts) != 2 {
		return nil, errors.New("bad counts")
	}
	entries, err1 := strconv.Atoi(counts[0])
	subtrees, err2 := strconv.Atoi(counts[1])
	if err1 != nil || err2 != nil || subtrees < 0 {
		return nil, errors.New("bad counts")
	}
	dir := name
	if depth == 0 {
		dir = ""
	} else if parent != "" {
		dir = parent + "/" + name
	}
	if entries >= 0 {
		if len(b) < idLen {
			return nil, errors.New("no id")
		}
		idx.trees[dir] = [idLen]byte(b[:idLen])
		b = b[idLen:]
	}
	for range subtrees {
		var err error
		if b, err = idx.cacheTree(b, dir, depth+1); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// readObject reads an object by id, up to max bytes (ok false past it).
type readObject func(id string, max int64) (typ string, data []byte, ok bool, err error)

// headDiff compares an index with HEAD's tree.
type headDiff struct {
	read    readObject
	idx     *indexFile
	changes []change
	// added and removed count paths only one side has: git pairs them
	// as renames.
	added, removed int
}

// maxTree bounds one tree object read whole.
const maxTree = 64 << 20

// localChanges lists the index's changes against tree (HEAD's; "" before
// the first commit), or errAskGit.
func localChanges(idx *indexFile, tree string, read readObject) ([]change, error) {
	var root *[idLen]byte
	if tree != "" {
		id, err := hex.DecodeString(tree)
		if err != nil || len(id) != idLen {
			return nil, fmt.Errorf("%w: tree id %q", errAskGit, tree)
		}
		root = (*[idLen]byte)(id)
	}
	for _, e := range idx.entries {
		if e.stage != 0 || e.intentToAdd {
			return nil, fmt.Errorf("%w: unmerged or intent-to-add entry %q", errAskGit, e.path)
		}
	}
	d := &headDiff{read: read, idx: idx}
	if err := d.compare(root, "", idx.entries); err != nil {
		return nil, err
	}
	if d.added > 0 && d.removed > 0 {
		return nil, fmt.Errorf("%w: paths both added and removed (renames)", errAskGit)
	}
	return d.changes, nil
}

// treeItem is one entry of a tree object.
type treeItem struct {
	mode uint32
	id   [idLen]byte
}

// compare compares the index entries ents, all under the directory prefix
// ("" or "a/b/"), with tree, the directory's tree in HEAD (nil if none).
func (d *headDiff) compare(tree *[idLen]byte, prefix string, ents []indexEntry) error {
	if tree != nil {
		if id, ok := d.idx.trees[strings.TrimSuffix(prefix, "/")]; ok && id == *tree {
			return nil // the index records HEAD's tree here: nothing staged
		}
	}
	head, err := d.readTree(tree)
	if err != nil {
		return err
	}
	for i := 0; i < len(ents); {
		rest := ents[i].path[len(prefix):]
		if slash := strings.IndexByte(rest, '/'); slash >= 0 {
			// A directory: its entries are next to each other in the
			// index (they share the prefix "dir/").
			dir := rest[:slash+1]
			j := i + 1
			for j < len(ents) && strings.HasPrefix(ents[j].path[len(prefix):], dir) {
				j++
			}
			var sub *[idLen]byte
			if it, ok := head[dir[:slash]]; ok {
				delete(head, dir[:slash])
				if it.mode == modeTree {
					sub = &it.id
				} else {
					d.removed++ // a file replaced by a directory
				}
			}
			if err := d.compare(sub, prefix+dir, ents[i:j]); err != nil {
				return err
			}
			i = j
			continue
		}
		e := ents[i]
		i++
		it, inHead := head[rest]
		if inHead {
			delete(head, rest)
			if it.mode == modeTree {
				d.removed++ // a directory replaced by a file
				inHead = false
			}
		}
		switch {
		case !inHead:
			d.added++
			if hasContent(e.mode) {
				d.changes = append(d.changes, change{path: e.path, blob: hex.EncodeToString(e.id[:])})
			}
		case it.id == e.id || !hasContent(e.mode):
			// Unchanged, a mode change only (no line is new), or a
			// submodule (its content is another repository's).
		default:
			c := change{path: e.path, blob: hex.EncodeToString(e.id[:])}
			if hasContent(it.mode) {
				c.base = hex.EncodeToString(it.id[:])
			}
			d.changes = append(d.changes, c)
		}
	}
	d.removed += len(head)
	return nil
}

// readTree reads a tree object into a map of its entries ("<mode>
// <name>\0<id>" records); nil for nil.
func (d *headDiff) readTree(tree *[idLen]byte) (map[string]treeItem, error) {
	if tree == nil {
		return nil, nil
	}
	id := hex.EncodeToString(tree[:])
	typ, data, ok, err := d.read(id, maxTree)
	if err != nil {
		return nil, fmt.Errorf("read tree %s: %w", id, err)
	}
	if !ok || typ != "tree" {
		return nil, fmt.Errorf("%w: tree %s is a %s of more than %d bytes", errAskGit, id, typ, maxTree)
	}
	items := map[string]treeItem{}
	for len(data) > 0 {
		sp := bytes.IndexByte(data, ' ')
		nul := bytes.IndexByte(data, 0)
		if sp < 0 || nul < sp || nul+1+idLen > len(data) {
			return nil, fmt.Errorf("tree %s: malformed entry", id)
		}
		mode, err := strconv.ParseUint(string(data[:sp]), 8, 32)
		if err != nil {
			return nil, fmt.Errorf("tree %s: bad mode %q", id, data[:sp])
		}
		items[string(data[sp+1:nul])] = treeItem{mode: uint32(mode), id: [idLen]byte(data[nul+1 : nul+1+idLen])}
		data = data[nul+1+idLen:]
	}
	return items, nil
}
