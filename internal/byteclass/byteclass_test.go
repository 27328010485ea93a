package byteclass

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// Run skips ahead by the run length it needs; it must find what a walk
// over every byte finds: every maximal run of the class at least min long,
// on texts of runs of every length near min.
func TestRunAgreesWithEveryByteWalk(t *testing.T) {
	every := func(w []byte, class *[256]bool, min int) [][2]int {
		var out [][2]int
		for i := 0; i < len(w); {
			if !class[w[i]] {
				i++
				continue
			}
			s := i
			for i < len(w) && class[w[i]] {
				i++
			}
			if i-s >= min {
				out = append(out, [2]int{s, i})
			}
		}
		return out
	}
	var hex, alnum [256]bool
	for _, c := range []byte("0123456789abcdefABCDEF") {
		hex[c] = true
	}
	for _, c := range []byte("0123456789abcdefABCDEFxyz") {
		alnum[c] = true
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, min := range []int{1, 2, 7, 47, 51, 64} {
		for round := 0; round < 3000; round++ {
			var b []byte
			for len(b) < 400 {
				n := rng.IntN(min + 3)
				if rng.IntN(4) == 0 {
					n = min - 1 + rng.IntN(3)
				}
				for j := 0; j < n; j++ {
					b = append(b, "0123456789abcdefABCDEFxyz"[rng.IntN(25)])
				}
				b = append(b, " -_x0O\n"[rng.IntN(7)])
			}
			b = b[:rng.IntN(len(b))]
			for _, class := range []*[256]bool{&hex, &alnum} {
				var got [][2]int
				for s, e := Run(b, class, min, 0); s >= 0; s, e = Run(b, class, min, e+1) {
					got = append(got, [2]int{s, e})
				}
				if want := every(b, class, min); !slices.Equal(got, want) {
					t.Fatalf("min %d, %q: Run found %v, want %v", min, b, got, want)
				}
			}
		}
	}
}
