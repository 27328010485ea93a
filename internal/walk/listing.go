package walk

import (
	"bytes"
	"io/fs"
	"os"
	"slices"
)

// listing is one directory's entries, sorted by name as os.ReadDir sorts
// them. The names live in one buffer and the listing is reused from
// directory to directory (one per depth of the walk): os.ReadDir's entry
// and name per file were a fifth of a scan's allocations.
type listing struct {
	names []byte
	ents  []dirent
	// buf is the getdents buffer where the system has one.
	buf []byte
}

type dirent struct {
	off, n int32 // the name is names[off:off+n]
	// typ is the entry's type bits, as fs.DirEntry.Type gives them.
	typ fs.FileMode
}

func (l *listing) reset() {
	l.names = l.names[:0]
	l.ents = l.ents[:0]
}

func (l *listing) add(name []byte, typ fs.FileMode) {
	l.ents = append(l.ents, dirent{off: int32(len(l.names)), n: int32(len(name)), typ: typ})
	l.names = append(l.names, name...)
}

func (l *listing) name(i int) []byte {
	e := l.ents[i]
	return l.names[e.off : e.off+e.n]
}

func (l *listing) sort() {
	slices.SortFunc(l.ents, func(a, b dirent) int {
		return bytes.Compare(l.names[a.off:a.off+a.n], l.names[b.off:b.off+b.n])
	})
}

// has reports whether the sorted listing holds name.
func (l *listing) has(name string) bool {
	_, ok := slices.BinarySearchFunc(l.ents, name, func(e dirent, name string) int {
		return bytes.Compare(l.names[e.off:e.off+e.n], []byte(name))
	})
	return ok
}

// entry is an fs.DirEntry for the walk's Skip callback, made only when
// one is set.
type entry struct {
	abs, name string
	typ       fs.FileMode
}

func (e *entry) Name() string               { return e.name }
func (e *entry) IsDir() bool                { return e.typ.IsDir() }
func (e *entry) Type() fs.FileMode          { return e.typ }
func (e *entry) Info() (fs.FileInfo, error) { return os.Lstat(e.abs) }
func (e *entry) String() string             { return fs.FormatDirEntry(e) }
