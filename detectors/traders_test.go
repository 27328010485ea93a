package detectors_test

import (
	"crypto/sha256"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/keyward/scan/detectors"
)

// b64With is a made-up 88-character base64 value that holds a '/', as
// three in four such secrets do.
func b64With(label string) string {
	for i := 0; ; i++ {
		v := detectors.FakeValue(fmt.Sprint(label, i), b64, 86) + "=="
		if strings.Count(v, "/") >= 2 {
			return v
		}
	}
}

// solanaAddress is a made-up 32-byte base58 value: a mint or program id.
func solanaAddress(label string) string {
	h := sha256.Sum256([]byte(label))
	return detectors.Base58Encode(h[:])
}

// atLow lists the findings at low severity and above as rule@line.
func atLow(fs []detectors.Finding) []string {
	var out []string
	for _, f := range fs {
		if f.Severity >= detectors.Low {
			out = append(out, fmt.Sprintf("%s@%d", f.RuleID, f.StartLine))
		}
	}
	sort.Strings(out)
	return out
}

type traderCase struct {
	name, path, text string
	want             []string // rule@line at low and above; nil for none
}

func runTraderCases(t *testing.T, cases []traderCase) {
	t.Helper()
	eng := defaultEngine(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := atLow(scanFile(t, eng, tc.path, tc.text))
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("%s: got %q, want %q\n%s", tc.path, got, tc.want, tc.text)
			}
		})
	}
}

// The generic rule's noise on unseen bot histories, each class with the
// file it came from and a real secret beside it that must still be found.
func TestGenericNoiseClasses(t *testing.T) {
	pw := "Tr4d3r!" + detectors.FakeValue("pg pw", alnum, 9)
	runTraderCases(t, []traderCase{
		{"base64 secret with slashes in an INI section", "config/exchanges.ini",
			"[myexchange]\nurl = https://api.example-exchange.io\nsecret_key = " + b64With("ini b64") + "\n",
			[]string{"generic-secret@3"}},
		{"paths and URLs stay paths", "config/settings.ini",
			"[paths]\nsecret_path = /etc/bot/secrets/keys/prod\ncredentials = config/prod/secrets.yaml\ntoken_url = https://auth.example.com/oauth/token\nsecret_dir = Users/JohnDoe2/Projects/bot/keys\n",
			nil},
		{"solana mints and program ids", "bot/constants.py",
			"from solders.pubkey import Pubkey\n\nTOKEN_MINT = Pubkey.from_string(\"" + solanaAddress("mint") + "\")\nTOKEN_PROGRAM_ID = \"" + solanaAddress("program") + "\"\nRAYDIUM_AUTHORITY_TOKEN = \"" + solanaAddress("authority") + "\"\n",
			nil},
		{"source map", "static/js/main.4f2a9c1e.js.map",
			`{"version":3,"sources":["app.js"],"names":["token","secret"],"mappings":"AAAA","sourcesContent":["var token = \"` + detectors.FakeValue("map tok", alnum, 40) + `\";"]}`,
			nil},
		{"minified bundle", "public/dist/app.min.js",
			`!function(e){var t={api_key:"` + detectors.FakeValue("min key", alnum, 32) + `",n:1};e.exports=t}(module);`,
			nil},
		{"CI variable references", ".gitlab-ci.yml",
			"deploy:\n  variables:\n    PGPASSWORD: \"$DB_PASSWORD\"\n    password: $REGISTRY_PASSWORD\n    API_TOKEN: ${CI_API_TOKEN}\n  script:\n    - ./deploy.sh\n",
			nil},
		{"reference with a default", "docker-compose.yml",
			"services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:-" + pw + "}\n  bot:\n    environment:\n      DB_PASSWORD: " + pw + "\n",
			[]string{"generic-secret@8"}},
		{"migration checksums", "migrations/checksums.json",
			"{\n  \"0023_orders.sql\": \"" + detectors.FakeValue("sum1", hexLow, 64) + "\",\n  \"0024_api_key_verification.sql\": \"" + detectors.FakeValue("sum2", hexLow, 64) + "\",\n  \"0025_secret_rotation.sql\": \"" + detectors.FakeValue("sum3", hexLow, 64) + "\"\n}\n",
			nil},
		{"vendored virtualenv", "venv/lib/python3.11/site-packages/ccxt/test/test_auth.py",
			"api_key = \"" + detectors.FakeValue("venv key", alnum, 40) + "\"\nsecret = \"" + detectors.FakeValue("venv secret", alnum, 40) + "\"\n",
			nil},
		{"vendored node_modules", "node_modules/http-signature/README.md",
			"client_secret = \"" + detectors.FakeValue("nm secret", alnum, 40) + "\"\n",
			nil},
		{"binance listen key", "bot/stream.py",
			"from binance.client import Client\n# user data stream\nlistenKey = \"" + detectors.FakeValue("listen", alnum, 60) + "\"\n",
			nil},
	})
}
