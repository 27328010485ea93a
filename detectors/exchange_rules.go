package detectors

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Exchange credentials are mostly generic shapes (64 alphanumerics, a UUID,
// 32 hex digits) that mean nothing without the exchange's name nearby. Each
// exchange is therefore one row of data — names, shapes per part, examples —
// and exchangeRules turns every row into rules of the same form: the
// exchange's names open a window of a few lines, and inside it a value of
// the right shape must be assigned to a name that says which part it is
// ("apiKey", "BINANCE_API_SECRET", "X-MBX-APIKEY", "passphrase").

type exchangeSpec struct {
	id   string // rule id prefix and Exchange value: "binance"
	name string // for titles: "Binance"
	// keywords open the search window: names, ccxt ids, SDK packages,
	// request-header prefixes. Lowercase; matched case-insensitively.
	keywords []string
	// aliases are the names that, inside a label such as BINANCE_API_KEY,
	// say which exchange the value belongs to; defaults to keywords.
	aliases                 []string
	key, secret, passphrase string // value shapes (RE2, no group); "" if none
	// selfKey is a key shape that identifies the exchange without any
	// label or name nearby (bg_…, mx0…, organizations/…/apiKeys/…), with
	// the keywords that find it.
	selfKey         string
	selfKeyKeywords []string
	// pemSecret accepts a PEM private key as the secret (Coinbase CDP EC
	// keys; Binance, Bybit and Bitget Ed25519/RSA keys beside an API key).
	pemSecret                 bool
	keyEntropy, secretEntropy float64
	// secretCheck runs after the shared checks on the secret part: wallet
	// keys used as exchange credentials (Hyperliquid) are validated as
	// wallet keys.
	secretCheck func(string, Candidate) Verdict
	// secretLabels are words that, in a label, name this exchange's
	// secret although they say "key": KuCoin's broker partner key is the
	// HMAC key of the KC-API-PARTNER-SIGN header, a secret.
	secretLabels []string
	perms        string // what a key can do, for the advice
	// apiURL is the exchange's API-key management page, where a leaked
	// key is deleted; empty where we have not confirmed one.
	apiURL    string
	examples  []string
	negatives []string
}

const (
	uuidShape = `[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`
	pemShape  = `-----BEGIN[ A-Z0-9]{0,20}PRIVATE KEY-----(?:[A-Za-z0-9+/=\s:,\-\\]|\\n|\\r){40,}?-----END[ A-Z0-9]{0,20}PRIVATE KEY-----`
	// A passphrase may hold '$' (people pick "Tr4d3r$"), but one that
	// starts with it is a shell or template reference ($PASS, ${PASS}).
	passphraseSpec = `[^\s'"\x60,;(){}\[\]<>$][^\s'"\x60,;(){}\[\]<>]{5,63}`
)

func exchangeSpecs() []exchangeSpec {
	return []exchangeSpec{
		{
			id: "binance", name: "Binance",
			apiURL:    "https://www.binance.com/en/my/settings/api-management",
			keywords:  []string{"binance", "x-mbx-apikey"},
			aliases:   []string{"binance", "mbx"},
			key:       `[A-Za-z0-9]{64}`,
			secret:    `[A-Za-z0-9]{64}`,
			pemSecret: true,
			perms:     "GET /sapi/v1/account/apiRestrictions shows whether withdrawals are enabled and whether the key is bound to IP addresses",
			examples: []string{
				"BINANCE_API_KEY=" + fake("binance k1", alnumChars, 64) + "\nBINANCE_API_SECRET=" + fake("binance s1", alnumChars, 64) + "\n",
				"{\n  \"exchange\": {\n    \"name\": \"binance\",\n    \"key\": \"" + fake("binance k2", alnumChars, 64) + "\",\n    \"secret\": \"" + fake("binance s2", alnumChars, 64) + "\"\n  }\n}\n",
				"# history\ncurl -H \"X-MBX-APIKEY: " + fake("binance k3", alnumChars, 64) + "\" \"https://api.binance.com/api/v3/account?timestamp=1700000000000&signature=$SIG\"\nexport BINANCE_SECRET=" + fake("binance s3", alnumChars, 64) + "\n",
				"client := binance.NewClient(\"" + fake("binance k5", alnumChars, 64) + "\", \"" + fake("binance s5", alnumChars, 64) + "\")\n",
				"from binance.client import Client\n\nclient = Client(\n    api_key=\"" + fake("binance k4", alnumChars, 64) + "\",\n    api_secret=\"\"\"-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI" + fake("binance ed", b64Chars, 43) + "\n-----END PRIVATE KEY-----\"\"\",\n)\n",
			},
			negatives: []string{
				"BINANCE_API_KEY=your_binance_api_key_here\nBINANCE_API_SECRET=${BINANCE_API_SECRET}\n",
				"exchange = ccxt.binance({'apiKey': os.getenv('BINANCE_API_KEY'), 'secret': os.environ['BINANCE_API_SECRET']})\n",
				"# binance docs example\napiKey: vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A\n",
				"binance_checksum = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'\n",
				"# Binance signed request\ncurl -X POST 'https://api.binance.com/api/v3/order?symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559&signature=c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71'\n",
			},
		},
		{
			id: "binanceus", name: "Binance.US",
			keywords: []string{"binanceus", "binance_us", "binance-us", "binance.us"},
			key:      `[A-Za-z0-9]{64}`,
			secret:   `[A-Za-z0-9]{64}`,
			perms:    "GET https://api.binance.us/api/v3/account shows canTrade and canWithdraw",
			examples: []string{
				"BINANCE_US_API_KEY=" + fake("binanceus k", alnumChars, 64) + "\nBINANCE_US_API_SECRET=" + fake("binanceus s", alnumChars, 64) + "\n",
			},
			negatives: []string{"BINANCE_US_API_KEY=<your key>\n"},
		},
		{
			id: "bybit", name: "Bybit",
			apiURL:    "https://www.bybit.com/app/user/api-management",
			keywords:  []string{"bybit", "x-bapi-", "pybit"},
			key:       `[A-Za-z0-9]{18}`,
			secret:    `[A-Za-z0-9]{36}`,
			pemSecret: true,
			perms:     "GET /v5/user/query-api shows readOnly, the bound IPs and the Withdraw permission in one call",
			examples: []string{
				"from pybit.unified_trading import HTTP\nsession = HTTP(\n    testnet=False,\n    api_key=\"" + fake("bybit k1", alnumChars, 18) + "\",\n    api_secret=\"" + fake("bybit s1", alnumChars, 36) + "\",\n)\n",
				"export BYBIT_API_KEY=" + fake("bybit k2", alnumChars, 18) + "\nexport BYBIT_API_SECRET='" + fake("bybit s2", alnumChars, 36) + "'\n",
			},
			negatives: []string{
				"BYBIT_API_KEY=xxxxxxxxxxxxxxxxxx\n",
				"bybit:\n  order_id: 1a2b3c4d5e6f7a8b9c\n",
			},
		},
		{
			id: "okx", name: "OKX",
			apiURL:     "https://www.okx.com/account/my-api",
			keywords:   []string{"okx", "okex", "ok-access-"},
			key:        uuidShape,
			secret:     `[0-9A-F]{32}`,
			passphrase: passphraseSpec,
			perms:      "GET /api/v5/account/config returns perm (read_only, trade, withdraw) and the bound IPs",
			examples: []string{
				"exchange = ccxt.okx({\n    'apiKey': '" + fakeUUID("okx k1") + "',\n    'secret': '" + fake("okx s1", upperHex, 32) + "',\n    'password': 'Tr4d1ngB0t!',\n})\n",
				"exchanges:\n  okx:\n    api_key: " + fakeUUID("okx k2") + "\n    api_secret: \"" + fake("okx s2", upperHex, 32) + "\"\n    passphrase: gr1d#Runner\n",
			},
			negatives: []string{
				"OKX_API_KEY=your_api_key_here\nOKX_API_SECRET=${OKX_API_SECRET}\nOKX_PASSPHRASE=<passphrase>\n",
				"okx order: {\"ordId\": \"96d1102a-381a-4803-b587-93ac55621a4b\", \"clOrdId\": \"b15\"}\n",
			},
		},
		{
			id: "kraken", name: "Kraken",
			apiURL:        "https://pro.kraken.com/app/settings/api",
			keywords:      []string{"kraken"},
			aliases:       []string{"kraken"},
			key:           `[A-Za-z0-9+/]{56}`,
			secret:        `[A-Za-z0-9+/]{86,88}={0,2}`,
			keyEntropy:    0.8,
			secretEntropy: 0.8,
			perms:         "POST /0/private/GetApiKeyInfo lists the key's permissions (Withdraw Funds among them) and IP restrictions",
			examples: []string{
				"exchange = ccxt.kraken({\n    'apiKey': '" + fake("kraken k1", b64Chars, 56) + "',\n    'secret': '" + fake("kraken s1", b64Chars, 86) + "==',\n})\n",
				"KRAKEN_API_KEY=" + fake("kraken k2", b64Chars, 56) + "\nKRAKEN_PRIVATE_KEY=" + fake("kraken s2", b64Chars, 86) + "==\n",
			},
			negatives: []string{
				"KRAKEN_API_SECRET=\"$KRAKEN_SECRET\"\n",
				"kraken:\n  logo: iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==\n",
			},
		},
		{
			id: "kraken-futures", name: "Kraken Futures",
			keywords:      []string{"futures.kraken", "krakenfutures", "kraken_futures", "kraken-futures"},
			aliases:       []string{"krakenfutures", "kraken_futures", "kraken-futures", "futures"},
			key:           `[A-Za-z0-9+/]{56}`,
			secret:        `[A-Za-z0-9+/]{86,88}={0,2}`,
			keyEntropy:    0.8,
			secretEntropy: 0.8,
			perms:         "Kraken Futures keys carry General or Withdrawal access set in the web interface; no endpoint reads it back",
			examples: []string{
				"KRAKEN_FUTURES_API_KEY=" + fake("krakenf k", b64Chars, 56) + "\nKRAKEN_FUTURES_API_SECRET=" + fake("krakenf s", b64Chars, 86) + "==\n",
			},
			negatives: []string{"KRAKEN_FUTURES_API_KEY=changeme\n"},
		},
		{
			id: "coinbase", name: "Coinbase",
			apiURL:          "https://portal.cdp.coinbase.com/projects/api-keys",
			keywords:        []string{"coinbase", "cdp_api", "cdp-api", "cb-access-", "organizations/", "/apikeys/"},
			aliases:         []string{"coinbase", "cdp", "cb"},
			key:             `organizations/` + uuidShape + `/apiKeys/` + uuidShape + `|` + uuidShape + `|[0-9a-f]{32}|[A-Za-z0-9]{16}`,
			secret:          `[A-Za-z0-9+/]{86}==|[A-Za-z0-9+/]{43}=|[A-Za-z0-9]{32}`,
			passphrase:      passphraseSpec,
			selfKey:         `organizations/` + uuidShape + `/apiKeys/` + uuidShape,
			selfKeyKeywords: []string{"organizations/"},
			pemSecret:       true,
			perms:           "GET /api/v3/brokerage/key_permissions returns can_view, can_trade and can_transfer",
			examples: []string{
				"COINBASE_API_KEY=organizations/" + fakeUUID("cb org1") + "/apiKeys/" + fakeUUID("cb key1") + "\nCOINBASE_API_SECRET=\"-----BEGIN EC PRIVATE KEY-----\\nMHcCAQEEI" + fake("cb pem1", b64Chars, 55) + "\\n" + fake("cb pem2", b64Chars, 64) + "\\n" + fake("cb pem3", b64Chars, 34) + "==\\n-----END EC PRIVATE KEY-----\\n\"\n",
				"{\n  \"name\": \"organizations/" + fakeUUID("cb org2") + "/apiKeys/" + fakeUUID("cb key2") + "\",\n  \"privateKey\": \"" + fake("cb ed", b64Chars, 86) + "==\"\n}\n",
				"# Coinbase Exchange\nCOINBASE_API_KEY=" + fake("cbx k", hexChars, 32) + "\nCOINBASE_API_SECRET=" + fake("cbx s", b64Chars, 86) + "==\nCOINBASE_PASSPHRASE=k3x9w2m7qp4\n",
			},
			negatives: []string{
				"COINBASE_API_KEY=organizations/{org_id}/apiKeys/{key_id}\n",
				"coinbase commerce charge id: 5f2b2c52-8b5e-4c4b-9d8e-6c1a2b3c4d5e\n",
			},
		},
		{
			id: "kucoin", name: "KuCoin",
			apiURL:       "https://www.kucoin.com/account/api",
			keywords:     []string{"kucoin", "kc-api-"},
			key:          `[0-9a-f]{24}`,
			secret:       uuidShape,
			passphrase:   passphraseSpec,
			secretLabels: []string{"partnerkey", "partnersecret", "brokerkey"},
			perms:        "GET /api/v1/user/api-key returns the permission list (Withdrawal among them) and the IP whitelist; a broker partner key signs every request of the broker's users and is rotated with KuCoin's broker team",
			examples: []string{
				"KUCOIN_API_KEY=\"" + fake("kucoin k", hexChars, 24) + "\"\nKUCOIN_API_SECRET=\"" + fakeUUID("kucoin s") + "\"\nKUCOIN_PASSPHRASE=Tr4d3r#2024\n",
				"client = Client(\n    key='" + fake("kucoin k2", hexChars, 24) + "',  # kucoin-python\n    secret='" + fakeUUID("kucoin s2") + "',\n    passphrase='m00n-b0t',\n)\n",
			},
			negatives: []string{
				"KUCOIN_API_KEY={{ .Values.apiKey }}\nKUCOIN_API_SECRET=****************\n",
				"kucoin:\n  account_id: 5f2b2c52-8b5e-4c4b-9d8e-6c1a2b3c4d5e\n",
			},
		},
		{
			id: "bitget", name: "Bitget",
			keywords:        []string{"bitget"},
			key:             `bg_[0-9a-f]{32}`,
			secret:          `[0-9a-f]{64}`,
			passphrase:      passphraseSpec,
			selfKey:         `bg_[0-9a-f]{32}`,
			selfKeyKeywords: []string{"bg_"},
			pemSecret:       true,
			perms:           "GET /api/v2/spot/account/info returns the key's authorities (withdraw among them) and bound IPs",
			examples: []string{
				"BITGET_API_KEY=bg_" + fake("bitget k", hexChars, 32) + "\nBITGET_SECRET_KEY=" + fake("bitget s", hexChars, 64) + "\nBITGET_PASSPHRASE=Gr1dB0t77\n",
			},
			negatives: []string{"BITGET_API_KEY=bg_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"},
		},
		{
			id: "gateio", name: "Gate",
			apiURL:        "https://www.gate.io/myaccount/apikeys",
			keywords:      []string{"gateio", "gate.io", "gate_io", "gate-io", "gate_api", "gate-api", "gateapi", "\"gate\"", "'gate'", "ccxt.gate", "gate.com", ".gate]", "[gate]", "exchange.gate", "exchanges.gate", "\ngate:", " gate:"},
			aliases:       []string{"gateio", "gate"},
			key:           `[0-9a-f]{32}`,
			secret:        `[0-9a-f]{64}`,
			secretEntropy: 0.8,
			perms:         "GET /api/v4/account/detail shows the IP whitelist; the key's own withdraw flag is not exposed, so check it in the web interface",
			examples: []string{
				"GATE_API_KEY=" + fake("gate k", hexChars, 32) + "\nGATE_API_SECRET=" + fake("gate s", hexChars, 64) + "\n",
				"\"exchange\": {\n    \"name\": \"gate\",\n    \"key\": \"" + fake("gate k2", hexChars, 32) + "\",\n    \"secret\": \"" + fake("gate s2", hexChars, 64) + "\"\n}\n",
			},
			negatives: []string{
				"gate_api_key: \"\"\ngate_api_secret: sha256:e2288dcc2c8522146b773bc10b1a5dc1331dafb94ece128c749eb1a26b679e8e\n",
				"aggregate_key = '4f1d8a2c6e9b3f7a5d0c8e2b4a6f9d1c'\n",
			},
		},
		{
			id: "huobi", name: "HTX (Huobi)",
			keywords:        []string{"huobi", "htx"},
			aliases:         []string{"huobi", "htx"},
			key:             `[0-9a-f]{8}-[0-9a-z]{10}-[0-9a-f]{8}-[0-9a-f]{5}|[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-z]{10}-[0-9a-f]{5}`,
			secret:          `[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{5}`,
			selfKey:         `[0-9a-f]{8}-(?:ed2htwf5tf|vf25treb80|vfd5ghr532|bg5t6ygr6y|bg2vgr6y|dbuqg6hkte|mk0lklo0de|hrf5gdfghe|qv2d5ctgbn|ez2xc4vb6n)-[0-9a-f]{8}-[0-9a-f]{5}`,
			selfKeyKeywords: []string{"-ed2htwf5tf-", "-vf25treb80-", "-vfd5ghr532-", "-bg5t6ygr6y-", "-dbuqg6hkte-", "-mk0lklo0de-", "-hrf5gdfghe-", "-qv2d5ctgbn-", "-ez2xc4vb6n-"},
			perms:           "GET /v2/user/api-key returns the permission list (withdraw among them), bound IPs and validity",
			examples: []string{
				"export HUOBI_API_KEY=" + fake("htx k1", hexChars, 8) + "-vf25treb80-" + fake("htx k1b", hexChars, 8) + "-" + fake("htx k1c", hexChars, 5) + "\nexport HUOBI_API_SECRET='" + fake("htx s1", hexChars, 8) + "-" + fake("htx s1b", hexChars, 8) + "-" + fake("htx s1c", hexChars, 8) + "-" + fake("htx s1d", hexChars, 5) + "'\n",
				"access_key = \"" + fake("htx k2", hexChars, 8) + "-ed2htwf5tf-" + fake("htx k2b", hexChars, 8) + "-" + fake("htx k2c", hexChars, 5) + "\"\nsecret_key = \"" + fake("htx s2", hexChars, 8) + "-" + fake("htx s2b", hexChars, 8) + "-" + fake("htx s2c", hexChars, 8) + "-" + fake("htx s2d", hexChars, 5) + "\"  # huobi\n",
			},
			negatives: []string{"HUOBI_API_KEY=xxxxxxxx-xxxxxxxxxx-xxxxxxxx-xxxxx\n"},
		},
		{
			id: "mexc", name: "MEXC",
			apiURL:          "https://www.mexc.com/user/openapi",
			keywords:        []string{"mexc", "x-mexc-apikey"},
			key:             `mx0[A-Za-z0-9]{15}`,
			secret:          `[0-9a-f]{32}`,
			selfKey:         `mx0v[A-Za-z0-9]{14}`,
			selfKeyKeywords: []string{"mx0v"},
			perms:           "GET /api/v3/account shows canWithdraw for the account; the key's own permissions are only visible in the web interface",
			examples: []string{
				"MEXC_API_KEY=mx0vgl" + fake("mexc k", alnumChars, 12) + "\nMEXC_SECRET_KEY=" + fake("mexc s", hexChars, 32) + "\n",
			},
			negatives: []string{"MEXC_API_KEY=mx0vxxxxxxxxxxxxxx\n"},
		},
		{
			id: "bitfinex", name: "Bitfinex",
			apiURL:        "https://setting.bitfinex.com/api",
			keywords:      []string{"bitfinex", "bfx-apikey", "bfx_api", "bfxapi"},
			aliases:       []string{"bitfinex", "bfx"},
			key:           `[A-Za-z0-9_-]{43}`,
			secret:        `[A-Za-z0-9_-]{43}`,
			keyEntropy:    0.8,
			secretEntropy: 0.8,
			perms:         "POST /v2/auth/r/permissions lists read/write per scope, withdraw among them",
			examples: []string{
				"BITFINEX_API_KEY='" + fake("bfx k", b64urlChars, 43) + "'\nBITFINEX_API_SECRET='" + fake("bfx s", b64urlChars, 43) + "'\n",
			},
			negatives: []string{"BITFINEX_API_KEY=process.env.BFX_KEY\n"},
		},
		{
			id: "bitstamp", name: "Bitstamp",
			keywords: []string{"bitstamp"},
			key:      `[A-Za-z0-9]{32}`,
			secret:   `[A-Za-z0-9]{32}`,
			perms:    "Bitstamp has no endpoint that reads a key's permissions: check withdrawal rights in the web interface",
			examples: []string{
				"export BITSTAMP_API_KEY=" + fake("bitstamp k", alnumChars, 32) + "\nexport BITSTAMP_API_SECRET='" + fake("bitstamp s", alnumChars, 32) + "'\n",
			},
			negatives: []string{"BITSTAMP_API_KEY=${{ secrets.BITSTAMP_API_KEY }}\n"},
		},
		{
			id: "gemini", name: "Gemini",
			apiURL:          "https://exchange.gemini.com/settings/api",
			keywords:        []string{"gemini", "x-gemini-"},
			key:             `(?:account|master)-[A-Za-z0-9]{20}`,
			secret:          `[A-Za-z0-9]{27,28}`,
			selfKey:         `(?:account|master)-[A-Za-z0-9]{20}`,
			selfKeyKeywords: []string{"account-", "master-"},
			perms:           "POST /v1/roles tells whether the key is a Fund Manager (can withdraw)",
			examples: []string{
				"export GEMINI_API_KEY=account-" + fake("gemini k", alnumChars, 20) + "\nexport GEMINI_API_SECRET='" + fake("gemini s", alnumChars, 28) + "'\n",
			},
			negatives: []string{
				"GEMINI_API_KEY=AIzaSyD-your-google-gemini-key\n",
				"git push origin master-branch-for-release-2024\n",
			},
		},
		{
			id: "bitmex", name: "BitMEX",
			apiURL:        "https://www.bitmex.com/app/apiKeys",
			keywords:      []string{"bitmex"},
			key:           `[A-Za-z0-9_-]{24}`,
			secret:        `[A-Za-z0-9_-]{48}`,
			keyEntropy:    0.8,
			secretEntropy: 0.8,
			perms:         "GET /api/v1/apiKey lists the key's permissions (withdraw among them) and CIDR restrictions",
			examples: []string{
				"export BITMEX_API_KEY=" + fake("bitmex k", b64urlChars, 24) + "\nexport BITMEX_API_SECRET='" + fake("bitmex s", b64urlChars, 48) + "'\n",
			},
			negatives: []string{"BITMEX_API_KEY=\"\"\nbitmex_api_key_env = BITMEX_API_KEY_TESTNET_ACCOUNT\n"},
		},
		{
			id: "deribit", name: "Deribit",
			keywords:      []string{"deribit"},
			key:           `[A-Za-z0-9_-]{8,10}`,
			secret:        `[A-Za-z0-9_-]{43}`,
			keyEntropy:    0.6,
			secretEntropy: 0.8,
			perms:         "public/auth returns the key's scope; withdrawals need wallet:read_write",
			examples: []string{
				"DERIBIT_API_KEY='" + fake("deribit k1", alnumChars, 8) + "'\nDERIBIT_API_SECRET='" + fake("deribit s1", b64urlChars, 43) + "'\n",
				"deribit:\n  client_id: " + fake("deribit k2", alnumChars, 10) + "\n  client_secret: \"" + fake("deribit s2", b64urlChars, 43) + "\"\n",
			},
			negatives: []string{"deribit:\n  client_id: testnet\n  client_secret: \"\"\n"},
		},
		{
			id: "cryptocom", name: "Crypto.com",
			keywords:   []string{"cryptocom", "crypto.com", "crypto_com", "crypto-com"},
			aliases:    []string{"cryptocom", "crypto_com", "crypto-com", "crypto.com"},
			key:        `[A-Za-z0-9_-]{16,64}`,
			secret:     `[A-Za-z0-9_-]{16,64}`,
			keyEntropy: 0.8, secretEntropy: 0.8,
			perms: "Crypto.com has no endpoint that reads a key's permissions: check withdrawal rights in the web interface",
			examples: []string{
				"exchanges:\n  cryptocom:\n    api_key: " + fake("cdc k", alnumChars, 22) + "\n    api_secret: \"" + fake("cdc s", alnumChars, 22) + "\"\n",
			},
			negatives: []string{"CRYPTOCOM_API_KEY=your-crypto-com-api-key\nCRYPTOCOM_API_SECRET=\n"},
		},
		{
			id: "bitvavo", name: "Bitvavo",
			keywords:   []string{"bitvavo"},
			key:        `[0-9a-f]{64}`,
			secret:     `[0-9a-f]{128}`,
			keyEntropy: 0.8, secretEntropy: 0.8,
			perms: "Bitvavo keys have View, Trade and Withdraw rights and no endpoint reads them back: check in the web interface",
			examples: []string{
				"BITVAVO_API_KEY=" + fake("bitvavo k", hexChars, 64) + "\nBITVAVO_API_SECRET=" + fake("bitvavo s", hexChars, 128) + "\n",
			},
			negatives: []string{"bitvavo release sha256: 2db42644376f3ce6c743c08e31b447cd80fab3a56d484a18dbfedcb76457b562\n"},
		},
		{
			id: "upbit", name: "Upbit",
			keywords:   []string{"upbit"},
			key:        `[A-Za-z0-9]{40}`,
			secret:     `[A-Za-z0-9]{40}`,
			keyEntropy: 0.8, secretEntropy: 0.8,
			perms: "GET /v1/api_keys shows the key's expiry; permissions are set in the web interface",
			examples: []string{
				"UPBIT_ACCESS_KEY=\"" + fake("upbit k", alnumChars, 40) + "\"\nUPBIT_SECRET_KEY=\"" + fake("upbit s", alnumChars, 40) + "\"\n",
			},
			negatives: []string{"upbit_commit = 46240434a266b384430cb2f8f01c928923ad762e\n"},
		},
		{
			id: "bithumb", name: "Bithumb",
			keywords:   []string{"bithumb"},
			key:        `[0-9a-f]{32}|[A-Za-z0-9]{40,64}`,
			secret:     `[0-9a-f]{32}|[A-Za-z0-9+/=]{40,100}`,
			keyEntropy: 0.8, secretEntropy: 0.8,
			perms: "Bithumb has no endpoint that reads a key's permissions: check withdrawal rights in the web interface",
			examples: []string{
				"BITHUMB_API_KEY=" + fake("bithumb k", hexChars, 32) + "\nBITHUMB_SECRET_KEY=" + fake("bithumb s", hexChars, 32) + "\n",
			},
			negatives: []string{"BITHUMB_API_KEY=None\n"},
		},
		{
			id: "poloniex", name: "Poloniex",
			keywords: []string{"poloniex"},
			key:      `[0-9A-Z]{8}-[0-9A-Z]{8}-[0-9A-Z]{8}-[0-9A-Z]{8}`,
			secret:   `[0-9a-f]{128}`,
			perms:    "Poloniex has no endpoint that reads a key's permissions: check withdrawal rights in the web interface",
			examples: []string{
				"POLONIEX_API_KEY='" + fake("polo k1", "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", 8) + "-" + fake("polo k2", "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", 8) + "-" + fake("polo k3", "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", 8) + "-" + fake("polo k4", "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", 8) + "'\nPOLONIEX_API_SECRET='" + fake("polo s", hexChars, 128) + "'\n",
			},
			negatives: []string{"POLONIEX_API_KEY='XXXXXXXX-XXXXXXXX-XXXXXXXX-XXXXXXXX'\n"},
		},
		{
			id: "phemex", name: "Phemex",
			keywords:      []string{"phemex"},
			key:           uuidShape,
			secret:        `[A-Za-z0-9_-]{40,100}`,
			secretEntropy: 0.8,
			perms:         "Phemex has no endpoint that reads a key's permissions: check withdrawal rights in the web interface",
			examples: []string{
				"exchanges:\n  phemex:\n    api_key: " + fakeUUID("phemex k") + "\n    api_secret: \"" + fake("phemex s", b64urlChars, 86) + "\"\n",
			},
			negatives: []string{"phemex:\n  api_key: ''\n  api_secret: ''\n"},
		},
		{
			id: "bingx", name: "BingX",
			keywords:   []string{"bingx", "x-bx-apikey"},
			key:        `[A-Za-z0-9]{60,100}`,
			secret:     `[A-Za-z0-9]{60,100}`,
			keyEntropy: 0.8, secretEntropy: 0.8,
			perms: "BingX's API permission endpoint lists whether withdrawals are enabled; check it in the web interface",
			examples: []string{
				"BINGX_API_KEY=" + fake("bingx k", alnumChars, 85) + "\nBINGX_SECRET_KEY=" + fake("bingx s", alnumChars, 84) + "\n",
			},
			negatives: []string{"BINGX_API_KEY=os.getenv('BINGX_API_KEY')\n"},
		},
		{
			id: "whitebit", name: "WhiteBIT",
			keywords:   []string{"whitebit", "x-txc-apikey"},
			key:        `[A-Za-z0-9]{32,64}`,
			secret:     `[A-Za-z0-9]{32,64}`,
			keyEntropy: 0.8, secretEntropy: 0.8,
			perms: "WhiteBIT keys are limited per endpoint in the web interface; no endpoint reads the limits back",
			examples: []string{
				"WHITEBIT_API_KEY=" + fake("whitebit k", hexChars, 32) + "\nWHITEBIT_SECRET_KEY=" + fake("whitebit s", hexChars, 32) + "\n",
			},
			negatives: []string{"WHITEBIT_API_KEY=<key>\n"},
		},
		{
			id: "bitso", name: "Bitso",
			keywords:   []string{"bitso"},
			key:        `[A-Za-z0-9]{10}`,
			secret:     `[0-9a-f]{32}`,
			keyEntropy: 0.7, secretEntropy: 0.8,
			perms: "Bitso has no endpoint that reads a key's permissions: check withdrawal rights in the web interface",
			examples: []string{
				"BITSO_API_KEY=" + fake("bitso k", alnumChars, 10) + "\nBITSO_API_SECRET=" + fake("bitso s", hexChars, 32) + "\n",
			},
			negatives: []string{"BITSO_API_KEY=\"\"\n"},
		},
		{
			id: "hyperliquid", name: "Hyperliquid",
			apiURL:      "https://app.hyperliquid.xyz/API",
			keywords:    []string{"hyperliquid"},
			aliases:     []string{"hyperliquid", "hl"},
			secret:      `(?:0x)?[0-9a-fA-F]{64}`,
			secretCheck: validateEVMKey,
			perms:       "A main wallet key can withdraw; an API (agent) wallet key can trade but not withdraw. The info endpoint's userRole tells which this address is",
			examples: []string{
				"# hyperliquid-python-sdk config.json\n{\n  \"secret_key\": \"0x" + fake("hl s1", hexChars, 64) + "\",\n  \"account_address\": \"0x" + fake("hl a1", hexChars, 40) + "\"\n}\n",
				"HYPERLIQUID_PRIVATE_KEY=0x" + fake("hl s2", hexChars, 64) + "\n",
			},
			negatives: []string{
				"# hyperliquid\n{\"account_address\": \"0x" + fake("hl a2", hexChars, 40) + "\", \"secret_key\": \"\"}\n",
				"hyperliquid tx_hash = \"0x" + fake("hl tx", hexChars, 64) + "\"\n",
			},
		},
		{
			id: "dydx", name: "dYdX",
			keywords:   []string{"dydx"},
			key:        uuidShape,
			secret:     `[A-Za-z0-9_-]{40}`,
			passphrase: passphraseSpec,
			perms:      "dYdX v3 keys are sunset; v4 accounts are controlled by the wallet's mnemonic, which can move every fund",
			examples: []string{
				"DYDX_API_KEY=" + fakeUUID("dydx k") + "\nDYDX_API_SECRET=" + fake("dydx s", b64urlChars, 40) + "\nDYDX_API_PASSPHRASE=" + fake("dydx p", b64urlChars, 20) + "\n",
			},
			negatives: []string{"DYDX_API_KEY=\nDYDX_API_SECRET=${DYDX_SECRET}\n"},
		},
	}
}

// aliasEntry ties one alias to its exchange id. buildAliases lists every
// alias longest first, so a label such as BINANCE_US_API_KEY names
// binanceus, not binance.
type aliasEntry struct{ alias, id string }

func buildAliases(specs []exchangeSpec) []aliasEntry {
	var out []aliasEntry
	for _, s := range specs {
		names := s.aliases
		if len(names) == 0 {
			names = s.keywords
		}
		for _, a := range names {
			a = normLabel(a)
			if len(a) >= 3 {
				out = append(out, aliasEntry{a, s.id})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].alias) > len(out[j].alias) })
	return out
}

// normLabel lowercases a label and drops separators: BINANCE_API_KEY,
// binance-api-key and binanceApiKey all become binanceapikey.
func normLabel(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			b.WriteByte(c)
		case 'A' <= c && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
		}
	}
	return b.String()
}

// labelPart says which part of a credential a label names.
func labelPart(label string) string {
	l := normLabel(label)
	switch {
	case strings.Contains(l, "pass") || strings.Contains(l, "pwd"):
		return PartPassphrase
	case strings.Contains(l, "signature"):
		// A request's signature is derived from the secret, not the secret.
		return ""
	case strings.Contains(l, "secret") || strings.Contains(l, "private") || strings.Contains(l, "signing"):
		return PartSecret
	case strings.Contains(l, "key") || strings.Contains(l, "clientid") || strings.Contains(l, "access") || strings.Contains(l, "token"):
		return PartKey
	}
	return ""
}

// withSelfKey extends a finder with a self-identifying key shape, looked for
// only in windows that hold one of its literal prefixes.
func withSelfKey(finder func([]byte) [][2]int, selfKey string, prefixes []string) func([]byte) [][2]int {
	re := regexp.MustCompile(`(?:^|[^A-Za-z0-9_/-])(` + selfKey + `)` + end)
	return func(w []byte) [][2]int {
		out := finder(w)
		for _, p := range prefixes {
			if !bytes.Contains(w, []byte(p)) {
				continue
			}
			for _, m := range re.FindAllSubmatchIndex(w, -1) {
				sp := [2]int{m[2], m[3]}
				dup := false
				for _, o := range out {
					if o == sp {
						dup = true
					}
				}
				if !dup {
					out = append(out, sp)
				}
			}
			break
		}
		sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
		return out
	}
}

// pathNames are the exchange's names as they appear in a file path
// (tools/kucoin_account.sh, connector/exchange/bitmart/): such a file is
// about that exchange throughout, so its name need not stand within a few
// lines of the key. Short or common names (gate, htx, futures) would match
// unrelated paths and are left out.
func pathNames(s exchangeSpec) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range append(append([]string{s.id}, s.aliases...), s.keywords...) {
		n = strings.ToLower(n)
		if len(n) < 5 || n == "futures" || seen[n] || strings.Trim(n, "abcdefghijklmnopqrstuvwxyz0123456789_-") != "" {
			continue
		}
		seen[n] = true
		out = append(out, n)
	}
	return out
}

// labelWords are what the name of a labelled value contains; a line
// without one (or the exchange's name, or a client constructor) cannot
// hold a value these rules accept.
var labelWords = []string{"key", "secret", "pass", "pwd", "private", "client", "token", "access", "signing"}

const exchangeAdviceFmt = "Revoke this %s API key now (API management in your %s account), then check the account's orders, withdrawals and address book. Create a new key with withdrawals disabled and an IP whitelist, give it only the permissions the bot needs, keep it in an environment variable or secrets manager — never in plain text or in git — and rotate it regularly. What the leaked key could do: %s."

func exchangeRules() []Rule {
	specs := append(exchangeSpecs(), moreExchangeSpecs()...)
	aliases := buildAliases(specs)
	var rules []Rule
	for _, s := range specs {
		advice := strings.TrimSpace(fmt.Sprintf(exchangeAdviceFmt, s.name, s.name, s.perms))
		parts := []struct {
			part, shape, suffix, title string
			sev                        Severity
			entropy                    float64
		}{
			{PartKey, s.key, "api-key", "API key", Medium, s.keyEntropy},
			{PartSecret, s.secret, "api-secret", "API secret", High, s.secretEntropy},
			{PartPassphrase, s.passphrase, "passphrase", "API passphrase", Low, 0},
		}
		for _, p := range parts {
			if p.shape == "" {
				continue
			}
			shape := p.shape
			if p.part == PartSecret && s.pemSecret {
				shape = pemShape + "|" + shape
			}
			ent := p.entropy
			if ent == 0 && p.part != PartPassphrase {
				ent = 0.7
			}
			finder := shapeFinder(shape)
			keywords := s.keywords
			if p.part == PartKey && s.selfKey != "" {
				// A self-identifying key needs neither label nor name.
				finder = withSelfKey(finder, s.selfKey, s.selfKeyKeywords)
				keywords = append(append([]string(nil), s.keywords...), s.selfKeyKeywords...)
			}
			r := Rule{
				PathKeywords:   pathNames(s),
				LineKeywords:   append(append([]string(nil), labelWords...), keywords...),
				MultilineValue: p.part == PartSecret && s.pemSecret,
				ID:             s.id + "-" + p.suffix,
				Title:          s.name + " " + p.title,
				Severity:       p.sev,
				Service:        s.id,
				Exchange:       s.id,
				Name:           s.name,
				Kind:           KindExchange,
				AdviceURL:      s.apiURL,
				Part:           p.part,
				Keywords:       keywords,
				WindowBefore:   8,
				WindowAfter:    8,
				Finder:         finder,
				Entropy:        ent,
				Validate:       exchangeValidator(s.id, p.part, s, aliases),
				Advice:         advice,
			}
			if p.part == PartPassphrase {
				r.Entropy = 0
			}
			r.Negatives = s.negatives
			for _, ex := range s.examples {
				// Every example shows a key and a secret; only some show
				// a passphrase.
				if p.part != PartPassphrase || strings.Contains(strings.ToLower(ex), "pass") {
					r.Examples = append(r.Examples, ex)
				}
			}
			rules = append(rules, r)
		}
	}
	return append(rules, hummingbotRule(), krakenKeyFileRule(specs))
}

// krakenKeyFileLine is the first line of krakenex's key file (API.load_key): the API
// key on the first line and the private key on the second, with no names.
var krakenKeyFileLine = regexp.MustCompile(`^[A-Za-z0-9+/]{56}$`)

// krakenKeyFileRule finds the private key in krakenex's kraken.key, which
// names neither part: the file name is the context, and the line above
// must be the 56-character API key.
func krakenKeyFileRule(specs []exchangeSpec) Rule {
	var advice string
	for _, s := range specs {
		if s.id == "kraken" {
			advice = strings.TrimSpace(fmt.Sprintf(exchangeAdviceFmt, s.name, s.name, s.perms))
		}
	}
	return Rule{
		ID:           "kraken-key-file",
		Title:        "Kraken API key file (krakenex kraken.key)",
		Severity:     High,
		Service:      "kraken",
		Exchange:     "kraken",
		Name:         "Kraken",
		Kind:         KindExchange,
		AdviceURL:    "https://pro.kraken.com/app/settings/api",
		Part:         PartSecret,
		PathKeywords: []string{"kraken.key"},
		Pattern:      `(?m)^(?P<secret>[A-Za-z0-9+/]{86}==)\r?$`,
		Entropy:      0.7,
		Validate: func(secret string, c Candidate) Verdict {
			if !krakenKeyFileLine.MatchString(strings.TrimSpace(c.Above)) {
				return Verdict{Reject: true, Reason: "the line above is not a Kraken API key"}
			}
			return Verdict{Note: "API key on the line above", Named: true}
		},
		Advice:    advice,
		Examples:  []string{fake("kraken file k", b64Chars, 56) + "\n" + fake("kraken file s", b64Chars, 86) + "==\n"},
		Negatives: []string{"# kraken.key holds two lines: the API key, then the private key\n" + strings.Repeat("A", 86) + "==\n"},
	}
}

// hummingbotKeyfile is hex of `{"crypto":`, how hummingbot stores each
// connector's API key and secret: an eth-keyfile encrypted with the user's
// password.
const hummingbotKeyfile = "7b2263727970746f223a"

// hummingbotConfPath is where hummingbot 0.x–1.x kept each encrypted
// connector setting: conf/encrypted_<setting>.json, an eth-keyfile of the
// setting's value (not of a wallet key) under the hummingbot password.
var hummingbotConfPath = regexp.MustCompile(`(?:^|/)conf/encrypted_([A-Za-z0-9_]+)\.json$`)

func hummingbotRule() Rule {
	return Rule{
		ID:       "hummingbot-encrypted-key",
		Title:    "Hummingbot password-encrypted exchange credential",
		Severity: Low,
		Service:  "hummingbot",
		Name:     "Hummingbot",
		Kind:     KindExchange,
		// When the decoded text is a whole keystore, the keystore rule
		// describes it better.
		Generic:      true,
		Keywords:     []string{hummingbotKeyfile},
		PathKeywords: []string{"conf/encrypted_"},
		Pattern:      `(?P<secret>` + hummingbotKeyfile + `[0-9a-f]{20,})|"ciphertext"\s*:\s*"(?P<secret>[0-9a-f]{16,})"`,
		Validate: func(secret string, c Candidate) Verdict {
			note := "encrypted with the hummingbot password: exposed to offline guessing of that password"
			if !strings.HasPrefix(secret, hummingbotKeyfile) {
				m := hummingbotConfPath.FindStringSubmatch(c.Path)
				if m == nil {
					return Verdict{Reject: true, Reason: "a ciphertext outside hummingbot's conf/encrypted_*.json"}
				}
				return Verdict{Note: note + " (" + m[1] + ")"}
			}
			raw, err := hex.DecodeString(secret[:len(secret)&^1])
			if err != nil || !strings.Contains(string(raw), `"cipher"`) && len(raw) > 64 {
				return Verdict{Reject: true, Reason: "not an eth-keyfile"}
			}
			if l := labelBefore(c.Line, secret); l != "" {
				note += " (" + l + ")"
			}
			return Verdict{Note: note}
		},
		Advice: "This API credential is encrypted with your hummingbot password, so it is only as safe as that password. Keep conf/ out of git; if the password is weak or was shared, revoke the exchange key, create a new one with withdrawals disabled and an IP whitelist, and choose a long password.",
		Examples: []string{
			"binance_api_key: " + hex.EncodeToString([]byte(`{"crypto": {"cipher": "aes-128-ctr", "cipherparams": {"iv": "`+fake("hb iv", hexChars, 32)+`"}, "ciphertext": "`+fake("hb ct", hexChars, 64)+`"}, "version": 3}`)) + "\n",
		},
		Negatives: []string{
			"binance_api_key: \"\"\n",
			"prefix = '" + hummingbotKeyfile + "'\n",
		},
	}
}

var placeholderLabelValue = regexp.MustCompile(`(?i)^(?:none|null|nil|true|false|undefined|string|required|optional|testnet|sandbox|demo)$`)

// exchangeValidator checks what the pattern cannot: that the label names
// this part (a 64-character Binance key and secret share one shape) and no
// other exchange, and that a passphrase is a value rather than code.
func exchangeValidator(id, part string, s exchangeSpec, aliases []aliasEntry) func(string, Candidate) Verdict {
	return func(secret string, c Candidate) Verdict {
		label := valueLabel(c, secret)
		if svc := dataAPINamed(label); svc != "" {
			return Verdict{Reject: true, Reason: "the name " + label + " belongs to " + svc}
		}
		if strings.HasPrefix(secret, "-----BEGIN") {
			if v := validatePEM(secret, c); v.Reject {
				return v
			}
		}
		selfIdentifying := s.selfKey != "" && part == PartKey && selfKeyRE(s).MatchString(secret)
		if !selfIdentifying && codeFile(c.Path) && !quotedOrEscaped(c.Line, secret) {
			// In source code an unquoted value is an expression: *key =
			// __pyx_n_s_key; in generated C, api_key=self._api_key.
			return Verdict{Reject: true, Reason: "unquoted value in source code is an expression, not a literal"}
		}
		named := selfIdentifying
		if positionalArg(c.Line, secret, part) || wrappedPositionalArg(c, secret, part) {
			label = ""
			selfIdentifying = true
		}
		if label != "" || !selfIdentifying {
			got := labelPart(label)
			for _, w := range s.secretLabels {
				if strings.Contains(normLabel(label), w) {
					got = PartSecret
				}
			}
			if got == "" && !selfIdentifying {
				return Verdict{Reject: true, Reason: "the name " + strconv.Quote(label) + " does not say which credential this is"}
			}
			if got != "" && got != part {
				return Verdict{Reject: true, Reason: "the name " + label + " says this is the " + got}
			}
			l := normLabel(label)
			for _, a := range aliases {
				if strings.Contains(l, a.alias) {
					if a.id != id {
						return Verdict{Reject: true, Reason: "the name " + label + " belongs to " + a.id}
					}
					named = true
					break
				}
			}
		}
		if !named && hexShape.MatchString(partShape(s, part)) {
			// The exchange documents a hex secret and its name opened this
			// window: 64 hex digits here are its secret, not a wallet key
			// that happens to share the shape.
			named = true
		}
		if part == PartSecret && s.secretCheck != nil {
			// The exchange's name opened this window: a wallet key beside
			// it is that exchange's credential, not just a wallet.
			v := s.secretCheck(secret, c)
			v.Named = true
			return v
		}
		if part == PartPassphrase {
			if placeholderLabelValue.MatchString(secret) || identifierLike.MatchString(secret) && strings.ContainsAny(secret, "._") || dottedName.MatchString(secret) {
				return Verdict{Reject: true, Reason: "a name or keyword, not a passphrase"}
			}
		}
		return Verdict{Named: named}
	}
}

// hexShape matches a part shape that is hex digits only.
var hexShape = regexp.MustCompile(`^\[0-9(?:a-f|A-F|A-Fa-f|a-fA-F)\]\{\d+(?:,\d+)?\}$`)

func partShape(s exchangeSpec, part string) string {
	switch part {
	case PartKey:
		return s.key
	case PartSecret:
		return s.secret
	}
	return s.passphrase
}

// knownExamples are credentials published in exchanges' API documentation:
// anyone can read them, so finding one is not a leak.
var knownExamples = map[string]string{
	"vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A":                         "Binance API documentation example key",
	"NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j":                         "Binance API documentation example secret",
	"09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7":                         "FastAPI documentation example SECRET_KEY",
	"kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==": "Kraken API documentation example private key",
}

// KnownExample reports whether a value is published documentation material
// and says whose. The engine drops such values for every rule.
func KnownExample(secret string) (string, bool) {
	note, ok := knownExamples[secret]
	if ok {
		return "published documentation example: " + note, true
	}
	return "", false
}

// positionalArg reports whether secret is the first (key) or second
// (secret) quoted argument of a call on line.
func positionalArg(line, secret, part string) bool {
	i := strings.Index(line, secret)
	if i < 1 {
		return false
	}
	before := strings.TrimRight(line[:i-1], " \t")
	switch part {
	case PartKey:
		return strings.HasSuffix(before, "(")
	case PartSecret:
		if !strings.HasSuffix(before, ",") {
			return false
		}
		return strings.Contains(before, "(")
	}
	return false
}

// wrappedPositionalArg reports whether secret is the first (key) or second
// (secret) quoted argument of a call wrapped one argument per line:
//
//	client = Client(
//	    "key",
//	    "secret",
//	)
func wrappedPositionalArg(c Candidate, secret, part string) bool {
	line := strings.TrimSpace(c.Line)
	if len(line) < 2 || !isQuote(line[0]) || !strings.HasPrefix(line[1:], secret) {
		return false
	}
	// The lines above this one, nearest first, within the window.
	i := strings.Index(c.Window, c.Line)
	if i < 0 {
		return false
	}
	var above []string
	for _, l := range strings.Split(c.Window[:i], "\n") {
		if l = strings.TrimSpace(l); l != "" {
			above = append([]string{l}, above...)
		}
	}
	switch part {
	case PartKey:
		return len(above) > 0 && strings.HasSuffix(above[0], "(")
	case PartSecret:
		return len(above) > 1 && strings.HasSuffix(above[1], "(") && quotedArg(above[0])
	}
	return false
}

// quotedArg reports whether line is one quoted argument and its comma.
func quotedArg(line string) bool {
	if len(line) < 4 || !isQuote(line[0]) || !strings.HasSuffix(line, string(line[0])+",") {
		return false
	}
	return !strings.ContainsRune(line[1:len(line)-2], rune(line[0]))
}

var selfKeyCache sync.Map // exchange id -> *regexp.Regexp

func selfKeyRE(s exchangeSpec) *regexp.Regexp {
	if re, ok := selfKeyCache.Load(s.id); ok {
		return re.(*regexp.Regexp)
	}
	re := regexp.MustCompile(`^(?:` + s.selfKey + `)$`)
	selfKeyCache.Store(s.id, re)
	return re
}

const (
	alnumChars  = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	hexChars    = "0123456789abcdef"
	upperHex    = "0123456789ABCDEF"
	b64Chars    = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/"
	b64urlChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
)

// fake derives an example value of n characters from alphabet. Examples are
// generated so that no real credential is ever written down, and so that
// this repository's own source holds nothing a scan would report.
func fake(label, alphabet string, n int) string {
	b := fakeBytes("exchange "+label, n)
	out := make([]byte, n)
	for i, v := range b {
		out[i] = alphabet[int(v)%len(alphabet)]
	}
	return string(out)
}

func fakeUUID(label string) string {
	h := fake(label, hexChars, 32)
	return h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:]
}

// quotedOrEscaped reports whether secret stands right after a quote, or
// after an escaped quote inside a string (JSON in a Python literal).
func quotedOrEscaped(line, secret string) bool {
	if first, _, ok := strings.Cut(secret, "\n"); ok {
		secret = first // a PEM block continues below its line
	}
	return quoted(line, secret) || strings.Contains(line, `\"`+secret) || strings.Contains(line, `\'`+secret)
}
