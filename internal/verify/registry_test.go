package verify

import (
	"net/http"
	"testing"

	"github.com/keyward/scan/detectors"
)

// TestTableMatchesRegistry ties the verification table to the rule
// registry: every service id must be an Exchange or Service of a built-in
// rule (renaming one on either side would silently make its verification
// "not-checked"), every rule a row restricts itself to must exist, and the
// names checks print are the registry's.
func TestTableMatchesRegistry(t *testing.T) {
	ids := map[string]bool{}
	rules := map[string]bool{}
	for _, r := range detectors.Default() {
		ids[r.Exchange], ids[r.Service] = true, true
		rules[r.ID] = true
	}
	c, err := New(Options{Client: &http.Client{Transport: failTransport{t}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range services {
		if !ids[s.id] {
			t.Errorf("verification table row %q is no exchange or service of any rule", s.id)
		}
		for id := range s.rules {
			if !rules[id] {
				t.Errorf("row %q names rule %q, which does not exist", s.id, id)
			}
		}
		if got, want := c.services[s.id].name, displayNames()[s.id]; got != want || want == "" {
			t.Errorf("row %q: name %q, registry says %q", s.id, got, want)
		}
		if Steps(s.id) == "" {
			t.Errorf("row %q has no steps for the owner", s.id)
		}
	}
}
