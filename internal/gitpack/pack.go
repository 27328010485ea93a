package gitpack

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/keyward/scan/internal/gitrepo"
	"github.com/keyward/scan/internal/regularfile"
)

// errNoPackFile: an index whose .pack is gone.
var errNoPackFile = errors.New("index without its pack")

// maxIndex bounds an index file read whole: 2^32 objects would need
// 100 GB of index, and git's own limit on pack objects is far below.
const maxIndex = 4 << 30

// pack is one pack file and its index (version 2).
type pack struct {
	path string
	num  int
	f    regularfile.ReadAtCloser
	size int64
	// names are the objects' ids in index order, 20 bytes each.
	names []byte
	// fanout[b] is how many ids begin with a byte ≤ b.
	fanout [256]uint32
	// offsets are the objects' pack offsets in index order; sorted the
	// same offsets in pack order, order[k] the index position of the
	// k-th object in pack order and rank its inverse. An entry ends where
	// the next in pack order begins (the last at the pack's checksum),
	// and an OFS_DELTA's base offset is found in sorted.
	offsets []int64
	sorted  []int64
	order   []uint32
	rank    []uint32
}

const (
	idxHeader = 8 + 256*4
	hashLen   = 20
)

func openPack(idxPath string, num int) (*pack, error) {
	idx, err := readWhole(idxPath)
	if err != nil {
		return nil, fmt.Errorf("read pack index: %w", err)
	}
	base := strings.TrimSuffix(idxPath, ".idx")
	p := &pack{path: base + ".pack", num: num}
	if err := p.parseIndex(idx); err != nil {
		return nil, fmt.Errorf("pack index %s: %w", idxPath, err)
	}
	// A reverse index that cannot be read is only a slower open.
	rev, _ := readWhole(base + ".rev")
	if err := p.orderObjects(rev, idx[len(idx)-2*hashLen:len(idx)-hashLen]); err != nil {
		return nil, fmt.Errorf("pack index %s: %w", idxPath, err)
	}
	open := regularfile.OpenReader
	if regularfile.LocalDisk(p.path) {
		open = regularfile.OpenLocalReader
	}
	f, size, err := open(p.path, false)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errNoPackFile
	}
	if err != nil {
		return nil, fmt.Errorf("open pack: %w", err)
	}
	p.f, p.size = f, size
	if err := p.checkPack(idx[len(idx)-2*hashLen : len(idx)-hashLen]); err != nil {
		f.Close()
		return nil, fmt.Errorf("pack %s: %w", p.path, err)
	}
	return p, nil
}

// readWhole reads a regular file of at most maxIndex bytes in one read of
// its size.
func readWhole(path string) ([]byte, error) {
	f, size, err := regularfile.OpenReader(path, false)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if size > maxIndex {
		return nil, fmt.Errorf("%s: %w (%d bytes)", path, regularfile.ErrTooLarge, size)
	}
	b := make([]byte, size)
	if _, err := f.ReadAt(b, 0); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return b, nil
}

// parseIndex reads a version-2 index: magic, version, fan-out, ids, CRCs,
// 31-bit offsets (the top bit set sends to the 64-bit table), the 64-bit
// offsets, the pack's checksum and the index's.
func (p *pack) parseIndex(idx []byte) error {
	if len(idx) < idxHeader || !bytes.Equal(idx[:4], []byte{0xff, 't', 'O', 'c'}) {
		return fmt.Errorf("%w: version 1 index (or not an index); git has written version 2 since 2008, \"git index-pack\" rewrites one", gitrepo.ErrUnsupported)
	}
	if v := binary.BigEndian.Uint32(idx[4:]); v != 2 {
		return fmt.Errorf("%w: index version %d", gitrepo.ErrUnsupported, v)
	}
	var prev uint32
	for i := range p.fanout {
		p.fanout[i] = binary.BigEndian.Uint32(idx[8+4*i:])
		if p.fanout[i] < prev {
			return fmt.Errorf("%w: fan-out table decreases", ErrCorrupt)
		}
		prev = p.fanout[i]
	}
	n := int64(p.fanout[255])
	fixed := idxHeader + n*(hashLen+4+4) + 2*hashLen
	if int64(len(idx)) < fixed || (int64(len(idx))-fixed)%8 != 0 {
		return fmt.Errorf("%w: %d bytes cannot hold %d objects", ErrCorrupt, len(idx), n)
	}
	large := (int64(len(idx)) - fixed) / 8
	p.names = idx[idxHeader : idxHeader+n*hashLen]
	offs := idx[idxHeader+n*(hashLen+4):]
	big := offs[n*4:]
	p.offsets = make([]int64, n)
	for i := range p.offsets {
		o := binary.BigEndian.Uint32(offs[4*i:])
		if o&0x80000000 == 0 {
			p.offsets[i] = int64(o)
			continue
		}
		j := int64(o & 0x7fffffff)
		if j >= large {
			return fmt.Errorf("%w: object %d's large offset %d is past the table", ErrCorrupt, i, j)
		}
		v := binary.BigEndian.Uint64(big[8*j:])
		if v > 1<<62 {
			return fmt.Errorf("%w: offset %d", ErrCorrupt, v)
		}
		p.offsets[i] = int64(v)
	}
	for i := 1; i < int(n); i++ {
		if bytes.Compare(p.names[(i-1)*hashLen:i*hashLen], p.names[i*hashLen:(i+1)*hashLen]) >= 0 {
			return fmt.Errorf("%w: ids out of order", ErrCorrupt)
		}
	}
	return nil
}

// orderObjects fills order, sorted and rank: from the reverse index git
// writes beside the pack (pack-*.rev, by default since git 2.41) when it
// is there and sound, else by sorting, which for hummingbot's 361k
// objects cost more than all the rest of opening its pack.
func (p *pack) orderObjects(rev, packSum []byte) error {
	n := len(p.offsets)
	p.order = make([]uint32, n)
	p.sorted = make([]int64, n)
	p.rank = make([]uint32, n)
	if p.readRev(rev, packSum) {
		return nil
	}
	type at struct {
		off int64
		i   uint32
	}
	byOff := make([]at, n)
	for i, off := range p.offsets {
		byOff[i] = at{off, uint32(i)}
	}
	slices.SortFunc(byOff, func(a, b at) int { return cmp.Compare(a.off, b.off) })
	for k, a := range byOff {
		if k > 0 && a.off == byOff[k-1].off {
			return fmt.Errorf("%w: two objects at offset %d", ErrCorrupt, a.off)
		}
		p.order[k], p.sorted[k], p.rank[a.i] = a.i, a.off, uint32(k)
	}
	return nil
}

// readRev takes the pack order from a reverse index: "RIDX", version 1,
// hash function 1 (SHA-1), each object's index position in pack order,
// the pack's checksum. It is used only for the pack the index names and if
// the offsets it orders strictly increase, which also makes it a
// permutation.
func (p *pack) readRev(rev, packSum []byte) bool {
	n := len(p.offsets)
	if len(rev) != 12+4*n+2*hashLen || string(rev[:4]) != "RIDX" ||
		binary.BigEndian.Uint32(rev[4:]) != 1 || binary.BigEndian.Uint32(rev[8:]) != 1 ||
		!bytes.Equal(rev[12+4*n:12+4*n+hashLen], packSum) {
		return false
	}
	for k := range n {
		i := binary.BigEndian.Uint32(rev[12+4*k:])
		if int(i) >= n || k > 0 && p.offsets[i] <= p.sorted[k-1] {
			return false
		}
		p.order[k], p.sorted[k], p.rank[i] = i, p.offsets[i], uint32(k)
	}
	return true
}

// checkPack checks the pack's header against the index: its signature,
// version, object count, and that its trailing checksum is the one the
// index was made for, so that an index is never read against another pack.
func (p *pack) checkPack(want []byte) error {
	n := int64(len(p.offsets))
	if p.size < 12+hashLen {
		return fmt.Errorf("%w: %d bytes", ErrCorrupt, p.size)
	}
	var head [12]byte
	if _, err := p.f.ReadAt(head[:], 0); err != nil {
		return fmt.Errorf("read header: %w", err)
	}
	if string(head[:4]) != "PACK" {
		return fmt.Errorf("%w: no PACK signature", ErrCorrupt)
	}
	if v := binary.BigEndian.Uint32(head[4:]); v != 2 && v != 3 {
		return fmt.Errorf("%w: pack version %d", gitrepo.ErrUnsupported, v)
	}
	if c := int64(binary.BigEndian.Uint32(head[8:])); c != n {
		return fmt.Errorf("%w: the pack holds %d objects, its index %d", ErrCorrupt, c, n)
	}
	var sum [hashLen]byte
	if _, err := p.f.ReadAt(sum[:], p.size-hashLen); err != nil {
		return fmt.Errorf("read checksum: %w", err)
	}
	if !bytes.Equal(sum[:], want) {
		return fmt.Errorf("%w: the pack's checksum is not the one its index names", ErrCorrupt)
	}
	if n > 0 && (p.sorted[0] < 12 || p.sorted[n-1] >= p.size-hashLen) {
		return fmt.Errorf("%w: object offsets outside the pack", ErrCorrupt)
	}
	return nil
}

func (p *pack) close() error {
	if p.f == nil {
		return nil
	}
	err := p.f.Close()
	p.f = nil
	return err
}

// find is id's position in the index.
func (p *pack) find(id plumbing.Hash) (int, bool) {
	lo := 0
	if id[0] > 0 {
		lo = int(p.fanout[id[0]-1])
	}
	hi := int(p.fanout[id[0]])
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		switch c := bytes.Compare(p.names[m*hashLen:(m+1)*hashLen], id[:]); {
		case c == 0:
			return m, true
		case c < 0:
			lo = m + 1
		default:
			hi = m
		}
	}
	return 0, false
}

// rankOf is the pack-order rank of the object starting at off.
func (p *pack) rankOf(off int64) (int, bool) {
	return slices.BinarySearch(p.sorted, off)
}

// idAt is the id of the object of pack-order rank k.
func (p *pack) idAt(k int) plumbing.Hash {
	var h plumbing.Hash
	i := int(p.order[k])
	copy(h[:], p.names[i*hashLen:])
	return h
}

// end is where the object of rank k ends.
func (p *pack) end(k int) int64 {
	if k+1 < len(p.sorted) {
		return p.sorted[k+1]
	}
	return p.size - hashLen
}
