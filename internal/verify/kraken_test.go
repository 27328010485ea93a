package verify

import (
	"encoding/json"
	"testing"
)

// Kraken's key-info answer names permissions in the words of its docs
// ("modify-trades", "Create & Modify Orders", create_modify_orders): each
// documented name must map to what it allows, and an unknown one must not
// be read as "no".
func TestAuditKrakenPermissionNames(t *testing.T) {
	for _, tc := range []struct {
		name, answer              string
		withdraw, trade, readOnly string // "yes", "no" or "?" (unknown)
	}{
		{"kebab list with modify-trades", `{"result":{"permissions":["query-funds","query-open-trades","modify-trades","close-trades"],"ip_allowlist":[]}}`, "no", "yes", "no"},
		{"kebab list with withdraw", `{"result":{"permissions":["query-funds","withdraw-funds","deposit-funds"]}}`, "yes", "no", "no"},
		{"read-only kebab list", `{"result":{"permissions":["query-funds","query-ledger","export-data","access-websockets"]}}`, "no", "no", "yes"},
		{"display names", `{"result":{"permissions":["Query Funds","Create & Modify Orders","Cancel/Close Orders"]}}`, "no", "yes", "no"},
		{"snake-case flags", `{"result":{"permissions":{"query_funds":true,"create_modify_orders":true,"withdraw_funds":false}}}`, "no", "yes", "no"},
		{"unknown right", `{"result":{"permissions":["query-funds","stake-funds"]}}`, "no", "no", "?"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var doc any
			if err := json.Unmarshal([]byte(tc.answer), &doc); err != nil {
				t.Fatal(err)
			}
			p, detail, ok := auditKraken(doc, credential{})
			if !ok {
				t.Fatal("answer not read")
			}
			word := func(b *bool) string {
				switch {
				case b == nil:
					return "?"
				case *b:
					return "yes"
				}
				return "no"
			}
			if word(p.Withdrawals) != tc.withdraw || word(p.Trading) != tc.trade || word(p.ReadOnly) != tc.readOnly {
				t.Errorf("withdraw %s trade %s read-only %s; want %s %s %s (%s)", word(p.Withdrawals), word(p.Trading), word(p.ReadOnly), tc.withdraw, tc.trade, tc.readOnly, detail)
			}
		})
	}
}
