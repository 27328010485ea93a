package report

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/keyward/scan/detectors"
)

// Tests for what GitHub code scanning reads, rejects and ignores in SARIF.

func TestSARIFGitHubRuleMetadata(t *testing.T) {
	run := decodeSARIF(t, write(t, "sarif", testFindings(), testStats(), testOptions())).Runs[0]
	for _, r := range run.Tool.Driver.Rules {
		if r.ShortDescription.Text == "" || r.FullDescription.Text == "" || r.Help.Text == "" || r.Help.Markdown == "" || r.HelpURI == "" {
			t.Errorf("%s: descriptions, help text, help markdown and helpUri are all required: %+v", r.ID, r)
		}
		if len(r.ShortDescription.Text) > 1024 || len(r.FullDescription.Text) > 1024 || len(r.Name) > 255 {
			t.Errorf("%s: description or name over GitHub's limit", r.ID)
		}
		score, err := strconv.ParseFloat(r.Properties.SecuritySeverity, 64)
		if err != nil || score <= 0 || score > 10 {
			t.Errorf("%s: security-severity %q is not a number in (0, 10]", r.ID, r.Properties.SecuritySeverity)
		}
		tags := strings.Join(r.Properties.Tags, " ")
		if len(r.Properties.Tags) > 20 || !strings.Contains(tags, "security") || !strings.Contains(tags, "secret") {
			t.Errorf("%s: tags %v", r.ID, r.Properties.Tags)
		}
	}
	byID := map[string]sarifRule{}
	for _, r := range run.Tool.Driver.Rules {
		byID[r.ID] = r
	}
	tests := []struct {
		rule string
		tags []string
		help []string
	}{
		{"binance-api-secret", []string{"exchange", "binance"}, []string{"API management page", "withdrawals disabled", "IP whitelist", "secrets manager", "Rotate"}},
		{"bip39-mnemonic", []string{"wallet"}, []string{"Move the funds", "cannot be rotated"}},
		{"aws-secret-access-key", []string{"aws"}, []string{"Revoke or rotate", "AWS", "secrets manager"}},
	}
	for _, tt := range tests {
		r := byID[tt.rule]
		for _, tag := range tt.tags {
			if !strings.Contains(" "+strings.Join(r.Properties.Tags, " ")+" ", " "+tag+" ") {
				t.Errorf("%s: tags %v lack %q", tt.rule, r.Properties.Tags, tag)
			}
		}
		for _, h := range tt.help {
			if !strings.Contains(r.Help.Markdown, h) {
				t.Errorf("%s: help.markdown lacks %q:\n%s", tt.rule, h, r.Help.Markdown)
			}
		}
	}
}

func TestSARIFGitHubLocations(t *testing.T) {
	opt := testOptions()
	opt.Root = "/home/runner/work/bot/bot"
	opt.Repository = "https://x-access-token:ghs_abcdefabcdefabcdef@github.com/acme/bot.git"
	opt.Revision = "3f9a1c2e7b4d5f60718293a4b5c6d7e8f9012345"
	opt.Branch = "main"
	out := write(t, "sarif", testFindings(), testStats(), opt)
	if strings.Contains(out, "ghs_abcdef") || strings.Contains(out, "x-access-token") {
		t.Errorf("credentials from the remote URL reached the SARIF")
	}
	run := decodeSARIF(t, out).Runs[0]
	if run.ColumnKind != "utf16CodeUnits" {
		t.Errorf("columnKind %q", run.ColumnKind)
	}
	if base, ok := run.OriginalURIBaseIDs[srcRoot]; !ok || base.URI != "file:///home/runner/work/bot/bot/" {
		t.Errorf("originalUriBaseIds = %+v", run.OriginalURIBaseIDs)
	}
	if len(run.VersionControl) != 1 || run.VersionControl[0].RepositoryURI != "https://github.com/acme/bot.git" ||
		run.VersionControl[0].RevisionID != opt.Revision || run.VersionControl[0].Branch != "main" {
		t.Errorf("versionControlProvenance = %+v", run.VersionControl)
	}
	for _, res := range run.Results {
		for _, loc := range append(res.Locations, res.RelatedLocations...) {
			a := loc.PhysicalLocation.ArtifactLocation
			if a.URIBaseID != srcRoot || strings.HasPrefix(a.URI, "/") || strings.Contains(a.URI, "://") {
				t.Errorf("%s: artifactLocation %+v: want a relative URI on %s", res.RuleID, a, srcRoot)
			}
		}
	}
	// Git findings name the commit where GitHub shows it.
	for i, f := range testFindings() {
		if f.Commit != nil && !strings.Contains(run.Results[i].Message.Text, f.Commit.SHA) {
			t.Errorf("%s: message %q does not name commit %s", f.RuleID, run.Results[i].Message.Text, f.Commit.SHA)
		}
	}
}

func TestSARIFResultsNeverNull(t *testing.T) {
	out := write(t, "sarif", nil, testStats(), Options{})
	if !strings.Contains(out, `"results": []`) {
		t.Errorf("a run without findings must have results: []:\n%s", out)
	}
}

// twoOnOneLine returns two findings of one rule on one line of a working
// tree file, as a .env with two tokens gives.
func twoOnOneLine() []detectors.Finding {
	const a, b = "ghp_aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5", "ghp_zY8xW6vU4tS2rQ0pO8nM6lK4jI2hG0fE8dC6"
	line := "TOKENS=" + a + "," + b
	mk := func(secret string, col int) detectors.Finding {
		return detectors.Finding{RuleID: "github-pat", Title: "GitHub token", Severity: detectors.High, Service: "github",
			Location: detectors.Location{Path: ".env", StartLine: 3, StartColumn: col, EndLine: 3, EndColumn: col + len(secret)},
			Secret:   secret, Line: line}
	}
	return []detectors.Finding{mk(a, 8), mk(b, 8+len(a)+1)}
}

// historyOnly is a finding in a file deleted since.
func historyOnly() detectors.Finding {
	f := testFindings()[0]
	f.Path = "old/deploy.env"
	f.Commit.AtHead = false
	return f
}

func TestSARIFTwoSecretsOnOneLine(t *testing.T) {
	fs := twoOnOneLine()
	opt := testOptions()
	opt.ShowSecrets = true
	out := write(t, "sarif", fs, testStats(), opt)
	for _, f := range fs {
		if strings.Contains(out, f.Secret[:12]) {
			t.Errorf("SARIF shows %.12s…: the other finding's snippet must redact it too", f.Secret)
		}
	}
	res := decodeSARIF(t, out).Runs[0].Results
	if res[0].PartialFingerprints[fingerprintKey] == res[1].PartialFingerprints[fingerprintKey] {
		t.Errorf("two secrets on one line share a content fingerprint")
	}
	// upload-sarif would give both one line hash: the writer must.
	h0, h1 := res[0].PartialFingerprints[lineHashKey], res[1].PartialFingerprints[lineHashKey]
	if h0 == "" || h1 == "" || h0 == h1 {
		t.Errorf("line hashes %q and %q: want two distinct ones", h0, h1)
	}

	// Alone on its line, a working-tree finding leaves the line hash to
	// upload-sarif, which follows the line's content.
	res = decodeSARIF(t, write(t, "sarif", fs[:1], testStats(), opt)).Runs[0].Results
	if h, ok := res[0].PartialFingerprints[lineHashKey]; ok {
		t.Errorf("working-tree finding got %s %q", lineHashKey, h)
	}
}

func TestSARIFHistoryLineHashFollowsTheSecret(t *testing.T) {
	f := historyOnly()
	hash := func(f detectors.Finding) string {
		res := decodeSARIF(t, write(t, "sarif", []detectors.Finding{f}, testStats(), testOptions())).Runs[0].Results
		h := res[0].PartialFingerprints[lineHashKey]
		if !strings.HasSuffix(h, ":1") || len(h) != 18 {
			t.Fatalf("line hash %q: want 16 hex digits and :1", h)
		}
		return h
	}
	first := hash(f)
	moved := f
	moved.StartLine, moved.EndLine = 40, 40
	if hash(moved) != first {
		t.Errorf("the line hash changed when the secret moved to another line")
	}
	other := f
	other.Path = "old/prod.env"
	if hash(other) == first {
		t.Errorf("the same secret in another file must be another alert")
	}
}

func TestSARIFUTF16Columns(t *testing.T) {
	const secret = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"
	tests := []struct {
		name       string
		line       string
		loc        detectors.Location
		secret     string
		start, end int
	}{
		{"ascii", `key = "` + secret + `"`, detectors.Location{StartLine: 1, StartColumn: 8, EndLine: 1, EndColumn: 8 + 32}, secret, 8, 40},
		// 🔑 is one character but two UTF-16 code units.
		{"emoji before", `🔑 key = "` + secret + `"`, detectors.Location{StartLine: 1, StartColumn: 10, EndLine: 1, EndColumn: 10 + 32}, secret, 11, 43},
		{"accents take one unit", `clé = "` + secret + `"`, detectors.Location{StartLine: 1, StartColumn: 8, EndLine: 1, EndColumn: 8 + 32}, secret, 8, 40},
		{"emoji inside", `p = 🙈` + "pass🙈word", detectors.Location{StartLine: 1, StartColumn: 6, EndLine: 1, EndColumn: 6 + 9}, "pass🙈word", 7, 17},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := region(tt.loc, tt.secret, tt.line)
			if r.StartColumn != tt.start || r.EndColumn != tt.end {
				t.Errorf("region = %d..%d, want %d..%d", r.StartColumn, r.EndColumn, tt.start, tt.end)
			}
		})
	}
}

func TestSARIFLimits(t *testing.T) {
	sch := compileSARIFSchema(t)
	var warnings []string
	opt := testOptions()
	opt.Warn = func(s string) { warnings = append(warnings, s) }
	fs := testFindings() // two critical, one high, one critical

	var b bytes.Buffer
	lim := githubLimits
	lim.resultsPerRun = 2
	lim.locationsPerResult = 1
	lim.tagsPerRule = 2
	if err := writeSARIFWithin(&b, fs, testStats(), opt, lim); err != nil {
		t.Fatal(err)
	}
	run := decodeSARIF(t, b.String()).Runs[0]
	if len(run.Results) != 2 {
		t.Fatalf("%d results, want 2", len(run.Results))
	}
	for _, res := range run.Results {
		if res.Level != "error" || len(res.Locations) != 1 {
			t.Errorf("kept %s (%s, %d locations): want the most severe, one location each", res.RuleID, res.Level, len(res.Locations))
		}
	}
	for _, r := range run.Tool.Driver.Rules {
		if len(r.Properties.Tags) > 2 {
			t.Errorf("%s: %d tags over the limit", r.ID, len(r.Properties.Tags))
		}
	}
	if len(warnings) == 0 || !strings.Contains(strings.Join(warnings, "\n"), "limit of 2 per run") {
		t.Errorf("warnings = %q", warnings)
	}
	if !strings.Contains(b.String(), "limit of 2 per run") {
		t.Errorf("the dropped results are not listed in toolExecutionNotifications")
	}

	// A size limit: snippets go first, then the least severe results.
	warnings = nil
	b.Reset()
	lim = githubLimits
	lim.gzipBytes = 2500
	if err := writeSARIFWithin(&b, fs, testStats(), opt, lim); err != nil {
		t.Fatal(err)
	}
	if gzipSize(b.Bytes()) > lim.gzipBytes {
		t.Errorf("gzipped size %d over the limit %d", gzipSize(b.Bytes()), lim.gzipBytes)
	}
	if strings.Contains(b.String(), `"snippet"`) || len(warnings) == 0 {
		t.Errorf("over the size limit: snippets must go, with a warning (%q)", warnings)
	}
	trimmed := decodeSARIF(t, b.String()).Runs[0]
	seen := map[string]bool{}
	for _, n := range trimmed.Invocations[0].ToolExecutionNotifications {
		if seen[n.Message.Text] {
			t.Errorf("notification listed twice: %q", n.Message.Text)
		}
		seen[n.Message.Text] = true
	}

	// A limit nothing fits under: results go, least severe first, until
	// none is left; the file stays valid.
	warnings = nil
	b.Reset()
	lim.gzipBytes = 1
	if err := writeSARIFWithin(&b, fs, testStats(), opt, lim); err != nil {
		t.Fatal(err)
	}
	if n := len(decodeSARIF(t, b.String()).Runs[0].Results); n != 0 || !strings.Contains(strings.Join(warnings, "\n"), "more results were left out") {
		t.Errorf("%d results left, warnings %q", n, warnings)
	}
	doc, err := jsonschema.UnmarshalJSON(&b)
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(doc); err != nil {
		t.Errorf("trimmed SARIF does not validate: %v", err)
	}
}
