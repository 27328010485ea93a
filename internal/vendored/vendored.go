// Package vendored folds the findings in a vendored environment committed
// with a project (a virtualenv's site-packages, node_modules) into one
// line per tree. Such a tree holds other people's code: its self-test keys
// and docstring examples are rated info by the rules, and listing each of
// them would bury the project's own secrets; one line still says the tree
// is there and holds key-shaped material.
package vendored

import (
	"fmt"

	"github.com/keyward/scan/detectors"
)

// Fold keeps, of the findings under each vendored tree, the first one (in
// the order given) with a note counting the others, and drops the rest.
// Findings elsewhere are untouched. Findings above info severity are kept
// as they are: a vendored file that holds a live-looking key of a
// specific service is still worth a line of its own.
func Fold(fs []detectors.Finding) []detectors.Finding {
	count := map[string]int{}
	for i := range fs {
		if root, ok := foldable(&fs[i]); ok {
			count[root]++
		}
	}
	if len(count) == 0 {
		return fs
	}
	kept := map[string]bool{}
	out := fs[:0]
	for _, f := range fs {
		root, ok := foldable(&f)
		if !ok {
			out = append(out, f)
			continue
		}
		if kept[root] {
			continue
		}
		kept[root] = true
		if n := count[root] - 1; n > 0 {
			f.Notes = append(f.Notes, fmt.Sprintf("%d more info finding(s) under %s/ are folded into this one: a vendored environment, not this project's secrets", n, root))
		}
		out = append(out, f)
	}
	return out
}

func foldable(f *detectors.Finding) (string, bool) {
	if f.Severity > detectors.Info {
		return "", false
	}
	return detectors.VendoredRoot(f.Location.Path)
}
