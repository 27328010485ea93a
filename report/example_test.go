package report_test

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/report"
)

// A program that produces findings (from its own scanning, or decoded from
// another tool) writes them in any of scan's formats through Write; every
// format redacts the secret unless Options.ShowSecrets is set. The JSON
// report is the versioned contract described in JSON.md.
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
	var out bytes.Buffer
	if err := report.Write(&out, "json", findings, detectors.Stats{Files: 12}, report.Options{}); err != nil {
		fmt.Println(err)
		return
	}
	var doc struct {
		SchemaVersion string `json:"schema_version"`
		Findings      []struct {
			Path     string `json:"path"`
			Line     int    `json:"start_line"`
			Severity string `json:"severity"`
			Secret   string `json:"secret"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range doc.Findings {
		fmt.Println(doc.SchemaVersion, f.Path, f.Line, f.Severity, f.Secret)
	}
	// Output:
	// 3 ci/release.sh 3 high ghp_…
}

// Lookup names the formats there are when asked for one that is not.
func ExampleLookup() {
	_, err := report.Lookup("xml")
	fmt.Println(err)
	// Output:
	// unknown report format "xml" (want github, hook, html, json, sarif, text)
}
