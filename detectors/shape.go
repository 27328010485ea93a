package detectors

import (
	"regexp"

	"github.com/keyward/scan/internal/assign"
)

// shapeFinder returns a Finder for values of one shape assigned to a name:
// the shape is checked on the whole value, so "longer than the shape" and
// "part of a word" need no boundary assertions.
func shapeFinder(shape string) func([]byte) [][2]int {
	re := regexp.MustCompile(`^(?:` + shape + `)$`)
	return func(window []byte) [][2]int {
		var out [][2]int
		for _, v := range assign.Values(window) {
			if re.Match(window[v[0]:v[1]]) {
				out = append(out, v)
			}
		}
		return out
	}
}
