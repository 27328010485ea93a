// Package gitpack reads blobs straight from a repository's object
// directory: its packs, its loose objects and its alternates. It exists so
// that a history scan need not pipe every blob through "git cat-file", and
// so that a blob stored as a delta against another blob comes with that
// base and the delta's copy instructions: a scanner that has already read
// the base only needs to look at what the delta inserted.
//
// A Store is safe for concurrent use. Resolved objects are kept in a cache
// bounded in bytes, so that reading blobs in pack order (bases first, see
// Position) inflates each delta chain once.
package gitpack

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
)

// ErrNotFound is wrapped by errors about an object that is in none of the
// store's packs, loose objects or alternates (a partial clone's promisor
// gap, a pruned object).
var ErrNotFound = errors.New("not in the object store")

// ErrTooLarge is wrapped by errors about an object, or a delta base it
// needs, whose size is over Options.MaxObject: it is refused before any
// of it is allocated.
var ErrTooLarge = errors.New("object larger than the limit")

// ErrCorrupt is wrapped by errors about object data that cannot be what git
// wrote: bad zlib, a size that does not match, a delta that reads outside
// its base, a chain too deep or cyclic, an index that contradicts its pack.
var ErrCorrupt = errors.New("corrupt object data")

// ErrNotBlob is wrapped by Blob's error when the id names a commit, tree or
// tag.
var ErrNotBlob = errors.New("not a blob")

// Defaults for Options' zero values. Reading all of hummingbot's blobs in
// pack order, a 64 MiB cache re-inflated about 8k bases against 6k for
// 128 MiB and 4k for 256 MiB, but cost less CPU than either: every cached
// byte is heap the collector doubles and the kernel must fault in (peak
// RSS 0.3 GB against 0.5 and 0.9).
const (
	DefaultCacheBytes = 64 << 20
	DefaultMaxObject  = 1 << 30
)

// maxChain bounds the deltas between an object and its full base. git
// writes chains of at most 4095 (pack.depth's ceiling); a longer one, or a
// REF_DELTA cycle, is corrupt.
const maxChain = 5000

// maxAlternateDepth is how many alternates files deep the store follows,
// as git does (it stops at 5).
const maxAlternateDepth = 5

// Options tune a Store; the zero value is the defaults.
type Options struct {
	// CacheBytes bounds the bytes of resolved objects kept for later
	// deltas (0: DefaultCacheBytes; negative: no cache).
	CacheBytes int64
	// MaxObject is the largest object (or delta) the store allocates
	// (0: DefaultMaxObject). Larger ones are refused with ErrTooLarge.
	MaxObject int64
}

// Copy is one copy instruction of a delta: Len bytes of the base at From
// are the blob's bytes at To.
type Copy struct{ From, To, Len int }

// Blob is a blob's content and, when its pack stores it as a delta against
// another blob, that base and what the delta copied from it.
type Blob struct {
	// Data is the whole blob. It may be shared with the cache and with
	// other callers: never write to it.
	Data []byte
	// Base is the id of the delta's base; zero unless the blob is stored
	// as a delta against another blob.
	Base plumbing.Hash
	// BaseData is the base's content, read-only like Data.
	BaseData []byte
	// Copies are the delta's copies in target order, adjacent ones
	// merged. Every byte of Data outside them was inserted by the delta.
	Copies []Copy
}

// Store reads objects of one repository. Its methods are safe for
// concurrent use.
type Store struct {
	packs []*pack
	// looseDirs are the object directories (the repository's, then its
	// alternates') whose loose objects are looked for after the packs.
	looseDirs []string
	maxObject int64
	cache     *cache
	inflaters sync.Pool // *inflater
	bufs      sync.Pool // *[]byte, compressed entries
	copies    sync.Pool // *[]Copy
}

// Open opens the object store of the repository whose git directory is
// gitDir (a linked worktree's git directory is followed to its common
// directory). Its packs' indexes are read now; their data when asked for.
func Open(gitDir string) (*Store, error) { return OpenWith(gitDir, Options{}) }

// OpenWith is Open with options.
func OpenWith(gitDir string, opt Options) (*Store, error) {
	s := &Store{maxObject: opt.MaxObject}
	if s.maxObject <= 0 {
		s.maxObject = DefaultMaxObject
	}
	cacheBytes := opt.CacheBytes
	if cacheBytes == 0 {
		cacheBytes = DefaultCacheBytes
	}
	s.cache = newCache(max(cacheBytes, 0))
	objects, err := objectsDir(gitDir)
	if err != nil {
		return nil, err
	}
	dirs, err := objectDirs(objects)
	if err != nil {
		return nil, err
	}
	s.looseDirs = dirs
	for _, dir := range dirs {
		idxs, err := filepath.Glob(filepath.Join(dir, "pack", "*.idx"))
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("list packs of %s: %w", dir, err)
		}
		for _, idx := range idxs {
			p, err := openPack(idx, len(s.packs))
			if errors.Is(err, errNoPackFile) {
				// An index without its pack is what a concurrent
				// repack or gc leaves for a moment; git skips it too.
				continue
			}
			if err != nil {
				s.Close()
				return nil, err
			}
			s.packs = append(s.packs, p)
		}
	}
	return s, nil
}

// Close releases the packs' files. The Store must not be used after.
func (s *Store) Close() error {
	var first error
	for _, p := range s.packs {
		if err := p.close(); err != nil && first == nil {
			first = err
		}
	}
	s.packs = nil
	return first
}

// Position is where id lies: its pack's number and its offset in that
// pack. Reading blobs sorted by (pack, offset) reads every delta's base
// before the delta (git writes bases first), so the cache serves each
// base instead of re-inflating its chain. ok is false for a loose or
// missing object.
func (s *Store) Position(id plumbing.Hash) (pack int, offset int64, ok bool) {
	for _, p := range s.packs {
		if i, found := p.find(id); found {
			return p.num, p.offsets[i], true
		}
	}
	return 0, 0, false
}

// Has reports whether the store holds id.
func (s *Store) Has(id plumbing.Hash) bool {
	if _, _, ok := s.Position(id); ok {
		return true
	}
	for _, dir := range s.looseDirs {
		if looseExists(dir, id) {
			return true
		}
	}
	return false
}

// Size is the size of the content of object id, read from its header (a
// delta's target size from the first bytes of its data) without
// inflating the object: a caller can route a blob over its limits
// elsewhere before Blob refuses it with ErrTooLarge or holds it whole.
func (s *Store) Size(id plumbing.Hash) (int64, error) {
	for _, p := range s.packs {
		if i, found := p.find(id); found {
			size, err := s.packedSize(p, int(p.rank[i]))
			if err != nil {
				return 0, fmt.Errorf("object %s: %w", id, err)
			}
			return size, nil
		}
	}
	_, size, _, err := s.looseObject(id, true)
	return size, err
}

// Blob reads the blob id, with its delta base and copies when its pack
// stores it as a delta against another blob.
func (s *Store) Blob(id plumbing.Hash) (Blob, error) {
	for _, p := range s.packs {
		i, found := p.find(id)
		if !found {
			continue
		}
		b, err := s.packedBlob(p, int(p.rank[i]))
		if err != nil {
			return Blob{}, fmt.Errorf("blob %s: %w", id, err)
		}
		return b, nil
	}
	typ, data, err := s.loose(id)
	if err != nil {
		return Blob{}, err
	}
	if typ != plumbing.BlobObject {
		return Blob{}, fmt.Errorf("object %s is a %s: %w", id, typ, ErrNotBlob)
	}
	return Blob{Data: data}, nil
}

// packedBlob reads the object of p at pack-order rank k as a blob.
func (s *Store) packedBlob(p *pack, k int) (b Blob, err error) {
	key := cacheKey{p.num, p.sorted[k]}
	if typ, _, ok := s.cache.get(key.pack, key.off); ok && typ != plumbing.BlobObject {
		return Blob{}, fmt.Errorf("a %s: %w", typ, ErrNotBlob)
	}
	// Announced, so that a worker that needs this blob as a base waits for
	// it rather than inflating it too.
	f := s.cache.start(key)
	defer func() { s.cache.finish(key, f, plumbing.BlobObject, b.Data, err == nil) }()
	e, err := s.readEntry(p, k)
	if err != nil {
		return Blob{}, err
	}
	defer s.release(&e)
	if !e.delta() {
		if e.typ != plumbing.BlobObject {
			return Blob{}, fmt.Errorf("a %s: %w", e.typ, ErrNotBlob)
		}
		if _, data, ok := s.cache.get(key.pack, key.off); ok {
			return Blob{Data: data}, nil
		}
		data, err := s.inflateEntry(&e)
		if err != nil {
			return Blob{}, err
		}
		return Blob{Data: data}, nil
	}
	base, err := s.baseOf(p, &e)
	if err != nil {
		return Blob{}, err
	}
	btyp, bdata, err := s.resolve(base, key)
	if err != nil {
		return Blob{}, fmt.Errorf("delta base %s: %w", base.id, err)
	}
	if btyp != plumbing.BlobObject {
		return Blob{}, fmt.Errorf("a delta against a %s: %w", btyp, ErrNotBlob)
	}
	delta, err := s.inflateEntry(&e)
	if err != nil {
		return Blob{}, err
	}
	// The copies gather in a pooled slice and leave in one of their
	// exact size: appended to a fresh one they cost a growth per doubling.
	scratch, _ := s.copies.Get().(*[]Copy)
	if scratch == nil {
		scratch = new([]Copy)
	}
	*scratch = (*scratch)[:0]
	data, err := applyDelta(bdata, delta, s.maxObject, scratch)
	copies := slices.Clone(*scratch)
	if cap(*scratch) <= 1<<16 {
		s.copies.Put(scratch)
	}
	if err != nil {
		return Blob{}, err
	}
	return Blob{Data: data, Base: base.id, BaseData: bdata, Copies: copies}, nil
}

// where is an object's place: a pack and its pack-order rank, or loose
// (p nil).
type where struct {
	p  *pack
	k  int
	id plumbing.Hash
}

// locate finds id, in prefer first (a REF_DELTA's base is most often in
// the delta's own pack).
func (s *Store) locate(id plumbing.Hash, prefer *pack) (where, bool) {
	if prefer != nil {
		if i, ok := prefer.find(id); ok {
			return where{p: prefer, k: int(prefer.rank[i]), id: id}, true
		}
	}
	for _, p := range s.packs {
		if p == prefer {
			continue
		}
		if i, ok := p.find(id); ok {
			return where{p: p, k: int(p.rank[i]), id: id}, true
		}
	}
	for _, dir := range s.looseDirs {
		if looseExists(dir, id) {
			return where{id: id}, true
		}
	}
	return where{}, false
}

// baseOf is where the base of the delta entry e of p lies.
func (s *Store) baseOf(p *pack, e *entry) (where, error) {
	if e.typ == plumbing.OFSDeltaObject {
		k, ok := p.rankOf(e.baseOff)
		if !ok {
			return where{}, fmt.Errorf("%w: offset delta at %d names base offset %d, where no object starts", ErrCorrupt, e.off, e.baseOff)
		}
		return where{p: p, k: k, id: p.idAt(k)}, nil
	}
	w, ok := s.locate(e.baseID, p)
	if !ok {
		return where{}, fmt.Errorf("delta base %s: %w", e.baseID, ErrNotFound)
	}
	return w, nil
}

// resolve returns the type and content of the object at w, applying its
// delta chain from the nearest cached or whole object down. The caller is
// resolving the object at below: resolve waits only for resolutions under
// way of objects below it (see cacheKey.less).
func (s *Store) resolve(w where, below cacheKey) (typ plumbing.ObjectType, data []byte, err error) {
	if w.p == nil {
		return s.loose(w.id)
	}
	first := cacheKey{w.p.num, w.p.sorted[w.k]}
	if t, d, ok := s.cache.get(first.pack, first.off); ok {
		return t, d, nil
	}
	var f *flight
	if first.less(below) {
		if t, d, ok := s.cache.wait(first); ok {
			return t, d, nil
		}
		f = s.cache.start(first)
		below = first
	}
	defer func() { s.cache.finish(first, f, typ, data, err == nil) }()
	var chain []entry
	// held bounds the compressed deltas kept from the walk down to the
	// apply up; past it they are read again.
	const heldBudget = 32 << 20
	held := 0
	defer func() {
		for i := range chain {
			s.release(&chain[i])
		}
	}()
	for {
		key := cacheKey{w.p.num, w.p.sorted[w.k]}
		if t, d, ok := s.cache.get(key.pack, key.off); ok {
			typ, data = t, d
			break
		}
		if key.less(below) {
			if t, d, ok := s.cache.wait(key); ok {
				typ, data = t, d
				break
			}
		}
		e, err := s.readEntry(w.p, w.k)
		if err != nil {
			return 0, nil, err
		}
		if !e.delta() {
			data, err = s.inflateEntry(&e)
			s.release(&e)
			if err != nil {
				return 0, nil, err
			}
			typ = e.typ
			s.cache.put(w.p.num, e.off, typ, data)
			break
		}
		if len(chain) == maxChain {
			s.release(&e)
			return 0, nil, fmt.Errorf("%w: delta chain at offset %d of %s is deeper than %d (or a cycle)", ErrCorrupt, chain[0].off, w.p.path, maxChain)
		}
		if held += len(e.comp); held > heldBudget {
			s.release(&e)
		}
		chain = append(chain, e)
		next, err := s.baseOf(w.p, &e)
		if err != nil {
			return 0, nil, err
		}
		if next.p == nil {
			typ, data, err = s.loose(next.id)
			if err != nil {
				return 0, nil, err
			}
			break
		}
		w = next
	}
	for i := len(chain) - 1; i >= 0; i-- {
		e := &chain[i]
		if e.comp == nil {
			again, err := s.readEntry(e.p, e.k)
			if err != nil {
				return 0, nil, err
			}
			*e = again
		}
		delta, err := s.inflateEntry(e)
		if err != nil {
			return 0, nil, err
		}
		data, err = applyDelta(data, delta, s.maxObject, nil)
		if err != nil {
			return 0, nil, fmt.Errorf("delta at offset %d of %s: %w", e.off, e.p.path, err)
		}
		s.cache.put(e.p.num, e.off, typ, data)
		s.release(e)
	}
	return typ, data, nil
}
