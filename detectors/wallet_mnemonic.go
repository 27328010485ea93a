package detectors

import (
	"fmt"
	"strings"

	"github.com/keyward/scan/internal/mnemonic"
)

// The bip39-mnemonic rule's judgement: internal/mnemonic finds
// checksum-valid phrases; whether one is a leak depends on the words
// around it and the file it is in.

// mnemonicContext are the words that make a 12-word phrase believable:
// at 4 checksum bits one random run of list words in 16 passes, so a bare
// 12-word run is not enough evidence.
var mnemonicContext = append([]string{"mnemonic", "seed", "phrase", "recovery", "words", "bip39", "bip-39"}, localMnemonicWords...)

// localMnemonicWords name a seed phrase in the languages of the other
// word lists ("phrase" already covers French).
var localMnemonicWords = []string{"semilla", "frase", "助记词", "助記詞", "ニーモニック", "シード", "니모닉", "시드"}

// mnemonicPathWords mark files that hold phrases by their name alone.
var mnemonicPathWords = []string{"seed", "mnemonic", "wallet", "recovery", "phrase", "backup"}

func containsAnyFold(s string, words []string) (string, bool) {
	ls := strings.ToLower(s)
	for _, w := range words {
		if strings.Contains(ls, w) {
			return w, true
		}
	}
	return "", false
}

// validateMnemonic is the bip39-mnemonic validator.
func validateMnemonic(secret string, c Candidate) Verdict {
	m, ok := mnemonic.Find(secret)
	if !ok {
		return Verdict{Reject: true, Reason: "no checksum-valid BIP-39 phrase of 12–24 words"}
	}
	n := len(m.Words)
	if n == 12 {
		// The phrase itself may contain "seed" or "phrase" (list words);
		// only the text around it counts as context.
		around := strings.Replace(c.Window, secret, " ", 1) + " " + mnemonic.LeftOver(secret, m.Words)
		if _, ok := containsAnyFold(around, mnemonicContext); !ok {
			if _, ok := containsAnyFold(c.Path, mnemonicPathWords); !ok {
				return Verdict{Reject: true, Reason: "12 checksum-valid words without a mnemonic/seed/phrase context word or wallet file name (1 in 16 random runs passes)"}
			}
		}
	}
	if reason, ok := mnemonic.Known(m.Words); ok {
		return Verdict{Severity: Info, Reason: "well-known test material: " + reason, Note: "well-known test material: " + reason}
	}
	note := fmt.Sprintf("%d-word BIP-39 mnemonic (%s word list, checksum valid)", n, m.Language)
	if m.Language == "English" {
		seed := mnemonic.Seed(m.Phrase(), "")
		k := hdMaster(seed).path(44+hardened, 60+hardened, 0+hardened, 0, 0)
		if priv, ok := secpScalar(k.key[:]); ok {
			note += "; first Ethereum account without passphrase: " + ethereumAddress(priv)
		}
	}
	return Verdict{Note: note}
}

// longMnemonicsOutsideCode runs mnemonic.FindLong on every text file up
// to 512 KiB, source code included: a 24-word phrase pasted into a string
// literal or a comment needs no context word, since its checksum passes at
// random once in 256 tries and runs of 24 list words almost never occur
// in code. Larger files are data (candles, exports, logs), where a phrase
// sits under a name the keyword windows find, and a whole pass would cost
// more than the rest of the scan.
func longMnemonicsOutsideCode(path string, data []byte) [][2]int {
	if len(data) > 512<<10 {
		return nil
	}
	if codeFile(path) {
		return mnemonic.FindLongInCode(data)
	}
	return mnemonic.FindLong(data)
}
