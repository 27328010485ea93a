package detectors

import "testing"

func TestPublicValue(t *testing.T) {
	addr := "0x" + fake("public addr", hexChars, 40)
	h := fake("public hash", hexChars, 64)
	tests := []struct {
		secret, line string
		public       bool
	}{
		{addr, "TOKEN_SECRET = \"" + addr + "\"", true},
		{addr, "tokenBuy: '" + addr + "',", true},
		{"0x" + h, "\"txHash\": \"0x" + h + "\",", true},
		{h, "token_id = \"" + h + "\"", true},
		{h, "\"blockHash\": \"" + h + "\"", true},
		{h, "PRIVATE_KEY=" + h, false},
		{h, "api_secret: " + h, false},
		{"0x" + fake("public addr2", hexChars, 38), "wallet_secret = 0x…", false},
	}
	for _, tt := range tests {
		if _, got := PublicValue(tt.secret, tt.line); got != tt.public {
			t.Errorf("PublicValue(%q) = %v, want %v", tt.line, got, tt.public)
		}
	}
}

func TestIdentifierShapedValuesArePlaceholders(t *testing.T) {
	tests := []struct {
		v    string
		want bool
	}{
		{"kraken_secret_key", true},
		{"bitmex_perpetual_testnet", true},
		{"minimum_order_amount", true},
		{"BITMEX_API_KEY_TESTNET_ACCOUNT", true},
		{"order_2024_01", true},
		{fake("ident b64url", b64urlChars, 24), false},
		{"sk_live_" + fake("ident stripe", alnumChars, 24), false},
		{"a1b2_c3d4_e5f6_g7h8", false},
		{"Ab_cdEf_ghij", false},
	}
	for _, tt := range tests {
		if got := identifierShaped(tt.v); got != tt.want {
			t.Errorf("identifierShaped(%q) = %v, want %v", tt.v, got, tt.want)
		}
	}
}

func TestDocumentationAndTestPaths(t *testing.T) {
	docs := map[string]bool{
		"docs/configuration.md":                  true,
		"en/2019.6/rest-api/index.html":          true,
		"en/latest/search/search_index.json":     true,
		"2024.3/configuration/index.html":        true,
		"site/rest-api/index.html":               true,
		"docs/_build/html/searchindex.js":        true,
		"website/build/docs/intro/index.html":    true,
		"documentation/mkdocs.yml":               true,
		"en/2019.6/user_data/config.json":        false,
		"web/index.html":                         false,
		"notes.md":                               false,
		"hummingbot/connector/binance/config.py": false,
	}
	for p, want := range docs {
		if got := DocDir(p); got != want {
			t.Errorf("DocDir(%q) = %v, want %v", p, got, want)
		}
	}
	tests := map[string]bool{
		"test/integration/test_kucoin.py":                     true,
		"gateway/manual-tests/curl.sh":                        true,
		"gateway/integration_tests/keys.json":                 true,
		"gateway/test/services/wallet/wallet.routes.test.ts":  true,
		"hummingbot/connector/exchange/kucoin/kucoin_auth.py": false,
		"contest/entry.py":                                    false,
		"latest/config.json":                                  false,
	}
	for p, want := range tests {
		if got := testPath(p); got != want {
			t.Errorf("testPath(%q) = %v, want %v", p, got, want)
		}
	}
}
