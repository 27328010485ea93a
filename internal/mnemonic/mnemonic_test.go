package mnemonic

import (
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"

	"github.com/tyler-smith/go-bip39"
	"github.com/tyler-smith/go-bip39/wordlists"
)

// fakePhrase is a checksum-valid English phrase derived from a label.
func fakePhrase(label string, n int) string { return fakePhraseIn(label, n, wordlists.English) }

func fakePhraseIn(label string, n int, list []string) string {
	var ent []byte
	for i := 0; len(ent) < n*4/3; i++ {
		h := sha256.Sum256(fmt.Appendf(nil, "mnemonic test %s %d", label, i))
		ent = append(ent, h[:]...)
	}
	return Encode(ent[:n*4/3], list)
}

// badChecksumPhrase is a phrase whose last word fails the checksum.
func badChecksumPhrase(label string, n int) string {
	words := strings.Fields(fakePhrase(label, n))
	for _, w := range []string{"zoo", "abandon", "ability", "able", "about"} {
		words[n-1] = w
		if !Checksum(words, English()) {
			return strings.Join(words, " ")
		}
	}
	panic("unreachable: four candidate last words cannot all pass a checksum of >=4 bits")
}

func numbered(words []string, sep string) string {
	var b strings.Builder
	for i, w := range words {
		if i > 0 {
			b.WriteString(sep)
		}
		fmt.Fprintf(&b, "%d. %s", i+1, w)
	}
	return b.String()
}

// The checksum is written out here; go-bip39 is the reference.
func TestBIP39ChecksumMatchesLibrary(t *testing.T) {
	idx := English()
	for _, n := range []int{12, 15, 18, 21, 24} {
		for i := range 64 {
			m := fakePhrase(fmt.Sprint("cs-", n, "-", i), n)
			w := strings.Fields(m)
			if !Checksum(w, idx) {
				t.Fatalf("valid %d-word phrase rejected: %s", n, m)
			}
			// Replace the last word: the result is valid for 1 in 2^(n/3)
			// choices, and both implementations must agree on each.
			w[n-1] = bip39.GetWordList()[(i*37)%2048]
			if got, want := Checksum(w, idx), bip39.IsMnemonicValid(strings.Join(w, " ")); got != want {
				t.Fatalf("checksum(%q) = %v, go-bip39 says %v", w, got, want)
			}
		}
	}
}

func TestFind(t *testing.T) {
	m12 := fakePhrase("find-12", 12)
	m24 := fakePhrase("find-24", 24)
	w24 := strings.Fields(m24)
	for _, tc := range []struct {
		name, text, want string
	}{
		{"plain", m12, m12},
		{"json array", `["` + strings.Join(w24, `", "`) + `"]`, m24},
		{"numbered lines", numbered(w24, "\n"), m24},
		{"numbered inline", numbered(strings.Fields(m12), " "), m12},
		{"label of list words before", "seed phrase " + m12, m12},
		{"list word after", m12 + " path", m12},
		{"comma separated", strings.ReplaceAll(m24, " ", ","), m24},
		{"bad checksum", badChecksumPhrase("find-bad", 12), ""},
		{"eleven words", strings.Join(strings.Fields(m12)[:11], " "), ""},
		{"sorted word list excerpt", strings.Join(bip39.GetWordList()[:24], " "), ""},
		{"long run", strings.Repeat(m12+" ", 3), ""},
		{"italian", fakePhraseIn("it", 12, wordlists.Italian), fakePhraseIn("it", 12, wordlists.Italian)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, ok := Find(tc.text)
			if got := m.Phrase(); ok != (tc.want != "") || got != tc.want {
				t.Errorf("findMnemonic = %q, %v; want %q", got, ok, tc.want)
			}
		})
	}
}

func BenchmarkFindLong(b *testing.B) {
	text := []byte(strings.Repeat("func main() { fmt.Println(\"the quick brown fox jumps over the lazy dog\") } // 0x1234\n", 2000))
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		FindLong(text)
	}
}

func TestFindLong(t *testing.T) {
	m24 := fakePhrase("long-24", 24)
	text := "const x = 1;\nvar seedless = [\"" + strings.Join(strings.Fields(m24), "\", \"") + "\"];\n" + fakePhrase("long-12", 12) + "\n"
	spans := FindLong([]byte(text))
	if len(spans) != 1 {
		t.Fatalf("spans = %v", spans)
	}
	got := text[spans[0][0]:spans[0][1]]
	if m, ok := Find(got); !ok || m.Phrase() != m24 {
		t.Errorf("span %q does not hold the phrase", got)
	}
	if s := FindLong([]byte(badChecksumPhrase("long-bad", 24))); len(s) != 0 {
		t.Errorf("bad checksum found: %v", s)
	}
	if s := FindLong([]byte("label words " + m24 + " trailing")); len(s) != 1 {
		t.Errorf("phrase inside a line not found: %v", s)
	}
}
