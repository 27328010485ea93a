package detectors_test

import (
	"regexp"
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
		if len(r.Examples) == 0 || len(r.Negatives) == 0 {
			t.Errorf("%s: needs examples and negative examples", r.ID)
		}
		for _, ex := range r.Examples {
			if !found(eng, r.ID, ex) {
				t.Errorf("%s: example not found:\n%s", r.ID, ex)
			}
		}
		for _, ex := range r.Negatives {
			if found(eng, r.ID, ex) {
				t.Errorf("%s: negative example reported:\n%s", r.ID, ex)
			}
		}
	}
}

func found(eng *engine.Engine, id, text string) bool {
	for _, f := range eng.Scan(engine.Chunk{Path: "snippet.txt", Data: []byte(text), Line: 1, Column: 1}) {
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
