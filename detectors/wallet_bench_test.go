package detectors

import (
	"regexp"
	"strings"
	"testing"
)

// The mnemonic pattern runs over windows of up to ~50 lines; prose made of
// lowercase words is its worst case because every word starts a match.
func BenchmarkMnemonicPatternProse(b *testing.B) {
	re := regexp.MustCompile(walletRules()[0].Pattern)
	text := strings.Repeat("the quick brown fox jumps over the lazy dog and keeps running into the forest, ", 64)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		for _, m := range re.FindAllStringSubmatch(text, -1) {
			validateMnemonic(m[1], Candidate{Window: text})
		}
	}
}

func BenchmarkMnemonicRegexOnly(b *testing.B) {
	re := regexp.MustCompile(walletRules()[0].Pattern)
	text := strings.Repeat("the quick brown fox jumps over the lazy dog and keeps running into the forest, ", 64)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		re.FindAllStringSubmatchIndex(text, -1)
	}
}

func BenchmarkMnemonicRegexSimple(b *testing.B) {
	re := regexp.MustCompile(`(?P<secret>[a-z]{3,9}(?:[^a-z]{1,12}[a-z]{3,9}){11,})`)
	text := strings.Repeat("the quick brown fox jumps over the lazy dog and keeps running into the forest, ", 64)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		re.FindAllStringSubmatchIndex(text, -1)
	}
}

func BenchmarkMnemonicRegexClass(b *testing.B) {
	re := regexp.MustCompile(`\b(?P<secret>[a-z][a-z\s,;"'\x60|\[\]0-9.():-]{46,}[a-z])\b`)
	text := strings.Repeat("the quick brown fox jumps over the lazy dog and keeps running into the forest, ", 64)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		re.FindAllStringSubmatchIndex(text, -1)
	}
}

func BenchmarkFindLongMnemonics(b *testing.B) {
	text := []byte(strings.Repeat("func main() { fmt.Println(\"the quick brown fox jumps over the lazy dog\") } // 0x1234\n", 2000))
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		FindLongMnemonics(text)
	}
}

func TestFindLongMnemonics(t *testing.T) {
	m24 := FakeMnemonic("long-24", 24)
	text := "const x = 1;\nvar seedless = [\"" + strings.Join(strings.Fields(m24), "\", \"") + "\"];\n" + FakeMnemonic("long-12", 12) + "\n"
	spans := FindLongMnemonics([]byte(text))
	if len(spans) != 1 {
		t.Fatalf("spans = %v", spans)
	}
	got := text[spans[0][0]:spans[0][1]]
	if m, ok := findMnemonic(got); !ok || m.Phrase() != m24 {
		t.Errorf("span %q does not hold the phrase", got)
	}
	if s := FindLongMnemonics([]byte(badChecksumMnemonic("long-bad", 24))); len(s) != 0 {
		t.Errorf("bad checksum found: %v", s)
	}
	if s := FindLongMnemonics([]byte("label words " + m24 + " trailing")); len(s) != 1 {
		t.Errorf("phrase inside a line not found: %v", s)
	}
}
