package content

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// textRegionsByByte is what textRegions does, decided byte by byte: the
// reference the faster one is held to.
func textRegionsByByte(dst, src []byte) {
	copy(dst, src)
	bin := make([]bool, (len(src)+regionSize-1)/regionSize)
	for i := range bin {
		bin[i] = binaryShare(src[i*regionSize : min(len(src), (i+1)*regionSize)])
	}
	runStart := -1
	for i, c := range src {
		if (c >= 0x20 && c < 0x7f) || c == '\t' {
			if runStart < 0 {
				runStart = i
			}
			continue
		}
		if runStart >= 0 && i-runStart < minRun {
			for j := runStart; j < i; j++ {
				if bin[j/regionSize] {
					dst[j] = ' '
				}
			}
		}
		runStart = -1
		if c != '\n' && bin[i/regionSize] {
			dst[i] = ' '
		}
	}
}

// textRegions must see what the byte-by-byte judgement sees: random
// binary, text, and binary with printable runs of every length near
// minRun, across region boundaries and at the end of the part.
func TestTextRegionsAgreesWithByteByByte(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 9))
	text := []byte("api_key = \"k3y\"\n\tsecret: abc\r\nline\n")
	for round := 0; round < 400; round++ {
		var src []byte
		n := r.IntN(5 * regionSize)
		for len(src) < n {
			switch r.IntN(4) {
			case 0: // random bytes
				for k := r.IntN(3000); k > 0; k-- {
					src = append(src, byte(r.UintN(256)))
				}
			case 1: // a printable run near minRun, then a control byte
				for k := minRun - 2 + r.IntN(5); k > 0; k-- {
					src = append(src, byte(0x20+r.IntN(0x5f)))
				}
				src = append(src, "\x00\n\x7f\x01\xff"[r.IntN(5)])
			case 2: // text
				for k := r.IntN(200); k > 0; k-- {
					src = append(src, text[r.IntN(len(text))])
				}
			case 3: // a run straddling a region boundary
				if len(src) < regionSize {
					for len(src) < regionSize-r.IntN(minRun) {
						src = append(src, byte(r.UintN(32)))
					}
				}
				for k := r.IntN(2 * minRun); k > 0; k-- {
					src = append(src, 'a'+byte(r.IntN(26)))
				}
			}
		}
		if r.IntN(3) == 0 && len(src) > 0 { // end inside a short run
			src = append(src, "abc"[:1+r.IntN(3)]...)
		}
		got, want := make([]byte, len(src)), make([]byte, len(src))
		textRegions(got, src)
		textRegionsByByte(want, src)
		inPlace := bytes.Clone(src)
		textRegionsInPlace(inPlace)
		for _, c := range []struct {
			name string
			got  []byte
		}{{"textRegions", got}, {"textRegionsInPlace", inPlace}} {
			if got := c.got; !bytes.Equal(got, want) {
				i := 0
				for got[i] == want[i] {
					i++
				}
				t.Fatalf("%s, round %d (%d bytes): first difference at %d: got %q, want %q (src %q)", c.name, round, len(src), i, got[max(0, i-12):min(len(got), i+12)], want[max(0, i-12):min(len(want), i+12)], src[max(0, i-12):min(len(src), i+12)])
			}
		}
	}
}

// BenchmarkTextRegions sets textRegions beside the byte-by-byte judgement
// on a mebibyte of random bytes, a binary file's worst case.
func BenchmarkTextRegions(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	src := make([]byte, 1<<20)
	for i := range src {
		src[i] = byte(r.UintN(256))
	}
	dst := make([]byte, len(src))
	for _, impl := range []struct {
		name string
		f    func(dst, src []byte)
	}{{"runs", textRegions}, {"bytes", textRegionsByByte}} {
		b.Run("impl="+impl.name, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for i := 0; i < b.N; i++ {
				impl.f(dst, src)
			}
		})
	}
}
