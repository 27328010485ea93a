package detectors

import (
	"encoding/base64"
	"strings"
)

// exchangeSpecs is the one exchange table: a row per exchange. Where a row's shapes were not
// checked against the exchange's own documentation (taken from SDK
// examples, masked screenshots or a likeness to another exchange) the row
// sets guess, and its findings say the shape is a guess; where the
// evidence is thin the shape is a range, so that a real key is not missed
// for a character. The exchange's name must stand near the value and the
// value's name must say which part it is, so a loose shape costs little
// precision.
func exchangeSpecs() []exchangeSpec {
	upperAlnum := "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	lowerAlnum := "abcdefghijklmnopqrstuvwxyz0123456789"
	return []exchangeSpec{
		{
			id: "binance", name: "Binance",
			apiURL:    "https://www.binance.com/en/my/settings/api-management",
			keywords:  []string{"binance"},
			imports:   []string{"from binance.", "from binance import", "from binance_sdk", "import binance\n", "binance-api-node", "node-binance-api", "@binance/connector", "adshao/go-binance"},
			headers:   []string{"x-mbx-apikey"},
			aliases:   []string{"binance", "mbx"},
			key:       `[A-Za-z0-9]{64}`,
			secret:    `[A-Za-z0-9]{64}`,
			pemSecret: true,
			perms:     "GET /sapi/v1/account/apiRestrictions shows whether withdrawals are enabled and whether the key is bound to IP addresses",
			examples: []string{
				"BINANCE_API_KEY=" + fake("binance k1", alnumChars, 64) + "\nBINANCE_API_SECRET=" + fake("binance s1", alnumChars, 64) + "\n",
				"{\n  \"exchange\": {\n    \"name\": \"binance\",\n    \"key\": \"" + fake("binance k2", alnumChars, 64) + "\",\n    \"secret\": \"" + fake("binance s2", alnumChars, 64) + "\"\n  }\n}\n",
				"# history\ncurl -H \"X-MBX-APIKEY: " + fake("binance k3", alnumChars, 64) + "\" \"https://api.binance.com/api/v3/account?timestamp=1700000000000&signature=$SIG\"\nexport BINANCE_SECRET=" + fake("binance s3", alnumChars, 64) + "\n",
				// The SDK's import is the only mention of Binance, twelve
				// lines above the keys.
				"import os\nimport logging\n\nfrom binance_sdk_convert.convert import (\n    Convert,\n    ConfigurationRestAPI,\n    CONVERT_REST_API_PROD_URL,\n)\n\n\n# Configure logging\nlogging.basicConfig(level=logging.INFO)\n\n# Create configuration for the REST API\nconfiguration_rest_api = ConfigurationRestAPI(\n    api_key=\"" + fake("binance k6", alnumChars, 64) + "\",\n    api_secret=\"" + fake("binance s6", alnumChars, 64) + "\",\n    base_path=os.getenv(\"BASE_PATH\", CONVERT_REST_API_PROD_URL),\n)\n",
				"client := binance.NewClient(\"" + fake("binance k5", alnumChars, 64) + "\", \"" + fake("binance s5", alnumChars, 64) + "\")\n",
				"from binance.client import Client\n\nclient = Client(\n    api_key=\"" + fake("binance k4", alnumChars, 64) + "\",\n    api_secret=\"\"\"-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI" + fake("binance ed", b64Chars, 43) + "\n-----END PRIVATE KEY-----\"\"\",\n)\n",
			},
			negatives: []string{
				"BINANCE_API_KEY=your_binance_api_key_here\nBINANCE_API_SECRET=${BINANCE_API_SECRET}\n",
				"exchange = ccxt.binance({'apiKey': os.getenv('BINANCE_API_KEY'), 'secret': os.environ['BINANCE_API_SECRET']})\n",
				"# binance docs example\napiKey: vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A\n",
				// The documentation's examples, as its pages and the SDKs'
				// docstrings copy them.
				"curl -H \"X-MBX-APIKEY: CAvIjXy3F44yW6Pou5k8Dy1swsYDWJZLeoK2r8G4cFDnE9nosRppc2eKc1T8TRTQ\" -X POST 'https://api.binance.com/api/v3/order?symbol=BTCUSDT&side=SELL&type=LIMIT&timeInForce=GTC&quantity=1&price=0.2&timestamp=1668481559918&signature=$SIG'\n",
				"        Example request (binance websocket api):\n            {\n                \"params\": {\n                    \"apiKey\": \"duwNf97YPLqhFIk7kZF0dDdGYVAXStA7BeEz0fIT9RAhUbixJtyS6kJ3hhzJsRXC\",\n                    \"signature\": \"64614cfd8dd38260d4fd86d3c455dbf4b9d1c8a8170ea54f700592a986c30ddb\"\n",
				"SIGNED Endpoint Examples for POST /fapi/v1/order (Binance)\n\nKey\tValue\napiKey\tdbefbc809e3e83c283a984c3a1459732ea7db1360ca80c5c2c8867408d28cc83\nsecretKey\t2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9\n",
				"binance_checksum = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'\n",
				"{\n  \"exchange\": {\"name\": \"binance\", \"key\": \"\", \"secret\": \"\"},\n  \"api_server\": {\n    \"listen_ip_address\": \"127.0.0.1\",\n    \"jwt_secret_key\": \"" + fake("binance jwt", hexChars, 64) + "\"\n  }\n}\n",
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
			keywords:  []string{"bybit", "pybit"},
			imports:   []string{"from pybit", "import pybit", "'bybit-api'", "\"bybit-api\"", "hirokisan/bybit"},
			headers:   []string{"x-bapi-"},
			key:       `[A-Za-z0-9]{18}`,
			secret:    `[A-Za-z0-9]{36}`,
			pemSecret: true,
			perms:     "GET /v5/user/query-api shows readOnly, the bound IPs and the Withdraw permission in one call",
			examples: []string{
				"from pybit.unified_trading import HTTP\nsession = HTTP(\n    testnet=False,\n    api_key=\"" + fake("bybit k1", alnumChars, 18) + "\",\n    api_secret=\"" + fake("bybit s1", alnumChars, 36) + "\",\n)\n",
				"export BYBIT_API_KEY=" + fake("bybit k2", alnumChars, 18) + "\nexport BYBIT_API_SECRET='" + fake("bybit s2", alnumChars, 36) + "'\n",
				// A client that names its exchange only in the X-BAPI-
				// headers it signs, far below its constants.
				"object HttpUtils {\n    private const val PUBLIC_KEY = \"" + fake("bybit k3", alnumChars, 18) + "\"\n    private const val SECRET_KEY = \"" + fake("bybit s3", alnumChars, 36) + "\"\n    private const val RECV_WINDOW = \"5000\"\n\n" +
					strings.Repeat("    suspend fun get(url: String): String = client.get(url) { headers { sign(this, url) } }.bodyAsText()\n", 22) +
					"    private fun sign(builder: HeadersBuilder, payload: String) {\n        val ts = System.currentTimeMillis().toString()\n        builder.append(\"X-BAPI-API-KEY\", PUBLIC_KEY)\n        builder.append(\"X-BAPI-SIGN\", hmac(SECRET_KEY, ts + PUBLIC_KEY + RECV_WINDOW + payload))\n        builder.append(\"X-BAPI-TIMESTAMP\", ts)\n    }\n}\n",
			},
			negatives: []string{
				"BYBIT_API_KEY=xxxxxxxxxxxxxxxxxx\n",
				// The headers make the file Bybit's, not a value read from
				// the environment.
				"API_KEY = os.environ[\"BYBIT_KEY\"]\nAPI_SECRET = os.environ[\"BYBIT_SECRET\"]\n" + strings.Repeat("# ...\n", 30) + "headers = {\"X-BAPI-API-KEY\": API_KEY, \"X-BAPI-SIGN\": sign(API_SECRET)}\n",
				"bybit:\n  order_id: 1a2b3c4d5e6f7a8b9c\n",
				// A bundled ASN.1 library beside the client, minified.
				"/*! bybit-api */\n!function(){o=i.define(\"AttributeTypeValue\",(function(){this.seq().obj(this.key(\"type\").objid())}))}();\n",
			},
		},
		{
			id: "okx", name: "OKX",
			apiURL:   "https://www.okx.com/account/my-api",
			keywords: []string{"okx", "okex", "ok-access-"},
			imports:  []string{"from okx.", "from okx import", "import okx\n", "python-okx", "'okx-api'", "\"okx-api\""},
			key:      uuidShape,
			// Written in either case: accepted both ways.
			secret:     `[0-9A-Fa-f]{32}`,
			passphrase: passphraseSpec,
			perms:      "GET /api/v5/account/config returns perm (read_only, trade, withdraw) and the bound IPs",
			examples: []string{
				"exchange = ccxt.okx({\n    'apiKey': '" + fakeUUID("okx k1") + "',\n    'secret': '" + fake("okx s1", upperHex, 32) + "',\n    'password': 'Tr4d1ngB0t!',\n})\n",
				"exchanges:\n  okx:\n    api_key: " + fakeUUID("okx k2") + "\n    api_secret: \"" + fake("okx s2", upperHex, 32) + "\"\n    passphrase: gr1d#Runner\n",
				"OKX_API_KEY=" + fakeUUID("okx k3") + "\nOKX_SECRET_KEY=" + fake("okx s3", hexChars, 32) + "\nOKX_PASSPHRASE=Gr1dB0t#2024\n",
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
			imports:       []string{"import krakenex\n", "krakenex.api(", "pykrakenapi"},
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
			apiURL: "https://portal.cdp.coinbase.com/projects/api-keys",
			// Former and product names: GDAX became Coinbase Pro, then
			// Coinbase Exchange; cbpro is the Python SDK.
			keywords:        []string{"coinbase", "cdp_api", "cdp-api", "organizations/", "/apikeys/", "gdax", "cbpro"},
			imports:         []string{"from coinbase.", "from coinbase import", "coinbase-advanced-py", "'coinbase-api'", "\"coinbase-api\""},
			headers:         []string{"cb-access-"},
			aliases:         []string{"coinbase", "cdp", "cb", "gdax", "cbpro"},
			key:             `organizations/` + uuidShape + `/apiKeys/` + uuidShape + `|` + uuidShape + `|[0-9a-f]{32}|[A-Za-z0-9]{16}`,
			secret:          `[A-Za-z0-9+/]{86}==|[A-Za-z0-9+/]{43}=|[A-Za-z0-9]{32}`,
			passphrase:      passphraseSpec,
			selfKey:         `organizations/` + uuidShape + `/apiKeys/` + uuidShape,
			selfKeyKeywords: []string{"organizations/"},
			pemSecret:       true,
			perms:           "GET /api/v3/brokerage/key_permissions returns can_view, can_trade and can_transfer",
			examples: []string{
				"# trading keys\ngdax_key = \"" + fake("gdax k", hexChars, 32) + "\"\ngdax_secret = \"" + fake("gdax s", b64Chars, 86) + "==\"\ngdax_passphrase = \"" + fake("gdax p", "abcdefghijklmnopqrstuvwxyz0123456789", 11) + "\"\n",
				"COINBASE_API_KEY=organizations/" + fakeUUID("cb org1") + "/apiKeys/" + fakeUUID("cb key1") + "\nCOINBASE_API_SECRET=\"-----BEGIN EC PRIVATE KEY-----\\nMHcCAQEEI" + fake("cb pem1", b64Chars, 55) + "\\n" + fake("cb pem2", b64Chars, 64) + "\\n" + fake("cb pem3", b64Chars, 34) + "==\\n-----END EC PRIVATE KEY-----\\n\"\n",
				"{\n  \"name\": \"organizations/" + fakeUUID("cb org2") + "/apiKeys/" + fakeUUID("cb key2") + "\",\n  \"privateKey\": \"" + fake("cb ed", b64Chars, 86) + "==\"\n}\n",
				"# Coinbase Exchange\nCOINBASE_API_KEY=" + fake("cbx k", hexChars, 32) + "\nCOINBASE_API_SECRET=" + fake("cbx s", b64Chars, 86) + "==\nCOINBASE_PASSPHRASE=k3x9w2m7qp4\n",
			},
			negatives: []string{
				"COINBASE_API_KEY=organizations/{org_id}/apiKeys/{key_id}\n",
				"coinbase commerce charge id: 5f2b2c52-8b5e-4c4b-9d8e-6c1a2b3c4d5e\n",
				// A getter's one argument is the record's id.
				"from coinbase.rest import RESTClient\n# payments = client.get_payment_method(\"" + fakeUUID("cb pm") + "\")\n",
				"from coinbase.rest import RESTClient\norder = client.getOrder('" + fakeUUID("cb order") + "')\n",
			},
		},
		{
			id: "kucoin", name: "KuCoin",
			apiURL:       "https://www.kucoin.com/account/api",
			keywords:     []string{"kucoin"},
			imports:      []string{"from kucoin.", "from kucoin import", "kucoin-python", "kucoin-node-sdk", "'kucoin-api'", "\"kucoin-api\""},
			headers:      []string{"kc-api-"},
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
				// The documentation's signing example and a sub-account
				// API response from it.
				"For the header of KC-API-KEY:\n\n* KC-API-KEY = 5c2db93503aa674c74a31734\n* KC-API-SECRET = f03a5284-5c39-4aaa-9b20-dea10bdcf8e3\n* KC-API-PASSPHRASE = QWIxMjM0NTY3OCkoKiZeJSQjQA\n",
				"# kucoin sub-account api\n{\n    \"apiKey\": \"630325e0e750870001829864\",\n    \"apiSecret\": \"110f31fc-61c5-4baf-a29f-3f19a62bbf5d\",\n    \"passphrase\": \"11223344\"\n}\n",
			},
		},
		{
			id: "bitget", name: "Bitget",
			keywords:        []string{"bitget"},
			imports:         []string{"from pybitget", "from bitget.", "'bitget-api'", "\"bitget-api\""},
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
			imports:       []string{"import gate_api", "from gate_api"},
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
			keywords:        []string{"huobi", "htx", "hbdm"},
			imports:         []string{"from huobi.", "from huobi import"},
			aliases:         []string{"huobi", "htx", "hbdm"},
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
			apiURL: "https://www.mexc.com/user/openapi",
			// MXC was MEXC's name until 2021.
			keywords:        []string{"mexc", "mxc_api", "mxc-api"},
			imports:         []string{"from mexc_sdk", "from mexc.", "mexc-api-sdk"},
			headers:         []string{"x-mexc-apikey"},
			aliases:         []string{"mexc", "mxc"},
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
			keywords:      []string{"bitfinex", "bfx_api", "bfxapi"},
			imports:       []string{"from bfxapi", "bitfinex-api-node"},
			headers:       []string{"bfx-apikey"},
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
			keywords:        []string{"gemini"},
			headers:         []string{"x-gemini-"},
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
			headers:    []string{"bitvavo-access-"},
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
		{
			// Formerly BitMax; hummingbot names it ascend_ex. Key 32 and
			// secret 64 alphanumerics as seen in SDK fixtures (a guess: the
			// docs show neither).
			id: "ascendex", name: "AscendEX", guess: true,
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
			id: "luno", name: "Luno", guess: true,
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
			id: "cexio", name: "CEX.IO", guess: true,
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
			id: "fmfw", name: "FMFW.io", guess: true,
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
			id: "bittrex", name: "Bittrex", guess: true,
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
			id: "coincheck", name: "Coincheck", guess: true,
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
			id: "bitbank", name: "bitbank", guess: true,
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
			id: "bitpanda", name: "Bitpanda", guess: true,
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
			id: "bitmart", name: "BitMart", guess: true,
			keywords: []string{"bitmart"},
			headers:  []string{"x-bm-key"},
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
			id: "coinex", name: "CoinEx", guess: true,
			keywords: []string{"coinex"},
			headers:  []string{"x-coinex-"},
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
			id: "lbank", name: "LBank", guess: true,
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
			id: "xt", name: "XT.com", guess: true,
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
			id: "woo", name: "WOO X", guess: true,
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
			id: "btse", name: "BTSE", guess: true,
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
			id: "probit", name: "ProBit", guess: true,
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
			id: "bitrue", name: "Bitrue", guess: true,
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
			id: "hashkey", name: "HashKey", guess: true,
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
		// The exchanges of the largest markets outside the US and the EU.
		// None publishes its key format where we could read it; each row
		// is label-anchored (the exchange named nearby, the value's name
		// saying which part it is) and its shapes are guesses from SDK
		// examples and committed configs, kept loose.
		{
			// Korbit (Korea): the old API's OAuth client id and secret,
			// 60-odd characters each; the 2024 API's key and HMAC secret.
			id: "korbit", name: "Korbit", guess: true,
			keywords:   []string{"korbit"},
			key:        `[A-Za-z0-9_-]{20,64}`,
			secret:     `[A-Za-z0-9_-]{20,64}`,
			keyEntropy: 0.8, secretEntropy: 0.8,
			perms: "Korbit keys carry view, trade and withdraw rights chosen at creation",
			examples: []string{
				"[KORBIT]\nclient_id = " + fake("korbit k", alnumChars, 60) + "\nclient_secret = " + fake("korbit s", alnumChars, 61) + "\n",
			},
			negatives: []string{"KORBIT_CLIENT_ID=<your client id>\nKORBIT_CLIENT_SECRET=\n"},
		},
		{
			// Coinone (Korea): an access token and a secret key, both UUIDs.
			id: "coinone", name: "Coinone", guess: true,
			keywords:   []string{"coinone"},
			key:        uuidAnyCase,
			secret:     uuidAnyCase,
			keyEntropy: 0.6, secretEntropy: 0.6,
			perms: "Coinone keys carry account, order and withdrawal permissions chosen at creation",
			examples: []string{
				"[COINONE]\naccess_token = " + fakeUUID("coinone k") + "\nsecret_key = " + fakeUUID("coinone s") + "\n",
				"COINONE_ACCESS_TOKEN=" + strings.ToUpper(fakeUUID("coinone k2")) + "\nCOINONE_SECRET_KEY=" + strings.ToUpper(fakeUUID("coinone s2")) + "\n",
			},
			negatives: []string{"COINONE_ACCESS_TOKEN=00000000-0000-0000-0000-000000000000\nCOINONE_SECRET_KEY=${COINONE_SECRET_KEY}\n"},
		},
		{
			// GOPAX (Korea): a key and a base64 secret (HMAC-SHA512 of the
			// decoded secret signs each request).
			id: "gopax", name: "GOPAX", guess: true,
			keywords:   []string{"gopax"},
			key:        `[A-Za-z0-9-]{20,40}`,
			secret:     `[A-Za-z0-9+/]{40,100}={0,2}`,
			keyEntropy: 0.6,
			perms:      "GOPAX keys carry read, trade and withdraw rights and an IP list set in the web interface",
			examples: []string{
				"[GOPAX]\naccess_token = " + fakeUUID("gopax k") + "\nsecret_key = " + fake("gopax s", b64Chars, 86) + "==\n",
			},
			negatives: []string{"[GOPAX]\naccess_token =\nsecret_key = <base64 secret>\n"},
		},
		{
			id: "wazirx", name: "WazirX", guess: true,
			keywords: []string{"wazirx"},
			key:      `[A-Za-z0-9]{32,64}`,
			secret:   `[A-Za-z0-9]{32,64}`,
			perms:    "WazirX keys carry read and trade rights and an IP list set in the web interface",
			examples: []string{
				"WAZIRX_API_KEY=" + fake("wazirx k", alnumChars, 64) + "\nWAZIRX_SECRET_KEY=" + fake("wazirx s", alnumChars, 64) + "\n",
			},
			negatives: []string{"WAZIRX_API_KEY=\nWAZIRX_SECRET_KEY=your_secret\n"},
		},
		{
			id: "coindcx", name: "CoinDCX", guess: true,
			keywords: []string{"coindcx"},
			key:      `[0-9a-f]{32,64}`,
			secret:   `[0-9a-f]{64}`,
			perms:    "CoinDCX keys carry read and trade rights and an IP list set in the web interface",
			examples: []string{
				"coindcx:\n  api_key: " + fake("coindcx k", hexChars, 48) + "\n  api_secret: \"" + fake("coindcx s", hexChars, 64) + "\"\n",
			},
			negatives: []string{"COINDCX_API_KEY=\"\"\nCOINDCX_API_SECRET=None\n"},
		},
		{
			id: "zebpay", name: "ZebPay", guess: true,
			keywords: []string{"zebpay"},
			key:      `[A-Za-z0-9_-]{32,64}`,
			secret:   `[A-Za-z0-9_-]{40,128}`,
			perms:    "ZebPay keys carry read and trade rights set at creation",
			examples: []string{
				"ZEBPAY_API_KEY=" + fake("zebpay k", b64urlChars, 43) + "\nZEBPAY_API_SECRET=" + fake("zebpay s", b64urlChars, 86) + "\n",
			},
			negatives: []string{"ZEBPAY_API_KEY=\nZEBPAY_API_SECRET=${ZEBPAY_API_SECRET}\n"},
		},
		{
			id: "coinswitch", name: "CoinSwitch", guess: true,
			keywords: []string{"coinswitch"},
			key:      `[0-9a-f]{64}`,
			secret:   `[0-9a-f]{64}`,
			perms:    "CoinSwitch keys carry read and trade rights set at creation",
			examples: []string{
				"COINSWITCH_API_KEY=" + fake("coinswitch k", hexChars, 64) + "\nCOINSWITCH_API_SECRET=" + fake("coinswitch s", hexChars, 64) + "\n",
			},
			negatives: []string{"COINSWITCH_API_KEY=\nCOINSWITCH_API_SECRET=\n"},
		},
		{
			// BtcTurk (Turkey): a public key and a base64 private key that
			// is decoded before it signs (X-PCK, X-Stamp, X-Signature).
			id: "btcturk", name: "BtcTurk", guess: true,
			keywords:   []string{"btcturk", "btc_turk", "btc-turk", "x-pck"},
			aliases:    []string{"btcturk", "btc_turk", "btc-turk"},
			key:        uuidAnyCase + `|[A-Za-z0-9-]{20,40}`,
			secret:     `[A-Za-z0-9+/]{20,88}={0,2}`,
			keyEntropy: 0.6,
			perms:      "BtcTurk keys carry view, trade and withdraw rights and an IP list set at creation",
			examples: []string{
				"BTCTURK_PUBLIC_KEY=" + fakeUUID("btcturk k") + "\nBTCTURK_PRIVATE_KEY=" + fake("btcturk s", b64Chars, 32) + "==\n",
			},
			negatives: []string{"BTCTURK_PUBLIC_KEY=\nBTCTURK_PRIVATE_KEY=os.getenv(\"BTCTURK_PRIVATE_KEY\")\n"},
		},
		{
			id: "paribu", name: "Paribu", guess: true,
			keywords:   []string{"paribu"},
			key:        `[A-Za-z0-9_-]{20,64}`,
			secret:     `[A-Za-z0-9_-]{20,64}`,
			keyEntropy: 0.8, secretEntropy: 0.8,
			perms: "Paribu keys carry rights set at creation",
			examples: []string{
				"PARIBU_API_KEY=" + fake("paribu k", alnumChars, 32) + "\nPARIBU_API_SECRET=" + fake("paribu s", alnumChars, 48) + "\n",
			},
			negatives: []string{"PARIBU_API_KEY=\nPARIBU_API_SECRET=<secret>\n"},
		},
		{
			// Indodax (Indonesia): the key is five dash-separated groups
			// of eight upper-case letters and digits, the secret 80
			// lower-case hex digits (HMAC-SHA512 signs the Sign header),
			// as the official docs' request examples show
			// (github.com/btcid/indodax-official-api-docs,
			// example/Private-RestAPI-example.md) and an SDK's example agrees.
			id: "indodax", name: "Indodax",
			keywords:   []string{"indodax"},
			key:        `[A-Z0-9]{8}(?:-[A-Z0-9]{8}){4}`,
			secret:     `[0-9a-f]{80}`,
			keyEntropy: 0.6,
			perms:      "Indodax keys carry view, trade and withdraw rights chosen at creation",
			examples: []string{
				"INDODAX_API_KEY=" + fake("indodax k1", upperAlnum, 8) + "-" + fake("indodax k2", upperAlnum, 8) + "-" + fake("indodax k3", upperAlnum, 8) + "-" + fake("indodax k4", upperAlnum, 8) + "-" + fake("indodax k5", upperAlnum, 8) + "\nINDODAX_SECRET_KEY=" + fake("indodax s", hexChars, 80) + "\n",
				"<?php\n    $url = 'https://indodax.com/tapi';\n    $key = '" + fake("indodax p1", upperAlnum, 8) + "-" + fake("indodax p2", upperAlnum, 8) + "-" + fake("indodax p3", upperAlnum, 8) + "-" + fake("indodax p4", upperAlnum, 8) + "-" + fake("indodax p5", upperAlnum, 8) + "';\n    $secretKey = '" + fake("indodax ps", hexChars, 80) + "';\n",
			},
			negatives: []string{
				"INDODAX_API_KEY=\nINDODAX_SECRET_KEY=\n",
				// The official docs' own example pair.
				"    $url = 'https://indodax.com/tapi';\n    $key = 'AEDHIGAT-QATEGWOX-OPCSCPQX-2E00B1L7-VJBXXKMA';\n    $secretKey = 'f60617a68fcce028f0a90bc9eb765d17379eb548cc935c01a7ee3186eecf870e9b68f27a31bcfe8d';\n",
			},
		},
		{
			// Mercado Bitcoin (Brazil): a TAPI id and its secret.
			id: "mercadobitcoin", name: "Mercado Bitcoin", guess: true,
			keywords: []string{"mercadobitcoin", "mercado_bitcoin", "mercado-bitcoin", "mercado bitcoin", "tapi_id", "tapi_secret"},
			aliases:  []string{"mercadobitcoin", "mercado_bitcoin", "mercado-bitcoin"},
			key:      `[0-9a-f]{32,64}`,
			secret:   `[0-9a-f]{64}`,
			perms:    "Mercado Bitcoin keys carry read, trade and withdraw rights chosen at creation",
			examples: []string{
				"# Mercado Bitcoin\nMB_TAPI_ID=" + fake("mb k", hexChars, 64) + "\nMB_TAPI_SECRET=" + fake("mb s", hexChars, 64) + "\n",
			},
			negatives: []string{"MERCADO_BITCOIN_TAPI_ID=\nMERCADO_BITCOIN_TAPI_SECRET=\n"},
		},
		{
			// Bitkub (Thailand): X-BTK-APIKEY and an HMAC secret.
			id: "bitkub", name: "Bitkub", guess: true,
			keywords: []string{"bitkub", "x-btk-"},
			aliases:  []string{"bitkub"},
			key:      `[0-9a-f]{32,64}`,
			secret:   `[0-9a-f]{32,64}`,
			perms:    "Bitkub keys carry read, trade and withdraw rights and an IP list set at creation",
			examples: []string{
				"BITKUB_API_KEY=" + fake("bitkub k", hexChars, 32) + "\nBITKUB_API_SECRET=" + fake("bitkub s", hexChars, 32) + "\n",
			},
			negatives: []string{"BITKUB_API_KEY=\nBITKUB_API_SECRET=\n"},
		},
		{
			// BTC Markets (Australia): a UUID key and a base64 private key.
			id: "btcmarkets", name: "BTC Markets", guess: true,
			keywords:   []string{"btcmarkets", "btc_markets", "btc-markets"},
			key:        uuidAnyCase,
			secret:     `[A-Za-z0-9+/]{40,100}={0,2}`,
			keyEntropy: 0.6,
			perms:      "BTC Markets keys carry read, trade and withdraw rights chosen at creation",
			examples: []string{
				"BTCMARKETS_API_KEY=" + fakeUUID("btcm k") + "\nBTCMARKETS_PRIVATE_KEY=" + fake("btcm s", b64Chars, 86) + "==\n",
			},
			negatives: []string{"BTCMARKETS_API_KEY=\nBTCMARKETS_PRIVATE_KEY=\n"},
		},
		{
			// Independent Reserve (Australia): a UUID key and a 32-character
			// secret.
			id: "independentreserve", name: "Independent Reserve", guess: true,
			keywords:   []string{"independentreserve", "independent_reserve", "independent-reserve"},
			key:        uuidAnyCase,
			secret:     `[A-Za-z0-9]{32}`,
			keyEntropy: 0.6,
			perms:      "Independent Reserve keys are read-only or full access, chosen at creation",
			examples: []string{
				"INDEPENDENT_RESERVE_API_KEY=" + fakeUUID("ir k") + "\nINDEPENDENT_RESERVE_API_SECRET=" + fake("ir s", hexChars, 32) + "\n",
			},
			negatives: []string{"INDEPENDENT_RESERVE_API_KEY=\nINDEPENDENT_RESERVE_API_SECRET=\n"},
		},
		{
			// Zaif (Japan): key and secret are both UUIDs.
			id: "zaif", name: "Zaif", guess: true,
			keywords:   []string{"zaif"},
			key:        uuidAnyCase,
			secret:     uuidAnyCase,
			keyEntropy: 0.6, secretEntropy: 0.6,
			perms: "Zaif keys carry info, trade and withdraw rights chosen at creation",
			examples: []string{
				"ZAIF_API_KEY=" + fakeUUID("zaif k") + "\nZAIF_API_SECRET=" + fakeUUID("zaif s") + "\n",
			},
			negatives: []string{"ZAIF_API_KEY=\nZAIF_API_SECRET=\n"},
		},
		{
			// GMO Coin (Japan): API-KEY and an HMAC secret, base64-ish.
			id: "gmocoin", name: "GMO Coin", guess: true,
			keywords:   []string{"gmocoin", "gmo_coin", "gmo-coin", "api.coin.z.com"},
			aliases:    []string{"gmocoin", "gmo_coin", "gmo-coin"},
			key:        `[A-Za-z0-9+/=_-]{20,64}`,
			secret:     `[A-Za-z0-9+/=_-]{32,128}`,
			keyEntropy: 0.8, secretEntropy: 0.8,
			perms: "GMO Coin keys carry per-function rights (orders, withdrawals) chosen at creation",
			examples: []string{
				"GMO_COIN_API_KEY=" + fake("gmo k", b64Chars, 32) + "\nGMO_COIN_SECRET_KEY=" + fake("gmo s", b64Chars, 64) + "\n",
			},
			negatives: []string{"GMO_COIN_API_KEY=\nGMO_COIN_SECRET_KEY=\n"},
		},
		{
			// IDEX (a hybrid DEX with an order-book API): a UUID API key
			// and a 32-character secret for the HMAC-SHA256 of each
			// request, beside the wallet's private key. Shapes from the
			// connector tests of the hummingbot history (issue 17), where
			// a developer's pair sat in a test marked "don't commit me".
			id: "idex", name: "IDEX", guess: true,
			// Bounded on the left: "multidex" and "pidex" end in idex.
			keywords:      []string{"\nidex", " idex", "\tidex", "\"idex", "'idex", "_idex", ".idex", "(idex", "[idex", "/idex", "=idex"},
			aliases:       []string{"idex"},
			key:           uuidAnyCase,
			secret:        `[A-Za-z0-9+/]{32}`,
			secretEntropy: 0.8,
			perms:         "IDEX keys carry read, trade and withdraw scopes chosen at creation; the wallet's private key signs orders and withdrawals",
			examples: []string{
				"class IdexUserStreamTrackerUnitTest(unittest.TestCase):\n    IDEX_SECRET_KEY = \"" + fake("idex s", alnumChars, 30) + "+a\"\n    IDEX_API_KEY = \"" + fakeUUID("idex k") + "\"\n",
				"export IDEX_API_KEY='" + fakeUUID("idex k2") + "'\nexport IDEX_API_SECRET_KEY='" + fake("idex s2", alnumChars, 32) + "'\n",
			},
			negatives: []string{
				"IDEX_API_KEY = \"\"\nIDEX_SECRET_KEY = \"\"\n",
				"# index of the order book\nindex_key = \"" + fakeUUID("idex n") + "\"\n",
				// A multi-DEX bot's RPC endpoint: "multidex" ends in idex.
				"SOLANA_RPC_ENDPOINT=https://edge.erpc.global?api-key=" + fakeUUID("idex multidex") + "\n\nENVIRONMENT=production_multidex\nBOT_VERSION=v2.1_multidex\n",
			},
		},
		{
			// NDAX (Canada): an API key, a secret and the user id.
			id: "ndax", name: "NDAX", guess: true,
			keywords: []string{"ndax"},
			key:      `[0-9a-f]{32}`,
			secret:   `[0-9a-f]{32}`,
			perms:    "NDAX keys carry trading and withdrawal permissions chosen at creation",
			examples: []string{
				"NDAX_API_KEY=" + fake("ndax k", hexChars, 32) + "\nNDAX_API_SECRET=" + fake("ndax s", hexChars, 32) + "\nNDAX_USER_ID=12345\n",
			},
			negatives: []string{"NDAX_API_KEY=\nNDAX_API_SECRET=\n"},
		},
		{
			// VALR (South Africa): key and secret are 64 hex digits each
			// (api-docs.rooibos.dev/guides/authentication, a VALR API
			// guide); requests carry X-VALR-API-KEY, X-VALR-SIGNATURE
			// (hex HMAC-SHA512 of timestamp, verb, path, body, subaccount
			// id) and X-VALR-TIMESTAMP (docs.valr.com). Found on an unseen
			// grid-bot history, where every script held the main account's
			// pair.
			id: "valr", name: "VALR",
			keywords: []string{"valr"},
			headers:  []string{"x-valr-"},
			key:      `[0-9a-f]{64}`,
			secret:   `[0-9a-f]{64}`,
			perms:    "VALR keys carry view, trade, transfer, withdraw and link-bank-account permissions chosen at creation, per account or subaccount",
			examples: []string{
				"BASE_URL = \"https://api.valr.com\"\n\n# API Credentials\nMAIN_API_KEY = \"" + fake("valr k", hexChars, 64) + "\"\nMAIN_API_SECRET = \"" + fake("valr s", hexChars, 64) + "\"\n",
				"export VALR_API_KEY=" + fake("valr k2", hexChars, 64) + "\nexport VALR_API_SECRET=" + fake("valr s2", hexChars, 64) + "\n",
				// A script that names its exchange only in the headers it
				// signs, far below its constants.
				"import hmac\nimport hashlib\nimport time\n\nAPI_KEY = \"" + fake("valr k3", hexChars, 64) + "\"\nAPI_SECRET = \"" + fake("valr s3", hexChars, 64) + "\"\n\n" +
					strings.Repeat("PAIRS = [\"BTCZAR\", \"ETHZAR\", \"SOLZAR\"]\n", 24) +
					"def sign(verb, path, body=\"\"):\n    ts = str(int(time.time() * 1000))\n    sig = hmac.new(API_SECRET.encode(), (ts + verb + path + body).encode(), hashlib.sha512).hexdigest()\n    return {\"X-VALR-API-KEY\": API_KEY, \"X-VALR-SIGNATURE\": sig, \"X-VALR-TIMESTAMP\": ts}\n",
			},
			negatives: []string{
				"VALR_API_KEY=<your-api-key>\nVALR_API_SECRET=${VALR_API_SECRET}\n",
				"# valr trade\norder_id = \"" + fake("valr oid", hexChars, 64) + "\"\n",
				// The documentation's example secret in a signing test.
				"// Test vectors from VALR docs\nconst secret = '4961b74efac86b25cce8fbe4c9811c4c7a787b7a5996660afcc2e287ad864363';\nconst result = signRequest(secret, 1558014486185, 'GET', '/v1/orders/BTCZAR/orderid/6f5d9d1c', '', '');\n",
			},
		},
	}
}
