// Package byteclass finds long runs of the bytes of one class (base64
// characters, base58 digits, a phrase's letters and separators) without
// looking at every byte one at a time.
package byteclass

import "math/bits"

// Set is a compiled byte class: the table the byte loops read, and the
// nibble tables of the vector kernel, built once by New and never changed.
type Set struct {
	in [256]uint8 // 1 for a byte in the class, so that counting adds
	// nib holds two 16-byte tables, indexed by a byte's low nibble and by
	// its high nibble: a byte is in the class when the two entries share a
	// bit. Each bit stands for a group of high nibbles whose bytes have the
	// same set of low nibbles in the class, so 8 bits cover every class
	// whose 16 columns (bytes >= 0x80 included) have at most 8 distinct
	// non-empty low-nibble sets.
	nib [32]byte
	// simd is false for a class with more than 8 such sets: Run then
	// takes the byte loop, which holds any class.
	simd bool
}

// New compiles the class of the bytes c for which in(c) is true.
func New(in func(c byte) bool) *Set {
	s := &Set{}
	var cols [16]uint16 // cols[hi] has bit lo set when hi<<4|lo is in the class
	for c := 0; c < 256; c++ {
		if in(byte(c)) {
			s.in[c] = 1
			cols[c>>4] |= 1 << (c & 15)
		}
	}
	var groups []uint16
	for hi, col := range cols {
		if col == 0 {
			continue
		}
		g := 0
		for g < len(groups) && groups[g] != col {
			g++
		}
		if g == len(groups) {
			groups = append(groups, col)
		}
		if g >= 8 {
			// A byte's nibble entries have 8 bits to share; this class
			// cannot be told apart in them.
			return s
		}
		s.nib[16+hi] = 1 << g
		for lo := 0; lo < 16; lo++ {
			if col&(1<<lo) != 0 {
				s.nib[lo] |= 1 << g
			}
		}
	}
	s.simd = true
	return s
}

// Has reports whether b is in the class.
func (c *Set) Has(b byte) bool { return c.in[b] != 0 }

// Run returns the first maximal run w[s:e] of bytes in class at least min
// long that starts at from or later, where from is 0 or follows a byte not
// in class; s is -1 if there is none. The next run is asked for from e+1.
func (c *Set) Run(w []byte, min, from int) (s, e int) {
	if hasSIMD && c.simd && min >= 1 {
		return runMasks(w, c, min, from, true)
	}
	return runSkip(w, c, min, from)
}

// Count returns how many bytes of b are in the class.
func (c *Set) Count(b []byte) int {
	if hasSIMD && c.simd && len(b) >= 64 {
		whole := len(b) &^ 63
		return countSIMD(&c.nib, b[:whole]) + countGo(c, b[whole:])
	}
	return countGo(c, b)
}

// countGo is Count without the vector kernel. It takes eight bytes a
// turn: at one a turn, the loop's own bookkeeping cost as much as the
// count.
func countGo(c *Set, b []byte) int {
	n := 0
	for len(b) >= 8 {
		w := b[:8:8]
		n += int(c.in[w[0]]) + int(c.in[w[1]]) + int(c.in[w[2]]) + int(c.in[w[3]]) +
			int(c.in[w[4]]) + int(c.in[w[5]]) + int(c.in[w[6]]) + int(c.in[w[7]])
		b = b[8:]
	}
	for _, x := range b {
		n += int(c.in[x])
	}
	return n
}

// runSkip is Run one byte at a time, for machines without the vector
// kernel. Text is mostly short words, so it looks at every min-th byte, as
// Horspool's search does: a long enough run starting at or after from
// covers w[from+min-1], and a walk back from there either reaches from (a
// run) or finds a byte past which the next run must start.
func runSkip(w []byte, c *Set, min, from int) (s, e int) {
	class := &c.in
	i := from
	for i+min <= len(w) {
		k := i + min - 1
		for k >= i && class[w[k]] != 0 {
			k--
		}
		if k >= i {
			i = k + 1
			continue
		}
		e := i + min
		for e < len(w) && class[w[e]] != 0 {
			e++
		}
		return i, e
	}
	return -1, -1
}

// maskWords is how many 64-byte blocks the Go kernel classifies per call.
const maskWords = 8

// runMasks is Run over membership masks, bit i of a word for byte i of a
// 64-byte block. A run is found with bit operations instead of a branch
// per byte: in source code most bytes are letters, and a walk back
// through every word mispredicts. With simd, the vector kernel passes over
// the blocks where nothing happens and this loop reads only the others;
// without, maskGo (the kernel's reference in tests) classifies every block.
func runMasks(w []byte, c *Set, min, from int, simd bool) (s, e int) {
	if from < 0 || min > len(w)-from {
		return -1, -1
	}
	var sh [6]uint64
	if simd {
		sh = shifts(min)
	}
	var buf [maskWords]uint64
	// carry counts the class bytes just before base: a run reaching the
	// end of one block goes on in the next.
	carry := 0
	base := from
	for base < len(w) {
		n := len(w) - base
		var ms []uint64
		switch {
		case n >= 64 && simd:
			j, cr, m := skipSIMD(&c.nib, w[base:base+(n&^63)], min, carry, &sh)
			base += 64 * j
			carry = cr
			if j == n/64 {
				continue
			}
			buf[0] = m
			ms = buf[:1]
		case n >= 64:
			k := n / 64
			if k > maskWords {
				k = maskWords
			}
			ms = buf[:k]
			masks(&c.nib, w[base:base+64*k], ms, false)
		default:
			// The tail goes through the kernel from a copy; the bytes
			// past the end are cleared from its mask.
			var tail [64]byte
			copy(tail[:], w[base:])
			ms = buf[:1]
			masks(&c.nib, tail[:], ms, simd)
			ms[0] &= uint64(1)<<n - 1
		}
		for j, m := range ms {
			b := base + 64*j
			if m == ^uint64(0) {
				carry += 64
				continue
			}
			// The run carried in ends at the block's first byte out of
			// class.
			if t := bits.TrailingZeros64(^m); carry+t >= min {
				return b - carry, b + t
			}
			// A run touching neither end of the block is at most 62
			// long; the others are carried.
			if min <= 62 {
				// y keeps bit i when bits i..i+min-1 of m are all set,
				// by doubling the span each step; its lowest bit starts
				// the block's first run of min. A run reaching the
				// block's end is carried instead, its end not yet known.
				y := m
				for k := 1; k < min; {
					d := min - k
					if d > k {
						d = k
					}
					y &= y >> d
					k += d
				}
				if y != 0 {
					p := bits.TrailingZeros64(y)
					if q := p + bits.TrailingZeros64(^(m >> p)); q < 64 {
						return b + p, b + q
					}
				}
			}
			carry = bits.LeadingZeros64(^m)
		}
		base += 64 * len(ms)
	}
	if carry >= min {
		return len(w) - carry, len(w)
	}
	return -1, -1
}

// shifts is the shift-and doubling's schedule in the vector kernel's six
// steps: a bit stays set when the bit d above does, doubling the span each
// step until it is min; 0 pads. Six steps reach 63; the kernel looks for
// no run in a block when min > 62, and the schedule is all 0.
func shifts(min int) (s [6]uint64) {
	if min > 62 {
		return s
	}
	i := 0
	for k := 1; k < min; i++ {
		d := min - k
		if d > k {
			d = k
		}
		s[i] = uint64(d)
		k += d
	}
	return s
}

// masks calls a kernel directly, not through a function value, so that
// the buffers stay on the stack.
func masks(nib *[32]byte, p []byte, out []uint64, simd bool) {
	if simd {
		maskSIMD(nib, p, out)
	} else {
		maskGo(nib, p, out)
	}
}

// maskGo is the kernel in Go: the vector kernel's reference in tests.
func maskGo(nib *[32]byte, p []byte, out []uint64) {
	for j := range out {
		var m uint64
		for i, b := range p[64*j : 64*j+64] {
			if nib[b&15]&nib[16+b>>4] != 0 {
				m |= 1 << i
			}
		}
		out[j] = m
	}
}
