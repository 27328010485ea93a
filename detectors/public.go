package detectors

import (
	"strings"
)

// Some values look like keys but are public by construction: an EVM
// address is printed on every block explorer, and a transaction or block
// hash is published by the chain itself. No name given to such a value
// (tokenAddress, TOKEN_SECRET, deployer_key) makes it a secret, so every
// rule drops them, not only the rules whose names happen to collide.

var (
	evmAddress = lazyRE(`^0[xX][0-9a-fA-F]{40}$`)
	hex64      = lazyRE(`^(?:0[xX])?[0-9a-fA-F]{64}$`)
	// hashIDLabel names a 32-byte value as a digest or an identifier.
	hashIDLabel = lazyRE(`(?i)(?:tx|txn|txid|hash|block|transaction|digest|checksum|sha256|commit|nonce|salt)$|(?:^|[_.\-]|[a-z])(?:tx|txn|block|token|nft|asset|order|market|pool)_?ids?$`)
)

// PublicValue reports whether a candidate is a public value rather than a
// secret, and why: an EVM address (0x and 40 hex digits, whatever it is
// named), or 64 hex digits whose name calls them a hash or an id (tx_hash,
// blockHash, token_id). line is the text of the candidate's line.
func PublicValue(secret, line string) (string, bool) {
	if strings.HasPrefix(secret, "phc_") && len(secret) >= 40 {
		// PostHog's project key only sends events; every page that
		// loads PostHog ships it. The secret kind is phx_.
		return "a PostHog project key (phc_) is public: it ships in every page that loads PostHog", true
	}
	if strings.HasPrefix(secret, "pk.eyJ") {
		// Mapbox's public token (pk.) styles maps in the browser; its
		// secret tokens start sk.
		return "a Mapbox public token (pk.) is public: map pages ship it", true
	}
	if evmAddress.MatchString(secret) {
		return "an EVM address (account, token or contract) is public", true
	}
	if hex64.MatchString(secret) {
		label := labelBefore(line, secret)
		// A JSON key ends at its quote: "tokenId": "0x…".
		label = strings.Trim(label, `"'`)
		if label != "" && hashIDLabel.MatchString(label) {
			return "64 hex digits named as a hash or id (" + label + "), not a key", true
		}
	}
	return "", false
}
