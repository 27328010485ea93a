package detectors_test

import (
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/engine"
)

// The noise classes and misses measured on the freqtrade and hummingbot
// histories (issue 11), each as the file it was found in, rebuilt with
// generated values.
const b64url = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"

func TestRealHistoryCases(t *testing.T) {
	v := func(label, alphabet string, n int) string { return detectors.FakeValue("history "+label, alphabet, n) }
	evmAddr := func(label string) string { return "0x" + v(label, hexLow, 40) }
	evmKey := detectors.FakeEVMKey("history web3wallet")
	docKey, docSecret := v("doc k", hexLow, 40), v("doc s", hexLow, 40)
	wsToken := v("ws token", b64url, 34)
	freqtradeDoc := "<pre><code class=\"language-json\">\"exchange\": {\n    \"name\": \"bittrex\",\n    \"key\": \"" + docKey + "\",\n    \"secret\": \"" + docSecret + "\",\n}\n</code></pre>\n<pre><code>\"api_server\": {\n    \"ws_token\": \"" + wsToken + "\",\n    \"password\": \"SuperSecret1!\"\n}\n</code></pre>\n"
	near := detectors.FakeSolanaKeypair("history near")
	b58 := detectors.Base58Encode
	ksHex := func(label string, n int) string { return hex.EncodeToString([]byte(v(label, alnum, n))) }
	keystore := func(ct string) string {
		return "{\"crypto\": {\"cipher\": \"aes-128-ctr\", \"cipherparams\": {\"iv\": \"" + v("iv", hexLow, 32) + "\"}, \"ciphertext\": \"" + ct + "\", \"kdf\": \"pbkdf2\", \"kdfparams\": {\"c\": 1000000, \"dklen\": 32, \"prf\": \"hmac-sha256\", \"salt\": \"" + v("salt", hexLow, 64) + "\"}, \"mac\": \"" + v("mac", hexLow, 64) + "\"}, \"version\": 3}\n"
	}
	ascKey, ascSecret := v("asc k", alnum, 32), v("asc s", alnum, 64)
	nbKey, nbSecret := v("nb k", alnum, 64), v("nb s", alnum, 64)
	kuKey, kuSecret := v("ku k", hexLow, 24), detectors.FakeUUID("history ku s")

	type want struct {
		rule string
		line int
		sev  detectors.Severity
	}
	tests := []struct {
		name, path, text string
		want             []want
	}{
		// Rendered documentation: the same placeholders as docs/*.md.
		{"mkdocs page in a versioned gh-pages build", "en/2019.6/configuration/index.html", freqtradeDoc, nil},
		{"mkdocs search index", "en/stable/search/search_index.json",
			"{\"config\":{\"lang\":[\"en\"]},\"docs\":[{\"location\":\"rest-api/\",\"text\":\"\\\"ws_token\\\": \\\"" + wsToken + "\\\",\\n\\\"secret\\\": \\\"" + docSecret + "\\\"\"}]}\n", nil},
		{"sphinx build", "docs/_build/html/config.html", freqtradeDoc, nil},
		{"mkdocs site dir", "site/rest-api/index.html", freqtradeDoc, nil},
		// Public values named like secrets.
		{"ERC-20 token list", "hummingbot/market/idex/idex_active_order_tracker.pyx",
			"        tokenBuy: '" + evmAddr("weth") + "',\n        tokenSell: '" + evmAddr("dai") + "',\n        token_secret_address = \"" + evmAddr("zrx") + "\"\n", nil},
		{"tx hash and token id", "scripts/mint.py",
			"private_key_tx_hash = \"0x" + v("tx", hexLow, 64) + "\"\ntoken_id = \"" + v("tokenid", hexLow, 64) + "\"  # secret nft\n", nil},
		{"firebase download token in a token list", "gateway/src/chains/polygon/polygon_tokens_mainnet.json",
			"{\"symbol\": \"ACX\", \"logoURI\": \"https://firebasestorage.googleapis.com/v0/b/x/o/logo.svg?alt=media&token=" + detectors.FakeUUID("history fb") + "\"}\n", nil},
		// Names read as values.
		{"config-key names", "hummingbot/client/config/global_config_map.py",
			"    \"kraken_api_key\": ConfigVar(key=\"kraken_api_key\",\n                                 prompt=\"Enter your Kraken API key >>> \"),\n    \"kraken_secret_key\": ConfigVar(key=\"kraken_secret_key\",\n                                    prompt=\"Enter your Kraken secret key >>> \"),\n    \"crypto_com_api_key\": ConfigVar(key=\"crypto_com_api_key\"),\n", nil},
		{"connector names", "hummingbot/connector/derivative/bitmex_perpetual/bitmex_perpetual_utils.py",
			"KEYS = {\n    \"bitmex_perpetual_api_key\": ConfigVar(\n        key=\"bitmex_perpetual_api_key\",\n        required_if=using_exchange(\"bitmex_perpetual_testnet\"),\n    ),\n}\n", nil},
		{"generated C", "hummingbot/connector/exchange/crypto_com/crypto_com_active_order_tracker.cpp",
			"  /* crypto_com */\n  *key = __pyx_n_s_price_key;\n  keys_are_strings = __pyx_k_is_string_key;\n", nil},
		{"file path and password hash", "hummingbot/client/settings.py",
			"TOKEN_ADDRESSES_FILE_PATH = \"conf/erc20_tokens_kovan.json\"\nadmin_password_hash = \"" + v("pwhash", b64, 48) + "\"\n", nil},
		// Encrypted application config is not a wallet keystore.
		{"hummingbot encrypted setting", "conf/encrypted_binance_api_key.json", keystore(ksHex("hb ct", 64)),
			[]want{{"hummingbot-encrypted-key", 1, detectors.Low}}},
		{"keystore-shaped value of 18 bytes elsewhere", "data/session.json", keystore(ksHex("short ct", 18)), nil},
		// Misses: keys found by use and by their own names.
		{"EVM key passed to Web3Wallet", "scripts/debug_wallet.py",
			"from hummingbot.wallet.ethereum.web3_wallet import Web3Wallet\nzrx_addr = \"" + evmAddr("zrx2") + "\"\npkey = \"" + strings.ToUpper(evmKey[2:]) + "\"\nserver = \"http://localhost:8545\"\nwallet = Web3Wallet(pkey, [server], token_addresses, chain=EthereumChain.MAIN_NET)\n",
			[]want{{"ethereum-private-key", 3, detectors.Critical}}},
		{"EVM key passed to ethers.Wallet", "bot/index.js",
			"const { ethers } = require('ethers')\nconst hotKey = '" + detectors.FakeEVMKey("history ethers") + "'\nconst provider = new ethers.JsonRpcProvider(RPC)\nconst wallet = new ethers.Wallet(hotKey, provider)\n",
			[]want{{"ethereum-private-key", 2, detectors.Critical}}},
		{"hex digest near a wallet call is not a key", "bot/verify.js",
			"const digest = '" + v("digest", hexLow, 64) + "'\nconst wallet = new ethers.Wallet(process.env.KEY)\n", nil},
		{"KuCoin broker partner key", "hummingbot/connector/exchange/kucoin/kucoin_constants.py",
			"REST_URL = \"https://api.kucoin.com\"\nHB_PARTNER_ID = \"Hummingbot\"\nHB_PARTNER_KEY = \"" + detectors.FakeUUID("history partner") + "\"\n",
			[]want{{"kucoin-api-secret", 3, detectors.High}}},
		{"KuCoin partner key in a typed attribute", "hummingbot/market/kucoin/kucoin_auth.py",
			"class KucoinAuth:\n    def __init__(self, api_key: str):\n        self.partner_id: str = \"Hummingbot\"\n        self.partner_key: str = \"" + detectors.FakeUUID("history partner2") + "\"\n",
			[]want{{"kucoin-api-secret", 4, detectors.High}}},
		// Attribution and severity.
		{"AscendEX key and secret are one critical finding", "conf/__init__.py",
			"# binance\nbinance_api_key = os.getenv(\"BINANCE_API_KEY\")\n# AscendEx Tests\nascend_ex_api_key = \"" + ascKey + "\"\nascend_ex_secret_key = \"" + ascSecret + "\"\n",
			[]want{{"ascendex-api-secret", 5, detectors.Critical}}},
		{"NEAR key is NEAR, not Solana", "gateway/src/near/accounts.ts",
			"export const account = {\n  accountId: 'bot.near',\n  privateKey: 'ed25519:" + b58(near) + "',\n};\n",
			[]want{{"near-private-key", 3, detectors.Critical}}},
		{"manual-tests is a test directory", "gateway/manual-tests/requests/add_ethereum_key.json",
			"{\n  \"privateKey\": \"" + detectors.FakeEVMKey("history manual")[2:] + "\",\n  \"chain\": \"ethereum\"\n}\n",
			[]want{{"ethereum-private-key", 2, detectors.Low}}},
		// Cases like the public corpus.
		{"notebook cells name the exchange two cells down", "research/backtest.ipynb",
			"{\n \"cells\": [\n  {\n   \"cell_type\": \"code\",\n   \"execution_count\": 2,\n   \"metadata\": {},\n   \"outputs\": [],\n   \"source\": [\n    \"api_key = \\\"" + nbKey + "\\\"\\n\",\n    \"api_secret = \\\"" + nbSecret + "\\\"\\n\"\n   ]\n  },\n  {\n   \"cell_type\": \"markdown\",\n   \"metadata\": {},\n   \"source\": [\n    \"Connect and fetch the balance.\\n\"\n   ]\n  },\n  {\n   \"cell_type\": \"code\",\n   \"execution_count\": 3,\n   \"metadata\": {},\n   \"outputs\": [],\n   \"source\": [\n    \"exchange = ccxt.binance({'apiKey': api_key, 'secret': api_secret})\\n\"\n   ]\n  }\n ]\n}\n",
			[]want{{"binance-api-secret", 10, detectors.Critical}}},
		{"script named for its exchange", "tools/kucoin_account.sh",
			"#!/bin/sh\n# balance of the trading account\nKEY=" + kuKey + "\nSECRET=" + kuSecret + "\nPASSPHRASE=gr1dB0t2024\ncurl -s -H \"KC-API-KEY: $KEY\" -H \"KC-API-PASSPHRASE: $PASSPHRASE\" \"$BASE/api/v1/accounts\"\n",
			[]want{{"kucoin-api-secret", 4, detectors.Critical}}},
	}
	eng, err := engine.New(detectors.Default(), engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		var fs []detectors.Finding
		for _, f := range eng.Scan(engine.Chunk{Path: tt.path, Data: []byte(tt.text), Line: 1, Column: 1}) {
			// The default severity floor: documentation is reported at
			// info, below it.
			if f.Severity > detectors.Info {
				fs = append(fs, f)
			}
		}
		if len(fs) != len(tt.want) {
			t.Errorf("%s: got %d findings %s, want %d", tt.name, len(fs), describeFindings(fs), len(tt.want))
			continue
		}
		for i, w := range tt.want {
			f := fs[i]
			if f.RuleID != w.rule || f.StartLine != w.line || f.Severity != w.sev {
				t.Errorf("%s: got %s, want %s at line %d (%v)", tt.name, describeFindings(fs[i:i+1]), w.rule, w.line, w.sev)
			}
		}
	}
}

// Each new exchange row, as a freqtrade config and a .env file.
func TestNewExchangeRowsInRealisticFiles(t *testing.T) {
	v := func(label, alphabet string, n int) string { return detectors.FakeValue("rows "+label, alphabet, n) }
	upAlnum := "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	lowAlnum := "abcdefghijklmnopqrstuvwxyz0123456789"
	raw, _ := hex.DecodeString(v("rh seed", hexLow, 64))
	seed := base64.StdEncoding.EncodeToString(raw) // an Ed25519 seed: random bytes
	rows := []struct {
		id, ccxt, env, key, secret string
	}{
		{"ascendex", "ascendex", "ASCENDEX", v("asc k", alnum, 32), v("asc s", alnum, 64)},
		{"luno", "luno", "LUNO", v("luno k", lowAlnum, 13), v("luno s", b64url, 43)},
		{"cexio", "cex", "CEXIO", v("cex k", alnum, 27), v("cex s", alnum, 30)},
		{"fmfw", "fmfwio", "FMFW", v("fmfw k", alnum, 32), v("fmfw s", alnum, 32)},
		{"bittrex", "bittrex", "BITTREX", v("btx k", hexLow, 32), v("btx s", hexLow, 32)},
		{"robinhood", "robinhood", "ROBINHOOD", "rh-api-" + detectors.FakeUUID("rows rh"), seed},
		{"bitflyer", "bitflyer", "BITFLYER", v("bf k", alnum, 22), v("bf s", b64, 43) + "="},
		{"coincheck", "coincheck", "COINCHECK", v("cc k", alnum, 16), v("cc s", alnum, 32)},
		{"bitbank", "bitbank", "BITBANK", detectors.FakeUUID("rows bb"), v("bb s", hexLow, 64)},
		{"okcoin", "okcoin", "OKCOIN", detectors.FakeUUID("rows okc"), v("okc s", hexUp, 32)},
		{"bitmart", "bitmart", "BITMART", v("bm k", hexLow, 40), v("bm s", hexLow, 64)},
		{"coinex", "coinex", "COINEX", v("cx k", hexUp, 32), v("cx s", hexUp, 64)},
		{"lbank", "lbank", "LBANK", detectors.FakeUUID("rows lb"), v("lb s", hexUp, 32)},
		{"xt", "xt", "XTCOM", detectors.FakeUUID("rows xt"), v("xt s", hexLow, 40)},
		{"woo", "woo", "WOOX", v("woo k", b64, 22) + "==", v("woo s", upAlnum, 28)},
		{"btse", "btse", "BTSE", v("btse k", hexLow, 64), v("btse s", hexLow, 64)},
		{"probit", "probit", "PROBIT", v("pb k", hexLow, 16), v("pb s", b64, 44)},
		{"bitrue", "bitrue", "BITRUE", v("br k", alnum, 64), v("br s", alnum, 64)},
		{"hashkey", "hashkey", "HASHKEY", v("hk k", alnum, 64), v("hk s", alnum, 64)},
	}
	eng, err := engine.New(detectors.Default(), engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		files := map[string]string{
			"user_data/config.json": "{\n    \"max_open_trades\": 3,\n    \"stake_currency\": \"USDT\",\n    \"exchange\": {\n        \"name\": \"" + r.ccxt + "\",\n        \"key\": \"" + r.key + "\",\n        \"secret\": \"" + r.secret + "\",\n        \"ccxt_config\": {}\n    }\n}\n",
			".env":                  "# " + r.ccxt + " trading bot\n" + r.env + "_API_KEY=" + r.key + "\n" + r.env + "_API_SECRET=" + r.secret + "\n",
		}
		for path, text := range files {
			fs := eng.Scan(engine.Chunk{Path: path, Data: []byte(text), Line: 1, Column: 1})
			if len(fs) != 1 || fs[0].RuleID != r.id+"-api-secret" || fs[0].Severity != detectors.Critical {
				t.Errorf("%s in %s: got %s, want one critical %s-api-secret", r.id, path, describeFindings(fs), r.id)
			}
		}
	}
	// Bitpanda's key is the whole credential.
	fs := eng.Scan(engine.Chunk{Path: ".env", Data: []byte("BITPANDA_API_KEY=" + v("bp", hexLow, 128) + "\n"), Line: 1, Column: 1})
	if len(fs) != 1 || fs[0].RuleID != "bitpanda-api-key" {
		t.Errorf("bitpanda: got %s", describeFindings(fs))
	}
}
