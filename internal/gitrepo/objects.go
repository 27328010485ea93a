package gitrepo

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/keyward/scan/internal/regularfile"
)

// Objects reads single objects of a repository by id, in this process:
// loose objects, and packed ones found through their pack index one lookup
// at a time. It is for a commit hook, which reads a handful of objects
// (HEAD's commit, a few trees, a config file, the staged blobs): starting
// "git cat-file" costs it more than the reads, and go-git indexes every
// object of a pack before it reads the first.
//
// What it cannot read it says so (ErrNoObject for an object it did not
// find, ErrUnsupported for a format it does not know, an error for
// anything malformed), and the caller asks git: a partial clone's missing
// objects, version-1 pack indexes, SHA-256 repositories. It is safe for
// concurrent use.
type Objects struct {
	mu    sync.Mutex
	dirs  []string // the object directory, then its alternates
	packs []*lazyPack
	// limit bounds every buffer a read allocates (an object, a delta, a
	// delta's base): larger objects are left to git.
	limit int64
	// One inflater, reset for each stream (reads are one at a time): a
	// new one allocates its 32 KiB window, and every delta of a chain
	// would pay for one.
	z  io.ReadCloser
	br *bufio.Reader
	// recent keeps the last commits and trees read: a hook reads HEAD's
	// commit and top tree for each setting file and again to compare.
	recent map[string]recentObject
}

type recentObject struct {
	typ  string
	data []byte
}

// maxRecent bounds the objects kept; maxRecentSize the size of each.
const (
	maxRecent     = 32
	maxRecentSize = 1 << 20
)

// inflater returns the zlib reader, reset to read the stream r.
func (o *Objects) inflater(r io.Reader) (io.ReadCloser, error) {
	if o.br == nil {
		o.br = bufio.NewReaderSize(r, 16<<10)
	} else {
		o.br.Reset(r)
	}
	if o.z == nil {
		z, err := zlib.NewReader(o.br)
		if err != nil {
			return nil, err
		}
		o.z = z
		return z, nil
	}
	if err := o.z.(zlib.Resetter).Reset(o.br, nil); err != nil {
		return nil, err
	}
	return o.z, nil
}

// maxAlternates is how deep alternates files are followed (git stops at 5).
const maxAlternates = 5

// maxDeltaChain bounds the deltas between an object and its stored base:
// git writes at most 4095; a longer chain, or a cycle of REF_DELTAs, is
// corrupt.
const maxDeltaChain = 5000

// OpenObjects opens the object store of the repository whose git directory
// is gitDir (a linked worktree's is followed to its common directory). The
// pack indexes are opened on first use.
func OpenObjects(gitDir string, limit int64) (*Objects, error) {
	common, err := commonDir(gitDir)
	if err != nil {
		return nil, err
	}
	o := &Objects{limit: limit}
	if err := o.addDir(filepath.Join(common, "objects"), 0); err != nil {
		return nil, err
	}
	for _, dir := range o.dirs {
		entries, err := os.ReadDir(filepath.Join(dir, "pack"))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("list packs: %w", err)
		}
		for _, e := range entries {
			if name := e.Name(); strings.HasSuffix(name, ".idx") && e.Type().IsRegular() {
				base := filepath.Join(dir, "pack", strings.TrimSuffix(name, ".idx"))
				o.packs = append(o.packs, &lazyPack{base: base})
			}
		}
	}
	return o, nil
}

// commonDir is the directory holding what a linked worktree shares with
// its main repository (objects, branches): the one its commondir file
// names, else gitDir itself.
func commonDir(gitDir string) (string, error) {
	data, err := regularfile.ReadFile(filepath.Join(gitDir, "commondir"), 4096)
	if errors.Is(err, fs.ErrNotExist) {
		return gitDir, nil
	}
	if err != nil {
		return "", fmt.Errorf("read %s: %w", filepath.Join(gitDir, "commondir"), err)
	}
	common := strings.TrimSpace(string(data))
	if !filepath.IsAbs(common) {
		common = filepath.Join(gitDir, common)
	}
	return common, nil
}

// addDir adds an object directory and, through its info/alternates, the
// directories it borrows from (clone --shared, --reference).
func (o *Objects) addDir(dir string, depth int) error {
	dir = filepath.Clean(dir)
	for _, d := range o.dirs {
		if d == dir {
			return nil
		}
	}
	if depth > maxAlternates {
		return nil
	}
	o.dirs = append(o.dirs, dir)
	data, err := regularfile.ReadFile(filepath.Join(dir, "info", "alternates"), 1<<20)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read alternates: %w", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		if line[0] == '"' {
			return fmt.Errorf("alternates of %s: %w: a quoted path", dir, ErrUnsupported)
		}
		if !filepath.IsAbs(line) {
			line = filepath.Join(dir, line)
		}
		if err := o.addDir(line, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// Close closes the packs' files.
func (o *Objects) Close() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, p := range o.packs {
		p.close()
	}
	return nil
}

// Object types as git names them.
const (
	typeCommit = "commit"
	typeTree   = "tree"
	typeBlob   = "blob"
	typeTag    = "tag"
)

var packTypes = [8]string{1: typeCommit, 2: typeTree, 3: typeBlob, 4: typeTag}

// Object reads the object id (40 hex digits) up to max bytes, as
// CatFile.Object does for an id: ok is false, without data, when it is
// larger than max. An object in none of the packs and loose directories is
// ErrNoObject. The data of a commit or tree may be shared with later
// callers: it is read-only.
func (o *Objects) Object(id string, max int64) (typ string, data []byte, ok bool, err error) {
	raw, err := hex.DecodeString(id)
	if err != nil || len(raw) != hashLen {
		return "", nil, false, fmt.Errorf("object %q: %w", id, ErrNoObject)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if r, found := o.recent[id]; found {
		if int64(len(r.data)) > max {
			return r.typ, nil, false, nil
		}
		return r.typ, r.data, true, nil
	}
	typ, data, err = o.read(raw, min(max, o.limit)+1, 0)
	if err == nil && typ != typeBlob && len(data) <= maxRecentSize {
		if o.recent == nil || len(o.recent) >= maxRecent {
			o.recent = map[string]recentObject{}
		}
		o.recent[id] = recentObject{typ, data}
	}
	if errors.Is(err, errOverLimit) {
		if max < o.limit {
			return typ, nil, false, nil
		}
		return "", nil, false, fmt.Errorf("object %s: %w: larger than %d bytes", id, ErrUnsupported, o.limit)
	}
	if err != nil {
		return "", nil, false, fmt.Errorf("object %s: %w", id, err)
	}
	return typ, data, true, nil
}

// errOverLimit says an object is larger than the read allowed; its type is
// still returned.
var errOverLimit = errors.New("object over the limit")

const hashLen = 20

// read finds raw in the packs, then loose; objects of more than below-1
// bytes are errOverLimit.
func (o *Objects) read(raw []byte, below int64, depth int) (string, []byte, error) {
	if depth > maxDeltaChain {
		return "", nil, fmt.Errorf("a delta chain deeper than %d", maxDeltaChain)
	}
	for _, p := range o.packs {
		off, found, err := p.find(raw)
		if err != nil {
			return "", nil, err
		}
		if found {
			return o.packed(p, off, below, depth)
		}
	}
	for _, dir := range o.dirs {
		typ, data, err := o.loose(dir, raw, below)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		return typ, data, err
	}
	return "", nil, ErrNoObject
}

// loose reads a loose object: zlib of "<type> <size>\0<content>".
func (o *Objects) loose(dir string, raw []byte, below int64) (string, []byte, error) {
	h := hex.EncodeToString(raw)
	f, _, err := regularfile.OpenReader(filepath.Join(dir, h[:2], h[2:]), false)
	if err != nil {
		return "", nil, err
	}
	defer f.Close()
	z, err := o.inflater(f)
	if err != nil {
		return "", nil, fmt.Errorf("loose object: %w", err)
	}
	head := make([]byte, 0, 32)
	var b [1]byte
	for {
		if _, err := io.ReadFull(z, b[:]); err != nil {
			return "", nil, fmt.Errorf("loose object header: %w", err)
		}
		if b[0] == 0 {
			break
		}
		if head = append(head, b[0]); len(head) > 30 {
			return "", nil, errors.New("loose object header too long")
		}
	}
	typ, sizeText, _ := strings.Cut(string(head), " ")
	size, err := strconv.ParseInt(sizeText, 10, 64)
	if err != nil || size < 0 || !knownType(typ) {
		return "", nil, fmt.Errorf("loose object header %q", head)
	}
	if size >= below {
		return typ, nil, errOverLimit
	}
	data, err := inflateAll(z, size)
	return typ, data, err
}

func knownType(t string) bool {
	return t == typeCommit || t == typeTree || t == typeBlob || t == typeTag
}

// inflateAll reads exactly size bytes from z and checks that the stream
// ends there (which also checks its checksum).
func inflateAll(z io.ReadCloser, size int64) ([]byte, error) {
	data := make([]byte, size)
	if _, err := io.ReadFull(z, data); err != nil {
		return nil, fmt.Errorf("inflate: %w", err)
	}
	var b [1]byte
	if n, err := z.Read(b[:]); n != 0 || err != io.EOF {
		if err == nil || err == io.EOF {
			err = errors.New("more data than its header says")
		}
		return nil, fmt.Errorf("inflate: %w", err)
	}
	return data, z.Close()
}

// packed reads the object at off in p, resolving deltas.
func (o *Objects) packed(p *lazyPack, off int64, below int64, depth int) (string, []byte, error) {
	if depth > maxDeltaChain {
		return "", nil, fmt.Errorf("a delta chain deeper than %d", maxDeltaChain)
	}
	var head [32]byte
	n, err := p.pack.ReadAt(head[:], off)
	if n == 0 && err != nil {
		return "", nil, fmt.Errorf("pack %s at %d: %w", p.base, off, err)
	}
	hb := head[:n]
	c := hb[0]
	kind := (c >> 4) & 7
	size := int64(c & 15)
	i, shift := 1, 4
	for c&0x80 != 0 {
		if i >= len(hb) || shift > 56 {
			return "", nil, fmt.Errorf("pack %s at %d: bad entry header", p.base, off)
		}
		c = hb[i]
		size |= int64(c&0x7f) << shift
		i, shift = i+1, shift+7
	}
	switch kind {
	case 1, 2, 3, 4:
		typ := packTypes[kind]
		if size >= below {
			return typ, nil, errOverLimit
		}
		data, err := o.inflate(p, off+int64(i), size)
		return typ, data, err
	case 6, 7:
	default:
		return "", nil, fmt.Errorf("pack %s at %d: unknown entry type %d", p.base, off, kind)
	}
	// A delta: its base is another entry of this pack (OFS_DELTA, a
	// distance back) or any object by id (REF_DELTA).
	if size > o.limit {
		return "", nil, fmt.Errorf("%w: a delta of %d bytes", ErrUnsupported, size)
	}
	var typ string
	var base []byte
	if kind == 6 {
		if i >= len(hb) {
			return "", nil, fmt.Errorf("pack %s at %d: bad entry header", p.base, off)
		}
		c = hb[i]
		i++
		back := int64(c & 0x7f)
		for c&0x80 != 0 {
			if i >= len(hb) || back > 1<<48 {
				return "", nil, fmt.Errorf("pack %s at %d: bad delta offset", p.base, off)
			}
			c = hb[i]
			i++
			back = (back+1)<<7 | int64(c&0x7f)
		}
		if back <= 0 || back > off {
			return "", nil, fmt.Errorf("pack %s at %d: delta base offset out of the pack", p.base, off)
		}
		typ, base, err = o.packed(p, off-back, o.limit+1, depth+1)
	} else {
		if i+hashLen > len(hb) {
			return "", nil, fmt.Errorf("pack %s at %d: bad entry header", p.base, off)
		}
		ref := append([]byte(nil), hb[i:i+hashLen]...)
		i += hashLen
		typ, base, err = o.read(ref, o.limit+1, depth+1)
	}
	if errors.Is(err, errOverLimit) {
		// The object itself may be small: git reads it.
		return "", nil, fmt.Errorf("%w: a delta base over %d bytes", ErrUnsupported, o.limit)
	}
	if err != nil {
		return "", nil, fmt.Errorf("delta base: %w", err)
	}
	delta, err := o.inflate(p, off+int64(i), size)
	if err != nil {
		return "", nil, err
	}
	data, err := applyDelta(base, delta, below)
	if err != nil {
		if errors.Is(err, errOverLimit) {
			return typ, nil, err
		}
		return "", nil, fmt.Errorf("pack %s at %d: %w", p.base, off, err)
	}
	return typ, data, nil
}

// applyDelta builds a delta's target from its base: two sizes, then copy
// (from the base) and insert (from the delta) instructions.
func applyDelta(base, delta []byte, below int64) ([]byte, error) {
	srcSize, n := binary.Uvarint(delta)
	if n <= 0 {
		return nil, errors.New("bad delta header")
	}
	delta = delta[n:]
	dstSize, n := binary.Uvarint(delta)
	if n <= 0 {
		return nil, errors.New("bad delta header")
	}
	delta = delta[n:]
	if srcSize != uint64(len(base)) {
		return nil, fmt.Errorf("delta for a base of %d bytes applied to %d", srcSize, len(base))
	}
	if dstSize >= uint64(below) {
		return nil, errOverLimit
	}
	out := make([]byte, 0, dstSize)
	for len(delta) > 0 {
		c := delta[0]
		delta = delta[1:]
		switch {
		case c&0x80 != 0:
			var off, size uint64
			for b := 0; b < 7; b++ {
				if c&(1<<b) == 0 {
					continue
				}
				if len(delta) == 0 {
					return nil, errors.New("truncated delta copy")
				}
				if b < 4 {
					off |= uint64(delta[0]) << (8 * b)
				} else {
					size |= uint64(delta[0]) << (8 * (b - 4))
				}
				delta = delta[1:]
			}
			if size == 0 {
				size = 0x10000
			}
			if off+size > uint64(len(base)) || uint64(len(out))+size > dstSize {
				return nil, errors.New("delta copy out of range")
			}
			out = append(out, base[off:off+size]...)
		case c != 0:
			if int(c) > len(delta) || uint64(len(out))+uint64(c) > dstSize {
				return nil, errors.New("delta insert out of range")
			}
			out = append(out, delta[:c]...)
			delta = delta[c:]
		default:
			return nil, errors.New("reserved delta instruction")
		}
	}
	if uint64(len(out)) != dstSize {
		return nil, fmt.Errorf("delta made %d bytes, not %d", len(out), dstSize)
	}
	return out, nil
}

// lazyPack is a pack whose index is opened at the first lookup and read a
// few bytes at a time: the hook looks up a few objects among hundreds of
// thousands.
type lazyPack struct {
	base   string // path without .idx / .pack
	opened bool
	err    error
	idx    regularfile.ReadAtCloser
	pack   regularfile.ReadAtCloser
	n      int64 // objects
	// fanout[b] is how many ids begin with a byte ≤ b.
	fanout [256]uint32
}

const idxHeader = 8 + 256*4

func (p *lazyPack) open() error {
	if p.opened {
		return p.err
	}
	p.opened = true
	p.err = p.openFiles()
	return p.err
}

func (p *lazyPack) openFiles() error {
	idx, size, err := regularfile.OpenReader(p.base+".idx", false)
	if err != nil {
		return fmt.Errorf("open pack index: %w", err)
	}
	p.idx = idx
	var head [idxHeader]byte
	if size < idxHeader+2*hashLen {
		return fmt.Errorf("pack index %s.idx: too short", p.base)
	}
	if n, err := idx.ReadAt(head[:], 0); n < len(head) {
		return fmt.Errorf("read pack index: %w", err)
	}
	if !bytes.Equal(head[:4], []byte{0xff, 't', 'O', 'c'}) || binary.BigEndian.Uint32(head[4:]) != 2 {
		return fmt.Errorf("pack index %s.idx: %w: not a version-2 index", p.base, ErrUnsupported)
	}
	var prev uint32
	for i := range p.fanout {
		p.fanout[i] = binary.BigEndian.Uint32(head[8+4*i:])
		if p.fanout[i] < prev {
			return fmt.Errorf("pack index %s.idx: fan-out table decreases", p.base)
		}
		prev = p.fanout[i]
	}
	p.n = int64(p.fanout[255])
	if fixed := idxHeader + p.n*(hashLen+8) + 2*hashLen; size < fixed || (size-fixed)%8 != 0 {
		return fmt.Errorf("pack index %s.idx: %d bytes cannot hold %d objects", p.base, size, p.n)
	}
	pack, _, err := regularfile.OpenReader(p.base+".pack", false)
	if err != nil {
		// An index without its pack is what a repack leaves for a
		// moment; the object may be loose or in another pack, and git
		// is asked when it is in none.
		return fmt.Errorf("open pack: %w", err)
	}
	p.pack = pack
	return nil
}

// find returns the pack offset of raw, if the pack holds it. A pack that
// cannot be opened is an error: the object might be in it.
func (p *lazyPack) find(raw []byte) (int64, bool, error) {
	if err := p.open(); err != nil {
		return 0, false, err
	}
	lo := int64(0)
	if raw[0] > 0 {
		lo = int64(p.fanout[raw[0]-1])
	}
	hi := int64(p.fanout[raw[0]])
	if hi <= lo {
		return 0, false, nil
	}
	// The ids of one first byte: a few kilobytes even in a large pack.
	ids := make([]byte, (hi-lo)*hashLen)
	if n, err := p.idx.ReadAt(ids, idxHeader+lo*hashLen); n < len(ids) {
		return 0, false, fmt.Errorf("read pack index %s.idx: %w", p.base, err)
	}
	i, j := int64(0), hi-lo
	for i < j {
		m := (i + j) / 2
		switch bytes.Compare(ids[m*hashLen:(m+1)*hashLen], raw) {
		case 0:
			off, err := p.offset(lo + m)
			return off, err == nil, err
		case -1:
			i = m + 1
		default:
			j = m
		}
	}
	return 0, false, nil
}

// offset reads the pack offset of the k-th object of the index: 31 bits,
// or with the top bit set an index into the table of 64-bit offsets.
func (p *lazyPack) offset(k int64) (int64, error) {
	var b [8]byte
	at := idxHeader + p.n*(hashLen+4) + 4*k
	if n, err := p.idx.ReadAt(b[:4], at); n < 4 {
		return 0, fmt.Errorf("read pack index %s.idx: %w", p.base, err)
	}
	v := binary.BigEndian.Uint32(b[:4])
	if v&0x80000000 == 0 {
		return int64(v), nil
	}
	at = idxHeader + p.n*(hashLen+8) + 8*int64(v&0x7fffffff)
	if n, err := p.idx.ReadAt(b[:], at); n < 8 {
		return 0, fmt.Errorf("read pack index %s.idx: %w", p.base, err)
	}
	off := binary.BigEndian.Uint64(b[:])
	if off > 1<<62 {
		return 0, fmt.Errorf("pack index %s.idx: bad offset", p.base)
	}
	return int64(off), nil
}

// inflate reads the zlib stream at off in p: size bytes.
func (o *Objects) inflate(p *lazyPack, off, size int64) ([]byte, error) {
	z, err := o.inflater(io.NewSectionReader(p.pack, off, 1<<62))
	if err != nil {
		return nil, fmt.Errorf("pack %s at %d: %w", p.base, off, err)
	}
	data, err := inflateAll(z, size)
	if err != nil {
		return nil, fmt.Errorf("pack %s at %d: %w", p.base, off, err)
	}
	return data, nil
}

func (p *lazyPack) close() {
	if p.idx != nil {
		p.idx.Close()
	}
	if p.pack != nil {
		p.pack.Close()
	}
}
