// Package archive reads the members of .zip, .tar, .tar.gz/.tgz and .gz
// files, including archives nested inside archives, and hands each regular
// member to a callback as a stream.
//
// Backups and exported configs are where old keys hide, so a secret scanner
// must look inside them; but an archive is also untrusted input built to
// hurt whoever expands it. Every walk is therefore bounded: nesting depth,
// member count, bytes expanded in total and per member, and the ratio of
// expanded to compressed bytes. A decompression bomb is refused with a
// warning, not expanded. Member names are only labels: they are cleaned so
// that "../x" (or "..\\x" from Windows) cannot point outside the archive,
// and nothing is ever written to disk.
//
// What an extractor would give a user is read: every zip member of a
// duplicated name, members whose mode says FIFO or device (unzip writes
// them as files), tar members of any type that carries data (contiguous
// files, GNU sparse files, vendor letters), the bytes before and after a
// zip and in its comment, the bytes after a tar's end marker, a gzip
// header's comment, and the members of a zip whose central directory is
// lost (from their local headers). Symbolic and hard links, directories,
// and device or FIFO entries of a tar (which carry no data) are skipped.
//
// The package knows nothing about secrets or the engine: it turns one file's
// bytes into (path, reader, size) triples, and the content layer decides
// what to do with them.
package archive

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
)

// Sep separates an archive's path from a member's path inside it, as in
// "backup.zip!bot/.env" or "old.tar.gz!home.zip!notes.txt".
const Sep = "!"

// Limits bound what one outermost archive may cost. Zero fields take the
// defaults of DefaultLimits.
type Limits struct {
	// MaxDepth is how many archives deep members are read: 1 reads the
	// members of the file only, 2 also the members of archives inside it.
	MaxDepth int
	// MaxMembers bounds the members visited, nested ones included.
	MaxMembers int
	// MaxMemberSize, when set, is the largest member handed to the
	// callback; larger members are skipped with a TooLarge warning. Zero:
	// no limit, members are streamed.
	MaxMemberSize int64
	// MaxInMemory bounds a nested zip, which is read into memory to be
	// opened (tar and gzip are streamed); a larger one is NotHeld.
	MaxInMemory int64
	// MaxTotal bounds the bytes expanded from one outermost archive.
	MaxTotal int64
	// MaxRatio is the largest expanded/compressed ratio accepted once more
	// than ratioFloor bytes have come out. Text compresses 5–20×; a bomb
	// compresses hundreds to millions of times.
	MaxRatio int64
}

// DefaultLimits suit a laptop audit: deep enough for a backup of a backup,
// small enough that a hostile archive costs seconds.
var DefaultLimits = Limits{
	MaxDepth:    3,
	MaxMembers:  10000,
	MaxInMemory: 64 << 20,
	MaxTotal:    1 << 30,
	MaxRatio:    200,
}

// ratioFloor is how much must be expanded before the ratio is judged: a
// small file of repeated bytes compresses far past any ratio and is harmless.
const ratioFloor = 1 << 20

// ErrBomb reports an archive that expands past the limits.
var ErrBomb = errors.New("refused: looks like a decompression bomb")

// Member is one regular file inside an archive.
type Member struct {
	// Path is the display path: the archive's name, Sep, the member's
	// cleaned name, repeated for each level of nesting.
	Path string
	// Archive is the name of the outermost archive as it was given.
	Archive string
	// Size is the member's declared size (tar and zip headers; -1 when a
	// .gz stream does not say).
	Size int64
}

// WarningKind says what a warning means for the scan, so callers decide
// by kind, never by the words of the message.
type WarningKind uint8

const (
	// Unreadable: a corrupt archive or member; what it held was not read.
	Unreadable WarningKind = iota
	// Bomb: a decompression bomb, refused; the rest of the outermost
	// archive was not read.
	Bomb
	// TooDeep: an archive nested deeper than MaxDepth, not opened.
	TooDeep
	// TooLarge: a member over the caller's MaxMemberSize, skipped.
	TooLarge
	// NotHeld: a nested zip too large to hold in memory, not opened.
	NotHeld
	// Renamed: a member name that pointed outside the archive, read
	// under a name inside it.
	Renamed
	// Recovered: a zip whose central directory could not be read; its
	// members were read from their local headers.
	Recovered
)

// Warning is something a walk skipped, refused or worked around. Refused
// is set for a decompression bomb (the rest of the archive was not read).
type Warning struct {
	Path    string
	Message string
	Kind    WarningKind
	Refused bool
}

func (w Warning) String() string { return w.Path + ": " + w.Message }

// Visit is called for each member. It may read r fully, partly or not at
// all; r is valid only during the call. A non-nil error stops the walk and
// is returned by Walk.
type Visit func(m Member, r io.Reader) error

// Kind returns the archive format a file name announces ("zip", "tar",
// "tar.gz", "gz"; office documents are "zip") or "" when it is not an
// archive this package reads.
func Kind(name string) string {
	n := strings.ToLower(name)
	switch {
	case strings.HasSuffix(n, ".tar.gz"), strings.HasSuffix(n, ".tgz"):
		return "tar.gz"
	case strings.HasSuffix(n, ".gz"):
		return "gz"
	case strings.HasSuffix(n, ".tar"):
		return "tar"
	case strings.HasSuffix(n, ".zip"), office(n):
		return "zip"
	}
	return ""
}

// Walk visits the members of the archive named name, whose size bytes are
// readable through ra. It returns warnings for what it skipped or refused
// (each prefixed with the member path); its error is non-nil only when the
// context was cancelled or visit failed. A corrupt or hostile archive is a
// warning, not an error: the rest of the scan goes on.
func Walk(ctx context.Context, name string, ra io.ReaderAt, size int64, lim Limits, visit Visit) ([]Warning, error) {
	w := &walker{ctx: ctx, lim: lim.withDefaults(), visit: visit, outer: name}
	return w.finish(name, w.archive(name, Kind(name), ra, size, 1))
}

// finish turns a walk's error into its result: a stop is returned, any
// other error is a warning about the archive.
func (w *walker) finish(name string, err error) ([]Warning, error) {
	var stop stopError
	if errors.As(err, &stop) {
		return w.warnings, stop.err
	}
	if err != nil {
		w.warn(name, err)
	}
	return w.warnings, nil
}

// WalkStream is Walk for a tar, tar.gz or gz archive read once, front to
// back, from r (a git blob too large to hold). A zip cannot be streamed.
func WalkStream(ctx context.Context, name string, r io.Reader, lim Limits, visit Visit) ([]Warning, error) {
	w := &walker{ctx: ctx, lim: lim.withDefaults(), visit: visit, outer: name}
	var err error
	switch kind := Kind(name); kind {
	case "tar", "tar.gz", "gz":
		err = w.stream(name, kind, r, 1)
	default:
		err = fmt.Errorf("a %s archive cannot be read as a stream", kind)
	}
	return w.finish(name, err)
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.MaxDepth > 0 {
		d.MaxDepth = l.MaxDepth
	}
	if l.MaxMembers > 0 {
		d.MaxMembers = l.MaxMembers
	}
	if l.MaxMemberSize > 0 {
		d.MaxMemberSize = l.MaxMemberSize
	}
	if l.MaxInMemory > 0 {
		d.MaxInMemory = l.MaxInMemory
	}
	if l.MaxTotal > 0 {
		d.MaxTotal = l.MaxTotal
	}
	if l.MaxRatio > 0 {
		d.MaxRatio = l.MaxRatio
	}
	return d
}

// stopError carries an error that must end the whole walk (cancellation, a
// failing callback) through the per-archive error handling.
type stopError struct{ err error }

func (s stopError) Error() string { return s.err.Error() }
func (s stopError) Unwrap() error { return s.err }

type walker struct {
	ctx      context.Context
	lim      Limits
	visit    Visit
	outer    string
	members  int
	expanded int64 // bytes expanded so far from the outermost archive
	bomb     error // set once a limit is passed; every later read fails
	warnings []Warning
}

// warn records err at p as Unreadable, or as Bomb for ErrBomb.
func (w *walker) warn(p string, err error) {
	if errors.Is(err, ErrBomb) {
		w.warnings = append(w.warnings, Warning{Path: p, Message: err.Error(), Kind: Bomb, Refused: true})
		return
	}
	w.warnKind(p, Unreadable, err)
}

func (w *walker) warnKind(p string, k WarningKind, err error) {
	w.warnings = append(w.warnings, Warning{Path: p, Message: err.Error(), Kind: k})
}

// archive walks one archive at display path p.
func (w *walker) archive(p, kind string, ra io.ReaderAt, size int64, depth int) error {
	switch kind {
	case "zip":
		return w.zip(p, ra, size, depth)
	case "tar":
		// A plain tar expands nothing: its bytes are already counted by
		// whatever produced them (the file, or an outer stream).
		return w.tar(p, &boundReader{w: w, r: io.NewSectionReader(ra, 0, size)}, depth)
	case "tar.gz", "gz":
		return w.gz(p, kind, io.NewSectionReader(ra, 0, size), depth)
	}
	return fmt.Errorf("not an archive")
}

func (w *walker) zip(p string, ra io.ReaderAt, size int64, depth int) error {
	zr, err := zip.NewReader(ra, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return w.zipLocal(p, ra, size, depth, err)
	}
	// The central directory declares every size up front: a bomb is
	// refused before a byte is inflated. The reads below are bounded
	// too, because declarations can lie.
	var declared uint64
	for _, f := range zr.File {
		declared += f.UncompressedSize64
		if f.UncompressedSize64 > ratioFloor && f.UncompressedSize64 > uint64(w.lim.MaxRatio)*max(f.CompressedSize64, 1) {
			return fmt.Errorf("%w (%s expands %d×)", ErrBomb, cleanName(f.Name), f.UncompressedSize64/max(f.CompressedSize64, 1))
		}
	}
	if declared > uint64(w.lim.MaxTotal-w.expanded) {
		return fmt.Errorf("%w (declares %d bytes, more than the %d allowed)", ErrBomb, declared, w.lim.MaxTotal)
	}
	// Straight from the central directory, as unzip reads it: every
	// member of a duplicated name (unzip -o leaves the last), and members
	// whose mode claims FIFO, device or socket (unzip writes them as
	// files). Only directories and symbolic links hold no file content.
	doc := newOfficeDoc(p, zr, w)
	first := size
	for _, f := range zr.File {
		if off, err := f.DataOffset(); err == nil && off < first {
			first = off
		}
		if strings.HasSuffix(strings.ReplaceAll(f.Name, "\\", "/"), "/") || f.Mode()&fs.ModeSymlink != 0 || (f.Mode().IsDir() && f.UncompressedSize64 == 0) {
			continue
		}
		name := w.memberName(p, f.Name)
		if doc != nil {
			if done, err := doc.part(name, f, depth); done || err != nil {
				if err != nil {
					return err
				}
				continue
			}
		}
		rc, err := f.Open()
		if err != nil {
			w.warn(p+Sep+name, err)
			continue
		}
		// The ratio is judged against the declared compressed size.
		err = w.member(p+Sep+name, name, int64(f.UncompressedSize64), &boundReader{w: w, r: rc, compressed: &countReader{n: int64(f.CompressedSize64)}, budget: true}, depth)
		rc.Close()
		if err != nil {
			return err
		}
	}
	if doc != nil {
		if err := doc.unusedStrings(depth); err != nil {
			return err
		}
	}
	return w.zipOutside(p, ra, size, first, zr.Comment, depth)
}

// zipOutside hands over the bytes of a zip file that belong to no member
// but that a user sees: a prefix (a self-extractor's stub, or text put
// before the archive), the archive comment unzip prints, and whatever
// follows the end record.
func (w *walker) zipOutside(p string, ra io.ReaderAt, size, firstData int64, comment string, depth int) error {
	if start := localHeaderBefore(ra, firstData); start > 0 {
		if err := w.extra(p, "before the archive", io.NewSectionReader(ra, 0, start), start); err != nil {
			return err
		}
	}
	if comment != "" {
		if err := w.extra(p, "zip comment", strings.NewReader(comment), int64(len(comment))); err != nil {
			return err
		}
	}
	if end := endOfZip(ra, size); end > 0 && end < size {
		if err := w.extra(p, "after the archive", io.NewSectionReader(ra, end, size-end), size-end); err != nil {
			return err
		}
	}
	return nil
}

// extra hands the callback bytes of an archive that are no member's, at
// "archive!(what)".
func (w *walker) extra(p, what string, r io.Reader, size int64) error {
	return w.member(p+Sep+"("+what+")", "", size, r, w.lim.MaxDepth)
}

// localHeaderBefore finds where the local header of the member whose data
// starts at dataOff begins: the end of anything put before the archive.
// It returns 0 when nothing precedes the first header.
func localHeaderBefore(ra io.ReaderAt, dataOff int64) int64 {
	from := max(0, dataOff-30-2*0xFFFF)
	buf := make([]byte, dataOff-from)
	if n, _ := ra.ReadAt(buf, from); int64(n) != dataOff-from {
		return 0
	}
	i := bytes.LastIndex(buf, []byte("PK\x03\x04"))
	if i < 0 {
		return 0
	}
	return from + int64(i)
}

// endOfZip returns the offset just past the end-of-central-directory
// record and its comment, or 0 when it cannot be found.
func endOfZip(ra io.ReaderAt, size int64) int64 {
	from := max(0, size-22-0xFFFF)
	buf := make([]byte, size-from)
	if n, _ := ra.ReadAt(buf, from); int64(n) != size-from {
		return 0
	}
	i := bytes.LastIndex(buf, []byte("PK\x05\x06"))
	if i < 0 || i+22 > len(buf) {
		return 0
	}
	return from + int64(i) + 22 + int64(binary.LittleEndian.Uint16(buf[i+20:]))
}

// zipLocal reads a zip whose central directory or end record is lost (cut
// short, corrupt) as an extractor that scans for local headers does. The
// original error is returned when no member can be found that way.
func (w *walker) zipLocal(p string, ra io.ReaderAt, size int64, depth int, cdErr error) error {
	found := 0
	off := int64(0)
	var hdr [30]byte
	for off < size {
		at := nextSignature(ra, off, size, "PK\x03\x04")
		if at < 0 {
			break
		}
		if n, _ := ra.ReadAt(hdr[:], at); n < 30 {
			break
		}
		flags := binary.LittleEndian.Uint16(hdr[6:])
		method := binary.LittleEndian.Uint16(hdr[8:])
		csize := int64(binary.LittleEndian.Uint32(hdr[18:]))
		usize := int64(binary.LittleEndian.Uint32(hdr[22:]))
		nameLen := int64(binary.LittleEndian.Uint16(hdr[26:]))
		extraLen := int64(binary.LittleEndian.Uint16(hdr[28:]))
		data := at + 30 + nameLen + extraLen
		nameBuf := make([]byte, nameLen)
		if n, _ := ra.ReadAt(nameBuf, at+30); int64(n) != nameLen || data > size {
			break
		}
		off = at + 4
		raw := string(nameBuf)
		if strings.HasSuffix(strings.ReplaceAll(raw, "\\", "/"), "/") {
			continue
		}
		if found == 0 {
			w.warnKind(p, Recovered, fmt.Errorf("central directory unreadable (%v); members read from their local headers", cdErr))
			if at > 0 {
				if err := w.extra(p, "before the archive", io.NewSectionReader(ra, 0, at), at); err != nil {
					return err
				}
			}
		}
		found++
		name := w.memberName(p, raw)
		sized := flags&0x8 == 0 || csize > 0
		var r io.Reader
		comp := &countReader{}
		switch {
		case method == 0 && sized:
			r = io.NewSectionReader(ra, data, min(csize, size-data))
			comp.n = csize
			off = data + csize
		case method == 8:
			comp.r = io.NewSectionReader(ra, data, size-data)
			r = flate.NewReader(comp)
			if sized {
				off = data + csize
			}
		default:
			w.warn(p+Sep+name, fmt.Errorf("central directory lost and compression method %d cannot be read from the local header alone", method))
			continue
		}
		if !sized {
			usize = -1
		}
		if err := w.member(p+Sep+name, name, usize, &boundReader{w: w, r: r, compressed: comp, budget: true}, depth); err != nil {
			return err
		}
	}
	if found == 0 {
		return fmt.Errorf("read zip: %w", cdErr)
	}
	return nil
}

// nextSignature returns the offset of the next sig at or after off, or -1.
func nextSignature(ra io.ReaderAt, off, size int64, sig string) int64 {
	buf := make([]byte, 64<<10)
	for off < size {
		n, _ := ra.ReadAt(buf[:min(int64(len(buf)), size-off)], off)
		if n < len(sig) {
			return -1
		}
		if i := bytes.Index(buf[:n], []byte(sig)); i >= 0 {
			return off + int64(i)
		}
		if int64(n) < int64(len(buf)) {
			return -1
		}
		off += int64(n - len(sig) + 1)
	}
	return -1
}

// memberName returns the name a member is read under, warning when the
// stored name pointed outside the archive. Windows separators are not a
// warning: "dir\\file" is "dir/file".
func (w *walker) memberName(p, raw string) string {
	name := cleanName(raw)
	n := strings.ReplaceAll(raw, "\\", "/")
	if escapes(n) {
		w.warnKind(p+Sep+name, Renamed, fmt.Errorf("member name %q points outside the archive; read as %q", raw, name))
	}
	return name
}

// escapes reports whether a slash path leaves the directory it is
// extracted into: absolute, a drive letter, or a ".." that climbs out.
func escapes(n string) bool {
	if strings.HasPrefix(n, "/") || len(n) >= 2 && n[1] == ':' {
		return true
	}
	depth := 0
	for _, seg := range strings.Split(n, "/") {
		switch seg {
		case "", ".":
		case "..":
			depth--
			if depth < 0 {
				return true
			}
		default:
			depth++
		}
	}
	return false
}

// tar reads a tar stream; r must already count expanded bytes against the
// budget (a boundReader).
func (w *walker) tar(p string, r io.Reader, depth int) error {
	under := &countReader{r: r}
	tr := tar.NewReader(under)
	for {
		if err := w.ctx.Err(); err != nil {
			return stopError{err}
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			return w.afterEnd(p, r)
		}
		if err != nil {
			if w.bomb != nil {
				return w.bomb
			}
			return fmt.Errorf("read tar: %w", err)
		}
		switch hdr.Typeflag {
		case tar.TypeLink, tar.TypeSymlink, tar.TypeChar, tar.TypeBlock, tar.TypeDir, tar.TypeFifo:
			continue // no data of their own
		}
		// Regular and contiguous files, GNU sparse files (expanded by
		// the reader) and any other letter: GNU tar extracts an unknown
		// type as a regular file, so it is read as one.
		name := w.memberName(p, hdr.Name)
		var mr io.Reader = tr
		if sparse(hdr) {
			// Holes expand to zeros: a 60 GB sparse member may store
			// a few bytes. Judged as a compressed member is.
			mr = &boundReader{w: w, r: tr, compressed: &countReader{base: under, start: under.n}, budget: true}
		}
		if err := w.member(p+Sep+name, name, hdr.Size, mr, depth); err != nil {
			return err
		}
	}
}

// sparse reports a GNU or PAX sparse member, whose holes the reader fills.
func sparse(hdr *tar.Header) bool {
	if hdr.Typeflag == tar.TypeGNUSparse {
		return true
	}
	for k := range hdr.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return true
		}
	}
	return false
}

// afterEnd hands over what follows a tar's end marker, past the zero
// padding: tar stops reading there, but cat and strings do not.
func (w *walker) afterEnd(p string, r io.Reader) error {
	return w.afterEndOf(p, "after the end marker", r)
}

// afterEndOf hands over what r still holds past zero bytes, if anything,
// at "archive!(what)".
func (w *walker) afterEndOf(p, what string, r io.Reader) error {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReader(r)
	}
	for {
		b, err := br.Peek(1)
		if err != nil {
			return nil // only zeros (or nothing) after the end
		}
		if b[0] != 0 {
			break
		}
		if _, err := br.Discard(1); err != nil {
			return nil
		}
	}
	return w.extra(p, what, br, -1)
}

// stream walks a nested tar or gzip archive straight from its reader.
func (w *walker) stream(p, kind string, r io.Reader, depth int) error {
	if kind == "tar" {
		return w.tar(p, r, depth)
	}
	return w.gz(p, kind, r, depth)
}

func (w *walker) gz(p, kind string, r io.Reader, depth int) error {
	cr := &countReader{r: r}
	// A bufio.Reader is a flate.Reader: gzip reads no byte past a member,
	// so what follows the last one can be looked at.
	src := bufio.NewReader(cr)
	zr, err := gzip.NewReader(src)
	if err != nil {
		return fmt.Errorf("read gzip: %w", err)
	}
	defer zr.Close()
	zr.Multistream(false)
	// A gzip stream has one member; its name is the file's without .gz.
	inner := strings.TrimSuffix(strings.TrimSuffix(path.Base(p[strings.LastIndex(p, Sep)+1:]), ".gz"), ".GZ")
	if zr.Comment != "" {
		if err := w.extra(p, "gzip comment", strings.NewReader(zr.Comment), int64(len(zr.Comment))); err != nil {
			return err
		}
	}
	members := &gzMembers{zr: zr, src: src}
	stream := &boundReader{w: w, r: members, compressed: cr, budget: true}
	if kind == "tar.gz" || Kind(inner) == "tar" {
		err = w.tar(p, stream, depth)
	} else {
		if zr.Name != "" {
			inner = cleanName(zr.Name)
		}
		err = w.member(p+Sep+inner, inner, -1, stream, depth)
	}
	if err != nil || !members.ended {
		return err
	}
	// gunzip warns "trailing garbage ignored"; strings and grep -a show it.
	return w.afterEndOf(p, "after the gzip stream", src)
}

// gzMembers reads concatenated gzip members as one stream, as gunzip does,
// and stops (ended set) at bytes that are not another member.
type gzMembers struct {
	zr    *gzip.Reader
	src   *bufio.Reader
	ended bool
}

func (g *gzMembers) Read(p []byte) (int, error) {
	for {
		if g.ended {
			return 0, io.EOF
		}
		n, err := g.zr.Read(p)
		if err != io.EOF {
			return n, err
		}
		if magic, perr := g.src.Peek(2); perr != nil || magic[0] != 0x1f || magic[1] != 0x8b {
			g.ended = true
			return n, io.EOF
		}
		if err := g.zr.Reset(g.src); err != nil {
			return n, err
		}
		g.zr.Multistream(false)
		if n > 0 {
			return n, nil
		}
	}
}

// member hands one member to the callback, or walks it when it is itself an
// archive and the depth allows. r already counts against the limits.
func (w *walker) member(p, name string, size int64, r io.Reader, depth int) error {
	if err := w.ctx.Err(); err != nil {
		return stopError{err}
	}
	w.members++
	if w.members > w.lim.MaxMembers {
		return fmt.Errorf("%w (more than %d members)", ErrBomb, w.lim.MaxMembers)
	}
	br := r
	if w.lim.MaxMemberSize > 0 {
		if size > w.lim.MaxMemberSize {
			w.warnKind(p, TooLarge, fmt.Errorf("%d bytes, larger than the %d-byte member limit; skipped", size, w.lim.MaxMemberSize))
			return nil
		}
		// Bound what is read whatever the header declares.
		br = io.LimitReader(r, w.lim.MaxMemberSize+1)
	}
	if k := Kind(name); k != "" {
		if depth >= w.lim.MaxDepth {
			w.warnKind(p, TooDeep, fmt.Errorf("archive nested more than %d deep; not opened", w.lim.MaxDepth))
			return nil
		}
		if k != "zip" {
			// Streams need no copy: read as they inflate.
			err := w.stream(p, k, br, depth+1)
			if err != nil && !errors.As(err, new(stopError)) && !errors.Is(err, ErrBomb) {
				w.warn(p, err)
				return nil
			}
			return err
		}
		if size > w.lim.MaxInMemory {
			w.warnKind(p, NotHeld, fmt.Errorf("nested zip of %d bytes, more than the %d held in memory to open one; not opened", size, w.lim.MaxInMemory))
			return nil
		}
		data, err := io.ReadAll(io.LimitReader(br, w.lim.MaxInMemory+1))
		if err != nil {
			if w.bomb != nil {
				return w.bomb
			}
			w.warn(p, err)
			return nil
		}
		if int64(len(data)) > w.lim.MaxInMemory {
			w.warnKind(p, NotHeld, fmt.Errorf("nested zip larger than the %d bytes held in memory to open one; not opened", w.lim.MaxInMemory))
			return nil
		}
		err = w.archive(p, k, bytes.NewReader(data), int64(len(data)), depth+1)
		if err != nil && !errors.As(err, new(stopError)) && !errors.Is(err, ErrBomb) {
			// A corrupt inner archive does not spoil its siblings.
			w.warn(p, err)
			return nil
		}
		return err
	}
	err := w.visit(Member{Path: p, Archive: w.outer, Size: size}, br)
	if w.bomb != nil {
		return w.bomb // found while the callback read, whatever it returned
	}
	if err != nil {
		return stopError{err}
	}
	return nil
}

// boundReader counts expanded bytes against the walk's budget (when budget
// is set) and against the compressed bytes beneath it, and fails with ErrBomb
// when either limit is passed. The failure is also kept on the walker, so a
// callback that swallows the read error cannot hide a bomb.
type boundReader struct {
	w          *walker
	r          io.Reader
	compressed *countReader
	budget     bool
	n          int64
}

func (b *boundReader) Read(p []byte) (int, error) {
	if b.w.bomb != nil {
		return 0, b.w.bomb
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	if b.budget {
		b.w.expanded += int64(n)
	}
	switch {
	case b.w.expanded > b.w.lim.MaxTotal:
		b.w.bomb = fmt.Errorf("%w (expands past %d bytes)", ErrBomb, b.w.lim.MaxTotal)
	case b.compressed != nil && b.n > ratioFloor && b.n > b.w.lim.MaxRatio*max(b.compressed.count(), 1):
		b.w.bomb = fmt.Errorf("%w (expands more than %d×)", ErrBomb, b.w.lim.MaxRatio)
	}
	if b.w.bomb != nil {
		return n, b.w.bomb
	}
	return n, err
}

// countReader counts the bytes read through it. For zip members it holds
// the declared compressed size instead; with base set, it counts what base
// has read since start (a sparse tar member's stored bytes).
type countReader struct {
	r     io.Reader
	n     int64
	base  *countReader
	start int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *countReader) count() int64 {
	if c.base != nil {
		return c.base.n - c.start
	}
	return c.n
}

// cleanName makes a member name a relative slash path that stays inside the
// archive: "../x", "/etc/x" and "a/../../x" all become names below the root.
func cleanName(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	c := path.Clean("/" + name)
	c = strings.TrimPrefix(c, "/")
	if c == "" {
		c = "_"
	}
	return c
}
