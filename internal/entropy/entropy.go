// Package entropy measures how random a candidate secret looks. The built-in
// rules and the custom rules of a config (gitleaks' "entropy" included) judge
// by the same number, so an imported rule keeps the threshold it was tuned to.
package entropy

import "math"

// Shannon returns the empirical Shannon entropy of s in bits per byte.
func Shannon(s string) float64 {
	if s == "" {
		return 0
	}
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	n := float64(len(s))
	h := 0.0
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}
