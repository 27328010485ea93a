package report

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/keyward/scan/detectors"
)

func TestSummarize(t *testing.T) {
	fs := htmlFindings()
	fs = append(fs, fs[0]) // a second finding in the same file
	fs[len(fs)-1].Archive = ""
	s := summarize(fs, Options{})
	wantKind := []summaryRow{
		{Name: "exchange", Count: 4, Files: 3, Highest: detectors.Critical},
		{Name: "wallet", Count: 2, Files: 2, Highest: detectors.Critical},
		{Name: "cloud", Count: 1, Files: 1, Highest: detectors.Critical},
		{Name: "generic", Count: 1, Files: 1, Highest: detectors.High},
	}
	if !reflect.DeepEqual(s.ByKind, wantKind) {
		t.Errorf("ByKind = %+v\nwant %+v", s.ByKind, wantKind)
	}
	wantEx := []summaryRow{
		{Name: "Binance", Count: 3, Files: 2, Highest: detectors.Critical},
		{Name: "Bybit", Count: 1, Files: 1, Highest: detectors.Critical},
	}
	if !reflect.DeepEqual(s.ByExchange, wantEx) {
		t.Errorf("ByExchange = %+v\nwant %+v", s.ByExchange, wantEx)
	}
	steps := strings.Join(s.Steps, "\n")
	for _, want := range []string{"withdrawals disabled", "IP whitelist", "Move the funds", "Rotate the cloud", "chmod 600", "Scrub shell history", "Delete the files"} {
		if !strings.Contains(steps, want) {
			t.Errorf("steps lack %q:\n%s", want, steps)
		}
	}

	// Only what applies: a lone cloud key in a private file.
	s = summarize(fs[5:6], Options{})
	if len(s.Steps) != 2 || !strings.Contains(s.Steps[0], "Rotate the cloud") {
		t.Errorf("steps for one cloud key: %q", s.Steps)
	}

	var b bytes.Buffer
	if err := writeSummary(&b, htmlFindings(), Options{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Findings by kind", "  exchange             3       3  critical", "Findings by exchange", "  Binance              2       2  critical", "What to do", "  1. Revoke"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, b.String())
		}
	}
}
