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
	// root is the sentinel of a ring, most recently used next to it.
	root cached
}

type cacheKey struct {
	pack int
	off  int64
}

type cached struct {
	key        cacheKey
	typ        plumbing.ObjectType
	data       []byte
	prev, next *cached
}

func newCache(max int64) *cache {
	c := &cache{max: max, m: make(map[cacheKey]*cached)}
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

// put keeps data unless it would take over a quarter of the budget: one
// huge file would otherwise flush every base the next deltas need.
func (c *cache) put(pack int, off int64, typ plumbing.ObjectType, data []byte) {
	size := int64(len(data)) + 64
	if size > c.max/4 {
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
