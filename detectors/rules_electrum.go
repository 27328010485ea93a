package detectors

import (
	"crypto/hmac"
	"crypto/sha512"
	"encoding/hex"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/keyward/scan/internal/mnemonic"
)

// Electrum's own seed phrases are not BIP-39: their words come from the
// same English list, but the phrase carries no checksum. Instead Electrum
// only issues phrases whose HMAC-SHA512 under the key "Seed version"
// begins with a version prefix, and recognises them by that prefix. The
// check is as strong as a 12-bit (segwit) or 8-bit (standard) checksum,
// so a 12-word run needs the same context words as a BIP-39 phrase.

// This rule finds such phrases written in notes and backups; the
// electrum-seed rule (rules_home.go) finds the seed field of an
// unencrypted wallet file.

// electrumVersions maps the hex prefixes Electrum issues to their names
// (electrum/mnemonic.py, seed_type).
var electrumVersions = []struct{ prefix, name string }{
	{"100", "segwit"},
	{"101", "2FA"},
	{"102", "2FA segwit"},
	{"01", "standard"},
}

// electrumSeedField is the seed inside an Electrum wallet file, which the
// electrum-seed rule reports.
var electrumSeedField = lazyRE(`"seed"\s*:\s*"`)

// electrumSeedVersion returns the seed type of phrase, or "".
func electrumSeedVersion(phrase string) string {
	m := hmac.New(sha512.New, []byte("Seed version"))
	m.Write([]byte(electrumNormalize(phrase)))
	h := hex.EncodeToString(m.Sum(nil))
	for _, v := range electrumVersions {
		if strings.HasPrefix(h, v.prefix) {
			return v.name
		}
	}
	return ""
}

// electrumNormalize is Electrum's normalize_text: NFKD, lower case,
// accents removed, whitespace collapsed to single spaces.
func electrumNormalize(s string) string {
	s = strings.ToLower(norm.NFKD.String(s))
	var b strings.Builder
	for _, r := range s {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// validateElectrumPhrase looks, inside a run of list words, for 12, 13 or 24
// consecutive words that Electrum would accept as one of its seeds.
func validateElectrumPhrase(secret string, c Candidate) Verdict {
	if electrumSeedField.MatchString(c.Line) {
		return Verdict{Reject: true, Reason: "a wallet file's seed field: the electrum-seed rule reports it"}
	}
	words := strings.FieldsFunc(strings.ToLower(secret), func(r rune) bool { return !unicode.IsLetter(r) })
	english := mnemonic.English()
	var list []string
	for _, w := range words {
		if _, ok := english[w]; ok {
			list = append(list, w)
		}
	}
	for _, n := range []int{12, 13, 24} {
		for i := 0; i+n <= len(list); i++ {
			phrase := strings.Join(list[i:i+n], " ")
			v := electrumSeedVersion(phrase)
			if v == "" {
				continue
			}
			around := strings.Replace(c.Window, secret, " ", 1)
			if _, ok := containsAnyFold(around, append([]string{"electrum"}, mnemonicContext...)); !ok {
				if _, ok := containsAnyFold(c.Path, append([]string{"electrum"}, mnemonicPathWords...)); !ok {
					return Verdict{Reject: true, Reason: "an Electrum seed version without a seed/electrum context word (1 in 256 random runs has one)"}
				}
			}
			return Verdict{Note: "Electrum " + v + " seed (" + strconv.Itoa(n) + " words, Electrum's seed-version check passes; not a BIP-39 phrase)"}
		}
	}
	return Verdict{Reject: true, Reason: "no run of 12, 13 or 24 words with an Electrum seed version"}
}

func electrumRules() []Rule {
	return []Rule{{
		ID:               "electrum-seed-phrase",
		Title:            "Electrum seed phrase written down (Electrum's own seed, not BIP-39)",
		Severity:         Critical,
		Service:          "electrum",
		Name:             "Electrum wallet",
		Kind:             KindWallet,
		Keywords:         append([]string{"electrum"}, mnemonicContext...),
		WindowBefore:     4,
		WindowAfter:      26,
		PathKeywords:     append([]string{"electrum"}, mnemonicPathWords...),
		Finder:           finderOf(mnemonic.Runs),
		KeepPlaceholders: true,
		Validate:         validateElectrumPhrase,
		Advice:           walletAdvice + " Restore-from-seed works in any Electrum: every address of the wallet is exposed.",
		Examples: []string{
			"Electrum wallet seed (segwit):\none hunt bomb original castle short churn gorilla fitness gesture cream face\n",
			"# my electrum recovery words\nexpress pass duck shield mandate weekend wish flame ship follow pattern omit\n",
		},
		Negatives: []string{
			// Twelve list words with no Electrum version.
			"electrum seed: abandon ability able about above absent absorb abstract absurd abuse access accident\n",
		},
	}}
}
