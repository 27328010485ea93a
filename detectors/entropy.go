package detectors

import (
	"math"
	"strings"
	"sync"

	"github.com/keyward/scan/internal/entropy"
)

// Entropy is judged against the alphabet and length of the candidate: random
// hex tops out at 4 bits per character and a 20-character string cannot
// reach log2 of a 64-symbol alphabet, so one fixed threshold in bits per
// character drops real secrets of small alphabets and short lengths.

// alphabetSize returns the size of the smallest usual secret alphabet that
// contains every byte of s: 10 digits, 16 hex, 26 letters, 36, 62
// alphanumerics, 64 for base64 and base64url, 94 printable ASCII.
func alphabetSize(s string) int {
	var digit, lowerHex, upperHex, lower, upper, b64, b64url, other bool
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case '0' <= c && c <= '9':
			digit = true
		case 'a' <= c && c <= 'f':
			lowerHex = true
		case 'A' <= c && c <= 'F':
			upperHex = true
		case 'a' <= c && c <= 'z':
			lower = true
		case 'A' <= c && c <= 'Z':
			upper = true
		case c == '+' || c == '/' || c == '=':
			b64 = true
		case c == '-' || c == '_':
			b64url = true
		default:
			other = true
		}
	}
	letters := lower || upper || lowerHex || upperHex
	switch {
	case other || (b64 && b64url):
		return 94
	case b64 || b64url:
		return 64
	case lower && upper, lower && upperHex, upper && lowerHex:
		return 62
	case lower || upper:
		if digit {
			return 36
		}
		return 26
	case lowerHex && upperHex:
		return 22
	case lowerHex || upperHex:
		return 16
	case digit && !letters:
		return 10
	}
	return 94
}

type entropyKey struct{ n, k int }

// expectedEntropyCache holds expectedEntropy's results: it is called for
// every candidate that reaches the entropy check.
var expectedEntropyCache sync.Map // entropyKey -> float64

// expectedEntropy is the mean empirical Shannon entropy of a string of n
// symbols drawn uniformly from an alphabet of k. Each symbol's count is
// Binomial(n, 1/k), so by linearity E[H] = -k Σ_c P(c) (c/n) log2(c/n).
func expectedEntropy(n, k int) float64 {
	if n <= 1 || k <= 1 {
		return 0
	}
	key := entropyKey{n, k}
	if v, ok := expectedEntropyCache.Load(key); ok {
		return v.(float64)
	}
	p := 1 / float64(k)
	lp, lq := math.Log(p), math.Log1p(-p)
	lgN, _ := math.Lgamma(float64(n + 1))
	sum := 0.0
	for c := 1; c <= n; c++ {
		lgC, _ := math.Lgamma(float64(c + 1))
		lgNC, _ := math.Lgamma(float64(n - c + 1))
		logP := lgN - lgC - lgNC + float64(c)*lp + float64(n-c)*lq
		pc := math.Exp(logP)
		if pc < 1e-300 {
			continue
		}
		f := float64(c) / float64(n)
		sum += pc * f * math.Log2(f)
	}
	v := -float64(k) * sum
	expectedEntropyCache.Store(key, v)
	return v
}

// EntropyRatio compares s with a random string of its own alphabet and
// length: about 1 for random secrets, well below for words and patterns.
func EntropyRatio(s string) float64 {
	s = withoutGroupDashes(withoutPrefix(s))
	e := expectedEntropy(len(s), alphabetSize(s))
	if e == 0 {
		return 0
	}
	return entropy.Shannon(s) / e
}

// withoutPrefix drops a short literal prefix that ends in '_' or '-' (bg_,
// mx0v-, pk_) from a value that holds no other such character: the prefix
// is fixed by the issuer, and its '_' made a hex key look like base64url,
// judged against 6 bits a character, so about one real Bitget key in 3,000
// fell under the floor.
func withoutPrefix(s string) string {
	i := strings.IndexAny(s, "_-")
	if i <= 0 || i > 8 || i == len(s)-1 || strings.ContainsAny(s[i+1:], "_-+/") {
		return s
	}
	for j := 0; j < i; j++ {
		if !isAlnum(s[j]) {
			return s
		}
	}
	return s[i+1:]
}

// withoutGroupDashes drops the dashes that only separate groups of a value
// (a UUID, XXXXXXXX-XXXXXXXX-… keys): counted as symbols, they would make a
// hex UUID look like a base64url string of 36 characters that scores only
// 3.5 of the 4.6 bits such a string should, and about one real KuCoin
// secret in a thousand fell under the threshold. A value that holds '_',
// '+' or '/' is base64 and keeps its dashes.
func withoutGroupDashes(s string) string {
	if !strings.Contains(s, "-") || strings.ContainsAny(s, "_+/") ||
		strings.HasPrefix(s, "-") || strings.HasSuffix(s, "-") || strings.Contains(s, "--") {
		return s
	}
	return strings.ReplaceAll(s, "-", "")
}
