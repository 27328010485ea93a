package detectors_test

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/engine"
)

const (
	alnum  = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	hexLow = "0123456789abcdef"
	hexUp  = "0123456789ABCDEF"
	b64    = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/"
)

// The same credentials written the ways people write them: each case is a
// whole file, generated here so the repository holds no literal secret.
func TestCredentialFormats(t *testing.T) {
	v := func(label, alphabet string, n int) string { return detectors.FakeValue("formats "+label, alphabet, n) }
	binKey, binSec := v("bk", alnum, 64), v("bs", alnum, 64)
	okxKey, okxSec := detectors.FakeUUID("formats ok"), v("os", hexUp, 32)
	bybitKey, bybitSec := v("yk", alnum, 18), v("ys", alnum, 36)
	krKey, krSec := v("kk", b64, 56), v("ks", b64, 86)+"=="
	kuKey, kuSec := v("uk", hexLow, 24), detectors.FakeUUID("formats us")
	gateKey, gateSec := v("gk", hexLow, 32), v("gs", hexLow, 64)
	b64s := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

	type want struct {
		rule string
		line int
		sev  detectors.Severity // checked when set
	}
	tests := []struct {
		name, path, text string
		want             []want
	}{
		{"zsh history with timestamps", "home/.zsh_history",
			": 1700000000:0;cd bots\n: 1700000010:0;export BYBIT_API_KEY=" + bybitKey + "\n: 1700000020:0;export BYBIT_API_SECRET='" + bybitSec + "'\n",
			[]want{{"bybit-api-secret", 3, detectors.Critical}}},
		{"fish history", "home/.local/share/fish/fish_history",
			"- cmd: export OKX_API_KEY=" + okxKey + "\n  when: 1700000000\n- cmd: export OKX_SECRET_KEY=" + okxSec + "\n  when: 1700000005\n",
			[]want{{"okx-api-secret", 3, detectors.Critical}}},
		{"curl with OKX headers", "home/.bash_history",
			"curl -H 'OK-ACCESS-KEY: " + okxKey + "' -H 'OK-ACCESS-PASSPHRASE: m00nB0t!' https://www.okx.com/api/v5/account/balance\nexport OKX_API_SECRET=" + okxSec + "\n",
			[]want{{"okx-api-secret", 2, detectors.Critical}}},
		{"jupyter notebook", "research/backtest.ipynb",
			"{\n \"cells\": [\n  {\n   \"cell_type\": \"code\",\n   \"source\": [\n    \"import ccxt\\n\",\n    \"exchange = ccxt.binance({\\n\",\n    \"    'apiKey': '" + binKey + "',\\n\",\n    \"    'secret': '" + binSec + "',\\n\",\n    \"})\\n\"\n   ]\n  }\n ]\n}\n",
			[]want{{"binance-api-secret", 9, detectors.Critical}}},
		{"docker-compose", "deploy/docker-compose.yml",
			"services:\n  bot:\n    image: freqtradeorg/freqtrade:stable\n    environment:\n      - FREQTRADE__EXCHANGE__NAME=binance\n      - FREQTRADE__EXCHANGE__KEY=" + binKey + "\n      - FREQTRADE__EXCHANGE__SECRET=" + binSec + "\n",
			[]want{{"binance-api-secret", 7, detectors.Critical}}},
		{"kubernetes secret", "k8s/kraken-secret.yaml",
			"apiVersion: v1\nkind: Secret\nmetadata:\n  name: kraken-bot\ntype: Opaque\ndata:\n  KRAKEN_API_KEY: " + b64s(krKey) + "\n  KRAKEN_API_SECRET: " + b64s(krSec) + "\n",
			[]want{{"kraken-api-secret", 8, detectors.Critical}}},
		{"java properties", "src/main/resources/application.properties",
			"kucoin.api.key=" + kuKey + "\nkucoin.api.secret=" + kuSec + "\nkucoin.api.passphrase=Tr4d3r#2024\n",
			[]want{{"kucoin-api-secret", 2, detectors.Critical}}},
		{"toml", "config/bot.toml",
			"[exchange.gate]\napi_key = \"" + gateKey + "\"\napi_secret = \"" + gateSec + "\"\n",
			[]want{{"gateio-api-secret", 3, detectors.Critical}}},
		{"go constructor", "cmd/bot/main.go",
			"package main\n\nimport \"github.com/adshao/go-binance/v2\"\n\nfunc main() {\n\tclient := binance.NewClient(\"" + binKey + "\", \"" + binSec + "\")\n\t_ = client\n}\n",
			[]want{{"binance-api-secret", 6, detectors.Critical}}},
		{"token in a URL literal's query", "bots/news.py",
			"def news(tickers, items):\n    url = f\"https://cryptonews-api.com/api/v1?tickers={tickers}&items={items}&token=" + v("news", hexLow+"ghijklmnopqrstuvwxyz", 40) + "\"\n    return requests.get(url)\n",
			[]want{{"generic-secret", 2, detectors.Medium}}},
		{"Mapbox public token in a URL literal's query", "lib/map.dart",
			"// \"https://{s}.mapbox.com/v4/mapbox.satellite/{z}/{x}/{y}.png?style=mapbox://styles/mapbox/streets-v11&access_token=pk.eyJ1IjoibWFwZGV2IiwiYSI6ImNreDlmejNmajBhYmQycHF4dm92emt2amcifQ.4Qm3xW9kZp2LtR8vN5cYs1\",\n",
			nil},
		{"token read into a URL literal's query", "bots/news_env.py",
			"def news(items):\n    url = f\"https://cryptonews-api.com/api/v1?items={items}&token={NEWS_TOKEN}\"\n    return requests.get(url)\n",
			nil},
		{"typescript", "src/exchange.ts",
			"import { RestClientV5 } from 'bybit-api';\n\nexport const client = new RestClientV5({\n  key: '" + bybitKey + "',\n  secret: '" + bybitSec + "',\n});\n",
			[]want{{"bybit-api-secret", 5, detectors.Critical}}},
		{"hummingbot encrypted connector config", "conf/connectors/binance.yml",
			"binance_api_key: 7b2263727970746f223a7b22636970686572223a226165732d3132382d637472227d7d\nbinance_api_secret: 7b2263727970746f223a7b22636970686572223a226165732d3132382d637472227d7e\n",
			[]want{{"hummingbot-encrypted-key", 1, detectors.Low}, {"hummingbot-encrypted-key", 2, detectors.Low}}},
		{"env references only", "bots/run.py",
			"import os, ccxt\nexchange = ccxt.binance({\n    'apiKey': os.getenv('BINANCE_API_KEY'),\n    'secret': os.environ['BINANCE_API_SECRET'],\n})\n",
			nil},
		{"helm template", "charts/bot/templates/secret.yaml",
			"stringData:\n  OKX_API_KEY: {{ .Values.okx.apiKey }}\n  OKX_API_SECRET: {{ .Values.okx.secret | quote }}\n  OKX_PASSPHRASE: {{ .Values.okx.passphrase }}\n",
			nil},
		{"masked in a log", "logs/bot.log",
			"2024-01-01 12:00:00 INFO using binance key " + binKey[:4] + "****" + binKey[60:] + "\n2024-01-01 12:00:00 INFO BINANCE_API_SECRET=****************\n",
			nil},
	}
	eng, err := engine.New(detectors.Default(), engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		fs := eng.Scan(engine.Chunk{Path: tt.path, Data: []byte(tt.text), Line: 1, Column: 1})
		if len(fs) != len(tt.want) {
			t.Errorf("%s: got %d findings %s, want %d", tt.name, len(fs), describeFindings(fs), len(tt.want))
			continue
		}
		for i, w := range tt.want {
			f := fs[i]
			if f.RuleID != w.rule || f.StartLine != w.line || (w.sev != 0 && f.Severity != w.sev) {
				t.Errorf("%s: got %s, want %s at line %d (%v)", tt.name, describeFindings(fs[i:i+1]), w.rule, w.line, w.sev)
			}
		}
	}
}

func describeFindings(fs []detectors.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "[%s line %d %s]", f.RuleID, f.StartLine, f.Severity)
	}
	return b.String()
}
