package report

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/keyward/scan/detectors"
)

// sarifSchema compiles the official SARIF 2.1.0 schema from testdata, so the
// test needs no network.
func compileSARIFSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(sarifSchema, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(sarifSchema)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func decodeSARIF(t *testing.T, out string) sarifLog {
	t.Helper()
	var log sarifLog
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&log); err != nil {
		t.Fatalf("decoding SARIF: %v", err)
	}
	if len(log.Runs) != 1 {
		t.Fatalf("got %d runs, want 1", len(log.Runs))
	}
	return log
}

func TestSARIFValidatesAgainstSchema(t *testing.T) {
	sch := compileSARIFSchema(t)
	show := testOptions()
	show.ShowSecrets = true
	tests := []struct {
		name     string
		findings []detectors.Finding
		stats    detectors.Stats
		opt      Options
	}{
		{"findings", testFindings(), testStats(), testOptions()},
		{"no findings", nil, testStats(), testOptions()},
		{"incomplete", testFindings(), incompleteStats(), testOptions()},
		{"show secrets", testFindings(), testStats(), show},
		{"no version, no rules", testFindings(), detectors.Stats{}, Options{}},
		{"provenance", testFindings(), testStats(), Options{Version: "1.2.0", Rules: testRules(),
			Root: "/home/runner/work/bot/bot", Repository: "https://github.com/acme/bot.git", Revision: "3f9a1c2e7b4d5f60718293a4b5c6d7e8f9012345", Branch: "main"}},
		{"two on one line, from history", append(twoOnOneLine(), historyOnly()), testStats(), testOptions()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := write(t, "sarif", tt.findings, tt.stats, tt.opt)
			doc, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			if err := sch.Validate(doc); err != nil {
				t.Errorf("SARIF does not validate: %v\n%s", err, out)
			}
		})
	}
}

func TestSARIFRegions(t *testing.T) {
	tests := []struct {
		name string
		loc  detectors.Location
		want sarifRegion
	}{
		{"engine span kept", detectors.Location{StartLine: 4, StartColumn: 15, EndLine: 4, EndColumn: 79},
			sarifRegion{StartLine: 4, StartColumn: 15, EndLine: 4, EndColumn: 79}},
		{"end unset", detectors.Location{StartLine: 1, StartColumn: 10},
			sarifRegion{StartLine: 1, StartColumn: 10, EndLine: 1, EndColumn: 10 + 64}},
		{"empty span", detectors.Location{StartLine: 7, StartColumn: 3, EndLine: 7, EndColumn: 3},
			sarifRegion{StartLine: 7, StartColumn: 3, EndLine: 7, EndColumn: 3 + 64}},
		{"zero start", detectors.Location{},
			sarifRegion{StartLine: 1, StartColumn: 1, EndLine: 1, EndColumn: 1 + 64}},
		{"multi-line span ending left of its start", detectors.Location{StartLine: 2, StartColumn: 12, EndLine: 9, EndColumn: 30},
			sarifRegion{StartLine: 2, StartColumn: 12, EndLine: 9, EndColumn: 30}},
		{"multi-line span with end column 0", detectors.Location{StartLine: 2, StartColumn: 12, EndLine: 9},
			sarifRegion{StartLine: 2, StartColumn: 12, EndLine: 9, EndColumn: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := region(tt.loc, binanceSecret, ""); *got != tt.want {
				t.Errorf("region(%+v) = %+v, want %+v", tt.loc, got, tt.want)
			}
		})
	}

	// Every region written, including those of linked parts.
	log := decodeSARIF(t, write(t, "sarif", testFindings(), testStats(), testOptions()))
	for _, res := range log.Runs[0].Results {
		for _, loc := range res.Locations {
			r := loc.PhysicalLocation.Region
			if r.EndColumn < 1 || (r.EndLine == r.StartLine && r.EndColumn <= r.StartColumn) || r.EndLine < r.StartLine {
				t.Errorf("%s: bad region %+v", res.RuleID, r)
			}
		}
	}
}

func TestSARIFArtifactURI(t *testing.T) {
	tests := []struct{ path, want string }{
		{".env", ".env"},
		{"config/bot.json", "config/bot.json"},
		{"./config/bot.json", "config/bot.json"},
		{"deploy/my keys/id_rsa", "deploy/my%20keys/id_rsa"},
		{"docs/100%.md", "docs/100%25.md"},
		{"src/a#b?c.go", "src/a%23b%3Fc.go"},
		{"données/clé.txt", "donn%C3%A9es/cl%C3%A9.txt"},
		{"c:/notes.txt", "./c:/notes.txt"},
		{"/../../etc/passwd", "etc/passwd"},
	}
	for _, tt := range tests {
		if got := artifactURI(tt.path); got != tt.want {
			t.Errorf("artifactURI(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}

	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if got := artifactURI(wd + "/config/bot.json"); got != "config/bot.json" {
		t.Errorf("absolute path under the working directory: got %q, want config/bot.json", got)
	}
	for _, p := range []string{"/etc/app/secrets.env", wd + "/../elsewhere/x.env"} {
		if got := artifactURI(p); strings.HasPrefix(got, "/") || strings.Contains(got, ":") {
			t.Errorf("artifactURI(%q) = %q, want a relative reference", p, got)
		}
	}
}

func TestSARIFRulesAndResults(t *testing.T) {
	fs := testFindings()
	log := decodeSARIF(t, write(t, "sarif", fs, testStats(), testOptions()))
	run := log.Runs[0]

	var ids []string
	for _, r := range run.Tool.Driver.Rules {
		ids = append(ids, r.ID)
	}
	// github-pat and slack-webhook were loaded but found nothing; the
	// mnemonic rule was not loaded but found something.
	want := []string{"aws-secret-access-key", "binance-api-secret", "bip39-mnemonic", "rsa-private-key"}
	if strings.Join(ids, " ") != strings.Join(want, " ") {
		t.Errorf("rules = %v, want %v", ids, want)
	}
	if !sort.StringsAreSorted(ids) {
		t.Errorf("rules not sorted: %v", ids)
	}

	if len(run.Results) != len(fs) {
		t.Fatalf("got %d results, want %d", len(run.Results), len(fs))
	}
	wantLevel := map[detectors.Severity]string{detectors.Critical: "error", detectors.High: "error"}
	for i, res := range run.Results {
		f := fs[i]
		if res.RuleID != f.RuleID {
			t.Errorf("result %d is %s, want %s: order must be kept", i, res.RuleID, f.RuleID)
		}
		if run.Tool.Driver.Rules[res.RuleIndex].ID != res.RuleID {
			t.Errorf("%s: ruleIndex %d points at %s", res.RuleID, res.RuleIndex, run.Tool.Driver.Rules[res.RuleIndex].ID)
		}
		if res.Level != wantLevel[f.Severity] {
			t.Errorf("%s: level %q, want %q", res.RuleID, res.Level, wantLevel[f.Severity])
		}
		if fp := res.PartialFingerprints[fingerprintKey]; len(fp) != 32 {
			t.Errorf("%s: partialFingerprints = %v, want a salted %s", res.RuleID, res.PartialFingerprints, fingerprintKey)
		}
		if _, ok := res.PartialFingerprints[lineHashKey]; ok != (f.Commit != nil) {
			t.Errorf("%s: %s present = %v, want it exactly for findings from history", res.RuleID, lineHashKey, ok)
		}
		// GitHub reads only locations[0]: the other parts of a credential
		// are related locations, each linked from the message by its id.
		// An issued part (a key, not a passphrase) is also a location, as
		// SARIF asks when the fix needs a change at each place.
		issued := 0
		for _, p := range f.Parts {
			if p.Part != detectors.PartPassphrase {
				issued++
			}
		}
		if len(res.Locations) != 1+issued || len(res.RelatedLocations) != len(f.Parts) {
			t.Errorf("%s: %d locations and %d related, want %d and %d (each linked part)", res.RuleID, len(res.Locations), len(res.RelatedLocations), 1+issued, len(f.Parts))
		}
		if issued > 0 && res.Locations[1].PhysicalLocation.Region.StartLine != f.Parts[0].Location.StartLine && f.Parts[0].Part != detectors.PartPassphrase {
			t.Errorf("%s: locations[1] is line %d, want the key's line %d", res.RuleID, res.Locations[1].PhysicalLocation.Region.StartLine, f.Parts[0].Location.StartLine)
		}
		for j, loc := range res.RelatedLocations {
			if loc.Message == nil || !strings.Contains(loc.Message.Text, f.Parts[j].Part) {
				t.Errorf("%s: related location %d does not name its part: %+v", res.RuleID, j, loc.Message)
			}
			if link := fmt.Sprintf("](%d)", loc.ID); loc.ID != j+1 || !strings.Contains(res.Message.Text, link) {
				t.Errorf("%s: message %q does not link related location %d", res.RuleID, res.Message.Text, loc.ID)
			}
		}
		if (f.Commit != nil) != (res.Properties.Commit != nil) {
			t.Errorf("%s: commit in properties = %v, want %v", res.RuleID, res.Properties.Commit != nil, f.Commit != nil)
		}
	}

	sevByRule := map[string]string{}
	for _, r := range run.Tool.Driver.Rules {
		sevByRule[r.ID] = r.Properties.SecuritySeverity
	}
	if sevByRule["aws-secret-access-key"] != "9.5" || sevByRule["rsa-private-key"] != "8.0" {
		t.Errorf("security-severity = %v", sevByRule)
	}
}

func TestSARIFLevels(t *testing.T) {
	tests := []struct {
		sev   detectors.Severity
		level string
		score string
	}{
		{detectors.Critical, "error", "9.5"},
		{detectors.High, "error", "8.0"},
		{detectors.Medium, "warning", "5.5"},
		{detectors.Low, "note", "3.0"},
		{detectors.Info, "note", "1.0"},
	}
	for _, tt := range tests {
		if got := sarifLevel(tt.sev); got != tt.level {
			t.Errorf("sarifLevel(%v) = %q, want %q", tt.sev, got, tt.level)
		}
		if got := securitySeverity(tt.sev); got != tt.score {
			t.Errorf("securitySeverity(%v) = %q, want %q", tt.sev, got, tt.score)
		}
	}
}

func TestSARIFExecutionSuccessful(t *testing.T) {
	for _, tt := range []struct {
		stats    detectors.Stats
		findings []detectors.Finding
		want     bool
	}{
		{testStats(), nil, true},
		{incompleteStats(), nil, false},
		// GitHub discards the results of an unsuccessful run: an
		// incomplete scan that found something must still deliver it.
		{incompleteStats(), testFindings(), true},
	} {
		run := decodeSARIF(t, write(t, "sarif", tt.findings, tt.stats, testOptions())).Runs[0]
		if len(run.Invocations) != 1 || run.Invocations[0].ExecutionSuccessful != tt.want {
			t.Errorf("incomplete=%v: invocations = %+v", tt.stats.Incomplete, run.Invocations)
		}
		if tt.stats.Incomplete && len(run.Invocations[0].ToolExecutionNotifications) <= len(tt.stats.Warnings)-1 {
			t.Errorf("warnings missing from toolExecutionNotifications")
		}
	}
}

// A warning about one file points at it, so a SARIF viewer can show where
// the scan fell short.
func TestSARIFNotificationLocations(t *testing.T) {
	var log struct {
		Runs []struct {
			Invocations []struct {
				Notes []struct {
					Message   sarifText       `json:"message"`
					Locations []sarifLocation `json:"locations"`
				} `json:"toolExecutionNotifications"`
			} `json:"invocations"`
		} `json:"runs"`
	}
	out := write(t, "sarif", nil, incompleteStats(), testOptions())
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatal(err)
	}
	notes := log.Runs[0].Invocations[0].Notes
	if len(notes) < 2 || len(notes[0].Locations) != 1 ||
		notes[0].Locations[0].PhysicalLocation.ArtifactLocation.URI != "vendor/blob.dat" ||
		len(notes[1].Locations) != 0 {
		t.Errorf("notifications = %+v", notes)
	}
}

func TestCamelCase(t *testing.T) {
	for id, want := range map[string]string{
		"binance-api-secret":   "BinanceApiSecret",
		"bip39-mnemonic":       "Bip39Mnemonic",
		"ethereum-private-key": "EthereumPrivateKey",
	} {
		if got := camelCase(id); got != want {
			t.Errorf("camelCase(%q) = %q, want %q", id, got, want)
		}
	}
}

// GitHub shows a result at its rule's security-severity: every result's
// rule must carry the severity of the finding itself (a key found with its
// secret is critical even where the rule's default is high).
func TestSARIFRuleSeverityMatchesFinding(t *testing.T) {
	fs := testFindings()
	raised := false
	for i := range fs {
		if len(fs[i].Parts) > 0 && fs[i].Severity != detectors.Critical {
			fs[i].Severity = detectors.Critical
			raised = true
		}
	}
	if !raised {
		fs[0].Severity = detectors.Info
	}
	run := decodeSARIF(t, write(t, "sarif", fs, testStats(), testOptions())).Runs[0]
	rules := map[string]string{}
	for _, r := range run.Tool.Driver.Rules {
		rules[r.ID] = r.Properties.SecuritySeverity
	}
	if len(rules) != len(run.Tool.Driver.Rules) {
		t.Fatalf("duplicate rule ids: %v", run.Tool.Driver.Rules)
	}
	variants := 0
	for i, res := range run.Results {
		if got, want := rules[res.RuleID], securitySeverity(fs[i].Severity); got != want {
			t.Errorf("%s (%s): rule security-severity %q, want %q", res.RuleID, fs[i].Severity, got, want)
		}
		if strings.Contains(res.RuleID, "/") {
			variants++
			if !strings.HasPrefix(res.RuleID, fs[i].RuleID+"/") || run.Tool.Driver.Rules[res.RuleIndex].ID != res.RuleID {
				t.Errorf("variant %s of %s, index %d", res.RuleID, fs[i].RuleID, res.RuleIndex)
			}
		}
	}
	if variants == 0 {
		t.Errorf("no finding rated away from its rule's default was filed under a variant")
	}
}
