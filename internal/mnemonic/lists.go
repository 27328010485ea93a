package mnemonic

import (
	"crypto/pbkdf2"
	"crypto/sha512"
	"embed"
	"strings"
	"sync"
)

// The BIP-39 word lists, byte for byte the files of the specification
// (bitcoin/bips, bip-0039/*.txt; their CRC-32s are checked by a test). They
// are read on first use: go-bip39 split all nine at program start, which
// cost every run — a commit hook's, `scan version` — 3.5 ms.
//
//go:embed wordlists/*.txt
var listFiles embed.FS

// Words holds one list each, split on first use.
var (
	EnglishWords            = wordList("english")
	ItalianWords            = wordList("italian")
	CzechWords              = wordList("czech")
	SpanishWords            = wordList("spanish")
	FrenchWords             = wordList("french")
	JapaneseWords           = wordList("japanese")
	KoreanWords             = wordList("korean")
	ChineseSimplifiedWords  = wordList("chinese_simplified")
	ChineseTraditionalWords = wordList("chinese_traditional")
)

func wordList(name string) func() []string {
	return sync.OnceValue(func() []string {
		b, err := listFiles.ReadFile("wordlists/" + name + ".txt")
		if err != nil {
			panic("mnemonic: embedded word list " + name + ": " + err.Error())
		}
		return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
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
