package detectors

import "encoding/base64"

// moreExchangeSpecs are the exchanges that peers and bot frameworks
// (ccxt, freqtrade, hummingbot) support beyond the first table. Where a
// length was not checked against the exchange's documentation the comment
// says it is a guess (from SDK examples and masked screenshots), and where
// the evidence is thin the shape is a range, so that a real key is not
// missed for a character. The exchange's name must stand near the value
// and the value's name must say which part it is, so a loose shape costs
// little precision.
func moreExchangeSpecs() []exchangeSpec {
	upperAlnum := "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	lowerAlnum := "abcdefghijklmnopqrstuvwxyz0123456789"
	return []exchangeSpec{
		{
			// Formerly BitMax; hummingbot names it ascend_ex. Key 32 and
			// secret 64 alphanumerics as seen in SDK fixtures (a guess: the
			// docs show neither).
			id: "ascendex", name: "AscendEX",
			keywords: []string{"ascendex", "ascend_ex", "ascend-ex", "bitmax", "x-auth-key"},
			aliases:  []string{"ascendex", "ascend_ex", "bitmax"},
			key:      `[A-Za-z0-9]{32}`,
			secret:   `[A-Za-z0-9+/]{43,64}={0,2}`,
			perms:    "AscendEX keys carry View, Trade and Transfer permissions set in the web interface; GET /api/pro/v1/info shows the account but not the key's rights",
			examples: []string{
				"# hummingbot conf/__init__.py\nascend_ex_api_key = \"" + fake("ascendex k", alnumChars, 32) + "\"\nascend_ex_secret_key = \"" + fake("ascendex s", alnumChars, 64) + "\"\n",
				"exchange = ccxt.ascendex({\n    'apiKey': '" + fake("ascendex k2", alnumChars, 32) + "',\n    'secret': '" + fake("ascendex s2", alnumChars, 64) + "',\n})\n",
			},
			negatives: []string{
				"ascend_ex_api_key = ConfigVar(key=\"ascend_ex_api_key\", prompt=\"Enter your AscendEx API key >>> \")\n",
				"ASCENDEX_API_KEY=\nASCENDEX_SECRET_KEY=${ASCENDEX_SECRET_KEY}\n",
			},
		},
		{
			// Luno: a 13-character lowercase key id and a 43-character
			// base64url secret (a guess from SDK examples).
			id: "luno", name: "Luno",
			keywords: []string{"luno"},
			key:      `[a-z0-9]{13}`,
			secret:   `[A-Za-z0-9_-]{43}`,
			perms:    "Luno keys have a permission set chosen at creation (Perm_W_Withdrawals among them); the web interface lists it",
			examples: []string{
				"LUNO_API_KEY_ID=" + fake("luno k", lowerAlnum, 13) + "\nLUNO_API_KEY_SECRET=" + fake("luno s", b64urlChars, 43) + "\n",
			},
			negatives: []string{"LUNO_API_KEY_ID=<key id>\nLUNO_API_KEY_SECRET=\n"},
		},
		{
			// CEX.IO keys and secrets are 20–40 alphanumerics (a guess
			// from SDK examples); the account's user id signs with them.
			id: "cexio", name: "CEX.IO",
			keywords:   []string{"cexio", "cex.io", "cex_io", "cex-io", "\"cex\"", "'cex'", "ccxt.cex("},
			aliases:    []string{"cexio", "cex_io", "cex-io", "cex.io"},
			key:        `[A-Za-z0-9]{20,40}`,
			secret:     `[A-Za-z0-9]{20,40}`,
			keyEntropy: 0.8, secretEntropy: 0.8,
			perms: "CEX.IO keys carry permissions (Withdraw among them) and an IP list set in the web interface",
			examples: []string{
				"exchange = ccxt.cex({\n    'uid': 'up123456789',\n    'apiKey': '" + fake("cexio k", alnumChars, 27) + "',\n    'secret': '" + fake("cexio s", alnumChars, 29) + "',\n})  # cex.io\n",
			},
			negatives: []string{"CEXIO_API_KEY=your-cex-io-key\n"},
		},
		{
			// FMFW.io runs HitBTC's API: 32-character key and secret (a
			// guess from HitBTC SDK examples).
			id: "fmfw", name: "FMFW.io",
			keywords:   []string{"fmfw", "hitbtc"},
			aliases:    []string{"fmfw", "hitbtc"},
			key:        `[A-Za-z0-9_-]{32}`,
			secret:     `[A-Za-z0-9_-]{32}`,
			keyEntropy: 0.8, secretEntropy: 0.8,
			perms: "FMFW.io (HitBTC) keys carry Order book, Place/cancel orders, Payment information and Withdraw cryptocurrencies rights, set in the web interface",
			examples: []string{
				"FMFW_API_KEY=" + fake("fmfw k", alnumChars, 32) + "\nFMFW_SECRET=" + fake("fmfw s", alnumChars, 32) + "\n",
			},
			negatives: []string{"FMFW_API_KEY=\"\"\nFMFW_SECRET=None\n"},
		},
		{
			// Bittrex closed in 2023; its v3 keys were 32 lowercase hex
			// digits, key and secret alike (a guess from SDK examples; the
			// documentation is gone).
			id: "bittrex", name: "Bittrex",
			keywords: []string{"bittrex"},
			key:      `[0-9a-f]{32}`,
			secret:   `[0-9a-f]{32}`,
			perms:    "Bittrex has closed; a key from its history may be reused elsewhere, and shows how this repository handles secrets",
			examples: []string{
				"{\n    \"exchange\": {\n        \"name\": \"bittrex\",\n        \"key\": \"" + fake("bittrex k", hexChars, 32) + "\",\n        \"secret\": \"" + fake("bittrex s", hexChars, 32) + "\"\n    }\n}\n",
			},
			negatives: []string{"{\"exchange\": {\"name\": \"bittrex\", \"key\": \"your_exchange_key\", \"secret\": \"your_exchange_secret\"}}\n"},
		},
		{
			// Robinhood Crypto: the key is rh-api- and a UUID (self-
			// identifying); requests are signed with a base64 Ed25519 seed.
			id: "robinhood", name: "Robinhood Crypto",
			keywords:        []string{"robinhood", "rh-api-"},
			aliases:         []string{"robinhood"},
			key:             `rh-api-` + uuidShape,
			secret:          `[A-Za-z0-9+/]{43}=`,
			selfKey:         `rh-api-` + uuidShape,
			selfKeyKeywords: []string{"rh-api-"},
			perms:           "Robinhood Crypto API keys can trade; the key's permissions and IP allow list are shown in the web interface",
			examples: []string{
				"ROBINHOOD_API_KEY=rh-api-" + fakeUUID("robinhood k") + "\nROBINHOOD_PRIVATE_KEY=" + base64.StdEncoding.EncodeToString(fakeBytes("robinhood seed", 32)) + "\n",
			},
			negatives: []string{"ROBINHOOD_API_KEY=rh-api-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx\n"},
		},
		{
			// bitFlyer Lightning: a 22-character key and a 44-character
			// base64 secret (the lengths go-bitflyer's README masks with
			// asterisks).
			id: "bitflyer", name: "bitFlyer",
			keywords: []string{"bitflyer", "pybitflyer"},
			aliases:  []string{"bitflyer"},
			key:      `[A-Za-z0-9]{22}`,
			secret:   `[A-Za-z0-9+/]{43}=`,
			perms:    "GET /v1/me/getpermissions lists the endpoints the key may call (withdraw among them)",
			examples: []string{
				"import pybitflyer\napi = pybitflyer.API(api_key=\"" + fake("bitflyer k", alnumChars, 22) + "\", api_secret=\"" + fake("bitflyer s", b64Chars, 43) + "=\")\n",
			},
			negatives: []string{"api = pybitflyer.API(api_key=\"YOUR_API_KEY\", api_secret=\"YOUR_API_SECRET\")\n"},
		},
		{
			// Coincheck: a 16-character access key and a 32-character
			// secret (a guess from SDK examples).
			id: "coincheck", name: "Coincheck",
			keywords: []string{"coincheck"},
			key:      `[A-Za-z0-9_-]{16}`,
			secret:   `[A-Za-z0-9_-]{32}`,
			perms:    "Coincheck keys carry per-endpoint permissions (withdraw among them) set in the web interface",
			examples: []string{
				"COINCHECK_ACCESS_KEY=" + fake("coincheck k", alnumChars, 16) + "\nCOINCHECK_SECRET_KEY=" + fake("coincheck s", alnumChars, 32) + "\n",
			},
			negatives: []string{"COINCHECK_ACCESS_KEY=\nCOINCHECK_SECRET_KEY=\"$COINCHECK_SECRET\"\n"},
		},
		{
			// bitbank: a UUID key and a 64-hex secret (a guess from SDK
			// examples; the docs show neither).
			id: "bitbank", name: "bitbank",
			keywords: []string{"bitbank"},
			key:      uuidShape + `|[0-9a-f]{32}`,
			secret:   `[0-9a-f]{64}`,
			perms:    "bitbank keys have reference, trade and withdraw rights chosen at creation in the web interface",
			examples: []string{
				"BITBANK_API_KEY=" + fakeUUID("bitbank k") + "\nBITBANK_API_SECRET=" + fake("bitbank s", hexChars, 64) + "\n",
			},
			negatives: []string{"BITBANK_API_KEY=\"\"\nbitbank_sha256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'\n"},
		},
		{
			// OKCoin runs OKX's API: UUID key, 32 uppercase hex secret and
			// a passphrase.
			id: "okcoin", name: "OKCoin",
			keywords:   []string{"okcoin"},
			key:        uuidShape,
			secret:     `[0-9A-F]{32}`,
			passphrase: passphraseSpec,
			perms:      "GET /api/v5/account/config returns perm (read_only, trade, withdraw) and the bound IPs",
			examples: []string{
				"exchange = ccxt.okcoin({\n    'apiKey': '" + fakeUUID("okcoin k") + "',\n    'secret': '" + fake("okcoin s", upperHex, 32) + "',\n    'password': 'Sat0shi#Bot',\n})\n",
			},
			negatives: []string{"OKCOIN_API_KEY=${OKCOIN_API_KEY}\nOKCOIN_SECRET=\n"},
		},
		{
			// Bitpanda's API key is one value: 64 or more hex digits for
			// the retail API, a JWT for Bitpanda Pro / One Trading (the
			// hex length is a guess from SDK examples).
			id: "bitpanda", name: "Bitpanda",
			keywords: []string{"bitpanda", "onetrading", "one_trading"},
			aliases:  []string{"bitpanda", "onetrading"},
			key:      `[0-9a-f]{64,128}|eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}`,
			perms:    "Bitpanda keys carry Read, Trade and Withdraw scopes chosen at creation",
			examples: []string{
				"BITPANDA_API_KEY=" + fake("bitpanda k", hexChars, 128) + "\n",
			},
			negatives: []string{"BITPANDA_API_KEY=YOUR_BITPANDA_API_KEY\n"},
		},
		{
			// BitMart: a 40-hex key and a 64-hex secret (a guess from SDK
			// examples); the memo the user chose also signs, but is a
			// name, not a secret.
			id: "bitmart", name: "BitMart",
			keywords: []string{"bitmart", "x-bm-key"},
			key:      `[0-9a-f]{40}`,
			secret:   `[0-9a-f]{64}`,
			perms:    "BitMart keys carry Read-Only, Trade and Withdraw rights set in the web interface",
			examples: []string{
				"BITMART_API_KEY=" + fake("bitmart k", hexChars, 40) + "\nBITMART_SECRET_KEY=" + fake("bitmart s", hexChars, 64) + "\nBITMART_MEMO=gridbot7\n",
			},
			negatives: []string{"bitmart:\n  commit: 46240434a266b384430cb2f8f01c928923ad762e\n"},
		},
		{
			// CoinEx names the parts access_id and secret_key; 32 and 64
			// uppercase hex digits are a guess from SDK examples.
			id: "coinex", name: "CoinEx",
			keywords: []string{"coinex"},
			key:      `[0-9A-F]{32}`,
			secret:   `[0-9A-F]{64}`,
			perms:    "CoinEx keys carry trade and withdraw rights and an IP list set in the web interface",
			examples: []string{
				"coinex:\n  access_id: " + fake("coinex k", upperHex, 32) + "\n  secret_key: \"" + fake("coinex s", upperHex, 64) + "\"\n",
			},
			negatives: []string{"coinex:\n  access_id: \"\"\n  secret_key: \"\"\n"},
		},
		{
			// LBank: a UUID key; the secret is an RSA private key or a
			// 32-hex HMAC secret (a guess from SDK examples).
			id: "lbank", name: "LBank",
			keywords:  []string{"lbank"},
			key:       uuidShape,
			secret:    `[0-9A-Fa-f]{32}`,
			pemSecret: true,
			perms:     "LBank keys carry trade and withdraw rights and an IP list set in the web interface",
			examples: []string{
				"LBANK_API_KEY=" + fakeUUID("lbank k") + "\nLBANK_SECRET_KEY=" + fake("lbank s", upperHex, 32) + "\n",
			},
			negatives: []string{"lbank order: {\"order_id\": \"96d1102a-381a-4803-b587-93ac55621a4b\"}\n"},
		},
		{
			// XT.com: a UUID access key and a 40-hex secret (a guess from
			// SDK examples).
			id: "xt", name: "XT.com",
			keywords: []string{"xt.com", "xtcom", "xt_com", "ccxt.xt(", "\"xt\"", "'xt'", "xt-validate-appkey"},
			aliases:  []string{"xtcom", "xt_com", "xt.com"},
			key:      uuidShape,
			secret:   `[0-9a-f]{40}`,
			perms:    "XT.com keys carry read, trade and withdraw rights set in the web interface",
			examples: []string{
				"exchange = ccxt.xt({\n    'apiKey': '" + fakeUUID("xt k") + "',\n    'secret': '" + fake("xt s", hexChars, 40) + "',\n})\n",
			},
			negatives: []string{"exchange = ccxt.xt({'apiKey': os.environ['XT_KEY'], 'secret': os.environ['XT_SECRET']})\n"},
		},
		{
			// WOO X: a 24-character base64 key ending in == and a
			// 28–32-character uppercase secret (a guess from SDK examples).
			id: "woo", name: "WOO X",
			keywords:      []string{"woox", "woo_x", "woo-x", "woo x", "ccxt.woo(", "\"woo\"", "'woo'", "x-api-signature"},
			aliases:       []string{"woox", "woo_x", "woo"},
			key:           `[A-Za-z0-9+/]{22}==`,
			secret:        `[A-Z0-9]{28,32}`,
			secretEntropy: 0.8,
			perms:         "WOO X keys carry Read, Enable Trading and Withdraw rights set in the web interface",
			examples: []string{
				"WOOX_API_KEY=" + fake("woo k", b64Chars, 22) + "==\nWOOX_API_SECRET=" + fake("woo s", upperAlnum, 28) + "\nWOOX_APPLICATION_ID=" + fakeUUID("woo app") + "\n",
			},
			negatives: []string{"WOOX_API_KEY=\nWOOX_API_SECRET=CHANGE_ME_WOOX_SECRET\n"},
		},
		{
			// BTSE: 64-hex key and secret (a guess from SDK examples).
			id: "btse", name: "BTSE",
			keywords: []string{"btse"},
			key:      `[0-9a-f]{64}`,
			secret:   `[0-9a-f]{64}`,
			perms:    "BTSE keys carry Read, Trading, Transfer and Withdraw rights set in the web interface",
			examples: []string{
				"BTSE_API_KEY=" + fake("btse k", hexChars, 64) + "\nBTSE_API_SECRET=" + fake("btse s", hexChars, 64) + "\n",
			},
			negatives: []string{"btse_checksum: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"},
		},
		{
			// ProBit uses OAuth client credentials: a client id and a
			// client secret (lengths are a guess from SDK examples).
			id: "probit", name: "ProBit",
			keywords:   []string{"probit"},
			key:        `[0-9a-f]{16,32}`,
			secret:     `[A-Za-z0-9+/_-]{32,64}={0,2}`,
			keyEntropy: 0.8, secretEntropy: 0.8,
			perms: "ProBit keys carry read, trade and withdraw scopes set in the web interface",
			examples: []string{
				"probit:\n  client_id: " + fake("probit k", hexChars, 16) + "\n  client_secret: \"" + fake("probit s", b64Chars, 44) + "\"\n",
			},
			negatives: []string{"probit:\n  client_id: ''\n  client_secret: ''\n"},
		},
		{
			// Bitrue runs a Binance-style API: 64-alphanumeric key and
			// secret (a guess from that likeness).
			id: "bitrue", name: "Bitrue",
			keywords: []string{"bitrue", "x-mbx-apikey"},
			aliases:  []string{"bitrue"},
			key:      `[A-Za-z0-9]{64}`,
			secret:   `[A-Za-z0-9]{64}`,
			perms:    "Bitrue keys carry trade and withdraw rights and an IP list set in the web interface",
			examples: []string{
				"BITRUE_API_KEY=" + fake("bitrue k", alnumChars, 64) + "\nBITRUE_SECRET_KEY=" + fake("bitrue s", alnumChars, 64) + "\n",
			},
			negatives: []string{"BITRUE_API_KEY=os.getenv(\"BITRUE_API_KEY\")\n"},
		},
		{
			// HashKey (Global and Exchange): 64-alphanumeric key and secret
			// (a guess from SDK examples).
			id: "hashkey", name: "HashKey",
			keywords: []string{"hashkey", "x-hk-apikey"},
			aliases:  []string{"hashkey"},
			key:      `[A-Za-z0-9]{64}`,
			secret:   `[A-Za-z0-9]{64}`,
			perms:    "HashKey keys carry read, trade and withdraw rights and an IP list set in the web interface",
			examples: []string{
				"HASHKEY_API_KEY=" + fake("hashkey k", alnumChars, 64) + "\nHASHKEY_SECRET=" + fake("hashkey s", alnumChars, 64) + "\n",
			},
			negatives: []string{"HASHKEY_API_KEY=\nHASHKEY_SECRET=<secret>\n"},
		},
	}
}
