package content

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// Random bytes (disk images, encrypted and compressed data) are binary
// for every seed, not only for the ones whose control-byte share happens
// to land above a tenth.
func TestSniffRandom(t *testing.T) {
	for seed := byte(0); seed < 32; seed++ {
		b := make([]byte, sniffSize)
		rand.NewChaCha8([32]byte{seed}).Read(b)
		if sniff(b) != kindBinary {
			t.Errorf("seed %d: random bytes taken for text", seed)
		}
	}
	if sniff([]byte("BINANCE_API_KEY=abc\x00\nBINANCE_API_SECRET=def\n# notes\n")) != kindTextWithNUL {
		t.Error("text with a stray NUL taken for binary")
	}
}

// controlByte.Count, 64 or eight bytes at a time, counts the control
// bytes: every byte value at every place in a word, words of text and of
// random bytes, and the tails shorter than a word.
func TestControlBytesCountsWhatTheTableMarks(t *testing.T) {
	byTable := func(b []byte) int {
		n := 0
		for _, c := range b {
			if c < 0x20 && !strings.ContainsRune("\t\n\r\f\v\x1b", rune(c)) || c == 0x7f {
				n++
			}
		}
		return n
	}
	var cases [][]byte
	for v := 0; v < 256; v++ {
		for at := 0; at < 8; at++ {
			b := []byte("ab\tcd\nef")
			b[at] = byte(v)
			cases = append(cases, b)
		}
	}
	r := rand.NewChaCha8([32]byte{7})
	for n := 0; n < 40; n++ {
		b := make([]byte, n*29)
		r.Read(b)
		cases = append(cases, b)
		cases = append(cases, []byte("GITHUB_TOKEN=abc\r\n\x1b[0m\x7f\x00\x01\x1f\x20 \v\f"[:n%30]))
	}
	for _, b := range cases {
		if got, want := controlByte.Count(b), byTable(b); got != want {
			t.Fatalf("%q: %d control bytes, want %d", b, got, want)
		}
	}
}
