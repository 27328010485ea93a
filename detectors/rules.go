package detectors

import "sort"

// Default returns the built-in rule registry, sorted by id: every rule the
// engine runs, plus the WholeFile rules that sources apply to whole files
// (bitcoin-core-wallet). The engine, `scan rules` and every report read
// this one list. Each call returns fresh values, so callers may filter or
// modify the slice.
func Default() []Rule {
	var rs []Rule
	rs = append(rs, coreRules()...)
	rs = append(rs, walletRules()...)
	rs = append(rs, WalletDatRule(), IgnoreFileChangedRule())
	rs = append(rs, saasRules()...)
	rs = append(rs, exchangeRules()...)
	rs = append(rs, homeRules()...)
	rs = append(rs, cryptoAPIRules()...)
	rs = append(rs, awsMoreRules()...)
	rs = append(rs, teamsRules()...)
	rs = append(rs, devToolRules()...)
	sort.Slice(rs, func(i, j int) bool { return rs[i].ID < rs[j].ID })
	return rs
}
