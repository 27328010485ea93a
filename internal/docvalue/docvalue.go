// Package docvalue is the filter that rates a value by where else it
// appears in the same scan. A sample key in docs/configuration.md is
// documentation; the same value pasted into config.json, a test or a
// notebook is that documentation copied, not a new leak. The engine sees
// one file at a time and cannot know this; the filter sees every finding.
package docvalue

import (
	"path"
	"strings"

	"github.com/keyward/scan/detectors"
)

// Apply lowers every finding whose secret also stands in a documentation
// file (detectors.DocDir: docs/, examples, rendered docs) to the lowest
// severity that value has there, with a note naming the documentation
// file. Findings in documentation, in .env files, and those of rules whose
// Kind is KindWallet are left as they are. It returns the findings (in place)
// and how many it lowered.
//
// Only values found in documentation count: a bare README.md or notes.md
// is not documentation here, since people keep real keys in notes.
func Apply(fs []detectors.Finding, rules []detectors.Rule) ([]detectors.Finding, int) {
	wallet := map[string]bool{}
	for i := range rules {
		if rules[i].Kind == detectors.KindWallet {
			wallet[rules[i].ID] = true
		}
	}
	type doc struct {
		sev  detectors.Severity
		path string
	}
	docs := map[string]doc{}
	for i := range fs {
		f := &fs[i]
		if !detectors.DocDir(f.Location.Path) {
			continue
		}
		for _, s := range secrets(f) {
			if d, ok := docs[s]; !ok || f.Severity < d.sev {
				docs[s] = doc{f.Severity, f.Location.Path}
			}
		}
	}
	if len(docs) == 0 {
		return fs, 0
	}
	n := 0
	for i := range fs {
		f := &fs[i]
		if detectors.DocDir(f.Location.Path) || wallet[f.RuleID] || dotenv(f.Location.Path) {
			// A wallet key controls funds whoever wrote it first, and
			// one in use is no safer for being printed in the docs too;
			// the known test vectors are test material already. A value
			// in a .env file is the one the program runs with, even if
			// a template holds it too (people put the real key in both).
			continue
		}
		d, ok := docs[f.Secret]
		if !ok || d.sev >= f.Severity {
			continue
		}
		f.Severity = d.sev
		f.Notes = append(f.Notes, "the same value is published in documentation ("+d.path+"): a copied sample, not a new leak")
		n++
	}
	return fs, n
}

// secrets lists a finding's value and its linked parts' values.
func secrets(f *detectors.Finding) []string {
	out := []string{f.Secret}
	for _, p := range f.Parts {
		out = append(out, p.Secret)
	}
	return out
}

// dotenv reports whether p is an environment file a program loads (.env,
// .env.production), not a template of one (.env.example is
// documentation).
func dotenv(p string) bool {
	base := path.Base(p)
	return (base == ".env" || strings.HasPrefix(base, ".env.")) && !detectors.DocDir(p)
}
