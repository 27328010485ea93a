package detectors

import (
	"strings"
	"sync"

	"github.com/keyward/scan/internal/assign"
)

// shapeFinder returns a Finder for values of one shape assigned to a name
// (assign.Values) or kept under a label in a note or table (assign.Notes):
// the shape is checked on the whole value, so "longer than the shape" and
// "part of a word" need no boundary assertions.
func shapeFinder(shape string) func(*Window) [][2]int {
	// Parsed on first use: a scan builds every rule, and most rules'
	// keywords never hit in a small one (a commit hook's).
	re := sync.OnceValue(func() *wholeMatcher { return newWholeMatcher(shape) })
	match := func(v []byte) bool { return re().Match(v) }
	return func(w *Window) [][2]int {
		out := spansIn(w.Text, w.Values(), match, nil)
		n := len(out)
		for _, a := range w.Notes() {
			if match(w.Text[a.Value[0]:a.Value[1]]) {
				out = append(out, a.Value)
			}
		}
		if len(out) > n {
			out = assign.UniqueSpans(out)
		}
		return out
	}
}

// noteLabel returns the label a note or table gives secret on the
// candidate's line (assign.Notes), and whether it is a table's column.
func noteLabel(c Candidate, secret string) (string, bool) {
	i := strings.Index(c.Window, c.Line)
	if i < 0 {
		return "", false
	}
	lineStart := i
	lineEnd := i + len(c.Line)
	label, table := "", false
	w := []byte(c.Window)
	assign.Notes(w, func(n, v [2]int) {
		if label == "" && v[0] >= lineStart && v[1] <= lineEnd && string(w[v[0]:v[1]]) == secret {
			label = string(w[n[0]:n[1]])
			// A label above a line that holds more than the value is a
			// table's header.
			table = n[1] <= lineStart && strings.TrimSpace(c.Line) != secret
		}
	})
	return label, table
}
