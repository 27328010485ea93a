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
