package mnemonic

import (
	"crypto/pbkdf2"
	"crypto/sha512"
	_ "embed" // the word lists
	"strings"
	"sync"
)

// The BIP-39 word lists, byte for byte the files of the specification
// (bitcoin/bips, bip-0039/*.txt; their CRC-32s are checked by a test). They
// are split on first use: go-bip39 split all nine at program start, which
// cost every run — a commit hook's, `scan version` — 3.5 ms. Embedded as
// strings, the words are the binary's own bytes: read from an embed.FS,
// each list was copied to the heap twice first.
var (
	//go:embed wordlists/english.txt
	englishText string
	//go:embed wordlists/italian.txt
	italianText string
	//go:embed wordlists/czech.txt
	czechText string
	//go:embed wordlists/spanish.txt
	spanishText string
	//go:embed wordlists/french.txt
	frenchText string
	//go:embed wordlists/japanese.txt
	japaneseText string
	//go:embed wordlists/korean.txt
	koreanText string
	//go:embed wordlists/chinese_simplified.txt
	chineseSimplifiedText string
	//go:embed wordlists/chinese_traditional.txt
	chineseTraditionalText string
)

// Words holds one list each, split on first use.
var (
	EnglishWords            = wordList(englishText)
	ItalianWords            = wordList(italianText)
	CzechWords              = wordList(czechText)
	SpanishWords            = wordList(spanishText)
	FrenchWords             = wordList(frenchText)
	JapaneseWords           = wordList(japaneseText)
	KoreanWords             = wordList(koreanText)
	ChineseSimplifiedWords  = wordList(chineseSimplifiedText)
	ChineseTraditionalWords = wordList(chineseTraditionalText)
)

func wordList(text string) func() []string {
	return sync.OnceValue(func() []string {
		return strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	})
}

// Seed is BIP-39's seed of a phrase and its passphrase: PBKDF2 with
// HMAC-SHA512, 2048 rounds, salt "mnemonic" and the passphrase, 64 bytes.
// Like go-bip39's NewSeed, it hashes the phrase as given: BIP-39 asks for
// its NFKD form, which an ASCII phrase already is.
func Seed(phrase, passphrase string) []byte {
	key, err := pbkdf2.Key(sha512.New, phrase, []byte("mnemonic"+passphrase), 2048, 64)
	if err != nil {
		// Only a FIPS-140-only mode refuses these parameters.
		panic("mnemonic: pbkdf2: " + err.Error())
	}
	return key
}
