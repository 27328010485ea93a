package gitpack

import (
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// The cache keeps what fits its budget, the largest objects included (a
// large file's versions are a chain whose every member is the next one's
// base), evicting the least recently used first.
func TestCacheBudget(t *testing.T) {
	const budget = 1000
	obj := func(n int) []byte { return make([]byte, n-64) } // 64: an entry's overhead
	cases := []struct {
		name string
		puts []int // sizes, put at offsets 0, 1, 2…
		gets []int // offsets then read (refreshing them)
		then []int // sizes then put at the next offsets
		kept []int // offsets the cache must hold afterwards
		gone []int // and must not
	}{
		{"all fit", []int{300, 300, 300}, nil, nil, []int{0, 1, 2}, nil},
		{"least recent out", []int{400, 400, 400}, nil, nil, []int{1, 2}, []int{0}},
		{"a read refreshes", []int{400, 400}, []int{0}, []int{400}, []int{0, 2}, []int{1}},
		{"large object kept, others flushed", []int{200, 200, 900}, nil, nil, []int{2}, []int{0, 1}},
		{"exactly the budget", []int{budget}, nil, nil, []int{0}, nil},
		{"over the budget not kept", []int{300, budget + 1}, nil, nil, []int{0}, []int{1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newCache(budget)
			for i, n := range tc.puts {
				c.put(0, int64(i), plumbing.BlobObject, obj(n))
			}
			for _, off := range tc.gets {
				if _, _, ok := c.get(0, int64(off)); !ok {
					t.Fatalf("offset %d not kept", off)
				}
			}
			for i, n := range tc.then {
				c.put(0, int64(len(tc.puts)+i), plumbing.BlobObject, obj(n))
			}
			for _, off := range tc.kept {
				if _, _, ok := c.get(0, int64(off)); !ok {
					t.Errorf("offset %d not kept", off)
				}
			}
			for _, off := range tc.gone {
				if _, _, ok := c.get(0, int64(off)); ok {
					t.Errorf("offset %d kept", off)
				}
			}
			if c.used > budget {
				t.Errorf("%d bytes used, over the budget", c.used)
			}
		})
	}
}
