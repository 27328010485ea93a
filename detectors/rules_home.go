package detectors

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha512"
	"encoding/hex"
	"github.com/keyward/scan/internal/mnemonic"
	"net/url"
	"strings"
	"sync"
	"unicode"
)

// Rule ids that `scan home` also reports by presence: it finds the vault or
// keyring by its path and never reads the contents. The same rules find the
// text forms when they are copied elsewhere (an exported vault, an
// armoured key pasted into notes).
const (
	BrowserWalletVaultRuleID = "browser-wallet-vault"
	GPGSecretKeyRuleID       = "gpg-secret-key"
	ElectrumWalletRuleID     = "electrum-wallet-encrypted"
)

const vaultAdvice = "The vault is encrypted with the wallet password, but a copy can be attacked offline without limit " +
	"(vault crackers exist for every popular extension). If this file was ever copied, synced or backed up outside " +
	"this machine, move the funds to a new wallet; otherwise make sure the password is long and unique."

// homeRules cover the secret stores found in home directories rather than
// in source code: browser-extension wallet vaults, GnuPG secret keys,
// Electrum wallets, and credentials embedded in URLs (.git/config,
// .git-credentials, database URLs).
func homeRules() []Rule {
	return []Rule{
		{
			ID:    BrowserWalletVaultRuleID,
			Title: "Browser-extension wallet vault (MetaMask, Phantom, Rabby…; password-encrypted)",
			// Encrypted, but the ciphertext alone is enough to start
			// guessing the password offline.
			Severity:     High,
			Service:      "browser-wallet",
			Name:         "Browser wallet",
			Kind:         KindWallet,
			Keywords:     []string{"vault"},
			WindowBefore: 1,
			WindowAfter:  2,
			// The KeyringController vault: JSON {"data","iv",…,"salt"},
			// often itself a JSON string with escaped quotes.
			Pattern: `\{\\*"data\\*"\s*:\s*\\*"(?P<secret>[A-Za-z0-9+/]{64,}={0,2})\\*"\s*,\s*\\*"iv\\*"\s*:\s*\\*"[A-Za-z0-9+/]{16,}={0,2}\\*"[^\n]{0,300}?\\*"salt\\*"`,
			Advice:  vaultAdvice,
			Examples: []string{
				`{"vault":"{\"data\":\"hHktuZnhxfjC/EMz18I6j+IsTCMIK4ChaDZ8ibY7sWao4wl5qn0ZrngPzMGLsM7RJTES0mbl7sdbgtFwGrtFqUco1HFtaSSVVVmhL85FcSH1j1Il\",\"iv\":\"QgTZw8sxDuUr04cy/TDhnw==\",\"keyMetadata\":{\"algorithm\":\"PBKDF2\",\"params\":{\"iterations\":600000}},\"salt\":\"cPk+TJLCTh/HS03vKHHhphFoFm2b9C+AW5ePGJ86ITI=\"}"}`,
				"metamask vault backup:\n{\"data\": \"NCT+JlnCRq9ml1bgYKzVcq0JX2kNpC5PTRNvP7hQ2Ds3Lqk8Q7eIo2Y0UHnTEpyGclzhNw5WJ6ttf4BJgWYy8hcxcmJq\", \"iv\": \"3u2gXNrbzpoRtJ9C2+J5Rg==\", \"salt\": \"Pnm3W5M3t1FdUO8NtzBJ5gV3mL8QK1s2uWdN8dS0p1o=\"}\n",
			},
			Negatives: []string{
				`{"vault": {"data": "", "iv": "", "salt": ""}}`,
				`const vault = JSON.parse(encrypted); // {"data": string, "iv": string, "salt": string}`,
				`{"vault":"{\"data\":\"short\",\"iv\":\"QgTZw8sxDuUr04cy/TDhnw==\",\"salt\":\"x\"}"}`,
			},
		},
		{
			ID:    GPGSecretKeyRuleID,
			Title: "GnuPG secret key",
			// Unprotected keys are raised to critical by the validator;
			// a smartcard stub holds no key and is dropped.
			Severity: Medium,
			Service:  "gnupg",
			Name:     "GnuPG",
			Kind:     KindGeneric,
			Keywords: []string{"private-key", "PGP PRIVATE KEY BLOCK"},
			Pattern:  `(?P<secret>\((?:\d+:)?(?:protected-|shadowed-)?private-key\s*\(\s*(?:\d+:)?(?:rsa|dsa|elg|ecc|ecdsa|eddsa)\b[^\n]{16,})|(?P<armoured>-----BEGIN PGP PRIVATE KEY BLOCK-----)`,
			Validate: validateGPGKey,
			Advice: "Revoke the key with its revocation certificate and publish the revocation if it may have been copied; " +
				"a secret key without a passphrase signs and decrypts as you for anyone holding the file. Keep " +
				"private-keys-v1.d readable only by you (chmod 700 ~/.gnupg).",
			Examples: []string{
				"Key: (private-key (rsa (n #00C83A5F1E2D4B6A7C9E0F1A2B3C4D5E6F#)(e #010001#)(d #4B3A2C1D0E9F8A7B#)))\n",
				"Key: (protected-private-key (ecc (curve Ed25519)(flags eddsa)(q #40A1B2C3D4E5F6#)(protected openpgp-s2k3-ocb-aes ((sha1 #1A2B3C4D5E6F7A8B# \"43860992\")#0102030405060708090A0B0C#)#FFEEDDCCBBAA99887766#)(protected-at \"20240102T030405\")))\n",
			},
			Negatives: []string{
				"Key: (shadowed-private-key (rsa (n #00C83A5F1E2D4B6A7C9E0F1A2B3C4D5E6F#)(e #010001#)(shadowed t1-v1 (#D2760001240102000005000012340000# OPENPGP.1))))\n",
				"-----BEGIN PGP PUBLIC KEY BLOCK-----\nmQINBGV0dGVzdAEQAL\n-----END PGP PUBLIC KEY BLOCK-----\n",
				"; the private-key format is described in keyformat.txt\n",
			},
		},
		{
			ID:       "electrum-seed",
			Title:    "Electrum wallet seed (unencrypted wallet file)",
			Severity: Critical,
			Service:  "electrum",
			Name:     "Electrum",
			Kind:     KindWallet,
			Keywords: []string{"\"seed\""},
			// Electrum seeds use the BIP-39 English words but their own
			// checksum, so the BIP-39 rule rejects them.
			Pattern:          `"seed"\s*:\s*"(?P<secret>[a-z]{3,8}(?: [a-z]{3,8}){11,23})"`,
			Validate:         validateElectrumSeed,
			KeepPlaceholders: true,
			Advice:           walletAdvice + " This Electrum wallet file is not password-protected: anyone who copies it can spend.",
			Examples: []string{
				`{"keystore": {"pw_hash_version": 1, "seed": "shift twist expose gaze oil swear forward silent luggage step morning success", "type": "bip32"}, "use_encryption": false}`,
				`{"seed": "walnut tiny gravity rice nothing verb turkey segment column path uphold forward", "seed_version": 17}`,
			},
			Negatives: []string{
				// A valid BIP-39 phrase is not an Electrum seed.
				`{"seed": "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"}`,
				`{"seed": "shift twist expose gaze oil swear forward silent luggage step morning morning"}`,
			},
		},
		{
			ID:    ElectrumWalletRuleID,
			Title: "Electrum wallet file (password-encrypted)",
			// The password can be guessed offline without limit.
			Severity: Medium,
			Service:  "electrum",
			Name:     "Electrum",
			Kind:     KindWallet,
			Keywords: []string{"QklFM"},
			// The whole file is base64 of "BIE1" + ECIES ciphertext.
			Pattern: `(?:^|\n)(?P<secret>QklFM[A-Za-z0-9+/]{150,}={0,2})`,
			Advice:  "The wallet file is encrypted with its password; if a copy left this machine, move the funds to a new wallet. Keep wallet files out of cloud-synced and shared folders.",
			Examples: []string{
				"QklFMZ4rK0qBhIQZp3y8EVnN2foVi5fmMZnQHb/rkbB8fX0G0pqieCzKTQOnGNb9GI85zXyLAD7uzMAMLcYW4Co3jTOF76YAgQNJE7Qd9PMfJaUyi//z7CRRhxKNvSx5wv6mZtBZBz1shN3NNn4ka3Vmh1zOdVLux/TdNX6cNr79FieB17RYtPF1WbxDOVKZl2IkgB02v47dCI/eVUDI2gOdYdsOUHPmmGbTnFTLzr+AzdcywEw59w==",
			},
			Negatives: []string{
				"QklFMQ==",
				"data = base64.b64encode(b'BIE1' + payload)  # starts QklFM",
			},
		},
		{
			ID:       "url-credentials",
			Title:    "Password or token in a URL (user:secret@host)",
			Severity: High,
			Service:  "url",
			Name:     "URL credentials",
			Kind:     KindGeneric,
			// Specific token rules (GitHub, GitLab…) claim their own
			// values inside URLs first.
			Generic:  true,
			Keywords: []string{"://"},
			Pattern:  `\b[a-z][a-z0-9+.-]{1,15}://(?P<user>[A-Za-z0-9._~%!$&'*+,;=-]{1,64}):(?P<secret>[A-Za-z0-9._~%!$&'*+,;=-]{6,200})@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`,
			Gate:     urlCredentialsGate,
			Validate: validateURLSecret,
			Advice: "Change the password or revoke the token at the service, then remove it from the URL: use a credential " +
				"helper (git credential-manager, osxkeychain, libsecret) or an environment variable instead.",
			Examples: []string{
				"[remote \"origin\"]\n\turl = https://trader:Zq7rK2mWp9xL4tVb@gitea.example-corp.io/bots/grid.git\n",
				"https://deploy:glpat9fK2mQ7xR4tVbN8wZ3pL@git.mycompany.net\n",
				"DATABASE_URL=postgres://bot:hT5vR9qLm2XcW8@db.internal-prod.net:5432/trades\n",
			},
			Negatives: []string{
				"url = https://${GIT_USER}:${GIT_TOKEN}@github.com/o/r.git\n",
				"DATABASE_URL=postgres://user:password@localhost.localdomain/db\n",
				"see https://user:pass@example.com for the format\n",
				"url = https://github.com/keyward/scan.git\n",
				`u := "http://user:password@dummy.faketld/"`,
				`{"http://j%40ne:password@google.com", "jane"},`,
				"git clone https://aladdin:opensesame@vcs-test.golang.org/git/repo\n",
				`in: "http://user:pa%2Fssword@dummy.faketld/",`,
				`url := "http://My%20User:My%20Pass@dummy.faketld/"`,
			},
		},
	}
}

// urlUserinfo holds the bytes url-credentials' pattern allows in a URL's
// user and password; ':' and '@', which end them, are not among them.
var urlUserinfo = func() (t [256]bool) {
	for _, c := range []byte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~%!$&'*+,;=-") {
		t[c] = true
	}
	return t
}()

// urlCredentialsGate reports whether some "://" in text is followed by what
// url-credentials' pattern needs there: 1 to 64 user bytes, ':', 6 to 200
// password bytes and '@'. Lockfiles and code hold URLs by the thousand,
// almost none with a password, and the pattern, with no literal to start
// from, stepped through every byte of their windows.
func urlCredentialsGate(text []byte) bool {
	for i := 0; ; {
		k := bytes.Index(text[i:], []byte("://"))
		if k < 0 {
			return false
		}
		j := i + k + 3
		i = j
		user := userinfoRun(text[j:], 65)
		if user < 1 || user > 64 || j+user >= len(text) || text[j+user] != ':' {
			continue
		}
		j += user + 1
		pass := userinfoRun(text[j:], 201)
		if pass >= 6 && pass <= 200 && j+pass < len(text) && text[j+pass] == '@' {
			return true
		}
	}
}

// userinfoRun returns how many of b's first bytes, up to limit, urlUserinfo allows.
func userinfoRun(b []byte, limit int) int {
	n := 0
	for n < len(b) && n < limit && urlUserinfo[b[n]] {
		n++
	}
	return n
}

// validateGPGKey tells a cleartext secret key from a protected one and drops
// smartcard stubs, which hold no key.
func validateGPGKey(secret string, c Candidate) Verdict {
	switch {
	case strings.Contains(secret, "shadowed-private-key"):
		return Verdict{Reject: true, Reason: "smartcard stub: the key lives on the card"}
	case strings.Contains(secret, "protected-private-key"):
		return Verdict{Note: "passphrase-protected"}
	case strings.HasPrefix(secret, "-----BEGIN PGP PRIVATE KEY BLOCK"):
		return Verdict{Note: "armoured export; protection unknown without the passphrase"}
	}
	return Verdict{Severity: Critical, Note: "not protected by a passphrase"}
}

// electrumPrefixes are the seed-version prefixes of Electrum's "new" seeds
// (standard, segwit, 2FA, 2FA segwit): hex(HMAC-SHA512("Seed version",
// seed)) must start with one of them.
var electrumPrefixes = []string{"01", "100", "101", "102"}

func validateElectrumSeed(secret string, c Candidate) Verdict {
	words := strings.Fields(secret)
	for _, w := range words {
		if !bip39Word(w) {
			return Verdict{Reject: true, Reason: "word not in the Electrum word list: " + w}
		}
	}
	m := hmac.New(sha512.New, []byte("Seed version"))
	m.Write([]byte(strings.Join(words, " ")))
	h := hex.EncodeToString(m.Sum(nil))
	for _, p := range electrumPrefixes {
		if strings.HasPrefix(h, p) {
			return Verdict{Note: "Electrum seed version " + p}
		}
	}
	return Verdict{Reject: true, Reason: "not an Electrum seed (version check fails)"}
}

// bip39Words is built on first use: every process would otherwise split
// the word list and fill a 2,048-entry map before main, and most scans
// (a commit hook's) never look a word up.
var bip39Words = sync.OnceValue(func() map[string]bool {
	m := make(map[string]bool, len(mnemonic.EnglishWords()))
	for _, w := range mnemonic.EnglishWords() {
		m[w] = true
	}
	return m
})

func bip39Word(w string) bool { return bip39Words()[w] }

// validateURLSecret drops templated and documentation URLs and the words
// tests and docs put in them ("user:password@", "aladdin:opensesame@"); the
// shared placeholder filter has already dropped the obvious placeholders. A
// real password or token mixes at least two of lower case, upper case,
// digits and symbols.
func validateURLSecret(secret string, c Candidate) Verdict {
	lower := strings.ToLower(c.Line)
	for _, doc := range []string{"@example.", "@localhost", "for the format", "e.g."} {
		if strings.Contains(lower, doc) {
			return Verdict{Reject: true, Reason: "documentation or local example URL"}
		}
	}
	if strings.ContainsAny(secret, "${}<>") {
		return Verdict{Reject: true, Reason: "template"}
	}
	plain := secret
	if u, err := url.PathUnescape(secret); err == nil {
		plain = u
	}
	// Letters only, so that "p@ssword", "pa%2Fssword" and "My Pass" are
	// seen for the examples they are.
	letters := strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, plain)
	for _, w := range []string{"pass", "sword", "secret", "token", "changeme", "opensesame", "example"} {
		if strings.Contains(letters, w) {
			return Verdict{Reject: true, Reason: "example password"}
		}
	}
	var lowerC, upperC, digit, other bool
	for _, r := range plain {
		switch {
		case unicode.IsLower(r):
			lowerC = true
		case unicode.IsUpper(r):
			upperC = true
		case unicode.IsDigit(r):
			digit = true
		default:
			other = true
		}
	}
	classes := 0
	for _, b := range []bool{lowerC, upperC, digit, other} {
		if b {
			classes++
		}
	}
	if classes < 2 {
		return Verdict{Reject: true, Reason: "a single character class: a word, not a password"}
	}
	return Verdict{}
}
