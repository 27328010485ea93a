package detectors

import (
	"strings"
	"testing"
)

func TestElectrumPhrase(t *testing.T) {
	// Electrum's own test vector (electrum/tests/test_mnemonic.py), a
	// segwit seed; the others were generated for this test.
	vector := "wild father tree among universe such mobile favorite target dynamic credit identify"
	standard := "spell slot rhythm palm very auction rural burst shoot raccoon ranch educate"
	for _, tc := range []struct {
		name, text, path string
		run              string // the finder's span; the whole text if empty
		want             string // note substring, or "" for a rejection
	}{
		{"published segwit vector", "electrum seed: " + vector, "notes.txt", vector, "Electrum segwit seed"},
		{"standard seed, numbered", "my seed\n1. " + strings.ReplaceAll(standard, " ", "\n2. "), "notes.txt", "1. " + strings.ReplaceAll(standard, " ", "\n2. "), "Electrum standard seed"},
		{"capitalised", "Electrum words: " + strings.ToUpper(vector[:1]) + vector[1:], "todo.md", strings.ToUpper(vector[:1]) + vector[1:], "segwit"},
		{"no context", "the " + vector, "src/words.go", vector, ""},
		{"context from the file name", vector, "backup/electrum.txt", "", "segwit"},
		{"BIP-39 phrase", "seed: abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about", "a.txt", "", ""},
		{"wallet file field", `{"seed": "` + vector + `"}`, "default_wallet", vector, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run := tc.run
			if run == "" {
				run = tc.text
			}
			v := validateElectrumPhrase(run, Candidate{Window: tc.text, Line: strings.SplitN(tc.text, "\n", 2)[0], Path: tc.path})
			if tc.want == "" {
				if !v.Reject {
					t.Errorf("accepted: %+v", v)
				}
				return
			}
			if v.Reject || !strings.Contains(v.Note, tc.want) {
				t.Errorf("verdict %+v, want note %q", v, tc.want)
			}
		})
	}
}
