package mnemonic

import (
	"bytes"
	"embed"
	"fmt"
	"hash/crc32"
	"slices"
	"strings"
	"testing"

	"github.com/tyler-smith/go-bip39"
	"github.com/tyler-smith/go-bip39/wordlists"
)

// listFiles are the word lists as files, for their checksums.
//
//go:embed wordlists/*.txt
var listFiles embed.FS

// The embedded lists are the specification's files: the CRC-32s are those
// of bitcoin/bips bip-0039/*.txt, and each list equals go-bip39's.
func TestEmbeddedListsAreTheSpecifications(t *testing.T) {
	for _, l := range []struct {
		file  string
		crc   uint32
		words func() []string
		ref   []string
	}{
		{"english", 0xc1dbd296, EnglishWords, wordlists.English},
		{"italian", 0x2fc7d07e, ItalianWords, wordlists.Italian},
		{"czech", 0xd1b5fda0, CzechWords, wordlists.Czech},
		{"spanish", 0x266e4f3d, SpanishWords, wordlists.Spanish},
		{"french", 0x3e56b216, FrenchWords, wordlists.French},
		{"japanese", 0x0acc1419, JapaneseWords, wordlists.Japanese},
		{"korean", 0x4ef461eb, KoreanWords, wordlists.Korean},
		{"chinese_simplified", 0xe3721bbf, ChineseSimplifiedWords, wordlists.ChineseSimplified},
		{"chinese_traditional", 0x3c20b443, ChineseTraditionalWords, wordlists.ChineseTraditional},
	} {
		b, err := listFiles.ReadFile("wordlists/" + l.file + ".txt")
		if err != nil {
			t.Fatal(err)
		}
		if got := crc32.ChecksumIEEE(b); got != l.crc {
			t.Errorf("%s.txt: CRC-32 %08x, want %08x", l.file, got, l.crc)
		}
		if w := l.words(); len(w) != 2048 || !slices.Equal(w, l.ref) {
			t.Errorf("%s: %d words, not go-bip39's list", l.file, len(w))
		}
	}
}

func TestSeedIsBIP39s(t *testing.T) {
	for i, phrase := range []string{Abandon, Hardhat, "legal winner thank year wave sausage worth useful legal winner thank yellow"} {
		for _, pass := range []string{"", "TREZOR", fmt.Sprint("p", i)} {
			if got, want := Seed(phrase, pass), bip39.NewSeed(phrase, pass); !bytes.Equal(got, want) {
				t.Errorf("Seed(%q, %q) = %x, want %x", phrase, pass, got, want)
			}
		}
	}
}

// The BIP-39 test vectors' entropy is one byte repeated, at every length;
// a phrase from random entropy is not a vector.
func TestKnownVectorsAtEveryLength(t *testing.T) {
	for _, size := range []int{16, 20, 24, 28, 32} {
		for _, b := range []byte{0x00, 0x7f, 0x80, 0xff} {
			phrase, err := bip39.NewMnemonic(bytes.Repeat([]byte{b}, size))
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := Known(strings.Fields(phrase)); !ok {
				t.Errorf("%d bytes of %02x: %q is not known", size, b, phrase)
			}
		}
		entropy := make([]byte, size)
		for i := range entropy {
			entropy[i] = byte(i*37 + size)
		}
		phrase, err := bip39.NewMnemonic(entropy)
		if err != nil {
			t.Fatal(err)
		}
		if why, ok := Known(strings.Fields(phrase)); ok {
			t.Errorf("%q taken for test material: %s", phrase, why)
		}
	}
}
