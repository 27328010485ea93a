package report_test

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/report"
)

// fakeKey derives a made-up 64-character alphanumeric key from a label.
func fakeKey(label string) string {
	const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	var b strings.Builder
	for i := 0; b.Len() < 64; i++ {
		for _, c := range sha256.Sum256([]byte(fmt.Sprint(label, i))) {
			if b.Len() < 64 {
				b.WriteByte(alnum[int(c)%len(alnum)])
			}
		}
	}
	return b.String()
}

// The printed line hides key material no finding claimed: another call's
// key in a shell history, in every format.
func TestPrintedLineHidesUnclaimedKeyMaterial(t *testing.T) {
	key := fakeKey("printed line key")
	other := fakeKey("printed line other")
	line := "c = Client('" + key + "'); d = Spot(api_key='" + other + "')"
	fs := []detectors.Finding{{
		RuleID: "binance-api-key", Title: "Binance API key", Severity: detectors.Medium,
		Service: "binance", Exchange: "binance", Part: detectors.PartKey,
		Location: detectors.Location{Path: ".python_history", StartLine: 1, StartColumn: 13, EndLine: 1, EndColumn: 77},
		Secret:   key, Line: line,
	}}
	for _, format := range []string{"text", "json", "sarif", "html", "github", "hook"} {
		var b bytes.Buffer
		if err := report.Write(&b, format, fs, detectors.Stats{Files: 1}, report.Options{}); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if strings.Contains(b.String(), other[:20]) {
			t.Errorf("%s report shows %d+ characters of an unclaimed key", format, 20)
		}
		if strings.Contains(b.String(), key[:20]) {
			t.Errorf("%s report shows the finding's own key", format)
		}
	}
}

// The line is a window around the finding, and its edge may cut through
// the pair's other part: a one-line ccxt keys.json shown from the middle
// of the API key. What is left of the key must not be printed either, in
// any format.
func TestPrintedLineHidesSecretCutAtTheEdge(t *testing.T) {
	// Few digits, as in many real Kraken keys: the generic key-material
	// check (a tenth digits at least) lets such a run through.
	key := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return 'g' + (r - '0')
		}
		return r
	}, fakeKey("cut key"))[:52] + "17aZ"
	secret := fakeKey("cut secret")
	for _, tc := range []struct{ name, line string }{
		{"starts inside the key", key[10:] + `", "secret": "` + secret + `"}}`},
		{"ends inside the key", `{"secret": "` + secret + `", "apiKey": "` + key[:40]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := []detectors.Finding{{
				RuleID: "kraken-api-secret", Title: "Kraken API secret", Severity: detectors.Critical,
				Service: "kraken", Exchange: "kraken", Part: detectors.PartSecret,
				Location: detectors.Location{Path: "ccxt/keys.json", StartLine: 1, StartColumn: 94, EndLine: 1, EndColumn: 158},
				Secret:   secret, Line: tc.line,
				Parts: []detectors.Part{{RuleID: "kraken-api-key", Part: detectors.PartKey, Secret: key,
					Location: detectors.Location{Path: "ccxt/keys.json", StartLine: 1, StartColumn: 24, EndLine: 1, EndColumn: 80}}},
			}}
			for _, format := range []string{"text", "json", "sarif", "html", "github", "hook"} {
				var b bytes.Buffer
				if err := report.Write(&b, format, fs, detectors.Stats{Files: 1}, report.Options{}); err != nil {
					t.Fatalf("%s: %v", format, err)
				}
				for i := 4; i+8 <= len(key); i++ {
					if strings.Contains(b.String(), key[i:i+8]) {
						t.Errorf("%s report shows characters %d… of the API key:\n%s", format, i, b.String())
						break
					}
				}
				if strings.Contains(b.String(), secret[4:12]) {
					t.Errorf("%s report shows the secret", format)
				}
			}
		})
	}
}
