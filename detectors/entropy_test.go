package detectors

import (
	"math/rand/v2"
	"testing"
)

func randomString(r *rand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

// Random secrets of small alphabets and short lengths must pass the default
// floor: a fixed bits-per-character threshold drops many of them.
func TestEntropyRatioKeepsRandomSecrets(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	cases := []struct {
		name, alphabet string
		n              int
	}{
		{"hex20", "0123456789abcdef", 20},
		{"upperhex32", "0123456789ABCDEF", 32},
		{"alnum18", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 18},
		{"alnum64", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 64},
		{"b64-88", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/", 88},
	}
	for _, c := range cases {
		low := 0
		for i := 0; i < 2000; i++ {
			if EntropyRatio(randomString(r, c.alphabet, c.n)) < 0.8 {
				low++
			}
		}
		if low > 4 {
			t.Errorf("%s: %d of 2000 random strings fell below 0.8", c.name, low)
		}
	}
}

// Dashes that separate groups, and an issuer's prefix, are not symbols of
// the value: judged as 36 characters of base64url, about one random UUID in
// a thousand fell under the exchange rules' 0.7 floor (KuCoin secrets were
// dropped), and one bg_ Bitget key in 3,000.
func TestEntropyRatioKeepsGroupedValues(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const hex = "0123456789abcdef"
	const upperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	low := 0
	for i := 0; i < 20000; i++ {
		h := randomString(r, hex, 32)
		uuid := h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
		u := randomString(r, upperAlnum, 32)
		grouped := u[:8] + "-" + u[8:16] + "-" + u[16:24] + "-" + u[24:]
		prefixed := "bg_" + randomString(r, hex, 32)
		if EntropyRatio(uuid) < 0.7 || EntropyRatio(grouped) < 0.7 || EntropyRatio(prefixed) < 0.7 {
			low++
		}
	}
	if low > 0 {
		t.Errorf("%d of 20000 random grouped values fell below 0.7", low)
	}
	// Missed by the old measure.
	for _, v := range []string{"0c0c6ece-c4ec-4ebe-b689-e484c88d94e4", "bg_15499a444544dd545545e443c3506465"} {
		if r := EntropyRatio(v); r < 0.7 {
			t.Errorf("%s: ratio %.2f, want >= 0.7", v, r)
		}
	}
	// Grouped and prefixed patterns still score low.
	for _, v := range []string{"abcdabcd-abcd-abcd-abcd-abcdabcdabcd", "bg_abababababababababababababababab"} {
		if r := EntropyRatio(v); r >= 0.7 {
			t.Errorf("%s: ratio %.2f, want < 0.7", v, r)
		}
	}
}

func TestEntropyRatioRejectsPatterns(t *testing.T) {
	for _, s := range []string{
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		"abababababababababababababababab",
		"0000000000000000000000000000000000000000",
		"1234123412341234",
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	} {
		if r := EntropyRatio(s); r >= 0.8 {
			t.Errorf("%q: ratio %.2f, want < 0.8", s, r)
		}
	}
}

func TestExpectedEntropyApproachesAlphabetLimit(t *testing.T) {
	if e := expectedEntropy(4096, 16); e < 3.99 || e > 4 {
		t.Errorf("E[H](4096,16) = %f, want about 4", e)
	}
	if e := expectedEntropy(20, 16); e > 3.8 || e < 3.3 {
		t.Errorf("E[H](20,16) = %f, want between 3.3 and 3.8", e)
	}
}
