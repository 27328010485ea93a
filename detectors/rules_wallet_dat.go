package detectors

import "bytes"

// WalletDatRuleID is the rule id the file walker reports wallet.dat
// findings under.
const WalletDatRuleID = "bitcoin-core-wallet"

// WalletDatRule describes wallet.dat findings for reports and `scan rules`.
// It is a WholeFile rule: the file is binary and is judged by
// ClassifyWalletDat, so the engine does not run it.
func WalletDatRule() Rule {
	return Rule{
		ID:        WalletDatRuleID,
		WholeFile: true,
		Title:     "Bitcoin Core wallet file (wallet.dat)",
		Severity:  Critical,
		Service:   "bitcoin",
		Advice: walletAdvice + " An encrypted wallet.dat is protected only by its passphrase, which can be " +
			"guessed offline without limit; move the funds even if the passphrase is strong.",
	}
}

var (
	sqliteMagic = []byte("SQLite format 3\x00")
	// Records are keyed by a length-prefixed type string, so the length
	// byte keeps "key" from matching inside "ckey" or "mkey".
	bdbPlainKeys = [][]byte{[]byte("\x03key"), []byte("\x04wkey")}
	bdbCryptKeys = [][]byte{[]byte("\x04mkey"), []byte("\x04ckey")}
	// Records every Bitcoin Core wallet has, whatever its age.
	walletMarkers = [][]byte{[]byte("\x07version"), []byte("\x0aminversion"), []byte("\x04name"),
		[]byte("\x09bestblock"), []byte("\x07keymeta"), []byte("\x07hdchain"), []byte("\x0adefaultkey"),
		[]byte("\x10walletdescriptor"), []byte("\x11activeexternalspk")}
	sqlitePlainKey = []byte("walletdescriptorkey")
	sqliteCryptKey = []byte("walletdescriptorckey")
)

func containsAny(b []byte, needles [][]byte) bool {
	for _, n := range needles {
		if bytes.Contains(b, n) {
			return true
		}
	}
	return false
}

// ClassifyWalletDat judges a file named wallet.dat from its first bytes
// (header, at least 16) and a sample of its contents (ideally the whole
// file; wallets are small). It reports false when the file is neither a
// Berkeley DB nor an SQLite Bitcoin Core wallet.
//
// Plaintext keys are critical. Encrypted wallets are high: the passphrase
// is the only barrier and it can be attacked offline. Watch-only
// descriptor wallets hold no keys and are low.
func ClassifyWalletDat(header, sample []byte) (Verdict, bool) {
	data := append(append([]byte(nil), header...), sample...)
	switch {
	case len(header) >= 16 && (bytes.Equal(header[12:16], []byte{0x62, 0x31, 0x05, 0x00}) ||
		bytes.Equal(header[12:16], []byte{0x00, 0x05, 0x31, 0x62})):
		encrypted, plain := containsAny(data, bdbCryptKeys), containsAny(data, bdbPlainKeys)
		if !encrypted && !plain && !containsAny(data, walletMarkers) {
			return Verdict{}, false
		}
		switch {
		case encrypted:
			return Verdict{Severity: High, Note: "Bitcoin Core legacy wallet (Berkeley DB), encrypted (mkey/ckey records): the passphrase can be attacked offline"}, true
		case plain:
			return Verdict{Severity: Critical, Note: "Bitcoin Core legacy wallet (Berkeley DB) with unencrypted private keys (key records)"}, true
		}
		return Verdict{Severity: High, Note: "Bitcoin Core legacy wallet (Berkeley DB); no key records in the sampled bytes, encryption unknown"}, true
	case bytes.HasPrefix(header, sqliteMagic):
		encrypted := bytes.Contains(data, sqliteCryptKey) || bytes.Contains(data, bdbCryptKeys[0])
		plain := bytes.Contains(data, sqlitePlainKey)
		if !encrypted && !plain && !containsAny(data, walletMarkers) {
			return Verdict{}, false
		}
		switch {
		case encrypted:
			return Verdict{Severity: High, Note: "Bitcoin Core descriptor wallet (SQLite), encrypted (walletdescriptorckey records): the passphrase can be attacked offline"}, true
		case plain:
			return Verdict{Severity: Critical, Note: "Bitcoin Core descriptor wallet (SQLite) with unencrypted private keys (walletdescriptorkey records)"}, true
		}
		return Verdict{Severity: Low, Note: "Bitcoin Core descriptor wallet (SQLite) without private keys in the sampled bytes (watch-only?)"}, true
	}
	return Verdict{}, false
}

// walletDatRules is this file's group for Default.
func walletDatRules() []Rule { return []Rule{WalletDatRule()} }
