package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/keyward/scan/detectors"
)

// Tests that every SARIF file the tool writes (one run, a run per
// repository, a merge of shards) stays within code scanning's limits on one
// upload, and says what it left out.

var generatedSeverities = []detectors.Severity{detectors.Low, detectors.Critical, detectors.Medium, detectors.High, detectors.Info}

// generatedFindings makes n findings of repository repo from history, of
// every severity in turn. Their secrets repeat, so the salted fingerprints
// are derived once.
func generatedFindings(repo string, n int) []detectors.Finding {
	fs := make([]detectors.Finding, n)
	for i := range fs {
		secret := fmt.Sprintf("tok_%032x", (i%7)*7919)
		fs[i] = detectors.Finding{RuleID: fmt.Sprintf("generated-token-%d", i%3), Title: "Generated token", Severity: generatedSeverities[i%len(generatedSeverities)],
			Service: "github", Repository: repo,
			Location: detectors.Location{Path: fmt.Sprintf("src/%05d/app.env", i), StartLine: 3, StartColumn: 7, EndLine: 3, EndColumn: 7 + len(secret)},
			Secret:   secret, Line: "TOKEN=" + secret,
			Commit: &detectors.Commit{SHA: fmt.Sprintf("%040x", i+1), Author: "Dana Ruiz", Date: "2025-03-14T09:26:53Z"}}
	}
	return fs
}

// generatedRepos makes repos repositories with perRepo findings each.
func generatedRepos(repos, perRepo int) ([]detectors.Finding, []RepositoryRun) {
	var fs []detectors.Finding
	var rr []RepositoryRun
	for i := range repos {
		name := fmt.Sprintf("acme/svc-%03d", i)
		fs = append(fs, generatedFindings(name, perRepo)...)
		rr = append(rr, RepositoryRun{Name: name, URL: "https://github.com/" + name + ".git",
			Revision: fmt.Sprintf("%040x", 1000+i), Stats: detectors.Stats{Files: 10, Commits: 3}})
	}
	return fs, rr
}

// decodeRuns decodes a SARIF log of any number of runs, refusing fields
// the writer's types do not have, and validates it against the schema.
func decodeRuns(t *testing.T, sch *jsonschema.Schema, b []byte) sarifLog {
	t.Helper()
	var log sarifLog
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&log); err != nil {
		t.Fatalf("decoding SARIF: %v", err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(doc); err != nil {
		t.Fatalf("SARIF does not validate: %v", err)
	}
	return log
}

// checkWithin fails t for any limit of lim the file breaks, or two runs
// that code scanning would take for one (same tool and category).
func checkWithin(t *testing.T, b []byte, log sarifLog, lim sarifLimits) {
	t.Helper()
	if n := gzipSize(b); n > lim.gzipBytes {
		t.Errorf("gzipped %d bytes, over %d", n, lim.gzipBytes)
	}
	if len(log.Runs) > lim.runsPerFile {
		t.Errorf("%d runs, over %d", len(log.Runs), lim.runsPerFile)
	}
	category := map[string]bool{}
	for _, run := range log.Runs {
		if len(log.Runs) > 1 {
			if run.AutomationDetails == nil || run.AutomationDetails.ID == "" || category[run.AutomationDetails.ID] {
				t.Errorf("runs of one tool need distinct categories: %+v", run.AutomationDetails)
			} else {
				category[run.AutomationDetails.ID] = true
			}
		}
		if len(run.Results) > lim.resultsPerRun || len(run.Tool.Driver.Rules) > lim.rulesPerRun {
			t.Errorf("a run has %d results and %d rules, over %d/%d", len(run.Results), len(run.Tool.Driver.Rules), lim.resultsPerRun, lim.rulesPerRun)
		}
		for _, r := range run.Results {
			if len(r.Locations) > lim.locationsPerResult || run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
				t.Fatalf("result %s: %d locations, rule index %d", r.RuleID, len(r.Locations), r.RuleIndex)
			}
		}
	}
}

// writeWarned writes fs as SARIF within lim, with the warnings it gave.
func writeWarned(t *testing.T, fs []detectors.Finding, opt Options, lim sarifLimits) ([]byte, []string) {
	t.Helper()
	var warnings []string
	opt.Warn = func(s string) { warnings = append(warnings, s) }
	var b bytes.Buffer
	if err := writeSARIFWithin(&b, fs, detectors.Stats{}, opt, lim); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), warnings
}

func resultsByRepo(log sarifLog) map[string]int {
	n := map[string]int{}
	for _, run := range log.Runs {
		for _, r := range run.Results {
			n[r.Properties.Repository]++
		}
	}
	return n
}

// More repositories than code scanning takes runs in one file: they share
// runs, every finding is still there under its repository's directory, and
// each repository keeps its provenance.
func TestSARIFManyRepositoriesFitRunsPerFile(t *testing.T) {
	sch := compileSARIFSchema(t)
	fs, rr := generatedRepos(45, 3)
	opt := testOptions()
	opt.Repositories = rr
	b, warnings := writeWarned(t, fs, opt, githubLimits)
	log := decodeRuns(t, sch, b)
	checkWithin(t, b, log, githubLimits)
	got := resultsByRepo(log)
	vcs := 0
	for _, run := range log.Runs {
		vcs += len(run.VersionControl)
		for _, r := range run.Results {
			if uri := r.Locations[0].PhysicalLocation.ArtifactLocation.URI; !strings.HasPrefix(uri, r.Properties.Repository+"/src/") {
				t.Errorf("%s: uri %q is not under its repository's directory", r.Properties.Repository, uri)
			}
		}
	}
	for _, r := range rr {
		if got[r.Name] != 3 {
			t.Errorf("%s: %d results, want 3", r.Name, got[r.Name])
		}
	}
	if vcs != 45 {
		t.Errorf("%d versionControlProvenance entries, want one per repository", vcs)
	}
	if !strings.Contains(strings.Join(warnings, "\n"), "45 repositories in") {
		t.Errorf("folding runs was not said: %q", warnings)
	}

	// A repository keeps its run as others come and go: its alerts keep
	// their category.
	categoryOf := func(log sarifLog, repo string) string {
		for _, run := range log.Runs {
			for _, r := range run.Results {
				if r.Properties.Repository == repo {
					return run.AutomationDetails.ID
				}
			}
		}
		return ""
	}
	opt.Repositories = rr[:40]
	var fewer bytes.Buffer
	if err := writeSARIF(&fewer, fs[:40*3], detectors.Stats{}, opt); err != nil {
		t.Fatal(err)
	}
	if a, b := categoryOf(log, "acme/svc-007"), categoryOf(decodeRuns(t, sch, fewer.Bytes()), "acme/svc-007"); a == "" || a != b {
		t.Errorf("a repository moved from category %q to %q when others left", a, b)
	}
}

// Each run keeps its most severe results; what was left out is said in the
// run (notification, properties) and on standard error, with the way to
// get everything.
func TestSARIFRepositoryRunsHeldToResultLimit(t *testing.T) {
	sch := compileSARIFSchema(t)
	for _, repos := range []int{4, 30} { // a run each, then shared runs
		t.Run(fmt.Sprint(repos), func(t *testing.T) {
			fs, rr := generatedRepos(repos, 10)
			var warnings []string
			opt := testOptions()
			opt.Repositories = rr
			opt.Warn = func(s string) { warnings = append(warnings, s) }
			lim := githubLimits
			lim.resultsPerRun = 6
			var b bytes.Buffer
			if err := writeSARIFWithin(&b, fs, detectors.Stats{}, opt, lim); err != nil {
				t.Fatal(err)
			}
			log := decodeRuns(t, sch, b.Bytes())
			checkWithin(t, b.Bytes(), log, lim)
			omitted := 0
			for _, run := range log.Runs {
				least := detectors.Critical
				for _, r := range run.Results {
					least = min(least, mustSeverity(t, r.Properties.Severity))
				}
				// Every repository has six results of medium or more.
				if least < detectors.Medium {
					t.Errorf("a run kept a %s result over more severe ones", least)
				}
				for _, inv := range run.Invocations {
					props := inv.Properties
					if props == nil {
						props = run.Properties
					}
					if om, ok := props["omitted"].(map[string]any); ok {
						omitted += int(om["results"].(float64))
						if om["hint"] != fullReportHint {
							t.Errorf("omitted %v does not say how to get everything", om)
						}
					}
					for _, n := range inv.ToolExecutionNotifications {
						if !strings.Contains(n.Message.Text, "--format json") {
							t.Errorf("notification %q does not say how to get everything", n.Message.Text)
						}
					}
				}
			}
			kept := 0
			for _, n := range resultsByRepo(log) {
				kept += n
			}
			if kept+omitted != len(fs) {
				t.Errorf("%d kept + %d said omitted != %d findings", kept, omitted, len(fs))
			}
			if !strings.Contains(strings.Join(warnings, "\n"), "limit of 6 per run") {
				t.Errorf("warnings %q", warnings)
			}
		})
	}
}

// omittedResults adds up the results the runs (or, in a run of several
// repositories, each repository's invocation) say were left out.
func omittedResults(log sarifLog) int {
	n := 0
	for _, run := range log.Runs {
		for _, p := range append([]map[string]any{run.Properties}, invocationProps(run)...) {
			if om, ok := p["omitted"].(map[string]any); ok {
				n += int(om["results"].(float64))
			}
		}
	}
	return n
}

func invocationProps(run sarifRun) []map[string]any {
	var out []map[string]any
	for _, inv := range run.Invocations {
		out = append(out, inv.Properties)
	}
	return out
}

func mustSeverity(t *testing.T, s string) detectors.Severity {
	t.Helper()
	sev, err := detectors.ParseSeverity(s)
	if err != nil {
		t.Fatal(err)
	}
	return sev
}

// Over the size limit, a file of many runs loses snippets, then the least
// severe results of the whole file, not of each run alike.
func TestSARIFRepositoriesHeldToSizeLimit(t *testing.T) {
	sch := compileSARIFSchema(t)
	fs, rr := generatedRepos(5, 200)
	// One repository holds the critical findings only.
	for i := range fs {
		if fs[i].Repository == rr[0].Name {
			fs[i].Severity = detectors.Critical
		} else if fs[i].Severity == detectors.Critical {
			fs[i].Severity = detectors.Medium
		}
	}
	opt := testOptions()
	opt.Repositories = rr
	var warnings []string
	opt.Warn = func(s string) { warnings = append(warnings, s) }
	var full bytes.Buffer
	if err := writeSARIF(&full, fs, detectors.Stats{}, opt); err != nil {
		t.Fatal(err)
	}
	lim := githubLimits
	lim.gzipBytes = gzipSize(full.Bytes()) / 3
	var b bytes.Buffer
	if err := writeSARIFWithin(&b, fs, detectors.Stats{}, opt, lim); err != nil {
		t.Fatal(err)
	}
	log := decodeRuns(t, sch, b.Bytes())
	checkWithin(t, b.Bytes(), log, lim)
	if strings.Contains(b.String(), `"snippet"`) {
		t.Errorf("snippets kept over the size limit")
	}
	got := resultsByRepo(log)
	if got[rr[0].Name] != 200 {
		t.Errorf("the repository of critical findings kept %d of 200: the least severe of the whole file go first", got[rr[0].Name])
	}
	if w := strings.Join(warnings, "\n"); !strings.Contains(w, "upload size limit") || !strings.Contains(w, "snippets") {
		t.Errorf("warnings %q", warnings)
	}
}

// A single run over the real per-run limit, generated: the most severe
// 25,000 are kept, the file validates, and the rest is said.
func TestSARIFOverRealResultLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 25,001 results")
	}
	sch := compileSARIFSchema(t)
	fs := generatedFindings("", githubLimits.resultsPerRun+1)
	b, warnings := writeWarned(t, fs, testOptions(), githubLimits)
	log := decodeRuns(t, sch, b)
	checkWithin(t, b, log, githubLimits)
	if n := len(log.Runs[0].Results); n != githubLimits.resultsPerRun {
		t.Errorf("%d results", n)
	}
	info := 0
	for _, r := range log.Runs[0].Results {
		if r.Properties.Severity == "info" {
			info++
		}
	}
	want := -1
	for _, f := range fs {
		if f.Severity == detectors.Info {
			want++
		}
	}
	if info != want {
		t.Errorf("%d info results kept, want %d: the one left out must be one of the least severe", info, want)
	}
	if w := strings.Join(warnings, "\n"); !strings.Contains(w, "1 results over code scanning's limit of 25000 per run") || !strings.Contains(w, "--format json") {
		t.Errorf("warnings %q", warnings)
	}
}

// Merging shards whose runs were folded gives the file one run over every
// repository writes, byte for byte, and a shard given twice counts once.
func TestMergeSARIFEqualsOneRun(t *testing.T) {
	sch := compileSARIFSchema(t)
	fs, rr := generatedRepos(66, 2)
	opt := testOptions()
	opt.Repositories = rr
	var whole bytes.Buffer
	if err := writeSARIF(&whole, fs, detectors.Stats{}, opt); err != nil {
		t.Fatal(err)
	}
	var names []string
	var shards [][]byte
	for k := range 3 {
		o := opt
		o.Repositories = nil
		var sfs []detectors.Finding
		for i, r := range rr {
			if i%3 == k {
				o.Repositories = append(o.Repositories, r)
				sfs = append(sfs, fs[2*i:2*i+2]...)
			}
		}
		var b bytes.Buffer
		if err := writeSARIF(&b, sfs, detectors.Stats{}, o); err != nil {
			t.Fatal(err)
		}
		if len(decodeRuns(t, sch, b.Bytes()).Runs) > githubLimits.runsPerFile {
			t.Fatalf("shard %d over the runs limit", k)
		}
		names, shards = append(names, fmt.Sprintf("shard-%d", k)), append(shards, b.Bytes())
	}
	merged, n, incomplete, err := MergeSARIF(append(names, "again"), append(shards, shards[0]), func(string) {})
	if err != nil {
		t.Fatal(err)
	}
	if n != len(fs) || incomplete {
		t.Errorf("merged: %d results (want %d), incomplete %v", n, len(fs), incomplete)
	}
	if !bytes.Equal(merged, whole.Bytes()) {
		t.Errorf("merged shards differ from one run:\n%.3000s\n---\n%.3000s", merged, whole.String())
	}
	checkWithin(t, merged, decodeRuns(t, sch, merged), githubLimits)

	// Merging holds the joined file to the limits too: shards each under
	// the limit on results per run may not be together.
	lim := githubLimits
	lim.runsPerFile = 1
	lim.resultsPerRun = 100
	var one bytes.Buffer
	opt.Repositories = rr[:60]
	if err := writeSARIFWithin(&one, fs[:120], detectors.Stats{}, opt, lim); err != nil {
		t.Fatal(err)
	}
	log := decodeRuns(t, sch, one.Bytes())
	if len(log.Runs) != 1 || len(log.Runs[0].Results) != 100 {
		t.Fatalf("%d runs, want 1 of 100 results", len(log.Runs))
	}
	var warned []string
	merged, n, _, err = MergeSARIF([]string{"one"}, [][]byte{one.Bytes()}, func(s string) { warned = append(warned, s) })
	if err != nil || n != 100 {
		t.Fatalf("merge of a folded run: %d results, %v", n, err)
	}
	if omitted := omittedResults(decodeRuns(t, sch, merged)); omitted != 20 {
		t.Errorf("the merged runs say %d results were omitted, the shard left out 20", omitted)
	}
}
