package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

// TestNoPlainHashInAnyFormat: a report is uploaded and shared, and a fast
// hash of a secret in it lets a reader confirm a guessed password offline.
// No format, verbose or not, may carry sha256 of the secret (alone or with
// its rule id) in any prefix long enough to be checked.
func TestNoPlainHashInAnyFormat(t *testing.T) {
	fs := testFindings()
	for _, ft := range Formats() {
		for _, verbose := range []bool{false, true} {
			var b bytes.Buffer
			if err := ft.Write(&b, fs, testStats(), Options{Version: "test", Verbose: verbose}); err != nil {
				t.Fatalf("%s: %v", ft.Name, err)
			}
			out := b.String()
			for _, f := range fs {
				for _, in := range []string{f.RuleID + "\x00" + f.Secret, f.Secret} {
					sum := sha256.Sum256([]byte(in))
					if strings.Contains(out, hex.EncodeToString(sum[:])[:16]) {
						t.Errorf("%s (verbose %v): output holds a plain sha256 of %s's secret", ft.Name, verbose, f.RuleID)
					}
				}
			}
		}
	}
}
