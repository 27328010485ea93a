package report

import (
	"fmt"
	"io"
	"testing"

	"github.com/keyward/scan/detectors"
)

// BenchmarkWriteSARIF measures the SARIF writer on 1,000 findings with
// distinct secrets, each needing its own salted scrypt fingerprint: the
// cost a history scan's report pays for fingerprints that reveal nothing.
func BenchmarkWriteSARIF(b *testing.B) {
	fs := make([]detectors.Finding, 1000)
	for i := range fs {
		secret := fmt.Sprintf("tok_%032x", i*7919)
		fs[i] = detectors.Finding{RuleID: "github-token", Title: "GitHub token", Severity: detectors.High, Service: "github",
			Location: detectors.Location{Path: fmt.Sprintf("src/%d.env", i), StartLine: 3, StartColumn: 7, EndLine: 3, EndColumn: 7 + len(secret)},
			Secret:   secret, Line: "TOKEN=" + secret}
	}
	opt := testOptions()
	b.ReportAllocs()
	for b.Loop() {
		if err := writeSARIF(io.Discard, fs, testStats(), opt); err != nil {
			b.Fatal(err)
		}
	}
}
