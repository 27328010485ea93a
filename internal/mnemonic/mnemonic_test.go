package mnemonic

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/tyler-smith/go-bip39"
	"github.com/tyler-smith/go-bip39/wordlists"
	"golang.org/x/text/unicode/norm"
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

// runsOneListAtATime is what Runs did before it read every list in one
// pass: one listWordRuns pass per list. Runs must find the same spans.
func runsOneListAtATime(data []byte) [][2]int {
	var out [][2]int
	for _, l := range bip39Lists() {
		for _, r := range listWordRuns(data, 12, func() map[string]int { return l.index }, phraseByte) {
			out = append(out, phraseSpan(data, r, l.index))
		}
	}
	if strings.ContainsFunc(string(data), func(r rune) bool { return r >= utf8.RuneSelf }) {
		out = append(out, unicodeWordRuns(data, 12)...)
	}
	return out
}

func TestRunsReadsEveryListInOnePass(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 13))
	lists := [][]string{wordlists.English, wordlists.Italian, wordlists.Czech, wordlists.Spanish, wordlists.French}
	seps := []string{" ", " ", ", ", "\n", "\n\n", "  ", "\", \"", " 12. ", " x ", strings.Repeat(" ", 26), "-"}
	for round := 0; round < 400; round++ {
		var b strings.Builder
		for k := r.IntN(6); k >= 0; k-- {
			switch r.IntN(4) {
			case 0: // a phrase in one list, sometimes valid
				l := lists[r.IntN(len(lists))]
				b.WriteString(fakePhraseIn(fmt.Sprint(round, k), []int{12, 15, 18, 24}[r.IntN(4)], l))
			case 1: // words drawn from all lists, with odd separators
				for n := 8 + r.IntN(30); n > 0; n-- {
					l := lists[r.IntN(len(lists))]
					b.WriteString(stripMarks(l[r.IntN(len(l))]))
					b.WriteString(seps[r.IntN(len(seps))])
				}
			case 2: // words of one list, with odd separators
				l := lists[r.IntN(len(lists))]
				for n := 10 + r.IntN(20); n > 0; n-- {
					b.WriteString(stripMarks(l[r.IntN(len(l))]))
					b.WriteString(seps[r.IntN(len(seps))])
				}
			default:
				b.WriteString("func main() { x := seed(phrase, 12); y = [1, 2, 3] }\n")
			}
			b.WriteString(seps[r.IntN(len(seps))])
		}
		data := []byte(b.String())
		want := runsOneListAtATime(data)
		got := Runs(data)
		if len(want) > 0 && len(got) == 0 || len(want) == 0 && len(got) > 0 {
			t.Fatalf("round %d: Runs = %v, one list at a time %v\n%s", round, got, want, data)
		}
		if len(want) == 0 {
			continue
		}
		// Runs merges overlapping spans after sorting them; do the same
		// to the reference.
		if merged := mergeSpans(want); fmt.Sprint(merged) != fmt.Sprint(got) {
			t.Fatalf("round %d: Runs = %v, one list at a time %v\n%s", round, got, merged, data)
		}
	}
}

func mergeSpans(out [][2]int) [][2]int {
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	merged := out[:1]
	for _, sp := range out[1:] {
		last := &merged[len(merged)-1]
		if sp[0] < last[1] {
			last[1] = max(last[1], sp[1])
			continue
		}
		merged = append(merged, sp)
	}
	return merged
}

// unicodeWordRunsPlain is unicodeWordRuns as first written: every word
// decoded rune by rune, lowercased, normalised and looked up in each list,
// whatever the number of list words. The fast one must return the same
// spans.
func unicodeWordRunsPlain(data []byte, min int) [][2]int {
	type tok struct {
		s, e int
		word string
	}
	var toks []tok
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) {
			i += n
			continue
		}
		s := i
		ascii := true
		for i < len(data) {
			r, n := utf8.DecodeRune(data[i:])
			if !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) {
				break
			}
			ascii = ascii && r < utf8.RuneSelf
			i += n
		}
		w := strings.ToLower(string(data[s:i]))
		if !ascii {
			w = norm.NFKD.String(w)
		}
		toks = append(toks, tok{s, i, w})
	}
	// Each word looked up in each list, one bit per list.
	var lt []listToken
	for _, t := range toks {
		var in uint8
		for li, l := range bip39UnicodeLists() {
			if _, ok := l.index[t.word]; ok {
				in |= 1 << li
			}
		}
		lt = append(lt, listToken{t.s, t.e, in})
	}
	return tokenRuns(lt, len(bip39UnicodeLists()), min)
}

func TestUnicodeWordRunsAgreesWithPlain(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 19))
	lists := [][]string{wordlists.Spanish, wordlists.French, wordlists.Japanese, wordlists.Korean,
		wordlists.ChineseSimplified, wordlists.ChineseTraditional, wordlists.English}
	seps := []string{" ", "\u3000", ", ", "\n", "  ", "\", \"", " 12. ", "—", strings.Repeat(" ", 26), "-", "\xff", "é"}
	for round := 0; round < 400; round++ {
		var b strings.Builder
		for k := r.IntN(5); k >= 0; k-- {
			l := lists[r.IntN(len(lists))]
			for n := r.IntN(30); n > 0; n-- {
				w := l[r.IntN(len(l))]
				switch r.IntN(6) {
				case 0:
					w = strings.ToUpper(w)
				case 1:
					w = stripMarks(w)
				case 2:
					w = norm.NFC.String(w)
				case 3:
					w += "x"
				}
				b.WriteString(w)
				b.WriteString(seps[r.IntN(len(seps))])
			}
			if r.IntN(3) == 0 {
				b.WriteString("func main() { x := seed(phrase, 12) } // naïve café\n")
			}
		}
		data := []byte(b.String())
		for _, min := range []int{1, 12} {
			want, got := unicodeWordRunsPlain(data, min), unicodeWordRuns(data, min)
			if fmt.Sprint(want) != fmt.Sprint(got) {
				t.Fatalf("round %d, min %d: unicodeWordRuns = %v, plain %v\n%s", round, min, got, want, data)
			}
		}
	}
}

// The same on real text: the Go source tree's files that hold non-ASCII
// bytes, where it is installed.
func TestUnicodeWordRunsAgreesOnGoSource(t *testing.T) {
	files := 0
	filepath.WalkDir(filepath.Join(runtime.GOROOT(), "src"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || files >= 300 {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil || !hasNonASCII(data) || len(data) > 1<<20 {
			return nil
		}
		files++
		for _, min := range []int{2, 12} {
			want, got := unicodeWordRunsPlain(data, min), unicodeWordRuns(data, min)
			if fmt.Sprint(want) != fmt.Sprint(got) {
				t.Fatalf("%s, min %d: unicodeWordRuns = %v, plain %v", p, min, got, want)
			}
		}
		return nil
	})
	if files == 0 {
		t.Skip("no Go source tree")
	}
}

func BenchmarkUnicodeWordRuns(b *testing.B) {
	text := []byte(strings.Repeat("// Decode returns the value — or an error — for the key “name”.\nfunc (d *decoder) Decode(key string) (any, error) { return d.m[key], nil }\n", 200))
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		unicodeWordRuns(text, 12)
	}
}

// FindLong reads English through English(), the list without accents
// stripped: it must be the very index the ASCII search gives English.
func TestEnglishIsTheFirstASCIIList(t *testing.T) {
	l := bip39Lists()[0]
	if l.name != "English" || !maps.Equal(l.index, English()) {
		t.Fatalf("English() differs from the ASCII search's English list (%s, %d words against %d)", l.name, len(English()), len(l.index))
	}
}

// The membership maps the search reads are built from the word lists
// directly, not from the per-list indexes (which only a phrase-long run
// needs): each must still say, for every word, exactly the lists whose
// index holds it — accents stripped, and words that two of a list's words
// share when typed without accents left out.
func TestMembershipIsTheIndexes(t *testing.T) {
	for _, tc := range []struct {
		name   string
		lists  []bip39List
		member map[string]uint8
	}{
		{"ASCII", bip39Lists(), listMembership()},
		{"Unicode", bip39UnicodeLists(), unicodeMembership()},
	} {
		want := map[string]uint8{}
		for li, l := range tc.lists {
			for w := range l.index {
				want[w] |= 1 << li
			}
		}
		if !maps.Equal(tc.member, want) {
			n := 0
			for w, in := range want {
				if tc.member[w] != in && n < 5 {
					t.Errorf("%s: %q in lists %08b, want %08b", tc.name, w, tc.member[w], in)
					n++
				}
			}
			t.Errorf("%s: %d words in the membership map, %d in the indexes", tc.name, len(tc.member), len(want))
		}
	}
	// The lists' names and order are the membership bits'.
	for i, l := range bip39Lists() {
		if l.name != asciiLists[i].name {
			t.Errorf("ASCII list %d is %s, bit for %s", i, l.name, asciiLists[i].name)
		}
	}
	for i, l := range bip39UnicodeLists() {
		if l.name != unicodeLists[i].name {
			t.Errorf("Unicode list %d is %s, bit for %s", i, l.name, unicodeLists[i].name)
		}
	}
	// Accents are stripped for the ASCII search.
	if in := listMembership()["abaco"]; in&(1<<3) == 0 {
		t.Errorf("abaco (Spanish ábaco) in ASCII lists %08b, not in Spanish", in)
	}
	// Words that differ only by accents are neither one a list's word
	// typed without them (no BIP-39 list has such a pair; a made-up one).
	for _, l := range append(asciiLists[:], unicodeLists[:]...) {
		if w := l.words(); len(w) != 2048 || len(slices.Compact(slices.Sorted(slices.Values(w)))) != len(w) {
			t.Errorf("%s: the list's %d words are not 2048 distinct ones", l.name, len(w))
		}
	}
	typed, dup := typedWithoutAccents([]string{"été", "ete", "ábaco"})
	if !slices.Equal(typed, []string{"ete", "ete", "abaco"}) || len(dup) != 1 || !dup["ete"] {
		t.Errorf("typed %q, shared %v; want ete twice and shared", typed, dup)
	}
}

// FindLong builds the English index only for text with a stretch that
// could hold 24 words: a commit hook's scan of a small file must not pay
// for the map. Checked in a fresh process, where nothing has built it
// yet, by what FindLong allocates (the map is over 100 KB).
func TestFindLongBuildsNoIndexForShortText(t *testing.T) {
	if os.Getenv("MNEMONIC_FRESH_PROCESS") == "1" {
		text := []byte("seed = \"abandon ability able about above absent\"\n# other words, not a phrase\n")
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		if got := FindLong(text); len(got) != 0 {
			t.Fatalf("FindLong found %v in short text", got)
		}
		runtime.ReadMemStats(&after)
		if n := after.TotalAlloc - before.TotalAlloc; n > 8<<10 {
			t.Fatalf("FindLong allocated %d bytes for %d bytes of short text: it built the index", n, len(text))
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestFindLongBuildsNoIndexForShortText$", "-test.count=1")
	cmd.Env = append(os.Environ(), "MNEMONIC_FRESH_PROCESS=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("fresh process: %v\n%s", err, out)
	}
}
