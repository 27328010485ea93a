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
// that "../x" cannot point outside the archive, and nothing is ever written
// to disk. Symbolic links, hard links and device members are skipped.
//
// The package knows nothing about secrets or the engine: it turns one file's
// bytes into (path, reader, size) triples, and the content layer decides
// what to do with them.
package archive

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
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
	// MaxMemberSize is the largest member handed to the callback; larger
	// members are skipped with a warning. Nested archives are read into
	// memory, so this also bounds memory.
	MaxMemberSize int64
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
	MaxDepth:      3,
	MaxMembers:    10000,
	MaxMemberSize: 64 << 20,
	MaxTotal:      1 << 30,
	MaxRatio:      200,
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

// Warning is something a walk skipped or refused. Refused is set for a
// decompression bomb (the rest of the archive was not read).
type Warning struct {
	Path    string
	Message string
	Refused bool
}

func (w Warning) String() string { return w.Path + ": " + w.Message }

// Visit is called for each member. It may read r fully, partly or not at
// all; r is valid only during the call. A non-nil error stops the walk and
// is returned by Walk.
type Visit func(m Member, r io.Reader) error

// Kind returns the archive format a file name announces ("zip", "tar",
// "tar.gz", "gz") or "" when it is not an archive this package reads.
func Kind(name string) string {
	n := strings.ToLower(name)
	switch {
	case strings.HasSuffix(n, ".tar.gz"), strings.HasSuffix(n, ".tgz"):
		return "tar.gz"
	case strings.HasSuffix(n, ".gz"):
		return "gz"
	case strings.HasSuffix(n, ".tar"):
		return "tar"
	case strings.HasSuffix(n, ".zip"):
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
	err := w.archive(name, Kind(name), ra, size, 1)
	var stop stopError
	if errors.As(err, &stop) {
		return w.warnings, stop.err
	}
	if err != nil {
		w.warn(name, err)
	}
	return w.warnings, nil
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

func (w *walker) warn(p string, err error) {
	w.warnings = append(w.warnings, Warning{Path: p, Message: err.Error(), Refused: errors.Is(err, ErrBomb)})
}

// archive walks one archive at display path p.
func (w *walker) archive(p, kind string, ra io.ReaderAt, size int64, depth int) error {
	switch kind {
	case "zip":
		return w.zip(p, ra, size, depth)
	case "tar":
		return w.tar(p, &boundReader{w: w, r: io.NewSectionReader(ra, 0, size), budget: true}, depth)
	case "tar.gz", "gz":
		return w.gz(p, kind, io.NewSectionReader(ra, 0, size), depth)
	}
	return fmt.Errorf("not an archive")
}

func (w *walker) zip(p string, ra io.ReaderAt, size int64, depth int) error {
	zr, err := zip.NewReader(ra, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return fmt.Errorf("read zip: %w", err)
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
	for _, f := range zr.File {
		if c := cleanName(f.Name); c != strings.TrimSuffix(f.Name, "/") && f.Name != "" {
			w.warn(p+Sep+c, fmt.Errorf("member name %q points outside the archive; read as %q", f.Name, c))
		}
	}
	// The fs.FS view has already cleaned names and merged duplicates.
	visited := map[string]bool{}
	var dirErrs []string
	err = fs.WalkDir(zr, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			if d != nil && d.IsDir() {
				// A name that is both a file and a directory makes the
				// directory unreadable through fs.FS; its files are read
				// from the central directory below.
				dirErrs = append(dirErrs, fmt.Sprintf("%s: %v", name, err))
				return nil
			}
			w.warn(p+Sep+name, err)
			return nil
		}
		if d.IsDir() {
			return nil
		}
		if !d.Type().IsRegular() {
			return nil // symlinks and other special members
		}
		visited[name] = true
		info, err := d.Info()
		if err != nil {
			w.warn(p+Sep+name, err)
			return nil
		}
		hdr, _ := info.Sys().(*zip.FileHeader)
		compressed := int64(0)
		if hdr != nil {
			compressed = int64(hdr.CompressedSize64)
		}
		f, err := zr.Open(name)
		if err != nil {
			w.warn(p+Sep+name, err)
			return nil
		}
		defer f.Close()
		// The ratio is judged against the declared compressed size.
		return w.member(p+Sep+name, name, info.Size(), &boundReader{w: w, r: f, compressed: &countReader{n: compressed}, budget: true}, depth)
	})
	if err != nil || len(dirErrs) == 0 {
		return err
	}
	return w.zipFilesNotVisited(p, zr, visited, dirErrs, depth)
}

// zipFilesNotVisited reads, straight from the central directory, the
// regular members the fs.FS walk could not reach (their directory was
// unreadable); only those that still cannot be read are warned about.
func (w *walker) zipFilesNotVisited(p string, zr *zip.Reader, visited map[string]bool, dirErrs []string, depth int) error {
	read := 0
	for _, f := range zr.File {
		name := cleanName(f.Name)
		if name == "" || visited[name] || strings.HasSuffix(f.Name, "/") || !f.Mode().IsRegular() {
			continue
		}
		visited[name] = true
		rc, err := f.Open()
		if err != nil {
			w.warn(p+Sep+name, err)
			continue
		}
		err = w.member(p+Sep+name, name, int64(f.UncompressedSize64), &boundReader{w: w, r: rc, compressed: &countReader{n: int64(f.CompressedSize64)}, budget: true}, depth)
		rc.Close()
		if err != nil {
			return err
		}
		read++
	}
	if read == 0 {
		for _, e := range dirErrs {
			w.warn(p, errors.New(e))
		}
	}
	return nil
}

// tar reads a tar stream; r must already count expanded bytes against the
// budget (a boundReader).
func (w *walker) tar(p string, r io.Reader, depth int) error {
	tr := tar.NewReader(r)
	for {
		if err := w.ctx.Err(); err != nil {
			return stopError{err}
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			if w.bomb != nil {
				return w.bomb
			}
			return fmt.Errorf("read tar: %w", err)
		}
		if hdr.Typeflag != tar.TypeReg && hdr.Typeflag != tar.TypeRegA {
			continue // directories, links, devices, FIFOs
		}
		name := cleanName(hdr.Name)
		if name != strings.TrimPrefix(hdr.Name, "./") {
			w.warn(p+Sep+name, fmt.Errorf("member name %q points outside the archive; read as %q", hdr.Name, name))
		}
		if err := w.member(p+Sep+name, name, hdr.Size, tr, depth); err != nil {
			return err
		}
	}
}

func (w *walker) gz(p, kind string, r io.Reader, depth int) error {
	cr := &countReader{r: r}
	zr, err := gzip.NewReader(cr)
	if err != nil {
		return fmt.Errorf("read gzip: %w", err)
	}
	defer zr.Close()
	// A gzip stream has one member; its name is the file's without .gz.
	inner := strings.TrimSuffix(strings.TrimSuffix(path.Base(p[strings.LastIndex(p, Sep)+1:]), ".gz"), ".GZ")
	stream := &boundReader{w: w, r: zr, compressed: cr, budget: true}
	if kind == "tar.gz" || Kind(inner) == "tar" {
		return w.tar(p, stream, depth)
	}
	if zr.Name != "" {
		inner = cleanName(zr.Name)
	}
	return w.member(p+Sep+inner, inner, -1, stream, depth)
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
	if size > w.lim.MaxMemberSize {
		w.warn(p, fmt.Errorf("%d bytes, larger than the %d-byte member limit; skipped", size, w.lim.MaxMemberSize))
		return nil
	}
	// Bound what is read whatever the header declares.
	br := io.LimitReader(r, w.lim.MaxMemberSize+1)
	if k := Kind(name); k != "" {
		if depth >= w.lim.MaxDepth {
			w.warn(p, fmt.Errorf("archive nested more than %d deep; not opened", w.lim.MaxDepth))
			return nil
		}
		data, err := io.ReadAll(br)
		if err != nil {
			if w.bomb != nil {
				return w.bomb
			}
			w.warn(p, err)
			return nil
		}
		if int64(len(data)) > w.lim.MaxMemberSize {
			w.warn(p, fmt.Errorf("larger than the %d-byte member limit; skipped", w.lim.MaxMemberSize))
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
	case b.compressed != nil && b.n > ratioFloor && b.n > b.w.lim.MaxRatio*max(b.compressed.n, 1):
		b.w.bomb = fmt.Errorf("%w (expands more than %d×)", ErrBomb, b.w.lim.MaxRatio)
	}
	if b.w.bomb != nil {
		return n, b.w.bomb
	}
	return n, err
}

// countReader counts the bytes read through it. For zip members it holds
// the declared compressed size instead.
type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
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
