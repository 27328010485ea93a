//go:build amd64 && !purego

#include "textflag.h"

// TABLES loads the nibble tables at AX into both lanes of Y0 (by low
// nibble) and Y1 (by high nibble), 0x0f bytes into Y2 and zeros into Y3;
// it overwrites BX.
#define TABLES \
	VBROADCASTI128 (AX), Y0; \
	VBROADCASTI128 16(AX), Y1; \
	MOVQ $0x0f0f0f0f0f0f0f0f, BX; \
	MOVQ BX, X2; \
	VPBROADCASTQ X2, Y2; \
	VPXOR Y3, Y3, Y3

// OUTOFCLASS sets AX to the mask of the bytes out of class of the 64 at
// SI (bit i for byte i): a byte b is in the class when
// nib[b&15] & nib[16+b>>4] != 0, two VPSHUFB lookups, an AND and a
// compare with zero per 32 bytes. It overwrites BX and Y4-Y7.
#define OUTOFCLASS \
	VMOVDQU (SI), Y4; \
	VMOVDQU 32(SI), Y5; \
	VPSRLW $4, Y4, Y6; \
	VPSRLW $4, Y5, Y7; \
	VPAND Y2, Y4, Y4; \
	VPAND Y2, Y5, Y5; \
	VPAND Y2, Y6, Y6; \
	VPAND Y2, Y7, Y7; \
	VPSHUFB Y4, Y0, Y4; \
	VPSHUFB Y5, Y0, Y5; \
	VPSHUFB Y6, Y1, Y6; \
	VPSHUFB Y7, Y1, Y7; \
	VPAND Y6, Y4, Y4; \
	VPAND Y7, Y5, Y5; \
	VPCMPEQB Y3, Y4, Y4; \
	VPCMPEQB Y3, Y5, Y5; \
	VPMOVMSKB Y4, AX; \
	VPMOVMSKB Y5, BX; \
	SHLQ $32, BX; \
	ORQ  BX, AX

// func maskAVX2(nib *[32]byte, p []byte, out []uint64)
TEXT ·maskAVX2(SB), NOSPLIT, $0-56
	MOVQ nib+0(FP), AX
	MOVQ p_base+8(FP), SI
	MOVQ out_base+32(FP), DI
	MOVQ out_len+40(FP), CX
	TESTQ CX, CX
	JZ   done
	TABLES

loop:
	OUTOFCLASS
	NOTQ AX
	MOVQ AX, (DI)
	ADDQ $64, SI
	ADDQ $8, DI
	DECQ CX
	JNZ  loop
	VZEROUPPER

done:
	RET

// func skipAVX2(nib *[32]byte, p []byte, min, carry int, shifts *[6]uint64) (j, carryOut int, m uint64)
//
// skipAVX2 passes over the 64-byte blocks of p in which no run of min
// can end or lie: those all in class (carry grows by 64), and those whose
// first byte out of class ends the carried run short of min and that hold
// no min bits in a row (the shift-and over the shifts, which are 0 when
// min > 62). It returns the first other block's index and mask and the
// class bytes just before it, or len(p)/64 and the carry at the end.
TEXT ·skipAVX2(SB), NOSPLIT, $0-80
	MOVQ p_base+8(FP), SI
	MOVQ p_len+16(FP), DI
	SHRQ $6, DI
	MOVQ min+32(FP), R9
	MOVQ carry+40(FP), DX
	MOVQ shifts+48(FP), R10
	XORQ R8, R8
	XORQ AX, AX
	TESTQ DI, DI
	JZ   end
	MOVQ nib+0(FP), AX
	TABLES

block:
	OUTOFCLASS
	MOVQ AX, BX // BX: the bytes out of class
	NOTQ AX     // AX: the mask m
	TESTQ BX, BX
	JZ   full

	// The carried run ends at the block's first byte out of class.
	BSFQ BX, CX
	ADDQ DX, CX
	CMPQ CX, R9
	JGE  found

	// y keeps bit i when bits i..i+min-1 of m are set.
	MOVQ AX, CX
	MOVQ 0(R10), R11
	SHRXQ R11, CX, BX
	ANDQ BX, CX
	MOVQ 8(R10), R11
	SHRXQ R11, CX, BX
	ANDQ BX, CX
	MOVQ 16(R10), R11
	SHRXQ R11, CX, BX
	ANDQ BX, CX
	MOVQ 24(R10), R11
	SHRXQ R11, CX, BX
	ANDQ BX, CX
	MOVQ 32(R10), R11
	SHRXQ R11, CX, BX
	ANDQ BX, CX
	MOVQ 40(R10), R11
	SHRXQ R11, CX, BX
	ANDQ BX, CX
	CMPQ R9, $62
	JGT  carry
	TESTQ CX, CX
	JNZ  found

carry:
	// The next block's carry: the bytes in class after the last one out.
	MOVQ AX, BX
	NOTQ BX
	BSRQ BX, DX
	XORQ $63, DX
	JMP  next

full:
	ADDQ $64, DX

next:
	ADDQ $64, SI
	INCQ R8
	CMPQ R8, DI
	JLT  block
	XORQ AX, AX

found:
	VZEROUPPER

end:
	MOVQ R8, j+56(FP)
	MOVQ DX, carryOut+64(FP)
	MOVQ AX, m+72(FP)
	RET

// func countAVX2(nib *[32]byte, p []byte) int
TEXT ·countAVX2(SB), NOSPLIT, $0-40
	MOVQ p_base+8(FP), SI
	MOVQ p_len+16(FP), DI
	SHRQ $6, DI
	XORQ DX, DX
	TESTQ DI, DI
	JZ   cend
	MOVQ nib+0(FP), AX
	TABLES

cblock:
	OUTOFCLASS
	NOTQ AX
	POPCNTQ AX, AX
	ADDQ AX, DX
	ADDQ $64, SI
	DECQ DI
	JNZ  cblock
	VZEROUPPER

cend:
	MOVQ DX, ret+32(FP)
	RET
