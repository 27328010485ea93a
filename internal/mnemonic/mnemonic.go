// Package mnemonic finds BIP-39 seed phrases in text: runs of word-list
// words in every BIP-39 language, the checksum that tells a phrase from a
// run of ordinary words, and the public test phrases. It knows nothing of
// rules or findings; the detectors package decides what a phrase means.
package mnemonic

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/keyward/scan/internal/byteclass"
)

// Every BIP-39 word list is searched. The ASCII lists (English, Italian,
// Czech, and Spanish and French typed without accents) go through a byte
// loop over lowercase letters; the others (accented Spanish and French,
// Japanese, Korean, Chinese) through a Unicode tokenizer that runs only on
// text holding non-ASCII bytes. Words are compared in NFKD, the form the
// BIP-39 lists are published in, so a phrase typed in composed form (é,
// が) matches; Japanese phrases are separated by the ideographic space.
type bip39List struct {
	name  string
	index map[string]int
}

// namedList is a word list and the name its language is reported by.
type namedList struct {
	name  string
	words func() []string
}

// asciiLists are the lists the ASCII byte loop searches; English first.
var asciiLists = [...]namedList{
	{"English", EnglishWords}, {"Italian", ItalianWords}, {"Czech", CzechWords},
	{"Spanish", SpanishWords}, {"French", FrenchWords},
}

// unicodeLists are the lists the Unicode tokenizer searches.
var unicodeLists = [...]namedList{
	{"Spanish", SpanishWords}, {"French", FrenchWords}, {"Japanese", JapaneseWords},
	{"Korean", KoreanWords}, {"Chinese (simplified)", ChineseSimplifiedWords},
	{"Chinese (traditional)", ChineseTraditionalWords},
}

// The per-list indexes (bip39Lists, bip39UnicodeLists) are built only
// when a run of list words is long enough to be a phrase, to read its
// checksum; the search itself needs only each word's lists
// (listMembership, unicodeMembership), built from the word lists
// directly. Building the indexes first and the membership maps from them
// cost every scan of a source tree 20 ms of one worker's time and 3 MB
// of live heap, which the collector then doubled.

// bip39Lists are the lists the ASCII byte loop searches; English first.
var bip39Lists = sync.OnceValue(func() []bip39List {
	var out []bip39List
	for _, l := range asciiLists {
		words := l.words()
		typed, dup := typedWithoutAccents(words)
		m := make(map[string]int, len(words))
		for i, a := range typed {
			if !dup[a] {
				m[a] = i
			}
		}
		out = append(out, bip39List{l.name, m})
	}
	return out
})

// typedWithoutAccents returns each word of a list as typed without
// accents, and those forms that two words of the list share: two words
// that differ only by accents cannot be told apart when typed without
// them, so neither is one of the list's words.
func typedWithoutAccents(words []string) (typed []string, dup map[string]bool) {
	typed = make([]string, len(words))
	stripped := false
	for i, w := range words {
		typed[i] = stripMarks(w)
		stripped = stripped || typed[i] != w
	}
	if !stripped {
		// A list's words are distinct (a test checks): only stripping
		// accents can make two alike.
		return typed, nil
	}
	seen := make(map[string]bool, len(words))
	dup = map[string]bool{}
	for _, a := range typed {
		if seen[a] {
			dup[a] = true
		}
		seen[a] = true
	}
	return typed, dup
}

// bip39UnicodeLists are the lists the Unicode tokenizer searches, keyed
// by each word's NFKD form.
var bip39UnicodeLists = sync.OnceValue(func() []bip39List {
	var out []bip39List
	for _, l := range unicodeLists {
		words := l.words()
		m := make(map[string]int, len(words))
		for i, w := range words {
			m[norm.NFKD.String(w)] = i
		}
		out = append(out, bip39List{l.name, m})
	}
	return out
})

// StripAccents returns a word as typed without accents ("ábaco" →
// "abaco"), the form the ASCII lists hold for Spanish and French.
func StripAccents(w string) string { return stripMarks(w) }

// stripMarks removes the combining marks of a word's NFKD form: "ábaco"
// becomes "abaco".
func stripMarks(w string) string {
	if isASCII(w) {
		// NFKD leaves ASCII as it is, and it has no marks: most
		// words of the ASCII lists, kept without a copy.
		return w
	}
	var b strings.Builder
	for _, r := range norm.NFKD.String(w) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// maxListRun caps how long a run of list words may be. Longer runs are
// word lists or prose; sliding a 12-word window over them would find a
// checksum-valid window every 16 tries.
const maxListRun = 24 + maxLabelWords

// maxLabelWords is how many list words may stand next to a phrase in
// the same run ("seed phrase", "secret key", a trailing "path"). A larger
// allowance would let a 24-word fake with a bad checksum pass through one
// of its 12-word halves.
const maxLabelWords = 3

// Match is a checksum-valid BIP-39 phrase found in a candidate.
type Match struct {
	Words    []string
	Language string
}

// Phrase is the normalised phrase: words joined by single spaces.
func (m Match) Phrase() string { return strings.Join(m.Words, " ") }

func isLower(r rune) bool { return 'a' <= r && r <= 'z' }

// Find looks for a checksum-valid phrase of 12, 15, 18, 21 or 24
// words in text whose words are separated by anything that is not a
// lowercase letter (spaces, commas, quotes, brackets, list numbers).
//
// Only windows that start or end a maximal run of list words, and leave at
// most maxLabelWords of it over, are tried: a label such as "seed phrase"
// (both list words) may precede the phrase and a list word may follow it,
// but a phrase in the middle of a long run is indistinguishable from prose.
// List words left over on another line than the phrase are a label line
// ("seed - do not share") whatever they are.
func Find(text string) (Match, bool) {
	tokens, lines := splitTokens(text, func(r rune) bool { return !isLower(r) }, nil)
	if m, ok := mnemonicInTokens(tokens, lines, bip39Lists()); ok {
		return m, true
	}
	if strings.IndexFunc(text, func(r rune) bool { return r >= utf8.RuneSelf }) < 0 {
		return Match{}, false
	}
	return findUnicodeMnemonic(text)
}

// splitTokens splits text into the fields between separators, mapped by
// norm when it is not nil, and returns with them the line each stands on.
func splitTokens(text string, sep func(rune) bool, norm func(string) string) (tokens []string, lines []int) {
	line, start := 0, -1
	flush := func(end int) {
		if start >= 0 {
			t := text[start:end]
			if norm != nil {
				t = norm(t)
			}
			tokens = append(tokens, t)
			lines = append(lines, line)
			start = -1
		}
	}
	for i, r := range text {
		if !sep(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
		if r == '\n' {
			line++
		}
	}
	flush(len(text))
	return tokens, lines
}

// mnemonicInTokens tries each run of one list's words, 12 to maxListRun
// long, for a checksum-valid phrase. lines[i] is the line of tokens[i].
func mnemonicInTokens(tokens []string, lines []int, lists []bip39List) (Match, bool) {
	for _, l := range lists {
		for start := 0; start < len(tokens); {
			if _, ok := l.index[tokens[start]]; !ok {
				start++
				continue
			}
			end := start
			for end < len(tokens) {
				if _, ok := l.index[tokens[end]]; !ok {
					break
				}
				end++
			}
			if run := tokens[start:end]; len(run) >= 12 && len(run) <= maxListRun {
				if off, n, ok := checksumWindowAt(run, lines[start:end], l.index); ok {
					words := run[off : off+n]
					return Match{Words: words, Language: l.name}, true
				}
			}
			start = end
		}
	}
	return Match{}, false
}

// unicodeTokens splits text into words: runs of letters and combining
// marks, each in NFKD. Spaces (the ideographic space too), punctuation and
// list numbers separate them.
func unicodeTokens(text string) []string {
	tokens, _ := unicodeTokenLines(text)
	return tokens
}

func unicodeTokenLines(text string) ([]string, []int) {
	return splitTokens(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) },
		func(f string) string { return norm.NFKD.String(strings.ToLower(f)) })
}

func findUnicodeMnemonic(text string) (Match, bool) {
	tokens, lines := unicodeTokenLines(text)
	return mnemonicInTokens(tokens, lines, bip39UnicodeLists())
}

// checksumWindowAt finds the checksum-valid window of run, if any. lines
// gives each word's line, or is nil when lines are unknown; list words left
// over beside the window must be label words unless a line break parts
// them from it.
func checksumWindowAt(run []string, lines []int, index map[string]int) (off, n int, ok bool) {
	for n := 24; n >= 12; n -= 3 {
		if n > len(run) || len(run)-n > maxLabelWords {
			continue
		}
		for _, off := range []int{0, len(run) - n} {
			w := run[off : off+n]
			if Checksum(w, index) && !ascending(w, index) &&
				(labelSlack(run[:off]) || lineApart(lines, off)) && (labelSlack(run[off+n:]) || lineApart(lines, off+n)) {
				return off, n, true
			}
		}
	}
	return 0, 0, false
}

// slackWords are the list words that label a phrase ("seed phrase",
// "secret words"). Other list words beside a checksum-valid window mean the
// window was cut out of a longer run (two phrases side by side), where a
// shorter window passes the checksum by chance once in 16 to 256 tries.
var slackWords = map[string]bool{
	"seed": true, "phrase": true, "secret": true, "word": true, "key": true, "wallet": true,
	"backup": true, "private": true, "recovery": true, "mnemonic": true, "code": true, "master": true,
	"semilla": true, "frase": true, "palabras": true, "clave": true, "graine": true, "secrète": true,
	"your": true, "new": true, "old": true, "main": true, "test": true,
	// What follows a phrase in wallet configs: its derivation path.
	"path": true, "account": true, "index": true, "address": true,
}

// lineApart reports whether a line break stands between word i-1 and word i.
func lineApart(lines []int, i int) bool {
	return lines != nil && i > 0 && i < len(lines) && lines[i-1] != lines[i]
}

func labelSlack(words []string) bool {
	for _, w := range words {
		if !slackWords[w] {
			return false
		}
	}
	return true
}

// Checksum checks that the last n/3 bits of the 11-bit word indices
// equal the first bits of SHA-256 of the entropy before them.
func Checksum(words []string, index map[string]int) bool {
	bits, ok := packed(words, index)
	if !ok {
		return false
	}
	n := len(words)
	entBytes := n * 4 / 3 // ENT/8 = (n·11·32/33)/8
	csBits := n / 3
	sum := sha256.Sum256(bits[:entBytes])
	got := bits[entBytes] >> (8 - csBits)
	want := sum[0] >> (8 - csBits)
	return got == want
}

// packed is the phrase's 11-bit word indices in a row, most significant
// bit first: the entropy, then the checksum bits. It reports false for a
// length BIP-39 does not have or a word not in index.
func packed(words []string, index map[string]int) (bits [33]byte, ok bool) {
	n := len(words)
	if n%3 != 0 || n < 12 || n > 24 {
		return bits, false
	}
	pos := 0 // 24 words × 11 bits = 264 bits
	for _, w := range words {
		v, in := index[w]
		if !in {
			return bits, false
		}
		for b := 10; b >= 0; b-- {
			if v>>b&1 == 1 {
				bits[pos/8] |= 0x80 >> (pos % 8)
			}
			pos++
		}
	}
	return bits, true
}

// ascending catches excerpts of the word list itself (it is sorted).
func ascending(words []string, index map[string]int) bool {
	for i := 1; i < len(words); i++ {
		if index[words[i]] <= index[words[i-1]] {
			return false
		}
	}
	return true
}

// Known names public test phrases: the BIP-39 vectors and the
// Hardhat/Anvil/Ganache default.
func Known(words []string) (string, bool) {
	phrase := strings.Join(words, " ")
	switch phrase {
	case Hardhat:
		return "Hardhat/Anvil default mnemonic (test … junk)", true
	case Abandon:
		return "BIP-39 test vector (abandon … about)", true
	}
	// The BIP-39 vectors repeat one word and end in a checksum word
	// (abandon … art, zoo … wrong, legal winner thank year …); a real
	// phrase with most words equal has negligible probability.
	counts := map[string]int{}
	maxc := 0
	for _, w := range words {
		counts[w]++
		maxc = max(maxc, counts[w])
	}
	if maxc >= len(words)/2 {
		return "BIP-39 test-vector pattern (one word repeated)", true
	}
	// The vectors' entropy is one byte repeated (00, 7f, 80, ff) at every
	// length: legal winner … yellow, letter advice … above, and their
	// 15- to 24-word forms, whose words repeat too seldom for the count
	// above. Random entropy is one byte repeated once in 2^120.
	if oneByteEntropy(words, English()) {
		return "BIP-39 test vector (its entropy is one byte repeated)", true
	}
	return "", false
}

// oneByteEntropy reports whether the phrase's words are all in index and
// its entropy is a single byte value repeated.
func oneByteEntropy(words []string, index map[string]int) bool {
	bits, ok := packed(words, index)
	if !ok {
		return false
	}
	ent := bits[:len(words)*4/3]
	for _, b := range ent[1:] {
		if b != ent[0] {
			return false
		}
	}
	return true
}

// LeftOver returns the words of a run that are not the phrase's: a
// label made of list words ("frase semilla", "seed phrase") counts as
// context.
func LeftOver(run string, phrase []string) string {
	left := map[string]int{}
	for _, w := range phrase {
		left[w]++
	}
	var out []string
	for _, t := range unicodeTokens(run) {
		if left[t] > 0 {
			left[t]--
			continue
		}
		out = append(out, norm.NFC.String(t))
	}
	return strings.Join(out, " ")
}

// FindLong finds checksum-valid 24-word English phrases anywhere
// in data, with no context word: a 24-word checksum passes at random once in
// 256 tries, and runs of 24 list words are rare outside phrases. It returns
// byte spans [start, end).
func FindLong(data []byte) [][2]int {
	return findLong(data, phraseByte)
}

func findLong(data []byte, class *byteclass.Set) [][2]int {
	// English alone: building every list (each word normalised to strip
	// its accents) costs a commit hook milliseconds, and English words
	// have no accents to strip. And only for text with a stretch that
	// can hold 24 words: most files have none, and the English map cost
	// a hook's scan of one small file a millisecond and a half.
	var out [][2]int
	for _, r := range listWordRuns(data, 24, English, class) {
		words := make([]string, len(r))
		for i, t := range r {
			words[i] = string(data[t[0]:t[1]])
		}
		if off, n, ok := checksumWindowAt(words, nil, English()); ok && n == 24 {
			out = append(out, [2]int{r[off][0], r[off+n-1][1]})
		}
	}
	return out
}

// Runs is the bip39-mnemonic rule's finder: the spans of runs of at
// least twelve list words, in any of the word lists, in a window. The
// validator then looks for a checksum-valid phrase inside each run. A plain
// byte loop, because a regular expression for "twelve or more words" over
// windows of prose and code costs more than all other rules together.
func Runs(data []byte) [][2]int {
	var out [][2]int
	member := listMembership()
	// The words of a stretch and a list's run live on the stack while
	// they fit: grown from nothing in every chunk, they were a tenth of
	// a source tree scan's allocations.
	var tokBuf [128]listToken
	var runBuf [maxListRun][2]int
	toks, run := tokBuf[:0], runBuf[:0]
	// One pass finds the stretches and their words for every list at
	// once (a word's lists are one map lookup); each list then takes its
	// runs from the words, as listWordRuns would have found them.
	eachStretch(data, 12, phraseByte, func(s, e int) {
		toks = toks[:0]
		for i := s; i < e; {
			if c := data[i]; c < 'a' || c > 'z' {
				i++
				continue
			}
			w := i
			for i < e && 'a' <= data[i] && data[i] <= 'z' {
				i++
			}
			var in uint8
			if i-w >= 3 && i-w <= 8 {
				in = member[string(data[w:i])]
			}
			toks = append(toks, listToken{w, i, in})
		}
		for li := range asciiLists {
			bit := uint8(1) << li
			run = run[:0]
			flush := func() {
				if len(run) >= 12 && len(run) <= maxListRun {
					out = append(out, phraseSpan(data, run, bip39Lists()[li].index))
				}
				run = run[:0]
			}
			for _, t := range toks {
				// A gap of more than 24 bytes after the run's last
				// word ends it, as in appendWordRuns.
				if len(run) > 0 && t.s-1-run[len(run)-1][1] > 24 {
					flush()
				}
				if t.in&bit != 0 {
					run = append(run, [2]int{t.s, t.e})
				} else if len(run) > 0 {
					flush()
				}
			}
			flush()
		}
	})
	if hasNonASCII(data) {
		out = append(out, unicodeWordRuns(data, 12)...)
	}
	if len(out) > 1 {
		sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
		merged := out[:1]
		for _, sp := range out[1:] {
			last := &merged[len(merged)-1]
			if sp[0] < last[1] {
				if sp[1] > last[1] {
					last[1] = sp[1]
				}
				continue
			}
			merged = append(merged, sp)
		}
		out = merged
	}
	return out
}

// phraseSpan is the span of a run of list words, narrowed to its
// checksum-valid window when list words on another line stand beside it
// (a label line such as "seed - do not share"), so that the finding points
// at the phrase rather than at the label.
func phraseSpan(data []byte, run [][2]int, index map[string]int) [2]int {
	whole := [2]int{run[0][0], run[len(run)-1][1]}
	if len(run) > maxListRun {
		return whole
	}
	words := make([]string, len(run))
	lines := make([]int, len(run))
	for i, t := range run {
		words[i] = string(data[t[0]:t[1]])
		if i > 0 {
			lines[i] = lines[i-1]
			if bytes.IndexByte(data[run[i-1][1]:t[0]], '\n') >= 0 {
				lines[i]++
			}
		}
	}
	off, n, ok := checksumWindowAt(words, lines, index)
	// Label words on the phrase's own line ("seed phrase: …") stay in the
	// span: the validator reads them as context.
	if !ok || off > 0 && !lineApart(lines, off) || off+n < len(run) && !lineApart(lines, off+n) {
		return whole
	}
	return [2]int{run[off][0], run[off+n-1][1]}
}

// listWordRuns returns the runs of at least min consecutive list words
// (lowercase, 3 to 8 letters) joined only by the separators that phrases
// use in lists, arrays and prose; each run as its words' spans.
// The list's index is asked for only once a stretch long enough is found.
func listWordRuns(data []byte, min int, index func() map[string]int, class *byteclass.Set) [][][2]int {
	var out [][][2]int
	eachStretch(data, min, class, func(s, e int) {
		out = appendWordRuns(out, data, s, e, min, index())
	})
	return out
}

// listToken is a word of lowercase letters in a stretch, with the lists
// (bits in bip39Lists order) that hold it.
type listToken struct {
	s, e int
	in   uint8
}

// listMembership maps each word of the ASCII lists to the lists that
// hold it, one bit per list in bip39Lists order.
var listMembership = sync.OnceValue(func() map[string]uint8 {
	if len(asciiLists) > 8 {
		panic("mnemonic: more ASCII lists than bits in a list set")
	}
	m := make(map[string]uint8, 10240)
	for li, l := range asciiLists {
		typed, dup := typedWithoutAccents(l.words())
		for _, a := range typed {
			if !dup[a] {
				m[a] |= 1 << li
			}
		}
	}
	return m
})

// eachStretch calls f for every stretch of class bytes long enough to hold
// min words of three letters with separators, holding min*3 letters.
// Phrases are made of lowercase letters and separators only, so only
// stretches of those long enough to hold min words are tokenised: in code,
// every line's punctuation and capitals end a stretch within a few bytes
// (byteclass.Set.Run).
func eachStretch(data []byte, min int, class *byteclass.Set, f func(s, e int)) {
	minLen := min*3 + (min - 1)
	for s, e := class.Run(data, minLen, 0); s >= 0; s, e = class.Run(data, minLen, e+1) {
		letters := 0
		for _, c := range data[s:e] {
			if c >= 'a' {
				letters++
			}
		}
		// JSON number arrays are made of separators too; a phrase needs
		// at least three letters a word.
		if letters >= min*3 {
			f(s, e)
		}
	}
}

// appendWordRuns tokenises data[s:e] (lowercase letters and separators) and
// appends its runs of at least min list words.
func appendWordRuns(out [][][2]int, data []byte, s, e, min int, index map[string]int) [][][2]int {
	var run [][2]int
	flush := func() {
		if len(run) >= min && len(run) <= maxListRun {
			out = append(out, append([][2]int(nil), run...))
		}
		run = run[:0]
	}
	for i := s; i < e; {
		c := data[i]
		if c < 'a' || c > 'z' {
			// A long gap between words ends the run (24 bytes covers
			// ",\n        " and "\n12. ").
			if len(run) > 0 && i-run[len(run)-1][1] > 24 {
				flush()
			}
			i++
			continue
		}
		w := i
		for i < e && 'a' <= data[i] && data[i] <= 'z' {
			i++
		}
		if i-w >= 3 && i-w <= 8 && inList(index, data[w:i]) {
			run = append(run, [2]int{w, i})
		} else if len(run) > 0 {
			flush()
		}
	}
	flush()
	return out
}

// phraseByte holds the bytes a written phrase consists of: lowercase
// letters and the separators of lists, arrays and numbered lines.
var phraseByte = byteclass.New(func(c byte) bool {
	return 'a' <= c && c <= 'z' || strings.IndexByte(" \t\r\n,\"'`[|.)-0123456789", c) >= 0
})

// codePhraseByte is phraseByte for source code, where a phrase stands in a
// string literal or a comment as words separated by spaces or by quotes and
// commas. Leaving out the dots, digits and brackets of numbered lists ends
// a stretch at nearly every expression, so the pass skips most of a file.
var codePhraseByte = byteclass.New(func(c byte) bool {
	return 'a' <= c && c <= 'z' || strings.IndexByte(" \t\r\n,\"'`", c) >= 0
})

func inList(index map[string]int, w []byte) bool {
	_, ok := index[string(w)]
	return ok
}

// unicodeWordRuns returns the spans of runs of at least min words of one
// Unicode list, separated by anything but letters and at most 24 bytes.
//
// It runs on every window that holds a non-ASCII byte, most often a
// comment's dash or a name in a string, so the common case is made cheap:
// ASCII letters are read without decoding runes, an ASCII word is looked up
// without a copy, and a word's lists are one lookup; a window with fewer
// than min list words has no run and stops there, before it holds its
// words: most windows do, and their words were most of what it allocated.
func unicodeWordRuns(data []byte, min int) [][2]int {
	if _, n := unicodeListWords(data, false); n < min {
		return nil
	}
	toks, _ := unicodeListWords(data, true)
	return tokenRuns(toks, len(unicodeLists), min)
}

// unicodeListWords reads the words of data and counts those in a Unicode
// list; with keep, it returns them too.
func unicodeListWords(data []byte, keep bool) (toks []listToken, inList int) {
	member := unicodeMembership()
	var lower [maxUnicodeWord]byte
	for i := 0; i < len(data); {
		if n, ok := wordRune(data[i:]); !ok {
			i += n
			continue
		}
		s := i
		ascii := true
		for i < len(data) {
			n, ok := wordRune(data[i:])
			if !ok {
				break
			}
			ascii = ascii && n == 1
			i += n
		}
		var in uint8
		switch {
		case !ascii:
			// Lowercased and NFKD-normalised, as the lists are; NFKD
			// leaves ASCII as it is, so only these words pay for it.
			in = member[norm.NFKD.String(strings.ToLower(string(data[s:i])))]
		case i-s <= len(lower):
			w := lower[:i-s]
			for k, c := range data[s:i] {
				w[k] = c | 0x20 // letters only: lower case
			}
			in = member[string(w)]
		}
		if in != 0 {
			inList++
		}
		if keep {
			toks = append(toks, listToken{s, i, in})
		}
	}
	return toks, inList
}

// tokenRuns returns the spans of the runs of at least min words of one
// list (of nlists) among toks, a gap of more than 24 bytes ending a run.
func tokenRuns(toks []listToken, nlists, min int) [][2]int {
	var out [][2]int
	for li := range nlists {
		bit := uint8(1) << li
		runStart, runLen := -1, 0
		flush := func(end int) {
			if runLen >= min && runLen <= maxListRun {
				out = append(out, [2]int{toks[runStart].s, toks[end].e})
			}
			runStart, runLen = -1, 0
		}
		for i, t := range toks {
			in := t.in&bit != 0
			if in && runLen > 0 && t.s-toks[i-1].e > 24 {
				flush(i - 1)
			}
			switch {
			case in && runLen == 0:
				runStart, runLen = i, 1
			case in:
				runLen++
			case runLen > 0:
				flush(i - 1)
			}
		}
		if runLen > 0 {
			flush(len(toks) - 1)
		}
	}
	return out
}

// hasNonASCII tells whether data holds a byte of a multi-byte (or invalid)
// UTF-8 sequence, eight bytes at a time.
func hasNonASCII(data []byte) bool {
	i := 0
	for ; i+8 <= len(data); i += 8 {
		if binary.LittleEndian.Uint64(data[i:])&0x8080808080808080 != 0 {
			return true
		}
	}
	for _, c := range data[i:] {
		if c >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// wordRune returns the size of the rune data starts with and whether it
// belongs to a word: a letter or a combining mark.
func wordRune(data []byte) (int, bool) {
	if c := data[0]; c < utf8.RuneSelf {
		return 1, asciiLetter[c]
	}
	r, n := utf8.DecodeRune(data)
	return n, unicode.IsLetter(r) || unicode.Is(unicode.Mn, r)
}

var asciiLetter = func() (t [256]bool) {
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	return t
}()

// maxUnicodeWord bounds the bytes of an ASCII word worth looking up in
// the Unicode lists; unicodeMembership checks that none is longer.
const maxUnicodeWord = 16

// unicodeMembership maps each word of the Unicode lists to the lists that
// hold it, one bit per list in bip39UnicodeLists order.
var unicodeMembership = sync.OnceValue(func() map[string]uint8 {
	if len(unicodeLists) > 8 {
		panic("mnemonic: more Unicode lists than bits in a list set")
	}
	m := make(map[string]uint8, 12288)
	for li, l := range unicodeLists {
		for _, w := range l.words() {
			w = norm.NFKD.String(w)
			if isASCII(w) && len(w) > maxUnicodeWord {
				panic("mnemonic: an ASCII word longer than maxUnicodeWord")
			}
			m[w] |= 1 << li
		}
	}
	return m
})

func isASCII(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// FindLongInCode is FindLong for source code, where a phrase stands in a
// string literal or a comment as words separated by spaces or by quotes
// and commas: the narrower byte class skips most of a file.
func FindLongInCode(data []byte) [][2]int { return findLong(data, codePhraseByte) }

// English is the English list's word → index map, for checksums.
//
// It is built apart from the other lists: the rule table's examples need
// only English, and building all five lists for them cost every scan a few
// milliseconds of start-up.
var English = sync.OnceValue(func() map[string]int {
	m := make(map[string]int, len(EnglishWords()))
	for i, w := range EnglishWords() {
		m[w] = i
	}
	return m
})

// The public test phrases that libraries and tutorials ship.
const (
	Hardhat = "test test test test test test test test test test test junk"
	Abandon = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"
)

// Encode turns BIP-39 entropy (16 to 32 bytes, a multiple of 4) into the
// words of list. go-bip39 keeps its word list in a package global, which
// callers must not have to share.
func Encode(entropy []byte, list []string) string {
	sum := sha256.Sum256(entropy)
	bits := append(append([]byte(nil), entropy...), sum[0])
	n := len(entropy) * 8 * 33 / 32 / 11
	words := make([]string, n)
	for i := range words {
		v := 0
		for b := i * 11; b < i*11+11; b++ {
			v = v<<1 | int(bits[b/8]>>(7-b%8)&1)
		}
		words[i] = list[v]
	}
	return strings.Join(words, " ")
}
