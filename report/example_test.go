package report_test

import (
	"fmt"
	"os"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/report"
)

// A program that produces findings (from its own scanning, or decoded from
// another tool) writes them in any of scan's formats through Write; every
// format redacts the secret unless Options.ShowSecrets is set.
func Example() {
	findings := []detectors.Finding{{
		RuleID:   "github-token",
		Title:    "GitHub personal access token",
		Severity: detectors.High,
		Service:  "github",
		Location: detectors.Location{Path: "ci/release.sh", StartLine: 3, StartColumn: 21, EndLine: 3, EndColumn: 61},
		Secret:   "ghp_" + "Xq7vLm2Rk9Tz4Wb8Nc3Hd6Jf1Gs5Ya0Pe2Ku",
		Line:     "export GITHUB_TOKEN=ghp_" + "Xq7vLm2Rk9Tz4Wb8Nc3Hd6Jf1Gs5Ya0Pe2Ku",
	}}
	stats := detectors.Stats{Files: 12, Bytes: 40960}
	if err := report.Write(os.Stdout, "hook", findings, stats, report.Options{}); err != nil {
		fmt.Println(err)
	}
	// Output:
	// scan: 1 secret(s) found
	//
	//   ci/release.sh:3  github-token  ghp_…
	//
	// Move the secret to an environment variable (and rotate it if it was ever
	// shared). If it is a false positive, put a "keyward:allow" comment on its
	// line, or add the path to .keywardignore.
}

// Lookup names the formats there are when asked for one that is not.
func ExampleLookup() {
	_, err := report.Lookup("xml")
	fmt.Println(err)
	// Output:
	// unknown report format "xml" (want github, hook, html, json, sarif, text)
}
