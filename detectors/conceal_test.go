package detectors

import (
	"strings"
	"testing"
)

func TestConcealKeyMaterial(t *testing.T) {
	key := fake("conceal key", alnumChars, 64)
	other := fake("conceal other", alnumChars, 64)
	pem := fake("conceal pem", b64Chars, 64)
	ct := fake("conceal ct", hexChars, 160)
	for _, tc := range []struct {
		name, line string
		hidden     []string // must not appear whole
		kept       []string // must appear unchanged
	}{
		{"two calls in a python history", "c = Client('" + key + "', '" + other + "'); c.get_account()", []string{key, other}, []string{"Client(", "get_account"}},
		{"a PEM body line", `  "private_key": "-----BEGIN PRIVATE KEY-----\n` + pem + `\n`, []string{pem}, []string{"private_key", "BEGIN PRIVATE KEY"}},
		{"wallet ciphertext", `{"ciphertext": "` + ct + `", "kdf": "scrypt"}`, []string{ct}, []string{"ciphertext", "scrypt"}},
		{"code and paths", "from binance.client import Client  # /usr/local/lib/python3.11/site-packages/binance/client.py", nil, []string{"/usr/local/lib/python3.11/site-packages/binance/client.py"}},
		{"identifiers", "BINANCE_API_SECRET_KEY_FOR_PRODUCTION = get_secret_from_vault_v2()", nil, []string{"BINANCE_API_SECRET_KEY_FOR_PRODUCTION", "get_secret_from_vault_v2"}},
		{"a date and a version", "released 2024-01-02T03:04:05 as v1.2.3-rc1+build20240102", nil, []string{"2024-01-02T03:04:05"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ConcealKeyMaterial(tc.line)
			for _, h := range tc.hidden {
				if strings.Contains(got, h) || strings.Contains(got, h[:24]) {
					t.Errorf("%q still shows key material %q", got, h[:24])
				}
			}
			for _, k := range tc.kept {
				if !strings.Contains(got, k) {
					t.Errorf("%q lost %q", got, k)
				}
			}
		})
	}
}
