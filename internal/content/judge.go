package content

import (
	"path"
	"strings"
	"sync"

	"github.com/keyward/scan/detectors"
)

// A judge rules on a file that is a secret by being what it is — a wallet,
// a key store — from its name and its bytes, without the engine. Every
// source meets the same judges: a wallet.dat in a home, in a directory, in
// a commit or in a backup.zip is one finding of one rule.
type judge struct {
	name string
	// matches picks the files the judge rules on, by name and by what the
	// head was sniffed as.
	matches func(p string, k kind) bool
	// max bounds what is read of the file to judge it.
	max int64
	// judge returns the findings for the file (none for a file of the
	// kind that holds no secret, such as a smartcard stub), or ok false
	// when the file is not of the judge's kind and is read as any other.
	judge func(p string, whole []byte) (fs []detectors.Finding, ok bool)
}

// judges is the one table of whole-file judges. Browser wallet vaults are
// directories, reported by the home audit where it finds them.
var judges = []judge{
	{
		name: "Bitcoin Core wallet",
		// A wallet is a Berkeley DB or SQLite file; a text .dat is text.
		matches: func(p string, k kind) bool {
			return (k == kindFormat || k == kindBinary) && strings.HasSuffix(strings.ToLower(p), ".dat")
		},
		max:   64 << 20, // wallets are small; the judge looks for record names
		judge: judgeWalletDat,
	},
	{
		name:    "GnuPG secret key",
		matches: func(p string, _ kind) bool { return gnupgKeyFile(p) },
		max:     64 << 10,
		judge:   judgeGnuPGKey,
	},
}

// judgeFor returns the judge for a file, or nil.
func judgeFor(p string, k kind) *judge {
	for i := range judges {
		if judges[i].matches(p, k) {
			return &judges[i]
		}
	}
	return nil
}

// gnupgKeyFile names GnuPG's secret key stores: a key per file under
// private-keys-v1.d (GnuPG 2.1+), or the legacy secring.gpg.
func gnupgKeyFile(p string) bool {
	p = p[strings.LastIndex(p, "!")+1:]
	base := path.Base(p)
	return base == "secring.gpg" || strings.HasSuffix(base, ".key") && path.Base(path.Dir(p)) == "private-keys-v1.d"
}

var rules = sync.OnceValue(func() map[string]detectors.Rule {
	m := map[string]detectors.Rule{}
	for _, r := range detectors.Default() {
		m[r.ID] = r
	}
	return m
})

// wholeFileFinding is a finding for a file as a whole: its path stands for
// the secret, which is never copied into a report.
func wholeFileFinding(rule detectors.Rule, p string, v detectors.Verdict) detectors.Finding {
	sev := rule.Severity
	if v.Severity != detectors.SeverityUnset {
		sev = v.Severity
	}
	f := detectors.Finding{
		RuleID:   rule.ID,
		Title:    rule.Title,
		Severity: sev,
		Service:  rule.Service,
		Location: detectors.Location{Path: p, StartLine: 1, StartColumn: 1, EndLine: 1, EndColumn: 2},
		Secret:   p,
		Advice:   rule.Advice,
	}
	if v.Note != "" {
		f.Notes = []string{v.Note}
	}
	return f
}

func judgeWalletDat(p string, whole []byte) ([]detectors.Finding, bool) {
	v, ok := detectors.ClassifyWalletDat(whole[:min(len(whole), 4096)], whole)
	if !ok {
		return nil, false
	}
	return []detectors.Finding{wholeFileFinding(detectors.WalletDatRule(), p, v)}, true
}

// judgeGnuPGKey tells, from a key file's first bytes, a key protected by a
// passphrase from one in the clear, and a smartcard stub (no key) from
// both; the key itself is not read.
func judgeGnuPGKey(p string, whole []byte) ([]detectors.Finding, bool) {
	rule, ok := rules()[detectors.GPGSecretKeyRuleID]
	if !ok {
		return nil, false
	}
	head := string(whole[:min(len(whole), 512)])
	var v detectors.Verdict
	switch {
	case strings.Contains(head, "shadowed-private-key"):
		return nil, true // the key lives on a smartcard
	case strings.Contains(head, "protected-private-key"):
		v.Note = "passphrase-protected"
	case strings.Contains(head, "private-key"):
		v.Severity, v.Note = detectors.Critical, "not protected by a passphrase"
	case path.Base(p) == "secring.gpg":
		v.Note = "legacy GnuPG 1 keyring; each key's protection is unknown"
	default:
		v.Note = "unrecognised key format"
	}
	f := wholeFileFinding(rule, p, v)
	f.Notes = append(f.Notes, "the key was judged from its header, not copied")
	return []detectors.Finding{f}, true
}
