package docvalue

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/keyward/scan/detectors"
)

func finding(path, rule, secret string, sev detectors.Severity) detectors.Finding {
	return detectors.Finding{RuleID: rule, Severity: sev, Secret: secret, Location: detectors.Location{Path: path, StartLine: 1}}
}

// fakeHex is a deterministic 40-hex value: the filter compares values, it
// does not care what they look like.
func fakeHex(label string) string {
	sum := sha256.Sum256([]byte(label))
	return hex.EncodeToString(sum[:])[:40]
}

func TestApplyRatesCopiesOfDocumentedValuesAsDocumentation(t *testing.T) {
	sample := fakeHex("docvalue sample")
	other := fakeHex("docvalue other")
	tests := []struct {
		name    string
		in      []detectors.Finding
		want    []detectors.Severity
		lowered int
	}{
		{"config copied from docs/",
			[]detectors.Finding{
				finding("docs/configuration.md", "generic-secret", sample, detectors.Info),
				finding("config.json", "generic-secret", sample, detectors.Medium),
				finding("config.json", "generic-secret", other, detectors.Medium),
			},
			[]detectors.Severity{detectors.Info, detectors.Info, detectors.Medium}, 1},
		{"rendered docs count as documentation",
			[]detectors.Finding{
				finding("en/2023.1/rest-api/index.html", "generic-secret", sample, detectors.Info),
				finding("tests/test_api.py", "generic-secret", sample, detectors.Medium),
			},
			[]detectors.Severity{detectors.Info, detectors.Info}, 1},
		{"a linked part documented counts",
			[]detectors.Finding{
				{RuleID: "binance-api-secret", Severity: detectors.Low, Secret: other, Location: detectors.Location{Path: "examples/bot.py"},
					Parts: []detectors.Part{{RuleID: "binance-api-key", Part: detectors.PartKey, Secret: sample}}},
				finding("bot/settings.json", "binance-api-key", sample, detectors.Medium),
			},
			[]detectors.Severity{detectors.Low, detectors.Low}, 1},
		{"a bare notes.md is not documentation",
			[]detectors.Finding{
				finding("notes.md", "generic-secret", sample, detectors.Info),
				finding(".env", "generic-secret", sample, detectors.Medium),
			},
			[]detectors.Severity{detectors.Info, detectors.Medium}, 0},
		{"a wallet key is not lowered by a copy in the docs",
			[]detectors.Finding{
				finding("docs/examples/.env.mev_production", "solana-private-key", sample, detectors.Low),
				finding(".env.multidex", "solana-private-key", sample, detectors.Critical),
			},
			[]detectors.Severity{detectors.Low, detectors.Critical}, 0},
		{"a .env file runs with its value, a template beside it or not",
			[]detectors.Finding{
				finding(".env.template", "generic-secret", sample, detectors.Info),
				finding(".env.microcap", "generic-secret", sample, detectors.Medium),
				finding("backend/.env", "generic-secret", sample, detectors.Medium),
				finding("bot/config.py", "generic-secret", sample, detectors.Medium),
			},
			[]detectors.Severity{detectors.Info, detectors.Medium, detectors.Medium, detectors.Info}, 1},
		{"never raised",
			[]detectors.Finding{
				finding("docs/leak.md", "okx-api-secret", sample, detectors.Low),
				finding("tests/fixture.json", "okx-api-secret", sample, detectors.Info),
			},
			[]detectors.Severity{detectors.Low, detectors.Info}, 0},
	}
	rules := []detectors.Rule{{ID: "solana-private-key", Kind: detectors.KindWallet}, {ID: "generic-secret", Kind: detectors.KindGeneric}}
	for _, tt := range tests {
		out, n := Apply(tt.in, rules)
		if n != tt.lowered {
			t.Errorf("%s: lowered %d, want %d", tt.name, n, tt.lowered)
		}
		for i, f := range out {
			if f.Severity != tt.want[i] {
				t.Errorf("%s: finding %d (%s) has severity %v, want %v", tt.name, i, f.Location.Path, f.Severity, tt.want[i])
			}
		}
	}
}
