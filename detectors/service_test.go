package detectors_test

import (
	"testing"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/engine"
)

// scanOne returns the severity of the finding of rule id in text, and
// whether there was one.
func scanOne(t *testing.T, eng *engine.Engine, id, text string) (detectors.Severity, bool) {
	t.Helper()
	for _, f := range eng.Scan(engine.Chunk{Path: "snippet.txt", Data: []byte(text), Line: 1, Column: 1}) {
		if f.RuleID == id {
			return f.Severity, true
		}
	}
	return detectors.SeverityUnset, false
}

// Severities that a validator sets: published keys come out as Info (the
// rule still claims them, so the generic rule does not report them as
// leaks, and the default report hides them), test-mode and app-config keys
// as Low.
func TestSaasSeverities(t *testing.T) {
	eng, err := engine.New(detectors.Default(), engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, rule, text string
		want             detectors.Severity
	}{
		{"aws presigned link", "aws-access-key-id", "url = \"https://data.s3.ap-northeast-1.amazonaws.com/trades.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAOK5AIJWPAZJPJIS7%2F20230925%2Fap-northeast-1%2Fs3%2Faws4_request&X-Amz-Date=20230925T025710Z&X-Amz-Expires=86399&X-Amz-SignedHeaders=host&X-Amz-Signature=5f2c8e0b\"\n", detectors.Low},
		{"aws key id", "aws-access-key-id", "[default]\naws_access_key_id = AKIAOK5AIJWPAZJPJIS7\n", detectors.Medium},
		{"stripe docs key", "stripe-secret-key", `stripe.api_key = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"`, detectors.Info},
		{"stripe test key", "stripe-secret-key", `stripe.api_key = "sk_test_QXEmKtyh88H8erwJicL9uDzP"`, detectors.Low},
		{"stripe live key", "stripe-restricted-key", "STRIPE_KEY=rk_live_ouL2WSVfgOc2BxRR1P7rMtSn\n", detectors.High},
		{"ethers etherscan default", "etherscan-api-key", `const defaultApiKey = "9D13ZE7XSBTJ94N9BNJ2MA33VMAY2YPIRB"; // etherscan`, detectors.Info},
		{"metamask infura id", "infura-api-key", `rpcUrls: ["https://mainnet.infura.io/v3/9aa3d95b3bc440fa88ea12eaa4456161"],`, detectors.Info},
		{"ethers infura default", "infura-api-key", `RPC=https://mainnet.infura.io/v3/84842078b09946638c03157f83405213`, detectors.Info},
		{"ethers alchemy default", "alchemy-api-key", `alchemyProvider({ apiKey: "_gg7wSSi0KMBsdKnGVfHDueq6xMB9EkC" })`, detectors.Info},
		{"cmc sandbox key", "coinmarketcap-api-key", "X-CMC_PRO_API_KEY: b54bcf4d-1bca-4e8e-9a24-22ff2c3d462c\n", detectors.Info},
		{"slack docs token", "slack-token", "token: xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy\n", detectors.Info},
		{"supabase cli demo key", "supabase-service-role-key", "SERVICE_ROLE_KEY=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.Ta57EerbPQK5wUerlg8HEdcHFP4TnwKKQsRstpqVz6I\n", detectors.Info},
		{"jwt.io sample", "jwt-long-lived", `token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"`, detectors.Info},
		{"firebase web config", "google-api-key", "const firebaseConfig = {\n  apiKey: \"AIzaUAOxeaEK_kWPgL2Dx4JSGY0KcYAD4Y9r-I0\",\n  authDomain: \"shop-9f3a1.firebaseapp.com\",\n};\n", detectors.Low},
		{"gitlab ci job token", "gitlab-token", "CI_JOB_TOKEN=glcbt-aPeZW8Qp7E0LZyKbFPV8\n", detectors.Low},
		{"test.pypi.org token", "pypi-token", "password = pypi-AgENdGVzdC5weXBpLm9yZwT5USTWoNr28U4zSAduaf4l2ruLSefmQnwudfPyD86TLazzY2uo08JofljGGvIIZh\n", detectors.Low},
	}
	for _, tt := range tests {
		got, ok := scanOne(t, eng, tt.rule, tt.text)
		if !ok || got != tt.want {
			t.Errorf("%s: %s severity = %v (found %v), want %v", tt.name, tt.rule, got, ok, tt.want)
		}
	}
}

// Shapes that must not match: the checks that keep these rules quiet.
func TestSaasShapes(t *testing.T) {
	eng, err := engine.New(detectors.Default(), engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, rule, text string
		want             bool
	}{
		// A bot token's hash is exactly 35 characters.
		{"telegram 35", "telegram-bot-token", "TELEGRAM_TOKEN=8720606271:AALdWLk6V25rC3hrotkJLcIkg3WGtbrcvje\n", true},
		{"telegram 34", "telegram-bot-token", "TELEGRAM_TOKEN=8720606271:AALdWLk6V25rC3hrotkJLcIkg3WGtbrcvj\n", false},
		{"telegram 36", "telegram-bot-token", "TELEGRAM_TOKEN=8720606271:AALdWLk6V25rC3hrotkJLcIkg3WGtbrcvjeQ\n", false},
		{"telegram 7-digit id", "telegram-bot-token", "TELEGRAM_TOKEN=8720606:AALdWLk6V25rC3hrotkJLcIkg3WGtbrcvje\n", false},
		// Without "AA" the hash needs Telegram context.
		{"telegram no context", "telegram-bot-token", "1229769389:BzhB70drs0elXGLaIWo_kbgHcENY_fNDe15 :aa\n", false},
		// The first part of a Discord token is a base64 user id.
		{"discord bad id", "discord-bot-token", "DISCORD_TOKEN=MzZkYmQxZjQtYWJjZC00ZWZnLWhp.HUrUMG.UvKgegMd_QZPw_a62Kr7Vdy87pPj4nDmxRkQvR\n", false},
		// A Supabase service_role key is reported once, by its own rule.
		{"service role not generic jwt", "jwt-long-lived", "SUPABASE_SERVICE_ROLE_KEY=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6InFrdndocnR6cGxtZXhvbmJqZHNhIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImlhdCI6MTcyMTM4NDQ1NywiZXhwIjoyMDM2OTYwNDU3fQ.4v0brctMx2oTUxlx4c88bWMfxhMghho3hRwqVg7Z6wZ\n", false},
		// An unsigned token proves nothing.
		{"jwt alg none", "jwt-long-lived", "TOKEN=eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJzdmMtYmlsbGluZy1leHBvcnQiLCJyb2xlIjoiYWRtaW4ifQ.x8I5BpIMHg45_LBPftAbkNc3DMTr0RtJcEBAsMeA0LM\n", false},
		// A UUID is an npm token only after _authToken=.
		{"npm uuid elsewhere", "npm-token", "npm_request_id=170a5019-67dd-48fc-948e-259a0df2e00c\n", false},
	}
	for _, tt := range tests {
		if _, got := scanOne(t, eng, tt.rule, tt.text); got != tt.want {
			t.Errorf("%s: %s found = %v, want %v", tt.name, tt.rule, got, tt.want)
		}
	}
}

// Hand-typed stand-ins pass an entropy test but not the sequence check.
func TestSaasTypedSequence(t *testing.T) {
	eng, err := engine.New(detectors.Default(), engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	typed := "ANTHROPIC_API_KEY=sk-ant-api03-abc123xyz-456def789ghij-klmnopqrstuvwx-3456yza789bcde-1234fghijklmnopby56aaaogaopaaaabc123xyzAA\n"
	if _, ok := scanOne(t, eng, "anthropic-api-key", typed); ok {
		t.Errorf("typed stand-in reported")
	}
}
