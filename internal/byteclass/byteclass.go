// Package byteclass finds long runs of the bytes of one class (base64
// characters, base58 digits, a phrase's letters and separators) without
// looking at every byte.
package byteclass

// Set is a compiled byte class, built once by New and never changed.
type Set struct {
	in [256]bool
}

// New compiles the class of the bytes c for which in(c) is true.
func New(in func(c byte) bool) *Set {
	s := &Set{}
	for c := 0; c < 256; c++ {
		s.in[c] = in(byte(c))
	}
	return s
}

// Has reports whether b is in the class.
func (c *Set) Has(b byte) bool { return c.in[b] }

// Run returns the first maximal run w[s:e] of bytes in class at least min
// long that starts at from or later, where from is 0 or follows a byte not
// in class; s is -1 if there is none. The next run is asked for from e+1.
func (c *Set) Run(w []byte, min, from int) (s, e int) {
	return runSkip(w, c, min, from)
}

// runSkip is Run one byte at a time. Text is mostly short words, so it
// looks at every min-th byte, as Horspool's search does: a long enough run
// starting at or after from covers w[from+min-1], and a walk back from
// there either reaches from (a run) or finds a byte past which the next
// run must start.
func runSkip(w []byte, c *Set, min, from int) (s, e int) {
	class := &c.in
	i := from
	for i+min <= len(w) {
		k := i + min - 1
		for k >= i && class[w[k]] {
			k--
		}
		if k >= i {
			i = k + 1
			continue
		}
		e := i + min
		for e < len(w) && class[w[e]] {
			e++
		}
		return i, e
	}
	return -1, -1
}
