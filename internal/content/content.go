// Package content is the one path from "the bytes of a file at this path"
// to the engine, for every source: a directory walk, a git blob, an index
// entry. Sources hand it a reader, a size and a path; it decides what the
// bytes are and how to read them:
//
//   - size limits (none by default: content is streamed in bounded chunks,
//     so a 2 GB file costs a chunk of memory, not 2 GB);
//   - binary or text, from magic numbers, the file name and the share of
//     control bytes — not from a single NUL, which hides a .env behind one
//     stray byte;
//   - UTF-16 (with a byte-order mark, or recognised by its NUL pattern),
//     decoded to UTF-8 so rules see text and lines keep their numbers;
//   - whole-file judges for the files that are secrets by being what they
//     are (Bitcoin Core wallet.dat, GnuPG secret keys), one table (judge.go);
//   - archives (.zip, .tar, .tar.gz, .gz): each member is content of its
//     own, located as "outer.zip!inner/path", with bounded depth, member
//     count and expansion (internal/archive);
//   - chunking with overlap, so a secret on a chunk boundary is found whole
//     and keeps its true line and column.
//
// Nothing here knows where the bytes came from.
package content

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/archive"
	"github.com/keyward/scan/internal/engine"
	"github.com/keyward/scan/internal/regularfile"
)

// Options are the content settings every source shares.
type Options struct {
	// MaxFileSize skips larger files with a warning; zero means no limit.
	MaxFileSize int64
	// ChunkSize bounds how much of one file is in memory at once; zero
	// means defaultChunkSize.
	ChunkSize int
	// NoArchives turns off reading the members of .zip, .tar, .tar.gz and
	// .gz files; Archive bounds what one archive may cost (zero fields:
	// archive.DefaultLimits).
	NoArchives bool
	Archive    archive.Limits
	// MaxArchiveInMemory bounds an archive arriving as a stream that is
	// held to be read (zero: 64 MiB); see maxArchiveInMemory.
	MaxArchiveInMemory int64
	// PassBinaryAbove, when set, passes over a file larger than this
	// whose head is binary, after reading the head (counted as "large
	// binary"): a home's disk images and databases. Zero: the text
	// regions of every binary file are read.
	PassBinaryAbove int64
}

// Overlap is how much of the end of one chunk is scanned again at the start
// of the next, so a secret on a chunk boundary is found whole. It exceeds
// the longest secret and multi-line window.
const Overlap = 64 << 10

// sniffSize is how much of a file decides whether it is text.
const sniffSize = 8 << 10

// Scanner turns file contents into findings with one engine. It is safe for
// concurrent use; each worker reads through its own Reader.
type Scanner struct {
	eng *engine.Engine
	opt Options
}

// New returns a Scanner. ChunkSize is raised to at least four overlaps.
func New(eng *engine.Engine, opt Options) *Scanner {
	if opt.ChunkSize <= 0 {
		opt.ChunkSize = defaultChunkSize
	}
	if opt.ChunkSize < 4*Overlap {
		opt.ChunkSize = 4 * Overlap
	}
	if opt.MaxArchiveInMemory <= 0 {
		opt.MaxArchiveInMemory = defaultMaxArchiveInMemory
	}
	return &Scanner{eng: eng, opt: opt}
}

// defaultChunkSize is the most of one file a worker holds: its buffer is
// the smallest one or, once a file needs more, a chunk, which it keeps.
// A file larger than a chunk is read in chunks that overlap by Overlap,
// which scans about 6% of its bytes twice. Chunks of 8 MiB saved that, but
// a worker then held the size of the largest file of a tree, or borrowed
// a shared buffer that large; the collector kept room for it, and the
// fresh memory, faulted in page by page, cost more than the overlap:
// scanning the Go source tree, 1 MiB chunks took a thousand fewer page
// faults and 3% less time.
const defaultChunkSize = 1 << 20

// Engine returns the engine the scanner feeds.
func (s *Scanner) Engine() *engine.Engine { return s.eng }

// SkipLargeBinary is the skip reason of a file passed over by
// PassBinaryAbove.
const SkipLargeBinary = "large binary"

// PassingLargeBinaries returns a Scanner like s that passes over binary
// files larger than above bytes after their head (Options.PassBinaryAbove).
func (s *Scanner) PassingLargeBinaries(above int64) *Scanner {
	c := *s
	c.opt.PassBinaryAbove = above
	return &c
}

// MaxFileSize is the configured limit (zero: none).
func (s *Scanner) MaxFileSize() int64 { return s.opt.MaxFileSize }

// Reader scans files one at a time for one worker, reusing its buffer. It
// is not safe for concurrent use.
type Reader struct {
	s   *Scanner
	buf []byte
}

// NewReader returns a Reader for one worker.
func (s *Scanner) NewReader() *Reader { return &Reader{s: s} }

// ErrInterrupted is returned when the context was cancelled mid-file.
var ErrInterrupted = errors.New("interrupted")

// Scan reads one file version of size bytes (-1 if unknown) from src and
// returns its findings in file order. What it skips, decodes or cannot read
// is counted in st. The error is non-nil only for a read failure or a
// cancelled context; findings before the failure are still returned.
//
// A src of unknown size that has a Size method (Sizer) is a file on a
// local disk opened without a stat: it is read on the promise that a read
// shorter than asked is its end, and asked its size only when its first
// read fills what was asked for.
func (r *Reader) Scan(ctx context.Context, path string, src io.Reader, size int64, st *detectors.Stats) ([]detectors.Finding, error) {
	if !r.s.opt.NoArchives && archive.Kind(path) != "" {
		if sz, ok := src.(Sizer); ok && size < 0 {
			var err error
			if size, err = sz.Size(); err != nil {
				return nil, r.sizeFailed(st, path, err)
			}
		}
		return r.scanArchive(ctx, path, src, size, st)
	}
	return r.scanFile(ctx, path, src, size, true, st)
}

// Sizer is a file that is stat'ed only when its size is asked (see Scan).
// An error wrapping regularfile.ErrNotRegular says it is no regular file
// after all (a device or a FIFO put in its place since it was listed).
type Sizer interface {
	Size() (int64, error)
}

// sizeFailed counts a file whose size could not be had: one that turned
// out not to be a regular file is passed over, as the walk passes over
// what it lists as one; any other failure is an unreadable file.
func (r *Reader) sizeFailed(st *detectors.Stats, path string, err error) error {
	if errors.Is(err, regularfile.ErrNotRegular) {
		st.Skip("not a regular file")
		return nil
	}
	return r.readFailed(st, path, err)
}

// scanFile is Scan for one file that is not read as an archive. It reads
// a small head first and decides from it what the file is, so a binary
// format costs one small read, not a chunk.
// sized says size is what the source measured (a file's stat, a blob's
// header), not what an archive's header claims, and may size the buffer.
func (r *Reader) scanFile(ctx context.Context, path string, src io.Reader, size int64, sized bool, st *detectors.Stats) ([]detectors.Finding, error) {
	opt := r.s.opt
	if opt.MaxFileSize > 0 && size > opt.MaxFileSize {
		skipTooLarge(st, path, size)
		return nil, nil
	}
	return r.scanBytes(ctx, path, src, size, sized, binaryExtension(path), st)
}

// scanBytes is scanFile once the size has had its say: the bytes decide.
// binaryName is set for a name binary files carry (.png, .so): such a
// file is passed over after its head unless the head is text.
func (r *Reader) scanBytes(ctx context.Context, path string, src io.Reader, size int64, sized, binaryName bool, st *detectors.Stats) ([]detectors.Finding, error) {
	opt := r.s.opt
	// lazy: src is read before its size is known (Scan).
	lazy, _ := src.(Sizer)
	if size >= 0 {
		lazy = nil
	}
	var limit io.Reader = src
	if opt.MaxFileSize > 0 {
		limit = io.LimitReader(src, opt.MaxFileSize+1)
	}
	// A small file of known size is read whole at once, one read of a
	// byte more than its size (the short read tells the reader it is at
	// the end): a head first and the rest after cost a second read for
	// most files of a source tree. A file named like a binary one is
	// expected to be passed over after its head, so only the head is read.
	want := sniffSize
	switch {
	case binaryName:
	case size > sniffSize && size < wholeAtOnce:
		want = int(size) + 1
	case lazy != nil:
		// As much as a small file holds: a shorter read is the end.
		want = wholeAtOnce
		if opt.MaxFileSize > 0 {
			want = int(min(int64(want), opt.MaxFileSize+1))
		}
	}
	r.buf = r.buf[:0]
	n, err := r.fill(limit, want)
	if err != nil {
		return nil, r.readFailed(st, path, err)
	}
	if lazy != nil {
		if n < want {
			size = int64(n)
		} else if size, err = lazy.Size(); err != nil {
			return nil, r.sizeFailed(st, path, err)
		} else if opt.MaxFileSize > 0 && size > opt.MaxFileSize {
			skipTooLarge(st, path, size)
			return nil, nil
		}
		sized = true
	}
	got := r.buf[:n]
	head := got[:min(n, sniffSize)]
	if n == 0 {
		st.Skip("empty")
		return nil, nil
	}
	if n < want {
		// fill stops short only at the end: the file is all in got,
		// and asking the source again would cost a read to learn it.
		limit = ended{}
	}
	k := sniff(head)
	if j := judgeFor(path, k); j != nil {
		var rest []byte
		if int64(n) < j.max {
			rest, err = io.ReadAll(io.LimitReader(limit, j.max-int64(n)))
			if err != nil {
				return nil, r.readFailed(st, path, err)
			}
		}
		whole := append(bytes.Clone(got), rest...)
		if fs, ok := j.judge(path, whole); ok {
			st.Files++
			st.Bytes += int64(len(whole))
			st.Count("judged whole: " + j.name)
			return fs, nil
		}
		r.buf = r.buf[:0]
		limit = io.MultiReader(bytes.NewReader(whole), limit)
	}
	if binaryName {
		if k == kindFormat || k == kindBinary {
			st.Skip("binary")
			return nil, nil
		}
		// A name is a claim like a magic number: text under a binary
		// name (keys.pdf that is a text file) is read as text.
		st.Note(path, "named like a binary file, but text; scanned")
		st.Count("text under a binary name")
	}
	switch k {
	case kindFormat:
		st.Skip("binary")
		return nil, nil
	case kindBinary:
		if opt.PassBinaryAbove > 0 && size > opt.PassBinaryAbove {
			st.Skip(SkipLargeBinary)
			return nil, nil
		}
		// No format this package knows: text may sit in it (a history
		// file with a run of NULs a crash left, a log with binary records),
		// so each region is judged, as strings(1) and grep -a would.
		st.Note(path, "binary; its text regions and printable runs were scanned")
		st.Count("binary: text regions scanned")
		return r.chunks(ctx, path, limit, room(size, sized), true, st)
	case kindUTF16LE, kindUTF16BE:
		st.Note(path, "UTF-16 text; decoded to UTF-8 for scanning")
		st.Count("utf-16 decoded")
		endian := unicode.LittleEndian
		if k == kindUTF16BE {
			endian = unicode.BigEndian
		}
		// The decoder strips a byte-order mark and follows it if present;
		// without one, the detected order holds.
		dec := unicode.UTF16(endian, unicode.UseBOM).NewDecoder()
		rest := io.MultiReader(bytes.NewReader(bytes.Clone(got)), limit)
		r.buf = r.buf[:0]
		return r.chunks(ctx, path, transform.NewReader(rest, dec), -1, false, st)
	case kindTextWithNUL:
		st.Note(path, "mostly text with stray NUL bytes; scanned as text")
		st.Count("stray NUL bytes")
	}
	if !utf8.Valid(trimPartialRune(head)) {
		st.Note(path, "not valid UTF-8; scanned as bytes")
		st.Count("not valid UTF-8")
	}
	return r.chunks(ctx, path, limit, room(size, sized), false, st)
}

// room is the size chunks may make the buffer at once: a measured size,
// not one an archive member claims (a sparse or forged member claims what
// it likes, and a buffer of that size is filled before its reader notices
// a bomb).
func room(size int64, sized bool) int64 {
	if !sized {
		return -1
	}
	return size
}

// chunks scans src in overlapping chunks. r.buf may already hold the start
// of the content; size, if not -1, is what it measures. With regions set,
// the engine sees each chunk through textRegions.
func (r *Reader) chunks(ctx context.Context, path string, src io.Reader, size int64, regions bool, st *detectors.Stats) ([]detectors.Finding, error) {
	opt := r.s.opt
	if size >= int64(cap(r.buf)) && cap(r.buf) < opt.ChunkSize {
		// A file known to outgrow the buffer gets the larger one before
		// its first read rather than after it, which would copy what
		// that read brought.
		r.reserve(int(min(size+1, int64(opt.ChunkSize))))
	}
	var out []detectors.Finding
	var offset int64
	line, col := 1, 1
	carried := 0    // bytes at the start of r.buf already counted
	var view []byte // what the engine sees of a binary file's part
	warnedCap := map[string]bool{}
	st.Files++
	for {
		if ctx.Err() != nil {
			st.Interrupt()
			return out, ErrInterrupted
		}
		n, err := r.fill(src, opt.ChunkSize)
		if err != nil {
			return out, r.readFailed(st, path, err)
		}
		data := r.buf[:n]
		if opt.MaxFileSize > 0 && offset+int64(n) > opt.MaxFileSize {
			st.Skip("too large")
			st.Warn(detectors.WarnTooLarge, path, "grew past --max-file-size while being read; only the first part was scanned")
			st.Incomplete = true
			data = data[:opt.MaxFileSize-offset]
		}
		st.Bytes += int64(len(data) - carried)
		last := len(data) < opt.ChunkSize
		seen := data
		switch {
		case regions && last:
			// Nothing of the last part is carried into another: it is
			// judged where it lies.
			textRegionsInPlace(data)
		case regions:
			// A binary file larger than a chunk, seldom met: the parts
			// before its last are seen through a view, so that the bytes
			// carried into the next part are its own. The view goes with
			// the file; kept by the worker, it was a chunk more held live
			// for the rest of the scan.
			if view == nil {
				view = make([]byte, opt.ChunkSize)
			}
			seen = view[:len(data)]
			textRegions(seen, data)
		}
		found, capped, err := r.s.eng.ScanContext(ctx, engine.Chunk{Path: path, Data: seen, Line: line, Column: col, Offset: offset})
		if err != nil {
			st.Interrupt()
			return out, ErrInterrupted
		}
		for _, cp := range capped {
			if cp.Took > 0 {
				if warnedCap["slow "+cp.RuleID] {
					continue
				}
				warnedCap["slow "+cp.RuleID] = true
				st.Warn(detectors.WarnOther, path, fmt.Sprintf("rule %s took %s on a %d-byte chunk of this file; its regex or keywords are costly here", cp.RuleID, cp.Took.Round(time.Millisecond), len(data)))
				continue
			}
			// Once per rule and file: every chunk of a huge file would
			// say it again.
			if !warnedCap[cp.RuleID] {
				warnedCap[cp.RuleID] = true
				st.Warn(detectors.WarnNotScanned, path, fmt.Sprintf("rule %s matched more than %d times in one %d-byte chunk; it stopped there, so the rest of the file was not checked for it", cp.RuleID, cp.Matches, len(data)))
				st.Incomplete = true
			}
		}
		// Findings that start in the overlap belong to the next chunk,
		// which sees them whole.
		keepBelow := offset + int64(len(data)) - Overlap
		for _, f := range found {
			if last || f.Offset < keepBelow {
				out = append(out, f)
			}
		}
		if last {
			return out, nil
		}
		adv := len(data) - Overlap
		line, col = advance(data[:adv], line, col)
		offset += int64(adv)
		copy(r.buf, data[adv:])
		r.buf = r.buf[:Overlap]
		carried = Overlap
	}
}

func (r *Reader) readFailed(st *detectors.Stats, path string, err error) error {
	st.Skip("unreadable")
	st.Warn(detectors.WarnUnreadable, path, fmt.Sprintf("read failed: %v", err))
	st.Incomplete = true
	return fmt.Errorf("read %s: %w", path, err)
}

func skipTooLarge(st *detectors.Stats, path string, size int64) {
	st.Skip("too large")
	st.Warn(detectors.WarnTooLarge, path, fmt.Sprintf("%d bytes, larger than --max-file-size; skipped", size))
}

// defaultMaxArchiveInMemory bounds an archive that arrives as a stream (a git
// blob, stdin) and is held to be read: a zip always, a tar or gzip up to
// this size (so that one that is none can be read again as a file);
// larger ones are read as they stream.
const defaultMaxArchiveInMemory = 64 << 20

// scanArchive hands each member of an archive to the content layer as a
// file at "archive!member"; members are located there and carry the
// outermost archive's name. A bomb, a corrupt stream or a member over the
// limits is a warning that makes the scan incomplete, never a clean pass.
func (r *Reader) scanArchive(ctx context.Context, path string, src io.Reader, size int64, st *detectors.Stats) ([]detectors.Finding, error) {
	ra, ok := src.(io.ReaderAt)
	streamed := false
	maxArchiveInMemory := r.s.opt.MaxArchiveInMemory
	if !ok || size < 0 {
		switch {
		case size > maxArchiveInMemory && archive.Kind(path) != "zip":
			// tar and gzip are streams: read once, as they arrive.
			streamed = true
		case size > maxArchiveInMemory:
			st.Skip("archive too large")
			st.Warn(detectors.WarnNotScanned, path, fmt.Sprintf("archive of %d bytes not opened (limit %d for archives read from a stream)", size, maxArchiveInMemory))
			st.Incomplete = true
			return nil, nil
		default:
			data, err := io.ReadAll(io.LimitReader(src, maxArchiveInMemory+1))
			if err != nil {
				return nil, r.readFailed(st, path, err)
			}
			ra, size = bytes.NewReader(data), int64(len(data))
		}
	}
	lim := r.s.opt.Archive
	if max := r.s.opt.MaxFileSize; max > 0 && (lim.MaxMemberSize == 0 || lim.MaxMemberSize > max) {
		lim.MaxMemberSize = max
	}
	st.Count("archives opened")
	filesBefore := st.Files
	var out []detectors.Finding
	visit := func(m archive.Member, mr io.Reader) error {
		fs, err := r.scanFile(ctx, m.Path, mr, m.Size, false, st)
		for i := range fs {
			fs[i].Archive = m.Archive
		}
		out = append(out, fs...)
		if errors.Is(err, ErrInterrupted) {
			return err
		}
		return nil // a corrupt member: Walk reports it
	}
	var warnings []archive.Warning
	var err error
	if streamed {
		warnings, err = archive.WalkStream(ctx, path, src, lim, visit)
	} else {
		warnings, err = archive.Walk(ctx, path, ra, size, lim, visit)
	}
	visited := len(out) > 0 || st.Files > filesBefore
	for _, w := range warnings {
		kind := archiveWarningKind(w.Kind)
		if w.Path == path && w.Kind == archive.Unreadable && !visited && err == nil && !streamed {
			// Not the archive its name says (corrupt, truncated, or
			// another format): its bytes are read as a file instead.
			return r.scanUnopened(ctx, path, ra, size, w.Message, st)
		}
		st.Warn(kind, w.Path, w.Message)
		switch w.Kind {
		case archive.Bomb:
			st.Skip("archive bomb")
			st.Incomplete = true
		case archive.TooLarge, archive.Renamed, archive.Recovered:
			// Over --max-file-size, as a file would be: said, not an
			// error. A renamed or recovered member was read.
		default:
			// What could not be read may hold secrets.
			st.Incomplete = true
		}
	}
	switch {
	case errors.Is(err, ErrInterrupted) || errors.Is(err, context.Canceled):
		st.Interrupt()
		return out, ErrInterrupted
	case err != nil:
		return out, r.readFailed(st, path, err)
	}
	return out, nil
}

// archiveWarningKind sorts archive warnings into the report's kinds.
func archiveWarningKind(k archive.WarningKind) detectors.WarningKind {
	switch k {
	case archive.Bomb, archive.TooDeep, archive.NotHeld:
		return detectors.WarnNotScanned
	case archive.TooLarge:
		return detectors.WarnTooLarge
	case archive.Renamed, archive.Recovered:
		return detectors.WarnOther
	}
	return detectors.WarnUnreadable
}

// scanUnopened reads a file named as an archive that is none (or is too
// damaged to find a member in). Text is scanned as text: a ".tar" of plain
// text loses nothing. Anything else is scanned for its text regions, and
// the scan is incomplete: what was compressed in it was not read.
func (r *Reader) scanUnopened(ctx context.Context, path string, ra io.ReaderAt, size int64, why string, st *detectors.Stats) ([]detectors.Finding, error) {
	head := make([]byte, min(size, sniffSize))
	n, _ := ra.ReadAt(head, 0)
	src := io.NewSectionReader(ra, 0, size)
	if k := sniff(head[:n]); k == kindText || k == kindTextWithNUL || k == kindUTF16LE || k == kindUTF16BE {
		st.Note(path, "not a readable "+archive.Kind(path)+" archive ("+why+"); scanned as a file")
		st.Count("unreadable archive scanned as a file")
		return r.scanBytes(ctx, path, src, size, true, false, st)
	}
	st.Warn(detectors.WarnUnreadable, path, "not a readable "+archive.Kind(path)+" archive ("+why+"); only its text regions were scanned")
	st.Incomplete = true
	r.buf = r.buf[:0]
	return r.chunks(ctx, path, src, size, true, st)
}

// ended is a source that has ended.
type ended struct{}

func (ended) Read([]byte) (int, error) { return 0, io.EOF }

// wholeAtOnce is the size under which a file of known size is read whole
// with its head: the smallest buffer fill allocates.
const wholeAtOnce = minBuf

// minBuf is the smallest buffer a Reader holds.
const minBuf = 64 << 10

// fill reads into r.buf until it holds size bytes or src ends, keeping
// what r.buf already holds, and returns the number of bytes held.
//
// The buffer starts at 64 KiB and becomes a chunk the first time a file
// needs more (reserve); a worker keeps it from file to file. Allocating
// (and clearing) a chunk for every small file a commit hook reads cost
// more than scanning it.
func (r *Reader) fill(src io.Reader, size int) (int, error) {
	n := len(r.buf)
	for n < size {
		if n == cap(r.buf) {
			r.reserve(min(size, max(2*cap(r.buf), minBuf)))
		}
		m, err := src.Read(r.buf[n:min(size, cap(r.buf))])
		n += m
		r.buf = r.buf[:n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// reserve makes r.buf's capacity at least c, keeping what it holds: the
// smallest buffer, or past that a chunk at once: a worker keeps its
// buffer, and growing it by steps cost a fresh allocation at each, its
// bytes copied and its pages faulted in anew, where a chunk's pages are
// faulted in only as far as a file fills them.
func (r *Reader) reserve(c int) {
	if c <= cap(r.buf) {
		return
	}
	if c > minBuf {
		c = max(c, r.s.opt.ChunkSize)
	} else {
		c = minBuf
	}
	r.buf = grow(r.buf, c)
}

// grow returns b with room for c bytes, what it holds copied.
func grow(b []byte, c int) []byte {
	nb := make([]byte, len(b), c)
	copy(nb, b)
	return nb
}

func advance(data []byte, line, col int) (int, int) {
	nl := bytes.Count(data, []byte{'\n'})
	if nl == 0 {
		return line, col + utf8.RuneCount(data)
	}
	i := bytes.LastIndexByte(data, '\n')
	return line + nl, 1 + utf8.RuneCount(data[i+1:])
}

// trimPartialRune drops an incomplete UTF-8 sequence cut off at the end of
// a sample, so the cut itself does not count as invalid.
func trimPartialRune(b []byte) []byte {
	for i := 1; i <= 3 && i <= len(b); i++ {
		c := b[len(b)-i]
		if c < 0x80 {
			return b
		}
		if c >= 0xC0 {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			return b
		}
	}
	return b
}
