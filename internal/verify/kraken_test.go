package verify

import "testing"

// Kraken's key-info answer names permissions in the words of its docs
// ("modify-trades", "Create & Modify Orders", create_modify_orders): each
// documented name must map to what it allows, and an unknown one must not
// be read as "no".
// https://docs.kraken.com/api-reference/account-data/get-api-key-info
func TestAuditKrakenPermissionNames(t *testing.T) {
	runPermCases(t, "kraken", []permCase{
		{"kebab list with modify-trades", `{"result":{"permissions":["query-funds","query-open-trades","modify-trades","close-trades"],"ip_allowlist":[]}}`, "no", "yes", "no"},
		{"kebab list with withdraw", `{"result":{"permissions":["query-funds","withdraw-funds","deposit-funds"]}}`, "yes", "no", "no"},
		{"read-only kebab list", `{"result":{"permissions":["query-funds","query-ledger","export-data","access-websockets"]}}`, "no", "no", "yes"},
		{"display names", `{"result":{"permissions":["Query Funds","Create & Modify Orders","Cancel/Close Orders"]}}`, "no", "yes", "no"},
		{"snake-case flags", `{"result":{"permissions":{"query_funds":true,"create_modify_orders":true,"withdraw_funds":false}}}`, "no", "yes", "no"},
		{"unknown right", `{"result":{"permissions":["query-funds","stake-funds"]}}`, "no", "no", "?"},
	})
}
