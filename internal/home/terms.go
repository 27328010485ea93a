package home

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/keyward/scan/detectors"
)

// Severity in the user's terms: what a finding means for the person whose
// home it is, which the rule alone cannot know.

const passphraseKeyAdvice = "The key is protected by its passphrase: nobody can use it without the passphrase, " +
	"but a copy can be guessed offline. If this file was ever copied off this machine (a backup, a sync, a repository), " +
	"replace the key pair; otherwise keep the passphrase long and the file readable only by you."

// localJWT recognises a freqtrade API server that listens only on this
// machine.
var localJWT = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`"listen_ip_address"\s*:\s*"(127\.0\.0\.1|localhost|::1)"`)
})

// maxConfigPeek bounds the read of a bot config judged for its API
// server's address.
const maxConfigPeek = 1 << 20

// userTerms adjusts a finding's severity and advice to what it means here.
func (a *audit) userTerms(f *detectors.Finding) {
	switch {
	case f.RuleID == "private-key" && hasNote(f, "encrypted with a passphrase"):
		// Not compromised: exposed to offline guessing if copied.
		f.Severity = min(f.Severity, detectors.Low)
		f.Advice = passphraseKeyAdvice
	case f.RuleID == detectors.BrowserWalletVaultRuleID && f.Secret == f.Path:
		// The vault is where the wallet lives, encrypted: a note, not
		// a leak.
		f.Severity = detectors.Low
	case strings.Contains(strings.ToLower(f.Line), "jwt_secret_key") && f.Archive == "" && a.localAPI(f.Path):
		f.Severity = min(f.Severity, detectors.Medium)
		f.Notes = append(f.Notes, "the bot's API server listens only on this machine (listen_ip_address): the JWT secret signs logins to it from here")
	}
}

func hasNote(f *detectors.Finding, s string) bool {
	for _, n := range f.Notes {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

func (a *audit) localAPI(rel string) bool {
	fh, err := os.Open(filepath.Join(a.root, filepath.FromSlash(rel)))
	if err != nil {
		return false
	}
	defer fh.Close()
	b, _ := io.ReadAll(io.LimitReader(fh, maxConfigPeek))
	return localJWT().Match(b)
}

// reachable reports which of group and others can reach a file through
// its directories: a file of mode 0644 in a 0700 home is readable by
// nobody else. It returns the permission bits that stay open.
func reachable(abs string, perm os.FileMode) (os.FileMode, string) {
	open := perm & 0o044
	closedBy := ""
	for dir := filepath.Dir(abs); open != 0; dir = filepath.Dir(dir) {
		info, err := os.Stat(dir)
		if err != nil {
			break
		}
		dp := info.Mode().Perm()
		if dp&0o010 == 0 && open&0o040 != 0 {
			open &^= 0o040
			closedBy = dir
		}
		if dp&0o001 == 0 && open&0o004 != 0 {
			open &^= 0o004
			closedBy = dir
		}
		if parent := filepath.Dir(dir); parent == dir {
			break
		}
	}
	return open, closedBy
}

func modeNote(perm os.FileMode, dir string) string {
	return fmt.Sprintf("mode %04o, but %s (mode %04o) lets no one else in: nothing to change", perm, dir, dirMode(dir))
}

func dirMode(dir string) os.FileMode {
	if info, err := os.Stat(dir); err == nil {
		return info.Mode().Perm()
	}
	return 0
}
