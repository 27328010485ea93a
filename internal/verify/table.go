package verify

import (
	"regexp"
	"strings"
	"sync"

	"github.com/keyward/scan/detectors"
)

// services is the table: one row per service whose credentials can be
// checked. The id is the finding's Exchange (or Service for data APIs);
// the display name comes from the rule registry (displayNames), so the
// two cannot drift apart.
// Codes come from each service's documented error list;
// docs/verification.md says what is sent where.
var services = []service{
	{
		id:     "binance",
		hosts:  []string{"api.binance.com"},
		accept: acceptPEM("Binance", true),
		calls:  []call{{method: "GET", path: "/sapi/v1/account/apiRestrictions"}},
		sign:   signBinance("X-MBX-APIKEY"),
		codes:  binanceCodes,
		audit: func(doc any, _ credential) (detectors.Permissions, string, bool) {
			if _, ok := flag(doc, "enableReading"); !ok {
				return detectors.Permissions{}, "", false
			}
			w, _ := flag(doc, "enableWithdrawals")
			ip, _ := flag(doc, "ipRestrict")
			var trade []*bool
			for _, f := range []string{"enableSpotAndMarginTrading", "enableMargin", "enableFutures", "enableVanillaOptions", "enablePortfolioMarginTrading", "enableFixApiTrade"} {
				b, _ := flag(doc, f)
				trade = append(trade, b)
			}
			t := any2(trade...)
			it, _ := flag(doc, "enableInternalTransfer")
			ut, _ := flag(doc, "permitsUniversalTransfer")
			p := detectors.Permissions{Withdrawals: w, Trading: t, IPRestricted: ip, ReadOnly: not(any2(w, t, it, ut))}
			return p, describe(p), true
		},
		steps: "binance.com → Account → API Management → Edit restrictions: untick \"Enable Withdrawals\" and \"Enable Spot & Margin Trading\" unless the bot needs them, choose \"Restrict access to trusted IPs only\" — or delete the key.",
	},
	{
		// Binance.US keys do not work on binance.com (nor the reverse);
		// apiRestrictions is not known to exist there, so the account
		// call proves validity and its canWithdraw is account-level only.
		id:     "binanceus",
		hosts:  []string{"api.binance.us"},
		accept: acceptPEM("Binance.US", true),
		calls:  []call{{method: "GET", path: "/api/v3/account", query: "omitZeroBalances=true"}},
		sign:   signBinance("X-MBX-APIKEY"),
		codes:  binanceCodes,
		audit:  validity("Binance.US", "balances"),
		steps:  "binance.us → Profile → API Management: delete the key or edit it to remove withdrawal and trading rights and restrict it to trusted IPs.",
	},
	{
		id:    "bitvavo",
		hosts: []string{"api.bitvavo.com"},
		calls: []call{{method: "GET", path: "/v2/account"}},
		sign:  signBitvavo,
		codes: codes{
			fields: []string{"errorCode"},
			ok:     []string{""},
			invalid: map[string]string{
				"305": "no active API key found",
				"309": "the signature was rejected: the secret does not belong to this key",
			},
			rateLimited: []string{"105"},
		},
		audit: validity("Bitvavo", "fees"),
		steps: "bitvavo.com → Settings → API: delete the key, or edit it to drop \"Withdraw\" and add an IP whitelist.",
	},
	{
		id:      "bybit",
		hosts:   []string{"api.bybit.com", "api.bytick.com"},
		testnet: "api-testnet.bybit.com",
		accept:  acceptPEM("Bybit", false),
		calls:   []call{{method: "GET", path: "/v5/user/query-api"}},
		sign:    signBybit,
		codes: codes{
			fields: []string{"retCode"},
			ok:     []string{"0"},
			invalid: map[string]string{
				"10003": "the API key is invalid",
				"10004": "the signature was rejected: the secret does not belong to this key",
				"33004": "the API key has expired",
			},
			ipRestricted: []string{"10010"},
			rateLimited:  []string{"10006", "10018"},
			ambiguous:    map[string]string{"10002": "the request's timestamp was outside the receive window; check this machine's clock"},
		},
		audit: func(doc any, _ credential) (detectors.Permissions, string, bool) {
			ro, ok := flag(doc, "result.readOnly")
			if !ok {
				return detectors.Permissions{}, "", false
			}
			ips, _ := strs(doc, "result.ips")
			restricted := len(ips) > 0 && !(len(ips) == 1 && ips[0] == "*")
			groups, _ := lookup(doc, "result.permissions")
			gm, _ := groups.(map[string]any)
			var names []string
			for g := range gm {
				l, _ := strs(doc, "result.permissions."+g)
				for _, n := range l {
					if contains(bybitTradeGroups, g) && bybitRights()[lowerName(n)] == rightUnknown {
						n = "SpotTrade" // any entry of a trading group trades
					}
					names = append(names, n)
				}
			}
			rp, unknown := rights(bybitRights(), lowerName, names)
			trading, w := *rp.Trading, *rp.Withdrawals
			if *ro {
				trading, w, unknown = false, false, nil
			}
			p := detectors.Permissions{Withdrawals: ptr(w), Trading: ptr(trading), IPRestricted: ptr(restricted), ReadOnly: ro}
			d := describeRights(p, "Bybit", unknown)
			if exp, ok := lookup(doc, "result.expiredAt"); ok && scalar(exp) != "" && !restricted {
				d += "; keys without an IP binding expire: " + scalar(exp)
			}
			return p, d, true
		},
		steps: "bybit.com → Account → API Management → Edit: set \"Read-Only\", untick Assets → Withdraw, bind the key to your server's IP addresses — or delete the key.",
	},
	{
		id:         "okx",
		hosts:      []string{"www.okx.com", "my.okx.com", "app.okx.com"},
		regional:   true,
		passphrase: true,
		calls:      []call{{method: "GET", path: "/api/v5/account/config"}},
		sign:       signOKX,
		codes: codes{
			fields: []string{"code"},
			ok:     []string{"0"},
			invalid: map[string]string{
				"50111": "the API key is invalid",
				"50113": "the signature was rejected: the secret does not belong to this key",
				"50105": "the passphrase is wrong",
				"50119": "the API key does not exist",
			},
			ipRestricted: []string{"50110"},
			rateLimited:  []string{"50011", "50061"},
			ambiguous: map[string]string{
				"50102": "the request's timestamp expired; check this machine's clock",
				"50101": "the key belongs to another environment (a demo-trading key)",
			},
		},
		audit: func(doc any, _ credential) (detectors.Permissions, string, bool) {
			perm, ok := strs(doc, "data.0.perm")
			if !ok {
				return detectors.Permissions{}, "", false
			}
			ips, _ := strs(doc, "data.0.ip")
			w, t := has(perm, "withdraw"), has(perm, "trade")
			p := detectors.Permissions{Withdrawals: ptr(w), Trading: ptr(t), IPRestricted: ptr(len(ips) > 0), ReadOnly: ptr(!w && !t)}
			d := describe(p)
			uid, _ := lookup(doc, "data.0.uid")
			main, _ := lookup(doc, "data.0.mainUid")
			if uid != nil && main != nil && scalar(uid) != scalar(main) {
				d += "; a sub-account key"
			}
			return p, d, true
		},
		steps: "okx.com → Profile → API keys → Edit: untick \"Withdraw\" (and \"Trade\" if the bot only reads), bind the key to IP addresses — or delete the key. EEA and US accounts manage keys on my.okx.com and app.okx.com.",
	},
	{
		id:     "coinbase",
		hosts:  []string{"api.coinbase.com"},
		accept: acceptCoinbase,
		calls:  []call{{method: "GET", path: "/api/v3/brokerage/key_permissions"}},
		sign:   signCoinbase,
		codes: codes{
			fields:      []string{"error"},
			ok:          []string{""},
			invalidHTTP: []int{401},
		},
		audit: func(doc any, _ credential) (detectors.Permissions, string, bool) {
			view, ok := flag(doc, "can_view")
			if !ok {
				return detectors.Permissions{}, "", false
			}
			t, _ := flag(doc, "can_trade")
			w, _ := flag(doc, "can_transfer")
			p := detectors.Permissions{Withdrawals: w, Trading: t, ReadOnly: and(view, not(any2(t, w)))}
			d := describe(p)
			if w != nil && *w {
				d += " (can_transfer: sends funds off the platform)"
			}
			return p, d, true
		},
		steps: "portal.cdp.coinbase.com → API Keys (or coinbase.com/settings/api): delete the key and create one with only the \"View\" permission, plus \"Trade\" if needed, never \"Transfer\", and an IP allowlist.",
	},
	{
		id:    "kraken",
		hosts: []string{"api.kraken.com"},
		calls: []call{{method: "POST", path: "/0/private/GetApiKeyInfo"}},
		sign:  signKraken,
		codes: codes{
			fields: []string{"error.0"},
			ok:     []string{""},
			invalid: map[string]string{
				"EAPI:Invalid key":       "the API key is invalid",
				"EAPI:Invalid signature": "the signature was rejected: the private key does not belong to this key",
			},
			rateLimited: []string{"EAPI:Rate limit exceeded", "EGeneral:Too many requests", "EGeneral:Temporary lockout"},
			ambiguous: map[string]string{
				"EAPI:Invalid nonce":         "the nonce was refused (the key's nonce window is ahead of this clock)",
				"EGeneral:Permission denied": "the key authenticated but may not read its own information",
			},
		},
		audit: auditKraken,
		steps: "kraken.com → Settings → Connections & API → the key → Edit: untick \"Withdraw Funds\" (and \"Create & Modify Orders\" if the bot only reads), set an IP allowlist — or delete the key.",
	},
	{
		id:         "kucoin",
		hosts:      []string{"api.kucoin.com"},
		passphrase: true,
		calls:      []call{{method: "GET", path: "/api/v1/user/api-key"}},
		sign:       signKuCoin,
		codes: codes{
			fields: []string{"code"},
			ok:     []string{"200000"},
			invalid: map[string]string{
				"400003": "the API key does not exist",
				"400004": "the passphrase is wrong",
				"400005": "the signature was rejected: the secret does not belong to this key",
			},
			ipRestricted: []string{"400006"},
			rateLimited:  []string{"429000"},
			ambiguous:    map[string]string{"400002": "the request's timestamp was outside the window; check this machine's clock"},
		},
		audit: func(doc any, _ credential) (detectors.Permissions, string, bool) {
			perm, ok := strs(doc, "data.permission")
			if !ok {
				return detectors.Permissions{}, "", false
			}
			ips, _ := strs(doc, "data.ipWhitelist")
			p, unknown := rights(kucoinRights(), lowerName, perm)
			p.IPRestricted = ptr(len(ips) > 0)
			return p, describeRights(p, "KuCoin", unknown), true
		},
		steps: "kucoin.com → Account → API Management → the key → Modify: untick \"Withdrawal\" (and trading permissions the bot does not use), keep the IP whitelist — or delete the key.",
	},
	{
		id:         "bitget",
		hosts:      []string{"api.bitget.com"},
		passphrase: true,
		calls:      []call{{method: "GET", path: "/api/v2/spot/account/info"}},
		sign:       signBitget,
		codes: codes{
			fields: []string{"code"},
			ok:     []string{"00000"},
			invalid: map[string]string{
				"40006": "the API key is invalid",
				"40037": "the API key does not exist",
				"40009": "the signature was rejected: the secret does not belong to this key",
				"40012": "the API key or passphrase is wrong",
			},
			ipRestricted: []string{"40018"},
			rateLimited:  []string{"429"},
			ambiguous: map[string]string{
				"40008": "the request's timestamp expired; check this machine's clock",
				"40085": "a unified-account key, which this classic endpoint does not serve",
			},
		},
		audit: func(doc any, _ credential) (detectors.Permissions, string, bool) {
			auth, ok := strs(doc, "data.authorities")
			if !ok {
				return detectors.Permissions{}, "", false
			}
			ips, _ := strs(doc, "data.ips")
			p, unknown := rights(bitgetRights(), lowerName, auth)
			p.IPRestricted = ptr(len(ips) > 0)
			return p, describeRights(p, "Bitget", unknown), true
		},
		steps: "bitget.com → Profile → API Key Management → Edit: set read-only or untick \"Withdraw\", bind the key to IP addresses — or delete the key.",
	},
	{
		id:    "bitfinex",
		hosts: []string{"api.bitfinex.com"},
		calls: []call{{method: "POST", path: "/v2/auth/r/permissions", body: "{}"}},
		sign:  signBitfinex,
		codes: codes{
			// Errors are arrays: ["error", code, "message"].
			codeOf: func(doc any, _ int) string {
				if tag, _ := lookup(doc, "0"); scalar(tag) == "error" {
					code, _ := lookup(doc, "1")
					msg, _ := lookup(doc, "2")
					return scalar(code) + " " + scalar(msg)
				}
				return ""
			},
			ok: []string{""},
			invalid: map[string]string{
				"10100 apikey: invalid":        "the API key is invalid",
				"10100 apikey: digest invalid": "the signature was rejected: the secret does not belong to this key",
			},
			rateLimited: []string{"11010 ratelimit: error"},
			ambiguous:   map[string]string{"10114 nonce: small": "the nonce was refused (the key's last nonce is ahead of this clock)"},
		},
		audit: func(doc any, _ credential) (detectors.Permissions, string, bool) {
			rows, ok := doc.([]any)
			if !ok || len(rows) == 0 {
				return detectors.Permissions{}, "", false
			}
			write := map[string]bool{}
			for _, r := range rows {
				scope, _ := lookup(r, "0")
				w, ok := lookup(r, "2")
				if !ok {
					return detectors.Permissions{}, "", false
				}
				write[scalar(scope)] = scalar(w) == "1"
			}
			// Scopes of https://docs.bitfinex.com/reference/key-permissions:
			// account, history, orders, positions, funding, settings,
			// wallets, withdraw, ui_withdraw, bfxpay. Funding offers lend
			// the account's coins out; bfxpay pays merchants.
			w := write["withdraw"] || write["ui_withdraw"] || write["bfxpay"]
			t := write["orders"] || write["positions"] || write["funding"]
			canWrite := false
			for _, v := range write {
				canWrite = canWrite || v
			}
			p := detectors.Permissions{Withdrawals: ptr(w), Trading: ptr(t), ReadOnly: ptr(!canWrite)}
			return p, describe(p), true
		},
		steps: "bitfinex.com → Account → API Keys: revoke the key, or create one without \"Withdraw\" write permission and with an IP access list.",
	},
	{
		id:    "gateio",
		hosts: []string{"api.gateio.ws"},
		calls: []call{{method: "GET", path: "/api/v4/account/detail"}},
		sign:  signGate,
		codes: codes{
			fields: []string{"label"},
			ok:     []string{""},
			invalid: map[string]string{
				"INVALID_KEY":       "the API key is invalid",
				"INVALID_SIGNATURE": "the signature was rejected: the secret does not belong to this key",
			},
			ipRestricted: []string{"IP_FORBIDDEN"},
			rateLimited:  []string{"TOO_MANY_REQUESTS"},
			ambiguous:    map[string]string{"REQUEST_EXPIRED": "the request's timestamp expired; check this machine's clock"},
		},
		audit: func(doc any, _ credential) (detectors.Permissions, string, bool) {
			if _, ok := lookup(doc, "user_id"); !ok {
				return detectors.Permissions{}, "", false
			}
			ips, _ := strs(doc, "ip_whitelist")
			p := detectors.Permissions{IPRestricted: ptr(len(ips) > 0)}
			return p, describe(p) + " (Gate does not expose a key's trade or withdraw rights)", true
		},
		steps: "gate.io → Account → API Management → the key: untick \"Withdrawal\" and set an IP whitelist — or delete the key.",
	},
	{
		id:      "bitmex",
		hosts:   []string{"www.bitmex.com"},
		testnet: "testnet.bitmex.com",
		calls:   []call{{method: "GET", path: "/api/v1/apiKey"}},
		sign:    signBitMEX,
		codes: codes{
			codeOf: func(doc any, status int) string {
				m, _ := lookup(doc, "error.message")
				return scalar(m)
			},
			ok: []string{""},
			invalid: map[string]string{
				"Invalid API Key.":     "the API key is invalid",
				"Signature not valid.": "the signature was rejected: the secret does not belong to this key",
			},
		},
		audit: func(doc any, cr credential) (detectors.Permissions, string, bool) {
			list, ok := doc.([]any)
			if !ok {
				return detectors.Permissions{}, "", false
			}
			for i := range list {
				id, _ := lookup(list[i], "id")
				if scalar(id) != cr.key {
					continue
				}
				perms, _ := strs(list[i], "permissions")
				cidrs, _ := strs(list[i], "cidrs")
				if c, _ := lookup(list[i], "cidr"); scalar(c) != "" && scalar(c) != "0.0.0.0/0" {
					cidrs = append(cidrs, scalar(c))
				}
				open := len(cidrs) == 0 || (len(cidrs) == 1 && cidrs[0] == "0.0.0.0/0")
				w, t := has(perms, "withdraw"), has(perms, "order", "orderCancel")
				p := detectors.Permissions{Withdrawals: ptr(w), Trading: ptr(t), IPRestricted: ptr(!open), ReadOnly: ptr(len(perms) == 0)}
				return p, describe(p), true
			}
			return detectors.Permissions{}, "", false
		},
		steps: "bitmex.com → Account → API Keys: delete the key and create one without \"Withdraw\", restricted to your IP range (CIDR).",
	},
	{
		id:    "huobi",
		hosts: []string{"api.huobi.pro"},
		calls: []call{
			{method: "GET", path: "/v2/user/uid", capture: map[string]string{"uid": "data"}},
			{method: "GET", path: "/v2/user/api-key", query: "accessKey={key}&uid={uid}"},
		},
		sign: signHTX,
		codes: codes{
			fields: []string{"err-code", "code"},
			ok:     []string{"200"},
			invalid: map[string]string{
				"api-signature-not-valid": "the key or its signature was rejected",
				"1003":                    "the key or its signature was rejected",
			},
			rateLimited: []string{"api-rate-limit", "429"},
		},
		audit: func(doc any, _ credential) (detectors.Permissions, string, bool) {
			perm, ok := strs(doc, "data.0.permission")
			if !ok {
				return detectors.Permissions{}, "", false
			}
			ips, _ := strs(doc, "data.0.ipAddresses")
			w, t := has(perm, "withdraw"), has(perm, "trade")
			p := detectors.Permissions{Withdrawals: ptr(w), Trading: ptr(t), IPRestricted: ptr(len(ips) > 0), ReadOnly: ptr(!w && !t)}
			return p, describe(p), true
		},
		steps: "htx.com → Account → API Management → the key → Edit: untick \"Withdraw\", bind IP addresses — or delete the key.",
	},
	{
		id:      "gemini",
		hosts:   []string{"api.gemini.com"},
		testnet: "api.sandbox.gemini.com",
		calls:   []call{{method: "POST", path: "/v1/roles"}},
		sign:    signGemini,
		codes: codes{
			fields: []string{"reason"},
			ok:     []string{""},
			invalid: map[string]string{
				"InvalidApiKey":    "the API key is invalid",
				"InvalidSignature": "the signature was rejected: the secret does not belong to this key",
			},
			rateLimited: []string{"RateLimit", "RateLimited"},
			ambiguous:   map[string]string{"InvalidNonce": "the nonce was refused (the key's last nonce is ahead of this clock)"},
		},
		audit: func(doc any, _ credential) (detectors.Permissions, string, bool) {
			trader, ok := flag(doc, "isTrader")
			if !ok {
				return detectors.Permissions{}, "", false
			}
			fund, _ := flag(doc, "isFundManager")
			p := detectors.Permissions{Withdrawals: fund, Trading: trader, ReadOnly: not(any2(fund, trader))}
			return p, describe(p), true
		},
		steps: "exchange.gemini.com → Settings → API: revoke the key and create one with the Auditor role, or Trader without Fund Manager.",
	},
	{
		id:      "deribit",
		hosts:   []string{"www.deribit.com"},
		testnet: "test.deribit.com",
		calls:   []call{{method: "GET", path: "/api/v2/public/auth"}},
		sign:    signDeribit,
		codes: codes{
			fields: []string{"error.code"},
			ok:     []string{""},
			invalid: map[string]string{
				"13004": "invalid credentials",
				"13009": "unauthorized: the key or its signature was rejected",
			},
			rateLimited: []string{"10028"},
		},
		audit: func(doc any, _ credential) (detectors.Permissions, string, bool) {
			sc, ok := lookup(doc, "result.scope")
			if !ok {
				return detectors.Permissions{}, "", false
			}
			scope := " " + scalar(sc) + " "
			w := strings.Contains(scope, " wallet:read_write")
			// Scopes of https://docs.deribit.com/articles/access-scope:
			// block trades and block RFQs trade as orders do.
			t := strings.Contains(scope, " trade:read_write") || strings.Contains(scope, " block_trade:read_write") ||
				strings.Contains(scope, " block_rfq:read_write")
			p := detectors.Permissions{Withdrawals: ptr(w), Trading: ptr(t), ReadOnly: ptr(!strings.Contains(scope, ":read_write"))}
			return p, describe(p), true
		},
		steps: "deribit.com → Account → API: edit the key's scope to \"wallet: read\" or none and \"trade: read\" unless the bot trades, add an IP whitelist — or remove the key.",
	},
	{
		id:    "mexc",
		hosts: []string{"api.mexc.com"},
		calls: []call{{method: "GET", path: "/api/v3/account"}},
		sign:  signBinance("X-MEXC-APIKEY"),
		codes: codes{
			fields: []string{"code"},
			ok:     []string{""},
			invalid: map[string]string{
				"10072":  "the API key is invalid",
				"700002": "the signature was rejected: the secret does not belong to this key",
			},
			ipRestricted: []string{"700006"},
			ambiguous:    map[string]string{"700003": "the request's timestamp was outside the window; check this machine's clock"},
		},
		audit:  validity("MEXC", "balances"),
		steps:  "mexc.com → Profile → API Management: edit the key's permissions (no withdrawals) and link IP addresses — or delete the key.",
		accept: acceptPEM("MEXC", false),
	},
	{
		id:    "cryptocom",
		hosts: []string{"api.crypto.com"},
		calls: []call{{method: "POST", path: "/exchange/v1/private/user-balance"}},
		sign:  signCryptoCom,
		codes: codes{
			fields:       []string{"code"},
			ok:           []string{"0"},
			invalid:      map[string]string{"40101": "authentication failed: the key or its signature was rejected"},
			ipRestricted: []string{"40103"},
			rateLimited:  []string{"42901"},
			ambiguous:    map[string]string{"40102": "the nonce was outside the window; check this machine's clock"},
		},
		audit: validity("Crypto.com", "result"),
		steps: "crypto.com/exchange → Settings → API Keys: delete the key or untick withdrawal and set an IP whitelist.",
	},
	{
		id:     "etherscan",
		hosts:  []string{"api.etherscan.io"},
		single: true,
		calls:  []call{{method: "GET", path: "/v2/api", query: "chainid=1&module=account&action=balance&address=0x0000000000000000000000000000000000000000&tag=latest&apikey={key}"}},
		codes: codes{
			codeOf: func(doc any, _ int) string {
				if st, _ := lookup(doc, "status"); scalar(st) == "1" {
					return ""
				}
				r, _ := lookup(doc, "result")
				switch m := strings.ToLower(scalar(r)); {
				case strings.Contains(m, "invalid api key"):
					return "invalid"
				case strings.Contains(m, "rate limit"):
					return "rate"
				}
				return "other"
			},
			ok:          []string{""},
			invalid:     map[string]string{"invalid": "the API key is invalid"},
			rateLimited: []string{"rate"},
		},
		audit: validity("Etherscan", "result"),
		steps: "etherscan.io/myapikey: delete the key and create a new one.",
	},
	{
		id:     "infura",
		hosts:  []string{"mainnet.infura.io"},
		single: true,
		calls:  []call{{method: "POST", path: "/v3/{key}", body: `{"jsonrpc":"2.0","method":"eth_blockNumber","params":[],"id":1}`}},
		sign:   signJSONRPC,
		codes: codes{
			fields:      []string{"error.code"},
			ok:          []string{""},
			invalidHTTP: []int{401, 403},
		},
		audit: validity("Infura", "result"),
		steps: "app.infura.io → the key → delete it, and restrict its replacement by origin or contract.",
	},
	{
		id:     "alchemy",
		hosts:  []string{"eth-mainnet.g.alchemy.com"},
		single: true,
		rules:  map[string]bool{"alchemy-api-key": true},
		calls:  []call{{method: "POST", path: "/v2/{key}", body: `{"jsonrpc":"2.0","method":"eth_blockNumber","params":[],"id":1}`}},
		sign:   signJSONRPC,
		codes: codes{
			fields:      []string{"error.code"},
			ok:          []string{""},
			invalidHTTP: []int{401, 403},
		},
		audit: validity("Alchemy", "result"),
		steps: "dashboard.alchemy.com → Apps → the app → rotate the API key.",
	},
	{
		id:       "coingecko",
		hosts:    []string{"pro-api.coingecko.com", "api.coingecko.com"},
		regional: true,
		single:   true,
		calls:    []call{{method: "GET", path: "/api/v3/ping"}},
		sign:     signCoinGecko,
		codes: codes{
			fields:      []string{"status.error_code"},
			ok:          []string{""},
			invalidHTTP: []int{400, 401, 403},
		},
		audit: func(doc any, _ credential) (detectors.Permissions, string, bool) {
			if plan, ok := lookup(doc, "plan"); ok {
				return detectors.Permissions{}, "a live pro key (plan " + scalar(plan) + ")", true
			}
			if _, ok := lookup(doc, "gecko_says"); ok {
				return detectors.Permissions{}, "a live demo key", true
			}
			return detectors.Permissions{}, "", false
		},
		steps: "coingecko.com/en/developers/dashboard: delete the key and create a new one.",
	},
}

// validity is the audit of services that expose nothing about a key's
// rights: proof of life is a field only an authenticated answer has.
func validity(name, proof string) func(any, credential) (detectors.Permissions, string, bool) {
	return func(doc any, _ credential) (detectors.Permissions, string, bool) {
		if _, ok := lookup(doc, proof); !ok {
			return detectors.Permissions{}, "", false
		}
		return detectors.Permissions{}, "the key works; " + name + " does not say whether it may trade or withdraw", true
	}
}

// krakenPermissions maps every permission Kraken documents, in each form
// it is written (the web form's "Create & Modify Orders", snake_case,
// the kebab-case names of the key-info answer such as "modify-trades"),
// normalised to lower-case letters and digits, to what it allows. A name
// not listed makes the audit say it cannot tell whether the key is
// read-only, rather than guess "no".
var krakenPermissions = sync.OnceValue(func() map[string]string {
	return map[string]string{
		"queryfunds": "read", "queryopenorderstrades": "read", "queryclosedorderstrades": "read",
		"queryopentrades": "read", "queryclosedtrades": "read", "queryopenorders": "read", "queryclosedorders": "read",
		"queryledgerentries": "read", "queryledger": "read", "exportdata": "read",
		"getwebsockettoken": "read", "websockettoken": "read", "accesswebsockets": "read",
		"depositfunds":       "deposit",
		"createmodifyorders": "trade", "cancelcloseorders": "trade", "modifytrades": "trade", "closetrades": "trade",
		"modifyorders": "trade", "cancelorders": "trade", "createorders": "trade", "closeorders": "trade",
		"withdrawfunds": "withdraw", "withdraw": "withdraw",
	}
})

func krakenPermission(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return krakenPermissions()[b.String()]
}

// krakenKnownField lists the non-permission fields of the key-info answer
// that hold a true value or a list of strings.
func krakenKnownField(name string) bool {
	switch strings.ToLower(name) {
	case "", "api_key_name", "name", "permissions", "restrictions", "nonce_window", "created_time", "last_used", "updated_time":
		return true
	}
	return false
}

// krakenIP and cdpKeyID, like the rights tables, are built on first use:
// only --verify needs them, and built at start-up they cost every run.
var krakenIP = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)ip|allowlist|whitelist`) })

// auditKraken reads GetApiKeyInfo. Kraken documents the permissions but
// not the exact JSON names, so the answer is read by meaning: enabled
// permission names (true-valued keys or listed strings) and any non-empty
// IP restriction.
func auditKraken(doc any, _ credential) (detectors.Permissions, string, bool) {
	res, ok := lookup(doc, "result")
	m, isMap := res.(map[string]any)
	if !ok || !isMap || len(m) == 0 {
		return detectors.Permissions{}, "", false
	}
	var enabled []string
	ip := false
	var walk func(name string, v any)
	walk = func(name string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				walk(k, e)
			}
		case []any:
			if krakenIP().MatchString(name) && len(x) > 0 {
				ip = true
			}
			for _, e := range x {
				if s, ok := e.(string); ok && !krakenIP().MatchString(name) {
					enabled = append(enabled, s)
				} else {
					walk(name, e)
				}
			}
		case bool:
			if x {
				enabled = append(enabled, name)
			}
		case string:
			if krakenIP().MatchString(name) && x != "" {
				ip = true
			}
		}
	}
	walk("", m)
	w, t := false, false
	var unknownNames []string
	for _, e := range enabled {
		switch krakenPermission(e) {
		case "withdraw":
			w = true
		case "trade":
			t = true
		case "read", "deposit":
		default:
			if !krakenKnownField(e) {
				unknownNames = append(unknownNames, e)
			}
		}
	}
	p := detectors.Permissions{Withdrawals: ptr(w), Trading: ptr(t), IPRestricted: ptr(ip), ReadOnly: ptr(!w && !t)}
	if len(unknownNames) > 0 {
		// An undocumented right may be one that trades or withdraws.
		p.ReadOnly = nil
		return p, describe(p) + "; Kraken named permissions this scanner does not know (" + strings.Join(unknownNames, ", ") + ")", true
	}
	return p, describe(p), true
}

func not(b *bool) *bool {
	if b == nil {
		return nil
	}
	return ptr(!*b)
}

func and(a, b *bool) *bool {
	if a == nil || b == nil {
		return nil
	}
	return ptr(*a && *b)
}

// acceptPEM refuses key forms the signer cannot use: an asymmetric key for
// a service verified by HMAC only, or an RSA key where only Ed25519 is
// implemented.
func acceptPEM(name string, ed25519OK bool) func(credential) string {
	return func(cr credential) string {
		if !strings.Contains(cr.secret, "PRIVATE KEY") {
			return ""
		}
		if ed25519OK {
			if k, err := parsePrivateKey(cr.secret); err == nil && isEd25519(k) {
				return ""
			}
			return name + " keys signed with RSA are not verified (Ed25519 and HMAC keys are)"
		}
		return name + " keys with a private-key PEM are not verified (HMAC keys are)"
	}
}

var cdpKeyID = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
})

// acceptCoinbase takes CDP keys (organizations/…/apiKeys/… or a key id,
// with an EC or Ed25519 private key); Coinbase Exchange and legacy v2 keys
// use other APIs that are not implemented.
func acceptCoinbase(cr credential) string {
	cdp := strings.HasPrefix(cr.key, "organizations/") || cdpKeyID().MatchString(cr.key)
	if !cdp {
		return "Coinbase Exchange and legacy v2 keys are not verified (CDP keys are)"
	}
	if _, err := parsePrivateKey(cr.secret); err != nil {
		return "the Coinbase private key cannot be read: " + err.Error()
	}
	return ""
}

// binanceCodes are the error codes of Binance and Binance.US.
var binanceCodes = codes{
	fields: []string{"code"},
	ok:     []string{""},
	invalid: map[string]string{
		"-2014": "the API key has an invalid format",
		"-1022": "the signature was rejected: the secret does not belong to this key",
	},
	ambiguous: map[string]string{
		"-2015": "\"invalid API key, IP, or permissions\": the key may be revoked, bound to other IP addresses, or lack the reading permission",
		"-1021": "the request's timestamp was outside the window; check this machine's clock",
	},
	rateLimited: []string{"-1003"},
}
