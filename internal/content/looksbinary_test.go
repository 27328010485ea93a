package content

import (
	"math/rand/v2"
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
