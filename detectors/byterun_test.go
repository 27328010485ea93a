package detectors

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// genericValue was a regular expression; the table must accept exactly
// what it did.
func TestByteRunAgreesWithItsRegexp(t *testing.T) {
	re := regexp.MustCompile(`^[A-Za-z0-9+/=_\-.~!@#$%^*]{8,200}$`)
	r := rand.New(rand.NewPCG(5, 6))
	const valid = "aqZ09+/=_-.~!@#$%^*"
	const pool = valid + ":;\"' \t\n,()[]{}<>?\\|`&é"
	for i := 0; i < 50000; i++ {
		n := r.IntN(210)
		b := make([]byte, n)
		for j := range b {
			b[j] = valid[r.IntN(len(valid))]
		}
		if i%2 == 0 && n > 0 {
			b[r.IntN(n)] = pool[r.IntN(len(pool))]
		}
		if got, want := genericValue.Match(b), re.Match(b); got != want {
			t.Fatalf("%q: table says %v, regexp %v", b, got, want)
		}
	}
	for _, v := range []string{"", "short", "abcdefgh", "abc defgh", "a-b_c.d~e!f@g#h$i%j^k*l", string(make([]byte, 201))} {
		if got, want := genericValue.Match([]byte(v)), re.MatchString(v); got != want {
			t.Errorf("%q: table says %v, regexp %v", v, got, want)
		}
	}
}

// The word check before genericLabel must never turn down a name the
// pattern accepts.
func TestGenericLabelWordsAreNecessary(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	parts := []string{"api", "_", "-", "KEY", "key", "Secret", "tok", "en", "TOKEN", "passw", "PassWord", "auth", "Header", "credential", "private", "access", "x", "id", "url", "d"}
	for i := 0; i < 50000; i++ {
		var b []byte
		for n := 1 + r.IntN(5); n > 0; n-- {
			b = append(b, parts[r.IntN(len(parts))]...)
		}
		if got, want := genericLabelMatch(b), genericLabel.Match(b); got != want {
			t.Fatalf("%q: with the word check %v, pattern alone %v", b, got, want)
		}
	}
}

// holdsUUIDShape lets uuidPairs skip a window: it must hold wherever
// uuidValue accepts a value, and where it says no there must be none.
func TestHoldsUUIDShapeIsNecessary(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	const pool = "0123456789abcdefABCDEF-g \n=\"'"
	find := regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)
	for i := 0; i < 200000; i++ {
		n := r.IntN(80)
		b := make([]byte, n)
		for j := range b {
			b[j] = pool[r.IntN(len(pool))]
		}
		if i%3 == 0 && n >= 40 {
			at := r.IntN(n - 36)
			u := []byte(randomUUIDText(r))
			copy(b[at:], u)
		}
		if got, want := holdsUUIDShape(b), find.Match(b); got != want {
			t.Fatalf("%q: holdsUUIDShape %v, pattern %v", b, got, want)
		}
	}
}

func randomUUIDText(r *rand.Rand) string {
	const hex = "0123456789abcdef"
	b := []byte("xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx")
	for i := range b {
		if b[i] == 'x' {
			b[i] = hex[r.IntN(16)]
		}
	}
	if r.IntN(2) == 0 {
		return strings.ToUpper(string(b))
	}
	return string(b)
}
