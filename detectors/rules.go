package detectors

import "sort"

// Default returns the built-in rule table, sorted by id. Each call returns
// fresh values, so callers may filter or modify the slice.
func Default() []Rule {
	var rs []Rule
	rs = append(rs, coreRules()...)
	rs = append(rs, walletRules()...)
	rs = append(rs, saasRules()...)
	rs = append(rs, exchangeRules()...)
	sort.Slice(rs, func(i, j int) bool { return rs[i].ID < rs[j].ID })
	return rs
}
