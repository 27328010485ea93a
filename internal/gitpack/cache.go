package gitpack

import (
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
)

// cache keeps resolved pack objects, least recently used first out, within
// a byte budget. Its slices are shared with callers, who never write them.
type cache struct {
	mu   sync.Mutex
	max  int64
	used int64
	m    map[cacheKey]*cached
	// flights are objects being resolved: in pack order a worker asks
	// for a base while the other is still inflating it, and would
	// otherwise inflate it again.
	flights map[cacheKey]*flight
	// root is the sentinel of a ring, most recently used next to it.
	root cached
}

type cacheKey struct {
	pack int
	off  int64
}

// less orders keys: a worker waits only for keys below every one it is
// resolving, so that waits never form a cycle (a corrupt pack's REF_DELTA
// loop included); OFS_DELTA bases always lie below their deltas.
func (k cacheKey) less(o cacheKey) bool {
	return k.pack < o.pack || k.pack == o.pack && k.off < o.off
}

// flight is one resolution under way; done is closed when it ends, ok
// saying whether typ and data hold its result.
type flight struct {
	done chan struct{}
	typ  plumbing.ObjectType
	data []byte
	ok   bool
}

// start registers k as being resolved by the caller, who must call
// finish; it returns nil when another worker already is.
func (c *cache) start(k cacheKey) *flight {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.flights[k] != nil {
		return nil
	}
	f := &flight{done: make(chan struct{})}
	c.flights[k] = f
	return f
}

// finish ends f (if not nil), keeping data when ok.
func (c *cache) finish(k cacheKey, f *flight, typ plumbing.ObjectType, data []byte, ok bool) {
	if ok {
		c.put(k.pack, k.off, typ, data)
	}
	if f == nil {
		return
	}
	c.mu.Lock()
	delete(c.flights, k)
	c.mu.Unlock()
	f.typ, f.data, f.ok = typ, data, ok
	close(f.done)
}

// wait waits for the resolution of k under way, if any, and returns its
// result.
func (c *cache) wait(k cacheKey) (plumbing.ObjectType, []byte, bool) {
	c.mu.Lock()
	f := c.flights[k]
	c.mu.Unlock()
	if f == nil {
		return 0, nil, false
	}
	<-f.done
	return f.typ, f.data, f.ok
}

type cached struct {
	key        cacheKey
	typ        plumbing.ObjectType
	data       []byte
	prev, next *cached
}

func newCache(max int64) *cache {
	c := &cache{max: max, m: make(map[cacheKey]*cached), flights: make(map[cacheKey]*flight)}
	c.root.prev, c.root.next = &c.root, &c.root
	return c
}

func (c *cache) get(pack int, off int64) (plumbing.ObjectType, []byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.m[cacheKey{pack, off}]
	if e == nil {
		return 0, nil, false
	}
	c.unlink(e)
	c.front(e)
	return e.typ, e.data, true
}

// put keeps data, evicting what was used least recently, unless it alone
// is over the budget. A large object is kept even though it flushes many
// small ones: the versions of a large file form a delta chain, and one
// read alone, without its base kept, resolves the chain again from its
// root, its cost growing with the square of the chain's length (a 27 MB
// file's 30 versions took 9.7 s of CPU, not 1.2).
func (c *cache) put(pack int, off int64, typ plumbing.ObjectType, data []byte) {
	size := int64(len(data)) + 64
	if size > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	k := cacheKey{pack, off}
	if c.m[k] != nil {
		return
	}
	e := &cached{key: k, typ: typ, data: data}
	c.m[k] = e
	c.front(e)
	c.used += size
	for c.used > c.max {
		old := c.root.prev
		c.unlink(old)
		delete(c.m, old.key)
		c.used -= int64(len(old.data)) + 64
	}
}

func (c *cache) front(e *cached) {
	e.prev, e.next = &c.root, c.root.next
	e.prev.next = e
	e.next.prev = e
}

func (c *cache) unlink(e *cached) {
	e.prev.next = e.next
	e.next.prev = e.prev
	e.prev, e.next = nil, nil
}
