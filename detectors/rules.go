package detectors

import "sort"

// Default returns the built-in rule registry, sorted by id: every rule the
// engine runs, plus the WholeFile rules that sources apply to whole files
// (bitcoin-core-wallet). The engine, `scan rules` and every report read
// this one list. Each call returns fresh values, so callers may filter or
// modify the slice.
//
// Each category of credential is one file, rules_<category>.go, holding
// one function; this is the one list of them. Adding an exchange is one row
// in exchangeSpecs (rules_exchange_table.go); adding a service is one Rule
// in its category's file (and a row in services when it has several).
func Default() []Rule {
	groups := [][]Rule{
		coreRules(),            // PEM private keys, the generic labelled secret, GitHub
		defaultPasswordRules(), // ${POSTGRES_PASSWORD:-postgres}, at info
		uuidPairRules(),        // a UUID API key beside a secret, issuer unknown
		walletRules(),          // seed phrases, private keys, keystores
		electrumRules(),        // Electrum's own (non-BIP-39) seed phrases
		walletDatRules(),       // Bitcoin Core wallet.dat (whole file)
		exchangeRules(),        // the exchange table
		homeRules(),            // files found in a home directory
		cryptoAPIRules(),       // market-data and node APIs beside exchange keys
		blockchainAPIRules(),   // RPC providers and explorers
		cloudRules(),           // cloud platforms and source hosting
		awsRules(),             // AWS beyond the key pair
		chatRules(),            // chat tokens and webhooks
		teamsRules(),           // Microsoft Teams webhooks
		paymentRules(),         // payment platforms
		aiRules(),              // AI providers
		messagingRules(),       // SMS and e-mail APIs
		registryRules(),        // package registries
		jwtRules(),             // signed tokens
		devToolRules(),         // developer tools
		metaRules(),            // findings about the scan itself
	}
	// Sized once: a rule is a few hundred bytes, and a commit hook builds
	// the table on every commit.
	n := 0
	for _, g := range groups {
		n += len(g)
	}
	rs := make([]Rule, 0, n)
	for _, group := range groups {
		rs = append(rs, group...)
	}
	rs = withServices(rs)
	sort.Slice(rs, func(i, j int) bool { return rs[i].ID < rs[j].ID })
	return rs
}
