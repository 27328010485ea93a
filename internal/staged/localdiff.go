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

	"github.com/keyward/scan/internal/gitrepo"
)

// The index compared with HEAD in this process, for the common commit: a
// few files edited or added. git's own comparison (diff-index, a process
// as costly as the rest of the hook) is asked for the rest: a commit that
// both adds and removes files (git's rename detection pairs them), an
// unmerged or intent-to-add entry, a split or sparse index, an index
// format this reader does not know. errAskGit says so.
var errAskGit = errors.New("left to git")

// indexFile is what the comparison needs of an index. It points into the
// index's bytes rather than copying them: a large repository's index holds
// tens of thousands of paths, and a hook compares a handful.
type indexFile struct {
	data []byte // the whole index
	// names holds the entries' paths: data itself, or for version 4
	// (whose paths are compressed against the previous one) a buffer of
	// the paths spelled out.
	names   []byte
	entries []indexEntry
	// tree is the cache-tree extension in its own pre-order: the tree
	// each directory's entries make, unless they changed since it was
	// written. Directories whose recorded tree is HEAD's hold HEAD's
	// entries and are not compared one by one.
	tree []cacheNode
}

// indexEntry is one entry: where it is in data, and its path in names.
type indexEntry struct {
	at, name, nameLen uint32
	stage             uint8
	intentToAdd       bool
}

func (idx *indexFile) path(e *indexEntry) []byte { return idx.names[e.name : e.name+e.nameLen] }
func (idx *indexFile) mode(e *indexEntry) uint32 { return binary.BigEndian.Uint32(idx.data[e.at+24:]) }
func (idx *indexFile) id(e *indexEntry) []byte   { return idx.data[e.at+40 : e.at+40+idLen] }

// cacheNode is one directory of the cache tree.
type cacheNode struct {
	name, nameLen uint32 // its name (one path component) in data
	// entries is how many index entries it covers, -1 when they changed
	// since its tree was recorded (then it has no id).
	entries  int32
	subtrees int32  // its children, which follow it
	size     int32  // the nodes of its subtree, itself included
	id       uint32 // where its tree id is in data
}

// Entry modes, as the index and trees hold them.
const (
	modeTree    = 0o040000
	modeFile    = 0o100644
	modeExec    = 0o100755
	modeGroupRW = 0o100664
	modeSymlink = 0o120000
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

// withIndexFile reads the index file at path (mapped where the system
// can) and calls fn with it; what fn keeps of it must be copied.
func withIndexFile(path string, fn func(*indexFile) error) (err error) {
	data, unmap, err := mapIndex(path)
	if err != nil {
		return err
	}
	defer unmap()
	// A mapped file cut short faults where it is read: an error (and
	// git compares), not a crash.
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: index %s changed while it was read: %v", errAskGit, path, r)
		}
	}()
	idx, err := parseIndex(data)
	if err != nil {
		return err
	}
	return fn(idx)
}

// parseIndex reads a version 2, 3 or 4 index: a header, the entries
// sorted by path, extensions, and a checksum of all that.
func parseIndex(data []byte) (*indexFile, error) {
	if len(data) < 12+idLen || string(data[:4]) != "DIRC" {
		return nil, fmt.Errorf("%w: not an index file", errAskGit)
	}
	if len(data) > maxIndexFile {
		return nil, fmt.Errorf("%w: an index of %d bytes", errAskGit, len(data))
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
	idx := &indexFile{data: data, names: data, entries: make([]indexEntry, 0, count)}
	if version == 4 {
		idx.names = make([]byte, 0, len(body))
	}
	pos := 12
	var prev []byte
	for range count {
		if pos+entryFixed > len(body) {
			return nil, fmt.Errorf("%w: truncated entry", errAskGit)
		}
		e := indexEntry{at: uint32(pos)}
		flags := binary.BigEndian.Uint16(body[pos+60:])
		e.stage = uint8(flags>>12) & 3
		p := pos + entryFixed
		if flags&flagExtended != 0 {
			if version < 3 || p+2 > len(body) {
				return nil, fmt.Errorf("%w: extended flags in a version %d index", errAskGit, version)
			}
			e.intentToAdd = binary.BigEndian.Uint16(body[p:])&flagIntentToAdd != 0
			p += 2
		}
		end := bytes.IndexByte(body[p:], 0)
		if end < 0 {
			return nil, fmt.Errorf("%w: unterminated path", errAskGit)
		}
		if version == 4 {
			// The path is the previous one less a number of bytes (an
			// offset-encoded integer), plus a NUL-terminated suffix.
			strip, n := offsetVarint(body[p:])
			if n == 0 || strip > uint64(len(prev)) {
				return nil, fmt.Errorf("%w: bad path prefix", errAskGit)
			}
			p += n
			if end = bytes.IndexByte(body[p:], 0); end < 0 {
				return nil, fmt.Errorf("%w: unterminated path", errAskGit)
			}
			e.name = uint32(len(idx.names))
			idx.names = append(idx.names, prev[:len(prev)-int(strip)]...)
			idx.names = append(idx.names, body[p:p+end]...)
			e.nameLen = uint32(len(idx.names)) - e.name
			pos = p + end + 1
		} else {
			e.name, e.nameLen = uint32(p), uint32(end)
			// Entries are padded with NULs to a multiple of 8 bytes.
			pos += (p - pos + end + 8) &^ 7
		}
		path := idx.path(&e)
		if len(path) == 0 || (prev != nil && bytes.Compare(path, prev) < 0) || (bytes.Equal(path, prev) && e.stage == 0) {
			return nil, fmt.Errorf("%w: entries out of order at %q", errAskGit, path)
		}
		prev = path
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
		switch {
		case string(sig) == "TREE":
			end, err := idx.cacheTree(pos+8, pos+8+size, 0)
			if err != nil || end != pos+8+size {
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

// cacheTree reads the directory of the cache-tree extension at pos (which
// ends at end) and its subdirectories, in pre-order: "<name>\0<entries>
// <subtrees>\n", then the tree id unless entries is -1. It returns where
// the subtree ends.
func (idx *indexFile) cacheTree(pos, end, depth int) (int, error) {
	if depth > maxCacheDepth {
		return 0, errors.New("too deep")
	}
	b := idx.data[:end]
	nul := bytes.IndexByte(b[pos:], 0)
	if nul < 0 {
		return 0, errors.New("no name")
	}
	n := cacheNode{name: uint32(pos), nameLen: uint32(nul)}
	pos += nul + 1
	entries, pos, ok := asciiInt(b, pos, ' ')
	if !ok {
		return 0, errors.New("bad entry count")
	}
	subtrees, pos, ok := asciiInt(b, pos, '\n')
	if !ok || subtrees < 0 {
		return 0, errors.New("bad subtree count")
	}
	n.entries, n.subtrees = int32(entries), int32(subtrees)
	if entries >= 0 {
		if pos+idLen > end {
			return 0, errors.New("no id")
		}
		n.id = uint32(pos)
		pos += idLen
	}
	at := len(idx.tree)
	idx.tree = append(idx.tree, n)
	for range subtrees {
		var err error
		if pos, err = idx.cacheTree(pos, end, depth+1); err != nil {
			return 0, err
		}
	}
	idx.tree[at].size = int32(len(idx.tree) - at)
	return pos, nil
}

// asciiInt reads a decimal integer (perhaps negative) at pos up to stop,
// and returns it and where it ends, past stop.
func asciiInt(b []byte, pos int, stop byte) (int, int, bool) {
	i := bytes.IndexByte(b[pos:], stop)
	if i <= 0 || i > 11 {
		return 0, 0, false
	}
	v, err := strconv.Atoi(string(b[pos : pos+i]))
	return v, pos + i + 1, err == nil && v >= -1 && v <= 1<<30
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
	var root []byte
	if tree != "" {
		id, err := hex.DecodeString(tree)
		if err != nil || len(id) != idLen {
			return nil, fmt.Errorf("%w: tree id %q", errAskGit, tree)
		}
		root = id
	}
	for i := range idx.entries {
		if e := &idx.entries[i]; e.stage != 0 || e.intentToAdd {
			return nil, fmt.Errorf("%w: unmerged or intent-to-add entry %q", errAskGit, idx.path(e))
		}
	}
	d := &headDiff{read: read, idx: idx}
	node := -1
	if len(idx.tree) > 0 {
		node = 0
	}
	if err := d.compare(node, root, 0, idx.entries); err != nil {
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
	id   []byte
	seen bool
}

// compare compares the index entries ents, all under one directory whose
// path (with its slash) is prefix bytes long, with tree, the directory's
// tree in HEAD (nil if none); node is the directory in the cache tree (-1
// if it has none).
func (d *headDiff) compare(node int, tree []byte, prefix int, ents []indexEntry) error {
	if tree != nil && node >= 0 {
		if n := d.idx.tree[node]; n.entries >= 0 && bytes.Equal(d.idx.data[n.id:n.id+idLen], tree) {
			return nil // the index records HEAD's tree here: nothing staged
		}
	}
	items, byName, err := d.readTree(tree)
	if err != nil {
		return err
	}
	for i := 0; i < len(ents); {
		e := &ents[i]
		path := d.idx.path(e)
		rest := path[prefix:]
		if slash := bytes.IndexByte(rest, '/'); slash >= 0 {
			// A directory: its entries are next to each other in the
			// index (they share the prefix "dir/").
			dir := rest[:slash+1]
			j := i + 1
			for j < len(ents) && bytes.HasPrefix(d.idx.path(&ents[j])[prefix:], dir) {
				j++
			}
			var sub []byte
			if k, ok := byName[string(dir[:slash])]; ok {
				items[k].seen = true
				if items[k].mode == modeTree {
					sub = items[k].id
				} else {
					d.removed++ // a file replaced by a directory
				}
			}
			if err := d.compare(d.child(node, dir[:slash]), sub, prefix+slash+1, ents[i:j]); err != nil {
				return err
			}
			i = j
			continue
		}
		i++
		var it *treeItem
		if k, ok := byName[string(rest)]; ok {
			it = &items[k]
			it.seen = true
			if it.mode == modeTree {
				d.removed++ // a directory replaced by a file
				it = nil
			}
		}
		mode, id := d.idx.mode(e), d.idx.id(e)
		switch {
		case it == nil:
			d.added++
			if hasContent(mode) {
				d.changes = append(d.changes, change{path: string(path), blob: hex.EncodeToString(id)})
			}
		case bytes.Equal(it.id, id) || !hasContent(mode):
			// Unchanged, a mode change only (no line is new), or a
			// submodule (its content is another repository's).
		default:
			c := change{path: string(path), blob: hex.EncodeToString(id)}
			if hasContent(it.mode) {
				c.base = hex.EncodeToString(it.id)
			}
			d.changes = append(d.changes, c)
		}
	}
	for _, it := range items {
		if !it.seen {
			d.removed++
		}
	}
	return nil
}

// child finds the subdirectory name of cache-tree node (-1 if none).
func (d *headDiff) child(node int, name []byte) int {
	if node < 0 {
		return -1
	}
	t := d.idx.tree
	c := node + 1
	for range t[node].subtrees {
		if c >= len(t) {
			return -1
		}
		if n := t[c]; bytes.Equal(d.idx.data[n.name:n.name+n.nameLen], name) {
			return c
		}
		c += int(t[c].size)
	}
	return -1
}

// readTree reads a tree object's entries ("<mode> <name>\0<id>" records)
// and their index by name; nothing for nil.
func (d *headDiff) readTree(tree []byte) ([]treeItem, map[string]int, error) {
	if tree == nil {
		return nil, nil, nil
	}
	id := hex.EncodeToString(tree)
	typ, data, ok, err := d.read(id, maxTree)
	if err != nil {
		return nil, nil, fmt.Errorf("read tree %s: %w", id, err)
	}
	if !ok || typ != "tree" {
		return nil, nil, fmt.Errorf("%w: tree %s is a %s of more than %d bytes", errAskGit, id, typ, maxTree)
	}
	var items []treeItem
	byName := map[string]int{}
	var bad error
	whole := gitrepo.EachTreeEntry(data, idLen, func(m, name, raw []byte) bool {
		mode, err := strconv.ParseUint(string(m), 8, 32)
		if err != nil {
			bad = fmt.Errorf("tree %s: bad mode %q", id, m)
			return false
		}
		byName[string(name)] = len(items)
		items = append(items, treeItem{mode: uint32(mode), id: raw})
		return true
	})
	switch {
	case !whole:
		return nil, nil, fmt.Errorf("tree %s: malformed entry", id)
	case bad != nil:
		return nil, nil, bad
	}
	return items, byName, nil
}
