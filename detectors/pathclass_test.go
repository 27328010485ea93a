package detectors_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/engine"
)

// A history scan reads a blob once and reuses its findings at every path
// of the same class (engine.PathClass), so the class must hold everything
// a rule takes from a path: the same bytes at two paths of one class must
// give the same findings. Each content here is one that some rule or
// validator rates by its path.
func TestPathClassCoversPathDecisions(t *testing.T) {
	eng, err := engine.New(detectors.Default(), engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	v := func(label, alphabet string, n int) string {
		return detectors.FakeValue("pathclass "+label, alphabet, n)
	}
	contents := []string{
		"BINANCE_API_KEY=" + v("bk", alnum, 64) + "\nBINANCE_API_SECRET=" + v("bs", alnum, 64) + "\n",
		"api_key = \"" + v("k", alnum, 64) + "\"\napi_secret = \"" + v("s", alnum, 64) + "\"\n",
		"db_password: \"V9q!mT2#rLx7pK\"\n",
		"password = V9qmT2rLx7pKw\n",
		detectors.FakeMnemonic("pathclass", 12) + "\n",
		"GOOGLE_API_KEY=AIza" + v("g", alnum, 35) + "\n",
		"[http]\n\textraheader = AUTHORIZATION: basic " + v("b64", alnum, 40) + "\nurl = https://x-access-token:ghs_" + v("ghs", alnum, 36) + "@github.com/o/r\n",
		"PRIVATE_KEY=0x" + v("eth", hexLow, 64) + "\n",
		"PRIVATE_KEY=" + v("eth2", hexLow, 64) + "\n",
		"-----BEGIN RSA PRIVATE KEY-----\n" + v("pem1", b64, 64) + "\n" + v("pem2", b64, 64) + "\n-----END RSA PRIVATE KEY-----\n",
		"uuid = \"" + detectors.FakeUUID("pathclass u") + "\"\nsecret = \"" + v("us", alnum, 40) + "\"\n",
		// hummingbot's password-encrypted key file, by its conf/ path.
		"{\"crypto\": {\"cipher\": \"aes-128-ctr\", \"ciphertext\": \"" + v("hb", hexLow, 64) + "\"}, \"version\": 3}\n",
	}
	paths := []string{
		"app.env", "config/app.env", "conf/app.env", "tests/app.env", "test/fixtures/app.env", "docs/app.env",
		"examples/app.env", "node_modules/pkg/app.env", ".venv/lib/app.env",
		"src/app.py", "lib/app.py", "tests/test_app.py", "src/app.js", "dist/app.js", "src/app.min.js",
		"notes.txt", "home/notes.txt", "wallet/notes.txt", "backup/seed.txt", "electrum/notes.txt",
		"package-lock.json", "go.sum", "config.json", "android/app/google-services.json",
		"repo/.git/config", "config", "research/a.ipynb", "conf/encrypted_binance_api_key.json", "keys/encrypted_binance_api_key.json",
		"connector/exchange/binance/keys.py", "connector/exchange/kraken/keys.py", "kraken.key", "bot/kraken.key",
		".bash_history", "home/.zsh_history", "settings.yaml", "deploy/settings.yaml",
		"docker-compose.yml", "docker-compose.https.yml", "yarn.lock", "poetry.lock", "Cargo.lock",
		"src/mode_factory.py", "src/trading_mode_factory.py", "src/app.pyx", ".env.production", "config/.env.local",
		"backup.tar.gz", "backup.gz", "home/.gnupg/secring.gpg", "home/.gnupg/private-keys-v1.d/ABC.key", "ios/GoogleService-Info.plist",
	}
	for ci, text := range contents {
		got := map[string]string{} // class -> findings, and the path that gave them
		from := map[string]string{}
		for _, p := range paths {
			var out []string
			for _, f := range eng.Scan(engine.Chunk{Path: p, Data: []byte(text), Line: 1, Column: 1}) {
				out = append(out, fmt.Sprintf("%s %v %d %q", f.RuleID, f.Severity, f.StartLine, f.Notes))
			}
			slices.Sort(out)
			s := strings.Join(out, "; ")
			class := eng.PathClass(p)
			if prev, ok := got[class]; ok && prev != s {
				t.Errorf("content %d: %s and %s share class %q but differ:\n  %s\n  %s", ci, from[class], p, class, prev, s)
				continue
			}
			got[class], from[class] = s, p
		}
	}
}
