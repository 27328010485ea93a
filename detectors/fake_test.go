package detectors

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"
)

// fakeBytes builds its message by hand; the bytes must stay those of the
// fmt-built message every example, fingerprint and test was made from.
func TestFakeBytesAreTheFormattedMessagesHashes(t *testing.T) {
	ref := func(label string, n int) []byte {
		var out []byte
		for i := 0; len(out) < n; i++ {
			h := sha256.Sum256(fmt.Appendf(nil, "keyward/scan wallet example %s %d", label, i))
			out = append(out, h[:]...)
		}
		return out[:n]
	}
	for _, label := range []string{"", "binance", "exchange kraken secret", strings.Repeat("long label ", 12), "ünïcode/3"} {
		for _, n := range []int{0, 1, 31, 32, 33, 64, 100, 320, 1000} {
			if got, want := fakeBytes(label, n), ref(label, n); !bytes.Equal(got, want) {
				t.Errorf("fakeBytes(%q, %d) = %x, want %x", label, n, got, want)
			}
		}
	}
}
