package byteclass

import (
	"bytes"
	"math/bits"
	"math/rand/v2"
	"slices"
	"testing"
)

// impl is one way of answering Run.
type impl struct {
	name string
	run  func(w []byte, c *Set, min, from int) (int, int)
	// masks is true for the ways that read the nibble tables, which
	// hold only a class with Set.simd.
	masks bool
}

// impls names every implementation this machine can run, each called
// directly: the vector kernel is tested wherever it can run, not only
// when Run happens to choose it.
func impls(t testing.TB) []impl {
	out := []impl{
		{"skip", runSkip, false},
		{"masks-go", func(w []byte, c *Set, min, from int) (int, int) { return runMasks(w, c, min, from, false) }, true},
		{"Run", func(w []byte, c *Set, min, from int) (int, int) { return c.Run(w, min, from) }, false},
	}
	if hasSIMD {
		out = append(out, impl{"masks-simd", func(w []byte, c *Set, min, from int) (int, int) { return runMasks(w, c, min, from, true) }, true})
	} else {
		t.Logf("no vector kernel on this machine or build: testing the Go paths only")
	}
	return out
}

// every is Run's meaning, by a walk over every byte from from: the
// maximal runs of the class at least min long, in order.
func every(w []byte, c *Set, min, from int) [][2]int {
	var out [][2]int
	for i := from; i < len(w); {
		if !c.Has(w[i]) {
			i++
			continue
		}
		s := i
		for i < len(w) && c.Has(w[i]) {
			i++
		}
		if i-s >= min {
			out = append(out, [2]int{s, i})
		}
	}
	return out
}

// all collects the runs an implementation finds, each asked from the end
// of the last plus one, as the callers ask.
func all(f impl, w []byte, c *Set, min int) [][2]int {
	var out [][2]int
	for s, e := f.run(w, c, min, 0); s >= 0; s, e = f.run(w, c, min, e+1) {
		out = append(out, [2]int{s, e})
		if len(out) > len(w)+1 {
			break // a broken implementation must not loop forever
		}
	}
	return out
}

// check compares every implementation with the walk on w: the whole
// sequence of runs, and a call from every position after a byte out of
// class (from > 0, not only the ends of runs).
func check(t testing.TB, fs []impl, w []byte, c *Set, min int) {
	t.Helper()
	if !c.simd {
		fs = slices.DeleteFunc(slices.Clone(fs), func(f impl) bool { return f.masks })
	}
	want := every(w, c, min, 0)
	for _, f := range fs {
		if got := all(f, w, c, min); !slices.Equal(got, want) {
			t.Fatalf("%s, min %d, len %d, %q: found %v, want %v", f.name, min, len(w), w, got, want)
		}
	}
	for from := 1; from <= len(w)+1; from++ {
		if from <= len(w) && c.Has(w[from-1]) {
			continue
		}
		ws, we := -1, -1
		for _, r := range want {
			if r[0] >= from {
				ws, we = r[0], r[1]
				break
			}
		}
		for _, f := range fs {
			if s, e := f.run(w, c, min, from); s != ws || e != we {
				t.Fatalf("%s, min %d, from %d, len %d, %q: found [%d %d], want [%d %d]", f.name, min, from, len(w), w, s, e, ws, we)
			}
		}
	}
}

var (
	hexSet   = New(func(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' })
	alnumSet = New(func(c byte) bool {
		return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' || 'x' <= c && c <= 'z'
	})
	// highSet holds bytes >= 0x80 (UTF-8 lead and continuation bytes)
	// besides letters: the kernel's nibble tables must tell them apart
	// from the ASCII bytes with the same low nibble.
	highSet = New(func(c byte) bool { return 'a' <= c && c <= 'z' || 0x80 <= c && c < 0xc0 || c == 0xe2 || c == 0xff })
	// wideSet has more distinct high-nibble columns than the kernel's 8
	// bits: Run answers it by the byte loop.
	wideSet = New(func(c byte) bool { return c%17 == 3 || c%13 == 1 || c == ' ' })
)

// sets are the classes of the tests, and the bytes their texts are made of.
var sets = []struct {
	name  string
	c     *Set
	bytes string
}{
	{"hex", hexSet, "0123456789abcdefABCDEFxyz -_x0O\n"},
	{"alnum", alnumSet, "0123456789abcdefABCDEFxyz -_x0O\n"},
	{"high", highSet, "abcxyz\x80\x9f\xbf\xc0\xe2\xe3\xff\xfe\x00\x01 0Z"},
	{"wide", wideSet, "\x03\x14\x01\x0e \x00\x02\xf0\xfe\xff\x25\x1b\x9a"},
}

// text makes a text of runs of class bytes with lengths near min,
// separated by bytes out of class, so runs just short of min, just long
// enough, and longer than a 64-byte block all occur, ending anywhere in a
// block and at the end of the text.
func text(rng *rand.Rand, c *Set, bytes string, min, size int) []byte {
	var in, out []byte
	for i := 0; i < len(bytes); i++ {
		if c.Has(bytes[i]) {
			in = append(in, bytes[i])
		} else {
			out = append(out, bytes[i])
		}
	}
	var b []byte
	for len(b) < size {
		n := rng.IntN(min + 3)
		switch rng.IntN(6) {
		case 0:
			n = min - 1 + rng.IntN(3)
		case 1:
			n = rng.IntN(3 * min)
		case 2:
			n = 64 - len(b)%64 + rng.IntN(3) - 1 // ending at a block's edge
		}
		for j := 0; j < n; j++ {
			b = append(b, in[rng.IntN(len(in))])
		}
		b = append(b, out[rng.IntN(len(out))])
	}
	b = b[:rng.IntN(len(b))]
	if rng.IntN(3) == 0 {
		// End on a run.
		for j := rng.IntN(2 * min); j > 0; j-- {
			b = append(b, in[rng.IntN(len(in))])
		}
	}
	return b
}

// Every implementation must find what a walk over every byte finds: every
// maximal run of the class at least min long, on texts of runs of every
// length near min, shorter and longer than a block, starting at odd
// addresses.
func TestRunAgreesWithEveryByteWalk(t *testing.T) {
	fs := impls(t)
	rng := rand.New(rand.NewPCG(3, 4))
	mins := []int{1, 2, 3, 7, 27, 31, 32, 33, 47, 51, 61, 62, 63, 64, 65, 95, 100}
	for range 10 {
		mins = append(mins, 1+rng.IntN(100))
	}
	for _, min := range mins {
		for _, set := range sets {
			for round := 0; round < 200; round++ {
				size := 1 + rng.IntN(40)
				if round%2 == 0 {
					size = 64 + rng.IntN(600)
				}
				b := text(rng, set.c, set.bytes, min, size)
				// A subslice at an odd offset of a larger buffer, with
				// class bytes around it that must not be read into it.
				off := rng.IntN(64)
				buf := make([]byte, off+len(b)+64)
				for i := range buf {
					buf[i] = set.bytes[0]
				}
				copy(buf[off:], b)
				check(t, fs, buf[off:off+len(b):off+len(b)], set.c, min)
			}
		}
	}
}

// The vector kernel's masks are the Go kernel's, for every byte value,
// at every alignment, for classes with bytes >= 0x80.
func TestMaskKernelAgreesWithGo(t *testing.T) {
	if !hasSIMD {
		t.Skip("no vector kernel on this machine or build")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for _, set := range sets {
		if !set.c.simd {
			continue
		}
		for round := 0; round < 200; round++ {
			n := 1 + rng.IntN(12)
			off := rng.IntN(64)
			buf := make([]byte, off+64*n)
			for i := range buf {
				buf[i] = byte(rng.Uint32())
			}
			want := make([]uint64, n)
			got := make([]uint64, n)
			maskGo(&set.c.nib, buf[off:], want)
			maskSIMD(&set.c.nib, buf[off:], got)
			if !slices.Equal(got, want) {
				t.Fatalf("%s, offset %d: masks %x, want %x", set.name, off, got, want)
			}
		}
	}
}

// New must hold any class: the nibble tables mark exactly the class's
// bytes when they can, and the rest are answered by the byte loop.
func TestNewHoldsEveryClass(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    *Set
		simd bool
	}{
		{"hex", hexSet, true},
		{"high bytes", highSet, true},
		{"all", New(func(byte) bool { return true }), true},
		{"none", New(func(byte) bool { return false }), true},
		// One byte in each of 8 high-nibble columns, a different low
		// nibble in each, the columns above 0x80 repeating those below:
		// 8 groups, the most the tables hold.
		{"8 groups", New(func(c byte) bool { return c&15 == c>>4&7 }), true},
		{"9 groups", New(func(c byte) bool { return c&15 == c>>4 && c < 0x90 }), false},
		{"more than 8 columns", wideSet, false},
	} {
		if tc.c.simd != tc.simd {
			t.Errorf("%s: vector kernel %v, want %v", tc.name, tc.c.simd, tc.simd)
		}
		if !tc.c.simd {
			continue
		}
		for b := 0; b < 256; b++ {
			if got := tc.c.nib[b&15]&tc.c.nib[16+b>>4] != 0; got != tc.c.Has(byte(b)) {
				t.Errorf("%s: byte %#x in the nibble tables %v, in the class %v", tc.name, b, got, tc.c.Has(byte(b)))
			}
		}
	}
}

// FuzzRunAgreesWithEveryByteWalk compares every implementation with the
// walk on any text, min and class, at any offset of a buffer.
func FuzzRunAgreesWithEveryByteWalk(f *testing.F) {
	f.Add([]byte("deadbeef 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef x"), uint8(64), uint8(0), uint8(0))
	f.Add([]byte("ZXhhbXBsZSBvbmx5IG5vdCBhIHNlY3JldCBqdXN0IHNvbWUgdGV4dCB0byBmaW5kIGFnYWlu"), uint8(27), uint8(1), uint8(1))
	f.Add([]byte("abc\x80\x81\xbfdef\xe2\x80\x94 word\xffmore\xc3\xa9tail"), uint8(3), uint8(3), uint8(2))
	f.Add([]byte("\x03\x14\x01\x0e \x00\x03\x03\x14\x01\x0e \x03\x03\x03"), uint8(2), uint8(5), uint8(3))
	long := make([]byte, 200)
	for i := range long {
		long[i] = "0123456789abcdef"[i%16]
	}
	long[63], long[128] = ' ', ' '
	f.Add(long, uint8(63), uint8(7), uint8(0))
	f.Add(long, uint8(65), uint8(1), uint8(1))
	f.Add(long[:64], uint8(64), uint8(0), uint8(0))
	f.Add([]byte(""), uint8(1), uint8(0), uint8(0))
	fs := impls(f)
	f.Fuzz(func(t *testing.T, w []byte, min, off, class uint8) {
		if min == 0 || min > 100 || len(w) > 4096 {
			return
		}
		set := sets[int(class)%len(sets)]
		buf := make([]byte, int(off%64)+len(w))
		o := int(off % 64)
		copy(buf[o:], w)
		check(t, fs, buf[o:], set.c, int(min))
	})
}

// skipGo is skipAVX2's contract in Go: the first block of p in which a
// run of min can end or lie, its mask, and the class bytes before it.
func skipGo(nib *[32]byte, p []byte, min, carry int) (j, carryOut int, m uint64) {
	n := len(p) / 64
	out := make([]uint64, n)
	maskGo(nib, p, out)
	for j, m := range out {
		if m == ^uint64(0) {
			carry += 64
			continue
		}
		// Any min bits in a row stop it, even at the block's ends
		// (runMasks then finds the run or carries it), but not when min
		// is over 62, where only the carry can make a run.
		longest, run := 0, 0
		for i := 0; i < 64; i++ {
			if m&(1<<i) == 0 {
				run = 0
				continue
			}
			run++
			longest = max(longest, run)
		}
		in := min <= 62 && longest >= min
		if in || carry+bits.TrailingZeros64(^m) >= min {
			return j, carry, m
		}
		carry = bits.LeadingZeros64(^m)
	}
	return n, carry, 0
}

// The vector kernel passes over exactly the blocks where nothing happens:
// one it stops at needlessly costs only time, so Run's results cannot
// show it, but a shift or a count off by one does show here.
func TestSkipKernelStopsWhereRunsAre(t *testing.T) {
	if !hasSIMD {
		t.Skip("no vector kernel on this machine or build")
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for min := 1; min <= 100; min++ {
		sh := shifts(min)
		for _, set := range sets[:3] {
			for round := 0; round < 20; round++ {
				b := text(rng, set.c, set.bytes, min, 64*(1+rng.IntN(8)))
				off := rng.IntN(64)
				buf := make([]byte, off+len(b))
				copy(buf[off:], b)
				p := buf[off:]
				carry := 0
				if rng.IntN(2) == 0 {
					carry = rng.IntN(2 * min)
				}
				wj, wc, wm := skipGo(&set.c.nib, p, min, carry)
				if j, c, m := skipSIMD(&set.c.nib, p, min, carry, &sh); j != wj || c != wc || m != wm {
					t.Fatalf("%s, min %d, carry %d, %q: block %d, carry %d, mask %x; want %d, %d, %x", set.name, min, carry, p, j, c, m, wj, wc, wm)
				}
			}
		}
	}
}

// checkCount compares every way of counting the class's bytes with a
// count of every byte: the Go loop, Count, and the vector kernel over the
// whole blocks, called directly.
func checkCount(t testing.TB, w []byte, c *Set) {
	t.Helper()
	count := func(b []byte) int {
		n := 0
		for _, x := range b {
			if c.Has(x) {
				n++
			}
		}
		return n
	}
	want := count(w)
	if got := countGo(c, w); got != want {
		t.Fatalf("countGo, len %d, %q: %d, want %d", len(w), w, got, want)
	}
	if got := c.Count(w); got != want {
		t.Fatalf("Count, len %d, %q: %d, want %d", len(w), w, got, want)
	}
	if hasSIMD && c.simd {
		if got, want := countSIMD(&c.nib, w), count(w[:len(w)&^63]); got != want {
			t.Fatalf("countSIMD, len %d, %q: %d, want %d", len(w), w, got, want)
		}
	}
}

// Count must count what a look at every byte counts, for texts shorter
// and longer than a block, at odd offsets, with bytes >= 0x80.
func TestCountAgreesWithEveryByte(t *testing.T) {
	if !hasSIMD {
		t.Logf("no vector kernel on this machine or build: testing the Go loop only")
	}
	rng := rand.New(rand.NewPCG(9, 10))
	for _, set := range sets {
		for round := 0; round < 400; round++ {
			var b []byte
			if round%2 == 0 {
				b = text(rng, set.c, set.bytes, 1+rng.IntN(20), 1+rng.IntN(700))
			} else {
				b = make([]byte, rng.IntN(700))
				for i := range b {
					b[i] = byte(rng.Uint32())
				}
			}
			off := rng.IntN(64)
			buf := make([]byte, off+len(b)+64)
			for i := range buf {
				buf[i] = set.bytes[0]
			}
			copy(buf[off:], b)
			checkCount(t, buf[off:off+len(b):off+len(b)], set.c)
		}
	}
}

// FuzzCountAgreesWithEveryByte is TestCountAgreesWithEveryByte on any
// text, class and offset.
func FuzzCountAgreesWithEveryByte(f *testing.F) {
	f.Add([]byte("\x00\x01\x02text\x7f\x1b\n"), uint8(0), uint8(0))
	f.Add(bytes.Repeat([]byte("abc\x80\xff 0123456789abcdef"), 7), uint8(3), uint8(2))
	f.Add(bytes.Repeat([]byte{0x03, 0x14, 0x01, 0x0e}, 40), uint8(1), uint8(3))
	f.Fuzz(func(t *testing.T, w []byte, off, class uint8) {
		set := sets[int(class)%len(sets)]
		o := int(off % 64)
		buf := make([]byte, o+len(w))
		copy(buf[o:], w)
		checkCount(t, buf[o:], set.c)
	})
}
