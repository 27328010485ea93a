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
