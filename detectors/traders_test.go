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
			"services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:-tradebot_dev}\n  bot:\n    environment:\n      DB_PASSWORD: " + pw + "\n",
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

// withSeverity lists the findings at low and above as rule@line:severity.
func withSeverity(fs []detectors.Finding) []string {
	var out []string
	for _, f := range fs {
		if f.Severity >= detectors.Low {
			out = append(out, fmt.Sprintf("%s@%d:%s", f.RuleID, f.StartLine, f.Severity))
		}
	}
	sort.Strings(out)
	return out
}

// Exchange keys the ways traders keep them: INI sections named for the
// exchange, an exchange's API page pasted into a note, a Markdown note
// with a heading per exchange, a CSV of accounts, an exchange's former
// name, a secret in the other case. Each key and secret is one critical
// finding named for its exchange.
func TestExchangeKeysAsTradersKeepThem(t *testing.T) {
	k := func(l string, n int) string { return detectors.FakeValue(l, alnum, n) }
	u := detectors.FakeUUID
	eng := defaultEngine(t)
	for _, tc := range []struct {
		name, path, text string
		want             []string
	}{
		{"INI sections name the exchange", "config/conf_user.ini",
			"[MONGO]\nhost = 127.0.0.1\nport = 27017\nusername = bot1\npassword = Sup3r!" + k("mongo", 6) + "\n\n[KORBIT]\nclientid = " + k("kc", 60) + "\nclientsecret = " + k("ks", 61) + "\nusername = trader@example.com\n\n[COINONE]\naccesstoken = " + u("co k") + "\nsecretkey = " + u("co s") + "\n\n[GOPAX]\naccess_token = " + u("gp k") + "\nsecret_key = " + b64With("gp s") + "\n",
			[]string{"coinone-api-secret@14:critical", "generic-secret@5:medium", "gopax-api-secret@18:critical", "korbit-api-secret@9:critical"}},
		{"a section keeps a look-alike exchange's keys apart", "keys.ini",
			"[binance]\napi_key = " + k("sec bk", 64) + "\nsecret = " + k("sec bs", 64) + "\n[bitrue]\napi_key = " + k("sec rk", 64) + "\nsecret_key = " + k("sec rs", 64) + "\n",
			[]string{"binance-api-secret@3:critical", "bitrue-api-secret@6:critical"}},
		{"an exchange's API page pasted into a note", "notes/binance-api.txt",
			"Binance\nAPI Management\n\nLabel: grid-bot\nAPI Key\n" + k("pg k", 64) + "\nSecret Key\n" + k("pg s", 64) + "\nRestrictions: Enable Spot & Margin Trading\n",
			[]string{"binance-api-secret@8:critical"}},
		{"a Markdown note with a heading per exchange", "notes/exchanges.md",
			"# Exchange keys\n\n## binance\nkey " + k("md bk", 64) + "\nsecret " + k("md bs", 64) + "\n\n## kucoin\nkey " + detectors.FakeValue("md kk", hexLow, 24) + "\nsecret " + u("md ks") + "\npassphrase Kc!" + k("md kp", 9) + "\n",
			[]string{"binance-api-secret@5:critical", "kucoin-api-secret@9:critical"}},
		{"a CSV of accounts", "keys.csv",
			"exchange,api_key,api_secret\nbinance," + k("csv bk", 64) + "," + k("csv bs", 64) + "\nbybit," + k("csv yk", 18) + "," + k("csv ys", 36) + "\n",
			[]string{"binance-api-secret@2:critical", "bybit-api-secret@3:critical"}},
		{"Coinbase Pro under its former name", ".env",
			"# trading\ngdax_key=" + detectors.FakeValue("gd k", hexLow, 32) + "\ngdax_secret=" + b64With("gd s") + "\ngdax_passphrase=" + k("gd p", 11) + "\n",
			[]string{"coinbase-api-secret@3:critical"}},
		{"OKX secret in lowercase hex", "okx.env",
			"OKX_API_KEY=" + u("ok k") + "\nOKX_SECRET_KEY=" + detectors.FakeValue("ok s", hexLow, 32) + "\nOKX_PASSPHRASE=Okx!" + k("ok p", 8) + "\n",
			[]string{"okx-api-secret@2:critical"}},
		{"freqtrade config for a regional exchange", "user_data/config.json",
			"{\n  \"exchange\": {\n    \"name\": \"bitkub\",\n    \"key\": \"" + detectors.FakeValue("ft bk", hexLow, 32) + "\",\n    \"secret\": \"" + detectors.FakeValue("ft bs", hexLow, 32) + "\"\n  }\n}\n",
			[]string{"bitkub-api-secret@5:critical"}},
		{"a 64-hex secret beside a Binance key is Binance's", ".env",
			"API_URL=https://testnet.binance.vision/api\nAPI_KEY=" + detectors.FakeValue("hexpair k", hexLow, 64) + "\nSECRET_KEY=" + detectors.FakeValue("hexpair s", hexLow, 64) + "\nWS_BASE_URL=wss://stream.binance.com:9443\nSYMBOL=BTCUSDT\n",
			[]string{"binance-api-secret@3:critical"}},
		{"a literal a formatter wrapped onto the next line", "src/bot.js",
			"const Binance = require('node-binance-api');\nconst binanceApiKey =\n  '" + k("wrap k", 64) + "';\nconst binanceApiSecret =\n  '" + k("wrap s", 64) + "';\n",
			[]string{"binance-api-secret@5:critical"}},
		{"ccxt for an Indian exchange in a notebook cell", "research.ipynb",
			"{\"cells\": [{\"source\": [\"import ccxt\\n\", \"ex = ccxt.wazirx({'apiKey': '" + k("nb wk", 64) + "', 'secret': '" + k("nb ws", 64) + "'})\\n\"]}]}\n",
			[]string{"wazirx-api-secret@1:critical"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := withSeverity(scanFile(t, eng, tc.path, tc.text))
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("%s: got %q, want %q\n%s", tc.path, got, tc.want, tc.text)
			}
		})
	}
}

// What a trader's notes hold besides keys must stay quiet.
func TestTraderNotesNegatives(t *testing.T) {
	runTraderCases(t, []traderCase{
		{"prose under an exchange heading", "notes/trading.md",
			"## binance\nThe key idea: buy the dip, keep the secret weapon for later.\nsecret sauce\nkey levels: 42000 and 45000\n", nil},
		{"a trade log CSV", "trades.csv",
			"exchange,symbol,side,price,order_id\nbinance,BTCUSDT,buy,42000.5," + detectors.FakeValue("oid", hexLow, 32) + "\n", nil},
		{"a masked API page", "notes/api.txt",
			"Binance API Management\nAPI Key\n****************************************************************\nSecret Key\nFor security, the secret is only shown once.\n", nil},
		{"placeholders under a section", "config.ini",
			"[KORBIT]\nclient_id = <your client id>\nclient_secret = \n[COINONE]\naccess_token = 00000000-0000-0000-0000-000000000000\n", nil},
		{"a key list header with no rows", "keys.csv", "exchange,api_key,api_secret\n", nil},
	})
}

// ${NAME:-default} (issue 17): the value in use comes from the environment.
// A known default password is reported at info under its own rule, a word
// not at all, and a random default (the real secret pasted as the
// fallback) as the secret it is.
func TestDefaultOfReference(t *testing.T) {
	eng := defaultEngine(t)
	random := "Tr4d3r" + detectors.FakeValue("pasted default", alnum, 18)
	tests := []struct {
		name, path, text string
		want             []string // rule@line:severity, info included
	}{
		{"compose file of a bot with its database", "docker-compose.yml",
			"services:\n  postgres:\n    image: postgres:16\n    environment:\n      POSTGRES_USER: ${POSTGRES_USER:-postgres}\n      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:-postgres}\n      POSTGRES_DB: ${POSTGRES_DB:-trading}\n  bot:\n    build: .\n    environment:\n      DATABASE_URL: postgresql://postgres:${POSTGRES_PASSWORD:-postgres}@postgres:5432/trading\n      REDIS_PASSWORD: \"${REDIS_PASSWORD:-changeme}\"\n",
			[]string{"default-password@11:info", "default-password@12:info", "default-password@6:info"}},
		{"start script with admin defaults", "scripts/start.sh",
			"#!/usr/bin/env bash\nset -euo pipefail\nexport PGPASSWORD=\"${PGPASSWORD:-password}\"\nexport GRAFANA_ADMIN_PASSWORD=${GRAFANA_ADMIN_PASSWORD:-admin}\nexport BOT_NAME=${BOT_NAME:-admin}\npython -m bot\n",
			[]string{"default-password@3:info", "default-password@4:info"}},
		{"the real secret pasted as the default", "docker-compose.yml",
			"services:\n  bot:\n    environment:\n      JWT_SECRET: ${JWT_SECRET:-" + random + "}\n      DB_PASSWORD: ${DB_PASSWORD:-tradebot_dev}\n",
			[]string{"generic-secret@4:medium"}},
		{"a Spring default that is a phrase", "src/main/resources/application.yml",
			"jwt:\n  jwt-secret: ${JWT_SECRET:coin-trading-bot-jwt-secret-key-for-hs256-2024}\n  expiration: 86400000\n",
			nil},
		{"defaults that are no password", ".env.example",
			"PORT=${PORT:-8080}\nLOG_LEVEL=${LOG_LEVEL:-info}\nDB_USER=${DB_USER:-postgres}\nAPI_URL=${API_URL:-https://api.example.com}\n",
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, f := range scanFile(t, eng, tt.path, tt.text) {
				got = append(got, fmt.Sprintf("%s@%d:%s", f.RuleID, f.StartLine, f.Severity))
			}
			sort.Strings(got)
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("got %q, want %q\n%s", got, tt.want, tt.text)
			}
		})
	}
}
