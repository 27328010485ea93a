//go:build !amd64 || purego

package byteclass

const hasSIMD = false

// maskSIMD, skipSIMD and countSIMD are never called where hasSIMD is
// false; Run and Count take the byte loops instead.
func maskSIMD(nib *[32]byte, p []byte, out []uint64) { panic("byteclass: no vector kernel") }

func skipSIMD(nib *[32]byte, p []byte, min, carry int, shifts *[6]uint64) (j, carryOut int, m uint64) {
	panic("byteclass: no vector kernel")
}

func countSIMD(nib *[32]byte, p []byte) int { panic("byteclass: no vector kernel") }
