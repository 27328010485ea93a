package detectors

import (
	"crypto/sha256"
	"math/big"
	"strings"

	"github.com/keyward/scan/internal/byteclass"
)

// Base58 is written out here rather than taken from a dependency: the
// decoder runs on every candidate that looks like a key, and the Bitcoin
// alphabet is all we need.

const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

var base58Index = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(base58Alphabet); i++ {
		t[base58Alphabet[i]] = int8(i)
	}
	return t
}()

// base58Decode decodes the Bitcoin base58 alphabet. Leading '1's are zero
// bytes. It reports false on any character outside the alphabet.
func base58Decode(s string) ([]byte, bool) {
	zeros := 0
	for zeros < len(s) && s[zeros] == '1' {
		zeros++
	}
	// log(58)/log(256) ≈ 0.733: the decoded size never exceeds this bound.
	out := make([]byte, (len(s)-zeros)*733/1000+1)
	n := 0 // bytes of out in use, counted from the end
	for i := zeros; i < len(s); i++ {
		v := base58Index[s[i]]
		if v < 0 {
			return nil, false
		}
		carry := int(v)
		j := 0
		for k := len(out) - 1; (carry != 0 || j < n) && k >= 0; k-- {
			carry += 58 * int(out[k])
			out[k] = byte(carry)
			carry >>= 8
			j++
		}
		n = j
	}
	res := make([]byte, zeros+n)
	copy(res[zeros:], out[len(out)-n:])
	return res, true
}

// base58Encode is the inverse of base58Decode; notes use it to show Solana
// public keys and tests use it to build candidates.
func base58Encode(b []byte) string {
	zeros := 0
	for zeros < len(b) && b[zeros] == 0 {
		zeros++
	}
	x := new(big.Int).SetBytes(b[zeros:])
	mod := new(big.Int)
	base := big.NewInt(58)
	var rev []byte
	for x.Sign() > 0 {
		x.DivMod(x, base, mod)
		rev = append(rev, base58Alphabet[mod.Int64()])
	}
	out := make([]byte, 0, zeros+len(rev))
	for i := 0; i < zeros; i++ {
		out = append(out, '1')
	}
	for i := len(rev) - 1; i >= 0; i-- {
		out = append(out, rev[i])
	}
	return string(out)
}

func doubleSHA256(b []byte) [32]byte {
	h := sha256.Sum256(b)
	return sha256.Sum256(h[:])
}

// base58CheckDecode returns the payload (version bytes included) when the
// last four bytes are the double-SHA-256 checksum of the rest.
func base58CheckDecode(s string) ([]byte, bool) {
	b, ok := base58Decode(s)
	if !ok || len(b) < 5 {
		return nil, false
	}
	payload, sum := b[:len(b)-4], b[len(b)-4:]
	h := doubleSHA256(payload)
	if h[0] != sum[0] || h[1] != sum[1] || h[2] != sum[2] || h[3] != sum[3] {
		return nil, false
	}
	return payload, true
}

// base58CheckEncode appends the checksum and encodes.
func base58CheckEncode(payload []byte) string {
	h := doubleSHA256(payload)
	return base58Encode(append(append([]byte(nil), payload...), h[:4]...))
}

var isBase58 = byteclass.New(func(c byte) bool {
	return strings.IndexByte(base58Alphabet, c) >= 0
})

// base58Runs returns a Finder for whole words of base58 characters whose
// length is between min and max and whose first character is in first: a
// byte loop, because these values need no label and a regex over every
// window is the slowest way to find them.
func base58Runs(min, max int, first string) func([]byte) [][2]int {
	var firstOK [256]bool
	for _, c := range []byte(first) {
		firstOK[c] = true
	}
	return func(w []byte) [][2]int {
		var out [][2]int
		for s, e := isBase58.Run(w, min, 0); s >= 0; s, e = isBase58.Run(w, min, e+1) {
			// A word boundary on both sides: not part of a longer token.
			if e-s <= max && firstOK[w[s]] && (s == 0 || !isWordByte(w[s-1])) && (e == len(w) || !isWordByte(w[e])) {
				out = append(out, [2]int{s, e})
			}
		}
		return out
	}
}

func isWordByte(c byte) bool {
	return c == '_' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}

func isHexByte(c byte) bool {
	return ('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

// hexKeys finds 64 hex digits (optionally after 0x) standing alone as a
// word: EVM private keys' shape, by a byte loop.
func hexKeys(w []byte) [][2]int {
	var out [][2]int
	for s, i := isHex.Run(w, 64, 0); s >= 0; s, i = isHex.Run(w, 64, i+1) {
		start := s
		// "0x" is hex-ish only in its 0; the x ends the run before it.
		if s >= 2 && w[s-1] == 'x' && w[s-2] == '0' && (s == 2 || !isAlnum(w[s-3])) {
			start = s - 2
		} else if s > 0 && isAlnum(w[s-1]) {
			continue
		}
		if i-s == 64 && (i == len(w) || !isAlnum(w[i])) {
			out = append(out, [2]int{start, i})
		}
	}
	return out
}

var isHex = byteclass.New(isHexByte)

func isAlnum(c byte) bool {
	return ('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}
