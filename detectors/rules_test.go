package detectors_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/engine"
)

var ruleID = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// Every rule carries its own examples and negative examples; this test runs
// each through the whole engine (keywords, windows, filters, validators), so
// a rule cannot claim an example it does not find.
func TestRuleExamples(t *testing.T) {
	rules := detectors.Default()
	eng, err := engine.New(rules, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rules {
		if !ruleID.MatchString(r.ID) {
			t.Errorf("rule id %q is not kebab-case", r.ID)
		}
		if r.Title == "" || r.Severity == detectors.SeverityUnset || r.Advice == "" {
			t.Errorf("%s: title, severity and advice are required", r.ID)
		}
		if r.WholeFile {
			// Judged from file bytes, not text: wallet_dat_test.go.
			continue
		}
		if r.MakeSamples != nil && (len(r.Examples) > 0 || len(r.Negatives) > 0) {
			t.Errorf("%s: examples both listed and made", r.ID)
		}
		examples, negatives := r.Samples()
		if len(examples) == 0 || len(negatives) == 0 {
			t.Errorf("%s: needs examples and negative examples", r.ID)
		}
		path := "snippet.txt"
		if len(r.Keywords) == 0 && len(r.PathKeywords) > 0 {
			// A rule whose only context is the file's name (kraken.key)
			// is tried on a file of that name.
			path = "home/trader/" + r.PathKeywords[0]
		}
		for _, ex := range examples {
			if !foundAt(eng, r.ID, path, ex) {
				t.Errorf("%s: example not found:\n%s", r.ID, ex)
			}
		}
		for _, ex := range negatives {
			if foundAt(eng, r.ID, path, ex) {
				t.Errorf("%s: negative example reported:\n%s", r.ID, ex)
			}
		}
	}
}

func found(eng *engine.Engine, id, text string) bool {
	return foundAt(eng, id, "snippet.txt", text)
}

func foundAt(eng *engine.Engine, id, path, text string) bool {
	for _, f := range eng.Scan(engine.Chunk{Path: path, Data: []byte(text), Line: 1, Column: 1}) {
		if f.RuleID == id {
			return true
		}
		for _, p := range f.Parts {
			if p.RuleID == id {
				return true
			}
		}
	}
	return false
}

// Reports print what a rule says about itself, so every rule in the
// registry must say it: a display name, a kind, a service, advice.
func TestRulesDescribeThemselves(t *testing.T) {
	rules := detectors.Default()
	ids := map[string]bool{}
	for _, r := range rules {
		ids[r.ID] = true
		if r.Name == "" || r.Service == "" || r.Kind == detectors.KindUnset {
			t.Errorf("%s: name %q, service %q, kind %v: all are required", r.ID, r.Name, r.Service, r.Kind)
		}
		if strings.ToLower(r.Name) == r.Name && r.Name != "npm" && r.Name != "bitbank" { // brands written in lower case
			t.Errorf("%s: name %q looks like an id, not a display name", r.ID, r.Name)
		}
		if (r.Exchange != "") != (r.Kind == detectors.KindExchange) && r.Service != "hummingbot" {
			t.Errorf("%s: exchange %q but kind %v", r.ID, r.Exchange, r.Kind)
		}
		if r.AdviceURL != "" {
			u, err := url.Parse(r.AdviceURL)
			if err != nil || u.Scheme != "https" || u.Host == "" {
				t.Errorf("%s: advice URL %q is not an https URL", r.ID, r.AdviceURL)
			}
		}
	}
	if !ids[detectors.WalletDatRuleID] {
		t.Errorf("%s is not in the registry", detectors.WalletDatRuleID)
	}
	// The display names reports used to guess wrong.
	want := map[string]string{"binanceus-api-key": "Binance.US", "kraken-futures-api-key": "Kraken Futures",
		"huobi-api-key": "HTX (Huobi)", "aws-access-key-id": "AWS", "gateio-api-key": "Gate"}
	for _, r := range rules {
		if w, ok := want[r.ID]; ok && r.Name != w {
			t.Errorf("%s: name %q, want %q", r.ID, r.Name, w)
		}
	}
}
