//go:build amd64 && !purego

package byteclass

import "golang.org/x/sys/cpu"

// hasSIMD says whether Run and Count take the AVX2 kernels (which also
// shift with BMI2's SHRX and count with POPCNT); it is read once, from the
// processor.
var hasSIMD = cpu.X86.HasAVX2 && cpu.X86.HasBMI2 && cpu.X86.HasPOPCNT

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

// countAVX2 counts the bytes in class in the len(p)/64 whole blocks of p.
//
//go:noescape
func countAVX2(nib *[32]byte, p []byte) int

func countSIMD(nib *[32]byte, p []byte) int { return countAVX2(nib, p) }
