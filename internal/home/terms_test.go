package home

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/scanopt"
)

// A secret's severity in the user's terms: a file of mode 0644 in a 0700
// home is readable by nobody else (no raise, no chmod advice), but the
// same file in a home others can enter is raised; a freqtrade JWT secret
// for an API on localhost is medium.
func TestUserTerms(t *testing.T) {
	for _, tc := range []struct {
		name    string
		homeMod os.FileMode
		raised  bool
	}{
		{"private home", 0o700, false},
		{"open home", 0o755, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			f := newFixture(t, dir)
			f.write("bots/grid/.env", 0o644, f.binance())
			f.write("ft/user_data/config.json", 0o600, "{\n  \"exchange\": {\"name\": \"binance\"},\n  \"api_server\": {\n    \"enabled\": true,\n    \"listen_ip_address\": \"127.0.0.1\",\n"+
				"    \"jwt_secret_key\": \""+f.str(64, "0123456789abcdef")+"\",\n    \"password\": \""+f.str(20, alnum)+"\"\n  }\n}\n")
			// A GnuPG key without a passphrase, 0644: its rule's advice
			// says chmod, which a private home makes pointless.
			f.write(".gnupg/private-keys-v1.d/4E5F6A7B.key", 0o644, "Key: (private-key (rsa (n #00C8#)(e #010001#)(d #4B3A#)))\n")
			os.Chmod(filepath.Join(dir, ".gnupg"), 0o755)
			os.Chmod(filepath.Dir(dir), 0o755)
			os.Chmod(dir, tc.homeMod)
			res, err := Scan(context.Background(), newScanner(t), Options{Root: dir, Common: scanopt.Common{Threads: 1}})
			if err != nil {
				t.Fatal(err)
			}
			seen := 0
			for _, x := range res.Findings {
				notes := strings.Join(x.Notes, "\n")
				switch {
				case x.Path == "bots/grid/.env" && x.Part == detectors.PartSecret:
					seen++
					if tc.raised != x.File.ReadableByOthers || tc.raised != strings.Contains(notes, "chmod 600") {
						t.Errorf(".env: readable %v, notes %q", x.File.ReadableByOthers, notes)
					}
					if !tc.raised && !strings.Contains(notes, "lets no one else in") {
						t.Errorf(".env in a private home: notes %q", notes)
					}
				case x.RuleID == detectors.GPGSecretKeyRuleID:
					seen++
					// chmod is said once, in the note, where it helps.
					if tc.raised != strings.Contains(notes, "chmod 600") || tc.raised != strings.Contains(x.Advice, "chmod") ||
						!strings.Contains(x.Advice, "Revoke the key") {
						t.Errorf("GnuPG key: notes %q, advice %q", notes, x.Advice)
					}
				case strings.Contains(x.Line, "jwt_secret_key"):
					seen++
					// Beside the exchange's name it is still the bot's
					// login key, not a Binance key to revoke.
					if x.Severity != detectors.Medium || !strings.Contains(notes, "listens only on this machine") || x.RuleID != "generic-secret" {
						t.Errorf("jwt_secret_key: %s %q", x.Severity, notes)
					}
				}
			}
			if tc.raised {
				// The chmod the note gives is run as printed: the next
				// audit no longer raises the file.
				ran := false
				for _, x := range res.Findings {
					m := regexp.MustCompile(`run (chmod 600 \S+)$`).FindStringSubmatch(strings.Join(x.Notes, "\n"))
					if x.Path != "bots/grid/.env" || m == nil {
						continue
					}
					if b, err := exec.Command("sh", "-c", m[1]).CombinedOutput(); err != nil {
						t.Fatalf("%s: %v\n%s", m[1], err, b)
					}
					again, err := Scan(context.Background(), newScanner(t), Options{Root: dir, Common: scanopt.Common{Threads: 1}})
					if err != nil {
						t.Fatal(err)
					}
					for _, y := range again.Findings {
						if y.Path == "bots/grid/.env" && (y.File.ReadableByOthers || strings.Contains(strings.Join(y.Notes, " "), "chmod")) {
							t.Errorf("after %s: readable %v, notes %q", m[1], y.File.ReadableByOthers, y.Notes)
						}
					}
					ran = true
					break
				}
				if !ran {
					t.Error("no chmod command for the 0644 .env in an open home")
				}
			}
			if seen != 3 {
				t.Errorf("%d of the 3 findings checked: %+v", seen, res.Findings)
			}
		})
	}
}
