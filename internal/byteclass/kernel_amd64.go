//go:build amd64 && !purego

package byteclass

import "golang.org/x/sys/cpu"

// hasSIMD says whether Run takes the AVX2 kernel (which shifts with BMI2's
// SHRX); it is read once, from the processor.
var hasSIMD = cpu.X86.HasAVX2 && cpu.X86.HasBMI2

// maskAVX2 sets out[j] to the membership mask of p[64*j:64*j+64] (bit i
// for byte i), from the nibble tables nib; len(p) >= 64*len(out).
//
//go:noescape
func maskAVX2(nib *[32]byte, p []byte, out []uint64)

//go:noescape
func skipAVX2(nib *[32]byte, p []byte, min, carry int, shifts *[6]uint64) (j, carryOut int, m uint64)

func maskSIMD(nib *[32]byte, p []byte, out []uint64) { maskAVX2(nib, p, out) }

func skipSIMD(nib *[32]byte, p []byte, min, carry int, shifts *[6]uint64) (j, carryOut int, m uint64) {
	return skipAVX2(nib, p, min, carry, shifts)
}
