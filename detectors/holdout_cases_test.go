package detectors_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/mnemonic"
)

// Cases a held-out corpus (built apart from the public one) showed the
// scanner getting wrong: a seed phrase under a label line that ends in a
// list word, KuCoin and OKCoin keys in camel-case names that hold
// "coinapi", exchange passphrases with a '$' in them, and a client's key
// and secret passed as arguments of a call wrapped one per line, and
// literals that stand in for an unset environment variable, and krakenex's
// unnamed kraken.key.
func TestHoldoutCases(t *testing.T) {
	const (
		hex   = "0123456789abcdef"
		upHex = "0123456789ABCDEF"
	)
	eng := walletEngine(t, true)
	m12 := detectors.FakeMnemonic("holdout-12", 12)
	m24 := detectors.FakeMnemonic("holdout-24", 24)
	// The same phrase with its last word changed until the checksum fails.
	bad := badChecksum(t, m12)
	kucoinKey, kucoinSecret := detectors.FakeValue("holdout kucoin k", hex, 24), detectors.FakeUUID("holdout kucoin s")
	okcoinKey, okcoinSecret := detectors.FakeUUID("holdout okcoin k"), detectors.FakeValue("holdout okcoin s", upHex, 32)
	okxKey, okxSecret := detectors.FakeUUID("holdout okx k"), detectors.FakeValue("holdout okx s", upHex, 32)
	coinapi := strings.ToUpper(detectors.FakeUUID("holdout coinapi"))
	const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	binanceKey, binanceSecret := detectors.FakeValue("holdout binance k", alnum, 64), detectors.FakeValue("holdout binance s", alnum, 64)
	bybitKey, bybitSecret := detectors.FakeValue("holdout bybit k", alnum, 18), detectors.FakeValue("holdout bybit s", alnum, 36)
	const b64 = alnum + "+/"
	krakenKey, krakenSecret := detectors.FakeValue("holdout kraken k", b64, 56), detectors.FakeValue("holdout kraken s", b64, 86)+"=="
	upbitKey, upbitSecret := detectors.FakeValue("holdout upbit k", alnum, 40), detectors.FakeValue("holdout upbit s", alnum, 40)

	type hit struct {
		rule string
		line int
	}
	for _, tc := range []struct {
		name, path, text string
		want             []hit
		// parts are the parts that must be linked into the first finding.
		parts []string
	}{
		{"label line ends in a list word", "wallet/backup_ledger.txt",
			"ledger backup seed - do not share\n" + m12 + "\n",
			[]hit{{"bip39-mnemonic", 2}}, nil},
		{"note line after a 24-word phrase", "notes/cold.md",
			"# cold wallet\n" + m24 + "\nwritten on steel, second copy in the safe\n",
			[]hit{{"bip39-mnemonic", 2}}, nil},
		{"phrase wrapped over lines under a label", "wallet/recovery.txt",
			"do not share\n" + strings.Join(strings.Fields(m12)[:6], " ") + "\n" + strings.Join(strings.Fields(m12)[6:], " ") + "\n",
			[]hit{{"bip39-mnemonic", 2}}, nil},
		{"bad checksum under a label line", "wallet/practice.txt",
			"seed for the memory game, do not share\n" + bad + "\n", nil, nil},
		{"kucoin camel-case Go constants", "internal/exch/kucoin_client.go",
			"package exch\n\nconst (\n\tkucoinAPIKey    = \"" + kucoinKey + "\"\n\tkucoinAPISecret = \"" + kucoinSecret + "\"\n)\n",
			[]hit{{"kucoin-api-secret", 5}}, []string{detectors.PartKey}},
		{"okcoin camel-case TypeScript", "src/okcoin.ts",
			"export const okcoinApiKey = '" + okcoinKey + "';\nexport const okcoinApiSecret = '" + okcoinSecret + "';\n",
			[]hit{{"okcoin-api-secret", 2}}, []string{detectors.PartKey}},
		{"CoinAPI in its own camel-case name", "src/prices.ts",
			"// market data\nexport const coinApiKey = '" + coinapi + "';\n",
			[]hit{{"coinapi-api-key", 2}}, nil},
		{"okx passphrase ending in $", "bots/run_okx.py",
			"import ccxt\nex = ccxt.okx({\n    'apiKey': '" + okxKey + "',\n    'secret': \"" + okxSecret + "\",\n    'password': 'Tr4d3rYFJEeAg$',\n})\n",
			[]hit{{"okx-api-secret", 4}}, []string{detectors.PartKey, detectors.PartPassphrase}},
		{"okx passphrase from the shell", ".env",
			"OKX_API_KEY=" + okxKey + "\nOKX_API_SECRET=" + okxSecret + "\nOKX_PASSPHRASE=$OKX_PASS\n",
			[]hit{{"okx-api-secret", 2}}, []string{detectors.PartKey}},
		// black wraps a call whose two 64-character keys overflow the line.
		{"python-binance call wrapped by black", "bots/spot.py",
			"from binance.client import Client\n\nclient = Client(\n    \"" + binanceKey + "\",\n    \"" + binanceSecret + "\",\n)\nprint(client.get_account())\n",
			[]hit{{"binance-api-secret", 5}}, []string{detectors.PartKey}},
		{"wrapped call in TypeScript", "src/upbit.ts",
			"import { Upbit } from './upbit';\n\nexport const client = new Upbit(\n  '" + upbitKey + "',\n  '" + upbitSecret + "',\n);\n",
			[]hit{{"upbit-api-secret", 5}}, []string{detectors.PartKey}},
		{"wrapped call reading the environment", "bots/spot_env.py",
			"from binance.client import Client\n\nclient = Client(\n    os.environ[\"BINANCE_API_KEY\"],\n    os.environ[\"BINANCE_API_SECRET\"],\n)\n",
			nil, nil},
		{"wrapped call with one argument per name", "bots/log.py",
			"from binance.client import Client\n\nclient = Client(\n    \"" + binanceKey + "\",\n    timeout=10,\n)\n",
			nil, nil},
		{"literal fallback after process.env", "src/bybit.js",
			"const ccxt = require('ccxt');\nconst ex = new ccxt.bybit({\n  apiKey: process.env.BYBIT_KEY || '" + bybitKey + "',\n  secret: process.env.BYBIT_SECRET ?? '" + bybitSecret + "',\n});\n",
			[]hit{{"bybit-api-secret", 4}}, []string{detectors.PartKey}},
		{"literal fallback after os.getenv", "bots/kucoin_bot.py",
			"import os, ccxt\nex = ccxt.kucoin({\n    \"apiKey\": os.getenv(\"KUCOIN_API_KEY\") or \"" + kucoinKey + "\",\n    \"secret\": os.environ.get(\"KUCOIN_SECRET\") or \"" + kucoinSecret + "\",\n})\n",
			[]hit{{"kucoin-api-secret", 4}}, []string{detectors.PartKey}},
		{"empty or placeholder fallback", "src/bybit_env.js",
			"const ccxt = require('ccxt');\nconst ex = new ccxt.bybit({\n  apiKey: process.env.BYBIT_KEY || '',\n  secret: process.env.BYBIT_SECRET || 'your-secret-here',\n});\n",
			nil, nil},
		{"krakenex key file", "home/trader/bots/kraken.key",
			krakenKey + "\n" + krakenSecret + "\n",
			[]hit{{"kraken-key-file", 2}}, nil},
		{"two base64 lines in another file", "notes/blobs.txt",
			krakenKey + "\n" + krakenSecret + "\n", nil, nil},
		{"kraken.key with a comment above the secret", "kraken.key",
			"# generated " + krakenKey[:20] + "\n" + krakenSecret + "\n", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tc.path)
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(tc.text), 0o600); err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got := scanText(eng, tc.path, string(data))
			if len(got) != len(tc.want) {
				t.Fatalf("got %d findings, want %d: %s", len(got), len(tc.want), describe(got))
			}
			for i, w := range tc.want {
				if got[i].RuleID != w.rule || got[i].StartLine != w.line {
					t.Errorf("finding %d = %s; want %s at line %d", i, describe(got[i:i+1]), w.rule, w.line)
				}
			}
			if len(tc.parts) > 0 {
				var linked []string
				for _, p := range got[0].Parts {
					linked = append(linked, p.Part)
				}
				for _, p := range tc.parts {
					if !strings.Contains(" "+strings.Join(linked, " ")+" ", " "+p+" ") {
						t.Errorf("part %s not linked into %s (linked: %v)", p, got[0].RuleID, linked)
					}
				}
				if len(linked) != len(tc.parts) {
					t.Errorf("linked parts %v, want %v", linked, tc.parts)
				}
			}
		})
	}
}

func badChecksum(t *testing.T, phrase string) string {
	t.Helper()
	words := strings.Fields(phrase)
	for _, w := range []string{"zoo", "wrong", "visit", "useful", "tunnel", "sunset"} {
		words[len(words)-1] = w
		p := strings.Join(words, " ")
		if _, ok := mnemonic.Find(p); !ok {
			return p
		}
	}
	t.Fatal("no replacement word broke the checksum")
	return ""
}
