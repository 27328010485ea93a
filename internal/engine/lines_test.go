package engine

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// lastNewline must answer as bytes.LastIndexByte does for every length
// and every place of the last newline, whatever the other bytes (0x0a
// differs from its neighbours 0x0b, 0x8a and 0x09 by one bit).
func TestLastNewlineAgreesWithLastIndexByte(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	alphabet := []byte{'a', '\n', 0x0b, 0x8a, 0x09, 0x00, 0xff, 0x7f, 0x0a ^ 0x80, ' '}
	for n := 0; n < 80; n++ {
		for round := 0; round < 200; round++ {
			b := make([]byte, n)
			for i := range b {
				b[i] = alphabet[r.IntN(len(alphabet))]
				if round%2 == 0 && b[i] == '\n' {
					b[i] = 'x' // mostly no newline but one planted below
				}
			}
			if n > 0 && round%4 == 0 {
				b[r.IntN(n)] = '\n'
			}
			if got, want := lastNewline(b), bytes.LastIndexByte(b, '\n'); got != want {
				t.Fatalf("%q: lastNewline = %d, want %d", b, got, want)
			}
		}
	}
}
