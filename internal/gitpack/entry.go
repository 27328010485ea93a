package gitpack

import (
	"bytes"
	"errors"
	"fmt"
	zlib "github.com/klauspost/compress/zlib"
	"io"

	"github.com/go-git/go-git/v5/plumbing"
)

// entry is one pack entry read from its file: its header parsed, its
// compressed data held in a pooled buffer.
type entry struct {
	p   *pack
	k   int
	off int64
	typ plumbing.ObjectType
	// size is the inflated size: the object's, or the delta's.
	size    int64
	baseOff int64         // OFS_DELTA
	baseID  plumbing.Hash // REF_DELTA
	// buf holds the entry's bytes (pooled); comp is its zlib stream.
	buf  *[]byte
	comp []byte
	// scratch is a pooled buffer holding the inflated delta.
	scratch *[]byte
}

func (e *entry) delta() bool {
	return e.typ == plumbing.OFSDeltaObject || e.typ == plumbing.REFDeltaObject
}

// maxPooled is the largest buffer kept for reuse: a rare huge object's
// buffer is left to the collector rather than pinned.
const maxPooled = 1 << 20

func (s *Store) buffer(n int) *[]byte {
	if b, ok := s.bufs.Get().(*[]byte); ok {
		if cap(*b) >= n {
			*b = (*b)[:n]
			return b
		}
		s.bufs.Put(b)
	}
	b := make([]byte, n, max(n, 4096))
	return &b
}

func (s *Store) putBuffer(b *[]byte) {
	if b != nil && cap(*b) <= maxPooled {
		s.bufs.Put(b)
	}
}

// release returns e's buffers to the pool; e.comp is nil after.
func (s *Store) release(e *entry) {
	s.putBuffer(e.buf)
	s.putBuffer(e.scratch)
	e.buf, e.comp, e.scratch = nil, nil, nil
}

// readEntry reads the entry of p at pack-order rank k: it runs from its
// offset to the next object's, so one read fetches it whole.
func (s *Store) readEntry(p *pack, k int) (entry, error) {
	off := p.sorted[k]
	e := entry{p: p, k: k, off: off}
	n := p.end(k) - off
	// The largest entry git can write for an object under the limit:
	// its header, a REF_DELTA's base id, and a deflate stream that stores
	// the object (5 bytes per 64 KiB block) within zlib's 6.
	if n <= 0 || n > s.maxObject+s.maxObject/8192+64 {
		if n > 0 {
			return e, fmt.Errorf("entry at offset %d of %s: %w (%d compressed bytes)", off, p.path, ErrTooLarge, n)
		}
		return e, fmt.Errorf("%w: entry at offset %d of %s is empty", ErrCorrupt, off, p.path)
	}
	e.buf = s.buffer(int(n))
	b := *e.buf
	if _, err := p.f.ReadAt(b, off); err != nil {
		s.release(&e)
		return e, fmt.Errorf("read offset %d of %s: %w", off, p.path, err)
	}
	if err := e.parseHeader(b, s.maxObject); err != nil {
		s.release(&e)
		return e, fmt.Errorf("entry at offset %d of %s: %w", off, p.path, err)
	}
	return e, nil
}

// parseHeader reads the type and size (a varint whose first byte also
// holds the type) and a delta's base, leaving e.comp at the zlib stream.
func (e *entry) parseHeader(b []byte, maxObject int64) error {
	i := 0
	c := b[i]
	i++
	e.typ = plumbing.ObjectType(c >> 4 & 7)
	size := uint64(c & 15)
	for shift := 4; c&0x80 != 0; shift += 7 {
		if i == len(b) || shift > 60 {
			return fmt.Errorf("%w: bad size header", ErrCorrupt)
		}
		c = b[i]
		i++
		size |= uint64(c&0x7f) << shift
	}
	if size > uint64(maxObject) {
		return fmt.Errorf("%w: %d bytes", ErrTooLarge, size)
	}
	e.size = int64(size)
	switch e.typ {
	case plumbing.CommitObject, plumbing.TreeObject, plumbing.BlobObject, plumbing.TagObject:
	case plumbing.OFSDeltaObject:
		// A big-endian varint in which each continuation adds one, so
		// that every length has one encoding.
		if i == len(b) {
			return fmt.Errorf("%w: truncated delta offset", ErrCorrupt)
		}
		c = b[i]
		i++
		rel := uint64(c & 0x7f)
		for c&0x80 != 0 {
			if i == len(b) || rel >= 1<<56 {
				return fmt.Errorf("%w: bad delta offset", ErrCorrupt)
			}
			c = b[i]
			i++
			rel = (rel+1)<<7 | uint64(c&0x7f)
		}
		if rel == 0 || rel > uint64(e.off) {
			return fmt.Errorf("%w: delta base %d bytes back", ErrCorrupt, rel)
		}
		e.baseOff = e.off - int64(rel)
	case plumbing.REFDeltaObject:
		if len(b)-i < hashLen {
			return fmt.Errorf("%w: truncated delta base id", ErrCorrupt)
		}
		copy(e.baseID[:], b[i:])
		i += hashLen
	default:
		return fmt.Errorf("%w: object type %d", ErrCorrupt, e.typ)
	}
	e.comp = b[i:]
	return nil
}

// inflater is a zlib reader kept for reuse with the bytes.Reader it reads:
// a bytes.Reader is an io.ByteReader, so flate reads it without a bufio
// layer of its own. klauspost/compress's inflater, not the standard
// library's: it took 5.7–6.5 s of CPU where the standard one took
// 6.7–9.2 s to inflate every entry of hummingbot's 425 MB pack (three
// interleaved pairs on a loaded 2-core machine), and inflating is most of
// what reading a history costs.
type inflater struct {
	src bytes.Reader
	zr  io.ReadCloser
}

// inflate fills dst from the zlib stream comp, which must hold exactly
// len(dst) bytes (its checksum is checked at its end).
func (s *Store) inflate(comp, dst []byte) error {
	return s.inflateWith(comp, func(r io.Reader) error { return readExactly(r, dst) })
}

// inflatePrefix fills dst with the first bytes comp inflates to.
func (s *Store) inflatePrefix(comp, dst []byte) error {
	return s.inflateWith(comp, func(r io.Reader) error {
		_, err := io.ReadFull(r, dst)
		return err
	})
}

// inflateWith runs read on a pooled zlib reader of comp.
func (s *Store) inflateWith(comp []byte, read func(io.Reader) error) error {
	inf, _ := s.inflaters.Get().(*inflater)
	if inf == nil {
		inf = new(inflater)
	}
	inf.src.Reset(comp)
	var err error
	if inf.zr == nil {
		inf.zr, err = zlib.NewReader(&inf.src)
	} else {
		err = inf.zr.(zlib.Resetter).Reset(&inf.src, nil)
	}
	if err == nil {
		err = read(inf.zr)
	}
	if err != nil {
		// A reader left in an error state is dropped, not pooled.
		return fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	s.inflaters.Put(inf)
	return nil
}

// readExactly fills dst from r and then requires the stream's end (which
// is where zlib checks its checksum).
func readExactly(r io.Reader, dst []byte) error {
	if _, err := io.ReadFull(r, dst); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("inflated to fewer than the %d bytes its header says", len(dst))
		}
		return fmt.Errorf("inflate: %w", err)
	}
	var one [1]byte
	for range 4 {
		n, err := r.Read(one[:])
		if n > 0 {
			return fmt.Errorf("inflates to more than the %d bytes its header says", len(dst))
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("inflate: %w", err)
		}
	}
	return errors.New("inflate: no end of stream")
}

// inflateEntry inflates e: a fresh slice for an object (it may go to the
// cache), a pooled one for a delta (dropped once applied).
func (s *Store) inflateEntry(e *entry) ([]byte, error) {
	var dst []byte
	if e.delta() {
		e.scratch = s.buffer(int(e.size))
		dst = *e.scratch
	} else {
		dst = make([]byte, e.size)
	}
	if err := s.inflate(e.comp, dst); err != nil {
		return nil, fmt.Errorf("entry at offset %d of %s: %w", e.off, e.p.path, err)
	}
	return dst, nil
}

// sizeProbe is how much of an entry Size reads: its header and enough of
// a delta's zlib stream (a block header of a few hundred bytes at most)
// to inflate the delta's two leading size varints.
const sizeProbe = 4096

// packedSize is the content size of the object of p at rank k: its
// header's, or for a delta the target size its data begins with.
func (s *Store) packedSize(p *pack, k int) (int64, error) {
	off := p.sorted[k]
	n := p.end(k) - off
	if n <= 0 {
		return 0, fmt.Errorf("%w: entry at offset %d of %s is empty", ErrCorrupt, off, p.path)
	}
	var probe [sizeProbe]byte
	b := probe[:min(n, sizeProbe)]
	if _, err := p.f.ReadAt(b, off); err != nil {
		return 0, fmt.Errorf("read offset %d of %s: %w", off, p.path, err)
	}
	e := entry{p: p, k: k, off: off}
	if err := e.parseHeader(b, 1<<62); err != nil {
		return 0, fmt.Errorf("entry at offset %d of %s: %w", off, p.path, err)
	}
	if !e.delta() {
		return e.size, nil
	}
	// Two varints of at most 10 bytes each.
	head := make([]byte, min(e.size, 20))
	if err := s.inflatePrefix(e.comp, head); err != nil {
		return 0, fmt.Errorf("entry at offset %d of %s: %w", off, p.path, err)
	}
	_, rest, err := deltaSize(head)
	if err == nil {
		var size uint64
		if size, _, err = deltaSize(rest); err == nil {
			if size > 1<<62 {
				return 0, fmt.Errorf("%w: entry at offset %d of %s: delta target of %d bytes", ErrCorrupt, off, p.path, size)
			}
			return int64(size), nil
		}
	}
	return 0, fmt.Errorf("entry at offset %d of %s: %w", off, p.path, err)
}
