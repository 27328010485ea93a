package exchangetest

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"hash"
	"math/big"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

func sum(h func() hash.Hash, key []byte, msg string) []byte {
	m := hmac.New(h, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

func hexOf(h func() hash.Hash, key, msg string) string {
	return hex.EncodeToString(sum(h, []byte(key), msg))
}
func b64Of(key, msg string) string {
	return base64.StdEncoding.EncodeToString(sum(sha256.New, []byte(key), msg))
}

func millis(s string) (time.Time, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.UnixMilli(n), true
}

func seconds(s string) (time.Time, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.Unix(n, 0), true
}

func equal(a, b string) bool { return hmac.Equal([]byte(a), []byte(b)) }

// pathQuery is the path with its raw query, as the exchanges sign it.
func pathQuery(r *http.Request) string {
	if r.URL.RawQuery == "" {
		return r.URL.Path
	}
	return r.URL.Path + "?" + r.URL.RawQuery
}

var exchanges = map[string]*exchange{
	"binance":   binance("X-MBX-APIKEY", "/sapi/v1/account/apiRestrictions"),
	"binanceus": binanceUS(),
	"bitvavo":   bitvavo(),
	"bitfinex":  bitfinex(),
	"mexc":      mexc(),
	"bybit":     bybit(),
	"okx":       okx(),
	"coinbase":  coinbase(),
	"kraken":    kraken(),
	"kucoin":    kucoin(),
	"bitget":    bitget(),
	"gateio":    gate(),
	"bitmex":    bitmex(),
	"huobi":     htx(),
	"gemini":    gemini(),
	"deribit":   deribit(),
	"cryptocom": cryptocom(),
	"etherscan": etherscan(),
	"infura":    rpc("/v3/"),
	"alchemy":   rpc("/v2/"),
	"coingecko": coingecko(),
}

// binanceAuth checks a Binance-style signed query: signature last, over
// everything before it, timestamp within recvWindow.
func binanceAuth(header string) func(*Server, *http.Request, []byte) (*Account, failure) {
	return func(s *Server, r *http.Request, body []byte) (*Account, failure) {
		key := r.Header.Get(header)
		a := s.account(key)
		if a == nil {
			return nil, unknownKey
		}
		raw := r.URL.RawQuery
		i := strings.LastIndex(raw, "&signature=")
		if i < 0 {
			return a, badSignature
		}
		payload, sig := raw[:i], raw[i+len("&signature="):]
		q, _ := url.ParseQuery(payload)
		ts, good := millis(q.Get("timestamp"))
		win := 5000 * time.Millisecond
		if rw := q.Get("recvWindow"); rw != "" {
			n, _ := strconv.Atoi(rw)
			win = time.Duration(n) * time.Millisecond
		}
		if !good || win > 60*time.Second || !s.within(ts, win) {
			return a, stale
		}
		if strings.Contains(a.Secret, "PRIVATE KEY") {
			block, _ := pem.Decode([]byte(a.Secret))
			k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
			if err != nil {
				s.t.Fatalf("exchangetest: account key: %v", err)
			}
			us, _ := url.QueryUnescape(sig)
			raw, err := base64.StdEncoding.DecodeString(us)
			pub := k.(ed25519.PrivateKey).Public().(ed25519.PublicKey)
			if err != nil || !ed25519.Verify(pub, []byte(payload+string(body)), raw) {
				return a, badSignature
			}
			return a, ok
		}
		if !equal(sig, hexOf(sha256.New, a.Secret, payload+string(body))) {
			return a, badSignature
		}
		return a, ok
	}
}

func binance(header, path string) *exchange {
	return &exchange{
		method: "GET", path: path,
		auth: binanceAuth(header),
		answers: map[failure]reply{
			// Binance answers an unknown key, a foreign IP and a missing
			// permission alike.
			unknownKey:   {401, `{"code":-2015,"msg":"Invalid API-key, IP, or permissions for action."}`},
			ipBlocked:    {401, `{"code":-2015,"msg":"Invalid API-key, IP, or permissions for action."}`},
			badSignature: {400, `{"code":-1022,"msg":"Signature for this request is not valid."}`},
			stale:        {400, `{"code":-1021,"msg":"Timestamp for this request is outside of the recvWindow."}`},
			rateLimited:  {429, `{"code":-1003,"msg":"Too many requests; current limit of IP is 6000 requests per minute."}`},
			serverError:  {503, `{"code":-1008,"msg":"Server is currently overloaded with other requests. Please try again in a few minutes."}`},
		},
		live:     `{"ipRestrict":false,"createTime":1698134400000,"enableReading":true,"enableWithdrawals":true,"enableInternalTransfer":true,"permitsUniversalTransfer":true,"enableMargin":false,"enableFutures":true,"enableVanillaOptions":false,"enableSpotAndMarginTrading":true,"enablePortfolioMarginTrading":false,"enableFixApiTrade":false,"enableFixReadOnly":false}`,
		readOnly: `{"ipRestrict":true,"createTime":1698134400000,"enableReading":true,"enableWithdrawals":false,"enableInternalTransfer":false,"permitsUniversalTransfer":false,"enableMargin":false,"enableFutures":false,"enableVanillaOptions":false,"enableSpotAndMarginTrading":false,"enablePortfolioMarginTrading":false,"enableFixApiTrade":false,"enableFixReadOnly":true}`,
	}
}

func mexc() *exchange {
	return &exchange{
		method: "GET", path: "/api/v3/account",
		auth: binanceAuth("X-MEXC-APIKEY"),
		answers: map[failure]reply{
			unknownKey:   {400, `{"code":10072,"msg":"Api key info invalid"}`},
			ipBlocked:    {400, `{"code":700006,"msg":"IP [203.0.113.9] not in the ip white list"}`},
			badSignature: {400, `{"code":700002,"msg":"Signature for this request is not valid."}`},
			stale:        {400, `{"code":700003,"msg":"Timestamp for this request is outside of the recvWindow."}`},
			rateLimited:  {429, `{"code":429,"msg":"Too many requests"}`},
			serverError:  {502, `Bad Gateway`},
		},
		live:     `{"makerCommission":0,"takerCommission":0,"canTrade":true,"canWithdraw":true,"canDeposit":true,"accountType":"SPOT","balances":[{"asset":"USDT","free":"1520.33","locked":"0"}],"permissions":["SPOT"]}`,
		readOnly: `{"makerCommission":0,"takerCommission":0,"canTrade":false,"canWithdraw":false,"canDeposit":true,"accountType":"SPOT","balances":[],"permissions":["SPOT"]}`,
	}
}

func bybit() *exchange {
	return &exchange{
		method: "GET", path: "/v5/user/query-api",
		auth: func(s *Server, r *http.Request, _ []byte) (*Account, failure) {
			key := r.Header.Get("X-BAPI-API-KEY")
			a := s.account(key)
			if a == nil {
				return nil, unknownKey
			}
			ts, good := millis(r.Header.Get("X-BAPI-TIMESTAMP"))
			recv, _ := strconv.Atoi(r.Header.Get("X-BAPI-RECV-WINDOW"))
			if !good || recv <= 0 || !s.within(ts, time.Duration(recv)*time.Millisecond) {
				return a, stale
			}
			want := hexOf(sha256.New, a.Secret, r.Header.Get("X-BAPI-TIMESTAMP")+key+r.Header.Get("X-BAPI-RECV-WINDOW")+r.URL.RawQuery)
			if !equal(r.Header.Get("X-BAPI-SIGN"), want) {
				return a, badSignature
			}
			return a, ok
		},
		answers: map[failure]reply{
			unknownKey:   {401, `{"retCode":10003,"retMsg":"API key is invalid.","result":{},"retExtInfo":{},"time":1700000000000}`},
			badSignature: {401, `{"retCode":10004,"retMsg":"error sign! origin_string[redacted]","result":{},"retExtInfo":{},"time":1700000000000}`},
			stale:        {200, `{"retCode":10002,"retMsg":"invalid request, please check your server timestamp or recv_window param","result":{},"retExtInfo":{},"time":1700000000000}`},
			ipBlocked:    {401, `{"retCode":10010,"retMsg":"Unmatched IP, please check your API key's bound IP addresses.","result":{},"retExtInfo":{},"time":1700000000000}`},
			rateLimited:  {200, `{"retCode":10006,"retMsg":"Too many visits!","result":{},"retExtInfo":{},"time":1700000000000}`},
			serverError:  {502, `<html><body>502 Bad Gateway</body></html>`},
		},
		live:     `{"retCode":0,"retMsg":"","result":{"id":"13770661","note":"grid-bot","apiKey":"%KEY%","readOnly":0,"secret":"","permissions":{"ContractTrade":["Order","Position"],"Spot":["SpotTrade"],"Wallet":["AccountTransfer","SubMemberTransfer","Withdraw"],"Options":[],"Derivatives":["DerivativesTrade"],"Exchange":["ExchangeHistory"],"Earn":[],"BlockTrade":[],"Affiliate":[],"NFT":[],"CopyTrading":[]},"ips":["*"],"type":1,"deadlineDay":83,"expiredAt":"2024-03-01T00:00:00Z","createdAt":"2023-12-08T09:31:07Z","unified":0,"uta":1,"userID":24617703,"inviterID":0,"vipLevel":"No VIP","mktMakerLevel":"0","affiliateID":0,"rsaPublicKey":"","isMaster":true,"parentUid":"0","kycLevel":"LEVEL_1","kycRegion":"NLD"},"retExtInfo":{},"time":1700000000000}`,
		readOnly: `{"retCode":0,"retMsg":"","result":{"id":"13770662","note":"tax-export","apiKey":"%KEY%","readOnly":1,"secret":"","permissions":{"ContractTrade":[],"Spot":[],"Wallet":[],"Options":[],"Derivatives":[],"Exchange":["ExchangeHistory"],"Earn":[],"BlockTrade":[],"Affiliate":[],"NFT":[],"CopyTrading":[]},"ips":["203.0.113.7"],"type":1,"deadlineDay":-1,"expiredAt":"","createdAt":"2023-12-08T09:31:07Z","unified":0,"uta":1,"userID":24617703,"inviterID":0,"vipLevel":"No VIP","mktMakerLevel":"0","affiliateID":0,"rsaPublicKey":"","isMaster":true,"parentUid":"0","kycLevel":"LEVEL_1","kycRegion":"NLD"},"retExtInfo":{},"time":1700000000000}`,
	}
}

func okx() *exchange {
	return &exchange{
		method: "GET", path: "/api/v5/account/config",
		auth: func(s *Server, r *http.Request, body []byte) (*Account, failure) {
			a := s.account(r.Header.Get("OK-ACCESS-KEY"))
			if a == nil {
				return nil, unknownKey
			}
			raw := r.Header.Get("OK-ACCESS-TIMESTAMP")
			ts, err := time.Parse("2006-01-02T15:04:05.000Z", raw)
			if err != nil || !s.within(ts, 30*time.Second) {
				return a, stale
			}
			if !equal(r.Header.Get("OK-ACCESS-SIGN"), b64Of(a.Secret, raw+r.Method+pathQuery(r)+string(body))) {
				return a, badSignature
			}
			if r.Header.Get("OK-ACCESS-PASSPHRASE") != a.Passphrase {
				return a, badPassphrase
			}
			return a, ok
		},
		answers: map[failure]reply{
			unknownKey:    {401, `{"msg":"Invalid OK-ACCESS-KEY","code":"50111"}`},
			badSignature:  {401, `{"msg":"Invalid Sign","code":"50113"}`},
			badPassphrase: {401, `{"msg":"Invalid OK-ACCESS-PASSPHRASE","code":"50105"}`},
			stale:         {401, `{"msg":"Timestamp request expired","code":"50102"}`},
			ipBlocked:     {401, `{"msg":"Your IP 198.51.100.23 is not included in your API key's IP whitelist.","code":"50110"}`},
			rateLimited:   {429, `{"msg":"Too Many Requests","code":"50011"}`},
			serverError:   {503, `{"msg":"Service temporarily unavailable, please try again later.","code":"50001"}`},
		},
		live:     `{"code":"0","msg":"","data":[{"acctLv":"2","autoLoan":false,"ctIsoMode":"automatic","greeksType":"PA","ip":"","kycLv":"2","label":"freqtrade","level":"Lv1","levelTmp":"","liquidationGear":"-1","mainUid":"44705892343619584","mgnIsoMode":"automatic","opAuth":"1","perm":"read_only,withdraw,trade","posMode":"long_short_mode","roleType":"0","spotOffsetType":"","spotRoleType":"0","spotTraderInsts":[],"traderInsts":[],"uid":"44705892343619584"}]}`,
		readOnly: `{"code":"0","msg":"","data":[{"acctLv":"2","autoLoan":false,"ctIsoMode":"automatic","greeksType":"PA","ip":"203.0.113.7,198.51.100.4","kycLv":"2","label":"portfolio-tracker","level":"Lv1","levelTmp":"","liquidationGear":"-1","mainUid":"44705892343619584","mgnIsoMode":"automatic","opAuth":"1","perm":"read_only","posMode":"net_mode","roleType":"0","spotOffsetType":"","spotRoleType":"0","spotTraderInsts":[],"traderInsts":[],"uid":"44705892343619999"}]}`,
	}
}

// coinbase checks the CDP JWT: the key name as kid and sub, issuer "cdp",
// a two-minute window, the request's method, host and path in uri, and an
// ES256 or EdDSA signature by the account's key.
func coinbase() *exchange {
	return &exchange{
		method: "GET", path: "/api/v3/brokerage/key_permissions",
		auth: func(s *Server, r *http.Request, _ []byte) (*Account, failure) {
			tok, found := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			parts := strings.Split(tok, ".")
			if !found || len(parts) != 3 {
				return nil, unknownKey
			}
			dec := base64.RawURLEncoding
			var hdr struct{ Alg, Kid, Nonce, Typ string }
			var cl struct {
				Sub, Iss, URI string
				Nbf, Exp      int64
			}
			h, err1 := dec.DecodeString(parts[0])
			c, err2 := dec.DecodeString(parts[1])
			sig, err3 := dec.DecodeString(parts[2])
			if err1 != nil || err2 != nil || err3 != nil || json.Unmarshal(h, &hdr) != nil || json.Unmarshal(c, &cl) != nil {
				return nil, unknownKey
			}
			a := s.account(hdr.Kid)
			if a == nil || cl.Sub != hdr.Kid {
				return nil, unknownKey
			}
			now := s.Now().Unix()
			if cl.Iss != "cdp" || hdr.Nonce == "" || cl.Nbf > now+5 || cl.Exp < now || cl.Exp-cl.Nbf > 120 {
				return a, stale
			}
			if cl.URI != r.Method+" api.coinbase.com"+r.URL.Path {
				return a, badSignature
			}
			input := []byte(parts[0] + "." + parts[1])
			secret := strings.ReplaceAll(a.Secret, `\n`, "\n")
			if block, _ := pem.Decode([]byte(secret)); block != nil {
				k, err := x509.ParseECPrivateKey(block.Bytes)
				if err != nil || hdr.Alg != "ES256" || len(sig) != 64 {
					return a, badSignature
				}
				d := sha256.Sum256(input)
				if !ecdsa.Verify(&k.PublicKey, d[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
					return a, badSignature
				}
				return a, ok
			}
			raw, _ := base64.StdEncoding.DecodeString(secret)
			if len(raw) != 64 || hdr.Alg != "EdDSA" || !ed25519.Verify(ed25519.PublicKey(raw[32:]), input, sig) {
				return a, badSignature
			}
			return a, ok
		},
		answers: map[failure]reply{
			unknownKey:   {401, "Unauthorized\n"},
			badSignature: {401, "Unauthorized\n"},
			stale:        {401, "Unauthorized\n"},
			rateLimited:  {429, `{"error":"rate_limit_exceeded","error_details":"Too many requests","message":"Too many requests"}`},
			serverError:  {500, `{"error":"INTERNAL","error_details":"internal error","message":"internal error"}`},
		},
		live:     `{"can_view":true,"can_trade":true,"can_transfer":true,"portfolio_uuid":"8a0d4a07-4bb4-5a1f-9c3e-2b6f1e9d7c55","portfolio_type":"DEFAULT"}`,
		readOnly: `{"can_view":true,"can_trade":false,"can_transfer":false,"portfolio_uuid":"8a0d4a07-4bb4-5a1f-9c3e-2b6f1e9d7c55","portfolio_type":"DEFAULT"}`,
	}
}

func kraken() *exchange {
	return &exchange{
		method: "POST", path: "/0/private/GetApiKeyInfo",
		auth: func(s *Server, r *http.Request, body []byte) (*Account, failure) {
			a := s.account(r.Header.Get("API-Key"))
			if a == nil {
				return nil, unknownKey
			}
			form, err := url.ParseQuery(string(body))
			n, err2 := strconv.ParseInt(form.Get("nonce"), 10, 64)
			if err != nil || err2 != nil || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
				return a, badSignature
			}
			secret, _ := base64.StdEncoding.DecodeString(a.Secret)
			inner := sha256.Sum256([]byte(form.Get("nonce") + string(body)))
			want := base64.StdEncoding.EncodeToString(sum(sha512.New, secret, r.URL.Path+string(inner[:])))
			if !equal(r.Header.Get("API-Sign"), want) {
				return a, badSignature
			}
			if !s.nextNonce(a.Key, n) {
				return a, stale
			}
			return a, ok
		},
		answers: map[failure]reply{
			unknownKey:   {200, `{"error":["EAPI:Invalid key"]}`},
			badSignature: {200, `{"error":["EAPI:Invalid signature"]}`},
			stale:        {200, `{"error":["EAPI:Invalid nonce"]}`},
			rateLimited:  {200, `{"error":["EAPI:Rate limit exceeded"]}`},
			serverError:  {520, `<html>520 Origin Error</html>`},
		},
		live:     `{"error":[],"result":{"api_key_name":"freqtrade","permissions":{"query_funds":true,"query_open_orders_trades":true,"query_closed_orders_trades":true,"query_ledger_entries":true,"export_data":false,"create_modify_orders":true,"cancel_close_orders":true,"deposit_funds":true,"withdraw_funds":true,"websocket_token":true},"ip_allowlist":[],"nonce_window":0,"created_time":"2024-02-11T09:12:44Z","last_used":"2024-05-02T17:03:10Z"}}`,
		readOnly: `{"error":[],"result":{"api_key_name":"koinly","permissions":{"query_funds":true,"query_open_orders_trades":true,"query_closed_orders_trades":true,"query_ledger_entries":true,"export_data":true,"create_modify_orders":false,"cancel_close_orders":false,"deposit_funds":false,"withdraw_funds":false,"websocket_token":false},"ip_allowlist":["203.0.113.7/32"],"nonce_window":0,"created_time":"2024-02-11T09:12:44Z","last_used":"2024-05-02T17:03:10Z"}}`,
	}
}

func kucoin() *exchange {
	return &exchange{
		method: "GET", path: "/api/v1/user/api-key",
		auth: func(s *Server, r *http.Request, body []byte) (*Account, failure) {
			a := s.account(r.Header.Get("KC-API-KEY"))
			if a == nil {
				return nil, unknownKey
			}
			raw := r.Header.Get("KC-API-TIMESTAMP")
			ts, good := millis(raw)
			if !good || !s.within(ts, 5*time.Second) {
				return a, stale
			}
			if !equal(r.Header.Get("KC-API-SIGN"), b64Of(a.Secret, raw+r.Method+pathQuery(r)+string(body))) {
				return a, badSignature
			}
			if r.Header.Get("KC-API-KEY-VERSION") != "2" || !equal(r.Header.Get("KC-API-PASSPHRASE"), b64Of(a.Secret, a.Passphrase)) {
				return a, badPassphrase
			}
			return a, ok
		},
		answers: map[failure]reply{
			unknownKey:    {401, `{"code":"400003","msg":"KC-API-KEY not exists"}`},
			badSignature:  {401, `{"code":"400005","msg":"Signature error"}`},
			badPassphrase: {401, `{"code":"400004","msg":"Invalid KC-API-PASSPHRASE"}`},
			stale:         {401, `{"code":"400002","msg":"KC-API-TIMESTAMP Invalid -- time differs from server time by more than 5 seconds"}`},
			ipBlocked:     {400, `{"code":"400006","msg":"Our servers have detected that your current IP address 198.51.100.23 is not on the api whitelist."}`},
			rateLimited:   {429, `{"code":"429000","msg":"Too Many Requests"}`},
			serverError:   {503, `{"code":"503000","msg":"Service unavailable"}`},
		},
		live:     `{"code":"200000","data":{"remark":"hummingbot","apiKey":"%KEY%","apiVersion":3,"permission":"General,Spot,Futures,Transfer","ipWhitelist":"","createdAt":1702545661000,"uid":165111215,"isMaster":true}}`,
		readOnly: `{"code":"200000","data":{"remark":"tracker","apiKey":"%KEY%","apiVersion":3,"permission":"General","ipWhitelist":"203.0.113.*","createdAt":1702545661000,"uid":165111215,"isMaster":false}}`,
	}
}

func bitget() *exchange {
	return &exchange{
		method: "GET", path: "/api/v2/spot/account/info",
		auth: func(s *Server, r *http.Request, body []byte) (*Account, failure) {
			a := s.account(r.Header.Get("ACCESS-KEY"))
			if a == nil {
				return nil, unknownKey
			}
			raw := r.Header.Get("ACCESS-TIMESTAMP")
			ts, good := millis(raw)
			if !good || !s.within(ts, 30*time.Second) {
				return a, stale
			}
			if !equal(r.Header.Get("ACCESS-SIGN"), b64Of(a.Secret, raw+r.Method+pathQuery(r)+string(body))) {
				return a, badSignature
			}
			if r.Header.Get("ACCESS-PASSPHRASE") != a.Passphrase {
				return a, badPassphrase
			}
			return a, ok
		},
		answers: map[failure]reply{
			unknownKey:    {400, `{"code":"40006","msg":"Invalid ACCESS_KEY","requestTime":1700000000000,"data":null}`},
			badSignature:  {400, `{"code":"40009","msg":"sign signature error","requestTime":1700000000000,"data":null}`},
			badPassphrase: {400, `{"code":"40012","msg":"apikey/password is incorrect","requestTime":1700000000000,"data":null}`},
			stale:         {400, `{"code":"40008","msg":"Request timestamp expired","requestTime":1700000000000,"data":null}`},
			ipBlocked:     {400, `{"code":"40018","msg":"Invalid IP","requestTime":1700000000000,"data":null}`},
			rateLimited:   {429, `{"code":"429","msg":"Too Many Requests","requestTime":1700000000000,"data":null}`},
			serverError:   {500, `{"code":"40010","msg":"Request timed out","requestTime":1700000000000,"data":null}`},
		},
		live:     `{"code":"00000","msg":"success","requestTime":1700000000000,"data":{"userId":"6741883021","inviterId":"","ips":"","authorities":["stow","coow","wwow"],"parentId":6741883021,"traderType":"","channelCode":"","channel":"","regisTime":"1672531200000"}}`,
		readOnly: `{"code":"00000","msg":"success","requestTime":1700000000000,"data":{"userId":"6741883021","inviterId":"","ips":"203.0.113.7","authorities":["stor","coor"],"parentId":6741883021,"traderType":"","channelCode":"","channel":"","regisTime":"1672531200000"}}`,
	}
}

func gate() *exchange {
	return &exchange{
		method: "GET", path: "/api/v4/account/detail",
		auth: func(s *Server, r *http.Request, body []byte) (*Account, failure) {
			a := s.account(r.Header.Get("KEY"))
			if a == nil {
				return nil, unknownKey
			}
			raw := r.Header.Get("Timestamp")
			ts, good := seconds(raw)
			if !good || !s.within(ts, 60*time.Second) {
				return a, stale
			}
			h := sha512.Sum512(body)
			payload := r.Method + "\n" + r.URL.Path + "\n" + r.URL.RawQuery + "\n" + hex.EncodeToString(h[:]) + "\n" + raw
			if !equal(r.Header.Get("SIGN"), hexOf(sha512.New, a.Secret, payload)) {
				return a, badSignature
			}
			return a, ok
		},
		answers: map[failure]reply{
			unknownKey:   {401, `{"label":"INVALID_KEY","message":"Invalid key provided"}`},
			badSignature: {401, `{"label":"INVALID_SIGNATURE","message":"Signature mismatch"}`},
			stale:        {401, `{"label":"REQUEST_EXPIRED","message":"gap between request Timestamp and server time exceeds 60"}`},
			ipBlocked:    {403, `{"label":"IP_FORBIDDEN","message":"Request IP not in whitelist: 198.51.100.23"}`},
			rateLimited:  {429, `{"label":"TOO_MANY_REQUESTS","message":"Request Rate limit Exceeded"}`},
			serverError:  {500, `{"label":"SERVER_ERROR","message":"Internal server error"}`},
		},
		live:     `{"user_id":1667201533,"ip_whitelist":[],"currency_pairs":[],"key":{"mode":1},"tier":2,"copy_trading_role":0}`,
		readOnly: `{"user_id":1667201533,"ip_whitelist":["203.0.113.7"],"currency_pairs":["BTC_USDT"],"key":{"mode":1},"tier":2,"copy_trading_role":0}`,
	}
}

func bitmex() *exchange {
	return &exchange{
		method: "GET", path: "/api/v1/apiKey",
		auth: func(s *Server, r *http.Request, body []byte) (*Account, failure) {
			a := s.account(r.Header.Get("api-key"))
			if a == nil {
				return nil, unknownKey
			}
			raw := r.Header.Get("api-expires")
			exp, good := seconds(raw)
			if !good || exp.Before(s.Now()) || exp.Sub(s.Now()) > time.Hour {
				return a, stale
			}
			if !equal(r.Header.Get("api-signature"), hexOf(sha256.New, a.Secret, r.Method+pathQuery(r)+raw+string(body))) {
				return a, badSignature
			}
			return a, ok
		},
		answers: map[failure]reply{
			unknownKey:   {401, `{"error":{"message":"Invalid API Key.","name":"HTTPError"}}`},
			badSignature: {401, `{"error":{"message":"Signature not valid.","name":"HTTPError"}}`},
			stale:        {403, `{"error":{"message":"This request has expired - ` + "`expires`" + ` is in the past.","name":"HTTPError"}}`},
			rateLimited:  {429, `{"error":{"message":"Rate limit exceeded, retry in 1 seconds.","name":"RateLimitError"}}`},
			serverError:  {503, `{"error":{"message":"The system is currently overloaded. Please try again later.","name":"HTTPError"}}`},
		},
		live:     `[{"id":"%KEY%","secret":"","name":"market-maker","nonce":0,"cidr":"0.0.0.0/0","cidrs":["0.0.0.0/0"],"permissions":["order","orderCancel","withdraw"],"enabled":true,"userId":214003,"created":"2024-01-05T10:11:12.000Z"}]`,
		readOnly: `[{"id":"%KEY%","secret":"","name":"reader","nonce":0,"cidr":"203.0.113.0/24","cidrs":["203.0.113.0/24"],"permissions":[],"enabled":true,"userId":214003,"created":"2024-01-05T10:11:12.000Z"}]`,
	}
}

// htx checks Huobi signature version 2 on both calls: /v2/user/uid, then
// /v2/user/api-key for that uid and key.
func htx() *exchange {
	const host = "api.huobi.pro"
	auth := func(s *Server, r *http.Request, _ []byte) (*Account, failure) {
		q := r.URL.Query()
		a := s.account(q.Get("AccessKeyId"))
		if a == nil {
			return nil, unknownKey
		}
		ts, err := time.Parse("2006-01-02T15:04:05", q.Get("Timestamp"))
		if err != nil || !s.within(ts, 5*time.Minute) || q.Get("SignatureMethod") != "HmacSHA256" || q.Get("SignatureVersion") != "2" {
			return a, stale
		}
		raw := r.URL.RawQuery
		i := strings.Index(raw, "&Signature=")
		if i < 0 {
			return a, badSignature
		}
		sig, _ := url.QueryUnescape(raw[i+len("&Signature="):])
		// The parameters before the signature must already be sorted.
		params := strings.Split(raw[:i], "&")
		for j := 1; j < len(params); j++ {
			if params[j-1] > params[j] {
				return a, badSignature
			}
		}
		if !equal(sig, b64Of(a.Secret, r.Method+"\n"+host+"\n"+r.URL.Path+"\n"+raw[:i])) {
			return a, badSignature
		}
		return a, ok
	}
	return &exchange{
		method: "GET", path: "/v2/user/api-key",
		auth: func(s *Server, r *http.Request, body []byte) (*Account, failure) {
			a, f := auth(s, r, body)
			if f == ok && r.URL.Path == "/v2/user/api-key" && (r.URL.Query().Get("uid") != "63628520" || r.URL.Query().Get("accessKey") != a.Key) {
				s.t.Errorf("exchangetest: HTX api-key query %q lacks the uid or key", r.URL.RawQuery)
			}
			return a, f
		},
		answers: map[failure]reply{
			unknownKey:   {200, `{"status":"error","err-code":"api-signature-not-valid","err-msg":"Signature not valid: Incorrect Access key [Access key错误]","data":null}`},
			badSignature: {200, `{"status":"error","err-code":"api-signature-not-valid","err-msg":"Signature not valid: Verification failure [校验失败]","data":null}`},
			stale:        {200, `{"status":"error","err-code":"api-signature-not-valid","err-msg":"Signature not valid: Timestamp for this request is too old","data":null}`},
			rateLimited:  {429, `{"status":"error","err-code":"api-rate-limit","err-msg":"rate limit","data":null}`},
			serverError:  {502, `Bad Gateway`},
		},
		extra: map[string]func(*Server, http.ResponseWriter, *http.Request, *Account){
			"/v2/user/uid": func(s *Server, w http.ResponseWriter, r *http.Request, a *Account) {
				if a.Scenario == ServerError {
					s.write(w, reply{502, "Bad Gateway"}, a)
					return
				}
				s.write(w, reply{200, `{"code":200,"data":63628520,"ok":true}`}, a)
			},
		},
		live:     `{"code":200,"message":"success","data":[{"accessKey":"%KEY%","note":"bot","permission":"readOnly,trade,withdraw","ipAddresses":"","validDays":-1,"status":"normal","createTime":1585125233000,"updateTime":1585125233000}],"ok":true}`,
		readOnly: `{"code":200,"message":"success","data":[{"accessKey":"%KEY%","note":"tracker","permission":"readOnly","ipAddresses":"203.0.113.7","validDays":-1,"status":"normal","createTime":1585125233000,"updateTime":1585125233000}],"ok":true}`,
	}
}

func gemini() *exchange {
	return &exchange{
		method: "POST", path: "/v1/roles",
		auth: func(s *Server, r *http.Request, _ []byte) (*Account, failure) {
			a := s.account(r.Header.Get("X-GEMINI-APIKEY"))
			if a == nil {
				return nil, unknownKey
			}
			payload := r.Header.Get("X-GEMINI-PAYLOAD")
			if !equal(r.Header.Get("X-GEMINI-SIGNATURE"), hexOf(sha512.New384, a.Secret, payload)) {
				return a, badSignature
			}
			raw, _ := base64.StdEncoding.DecodeString(payload)
			var p struct {
				Request string
				Nonce   json.Number
			}
			if json.Unmarshal(raw, &p) != nil || p.Request != r.URL.Path {
				return a, badSignature
			}
			n, err := p.Nonce.Int64()
			if err != nil || !s.nextNonce(a.Key, n) {
				return a, stale
			}
			return a, ok
		},
		answers: map[failure]reply{
			unknownKey:   {400, `{"result":"error","reason":"InvalidApiKey","message":"Invalid API key"}`},
			badSignature: {400, `{"result":"error","reason":"InvalidSignature","message":"InvalidSignature"}`},
			stale:        {400, `{"result":"error","reason":"InvalidNonce","message":"Nonce must be increasing"}`},
			rateLimited:  {429, `{"result":"error","reason":"RateLimit","message":"Requests were made too frequently"}`},
			serverError:  {503, `{"result":"error","reason":"System","message":"System error"}`},
		},
		live:     `{"isAuditor":false,"isFundManager":true,"isTrader":true,"counterparty_id":"ABCD1234"}`,
		readOnly: `{"isAuditor":true,"isFundManager":false,"isTrader":false,"counterparty_id":"ABCD1234"}`,
	}
}

func deribit() *exchange {
	return &exchange{
		method: "GET", path: "/api/v2/public/auth",
		auth: func(s *Server, r *http.Request, _ []byte) (*Account, failure) {
			q := r.URL.Query()
			if q.Get("grant_type") != "client_signature" || q.Has("client_secret") {
				s.t.Errorf("exchangetest: Deribit auth must use client_signature and never send the secret: %q", q.Get("grant_type"))
			}
			a := s.account(q.Get("client_id"))
			if a == nil {
				return nil, unknownKey
			}
			ts, good := millis(q.Get("timestamp"))
			if !good || !s.within(ts, 60*time.Second) {
				return a, stale
			}
			if !equal(q.Get("signature"), hexOf(sha256.New, a.Secret, q.Get("timestamp")+"\n"+q.Get("nonce")+"\n"+q.Get("data"))) {
				return a, badSignature
			}
			return a, ok
		},
		answers: map[failure]reply{
			unknownKey:   {400, `{"jsonrpc":"2.0","error":{"message":"invalid_credentials","code":13004},"testnet":false}`},
			badSignature: {400, `{"jsonrpc":"2.0","error":{"message":"invalid_credentials","code":13004},"testnet":false}`},
			stale:        {400, `{"jsonrpc":"2.0","error":{"message":"invalid_timestamp","code":13005},"testnet":false}`},
			rateLimited:  {429, `{"jsonrpc":"2.0","error":{"message":"too_many_requests","code":10028},"testnet":false}`},
			serverError:  {500, `{"jsonrpc":"2.0","error":{"message":"internal_server_error","code":11094},"testnet":false}`},
		},
		live:     `{"jsonrpc":"2.0","result":{"access_token":"1582628593469.1MbQ-J_4.CBP-OqOwm_FBdMYj4cRK2dMXyHPfBtXGpzLxhWg31nHu3H_Q","expires_in":31536000,"refresh_token":"1582628593469.1GP4rQd0.A9Wa78o5kFRIUP49mScaD1CqHgiK50HOl2VA6kCtWa8BQZU5Dr","scope":"account:read_write block_trade:read_write trade:read_write wallet:read_write","token_type":"bearer"},"testnet":false}`,
		readOnly: `{"jsonrpc":"2.0","result":{"access_token":"1582628593469.1MbQ-J_4.CBP-OqOwm_FBdMYj4cRK2dMXyHPfBtXGpzLxhWg31nHu3H_Q","expires_in":31536000,"refresh_token":"1582628593469.1GP4rQd0.A9Wa78o5kFRIUP49mScaD1CqHgiK50HOl2VA6kCtWa8BQZU5Dr","scope":"account:read trade:read wallet:read","token_type":"bearer"},"testnet":false}`,
	}
}

func cryptocom() *exchange {
	return &exchange{
		method: "POST", path: "/exchange/v1/private/user-balance",
		auth: func(s *Server, r *http.Request, body []byte) (*Account, failure) {
			var req struct {
				ID     int64          `json:"id"`
				Method string         `json:"method"`
				APIKey string         `json:"api_key"`
				Params map[string]any `json:"params"`
				Nonce  json.Number    `json:"nonce"`
				Sig    string         `json:"sig"`
			}
			if json.Unmarshal(body, &req) != nil {
				return nil, unknownKey
			}
			a := s.account(req.APIKey)
			if a == nil {
				return nil, unknownKey
			}
			ts, good := millis(req.Nonce.String())
			if !good || !s.within(ts, 60*time.Second) {
				return a, stale
			}
			if req.Method != "private/user-balance" || len(req.Params) != 0 || !equal(req.Sig, hexOf(sha256.New, a.Secret, req.Method+strconv.FormatInt(req.ID, 10)+req.APIKey+req.Nonce.String())) {
				return a, badSignature
			}
			return a, ok
		},
		answers: map[failure]reply{
			unknownKey:   {401, `{"id":1,"method":"private/user-balance","code":40101,"message":"UNAUTHORIZED"}`},
			badSignature: {401, `{"id":1,"method":"private/user-balance","code":40101,"message":"UNAUTHORIZED"}`},
			stale:        {401, `{"id":1,"method":"private/user-balance","code":40102,"message":"INVALID_NONCE"}`},
			ipBlocked:    {401, `{"id":1,"method":"private/user-balance","code":40103,"message":"IP_ILLEGAL"}`},
			rateLimited:  {429, `{"id":1,"method":"private/user-balance","code":42901,"message":"TOO_MANY_REQUESTS"}`},
			serverError:  {500, `{"id":1,"method":"private/user-balance","code":10001,"message":"SYS_ERROR"}`},
		},
		live:     `{"id":1,"method":"private/user-balance","code":0,"result":{"data":[{"total_available_balance":"4721.05","total_margin_balance":"4721.05","instrument_name":"USD"}]}}`,
		readOnly: `{"id":1,"method":"private/user-balance","code":0,"result":{"data":[]}}`,
	}
}

func etherscan() *exchange {
	return &exchange{
		method: "GET", path: "/v2/api",
		auth: func(s *Server, r *http.Request, _ []byte) (*Account, failure) {
			q := r.URL.Query()
			if q.Get("module") != "account" || q.Get("action") != "balance" {
				s.t.Errorf("exchangetest: Etherscan call %q is not a balance read", r.URL.RawQuery)
			}
			a := s.account(q.Get("apikey"))
			if a == nil {
				return nil, unknownKey
			}
			return a, ok
		},
		answers: map[failure]reply{
			unknownKey:  {200, `{"status":"0","message":"NOTOK","result":"Invalid API Key (#err2)|x"}`},
			rateLimited: {200, `{"status":"0","message":"NOTOK","result":"Max calls per sec rate limit reached (5/sec)"}`},
			serverError: {503, `Service Unavailable`},
		},
		live:     `{"status":"1","message":"OK","result":"0"}`,
		readOnly: `{"status":"1","message":"OK","result":"0"}`,
	}
}

// rpc fakes an Ethereum JSON-RPC provider whose key is the last path
// segment (Infura /v3/KEY, Alchemy /v2/KEY).
func rpc(prefix string) *exchange {
	e := &exchange{method: "POST", path: prefix}
	e.auth = func(s *Server, r *http.Request, body []byte) (*Account, failure) {
		var req struct{ Method string }
		if json.Unmarshal(body, &req) != nil || req.Method != "eth_blockNumber" {
			s.t.Errorf("exchangetest: RPC body %q is not eth_blockNumber", body)
		}
		a := s.account(strings.TrimPrefix(r.URL.Path, prefix))
		if a == nil {
			return nil, unknownKey
		}
		return a, ok
	}
	e.answers = map[failure]reply{
		unknownKey:  {401, `{"jsonrpc":"2.0","id":1,"error":{"code":-32001,"message":"invalid project id"}}`},
		rateLimited: {429, `{"jsonrpc":"2.0","id":1,"error":{"code":-32005,"message":"daily request count exceeded, request rate limited"}}`},
		serverError: {503, `{"jsonrpc":"2.0","id":1,"error":{"code":-32603,"message":"internal error"}}`},
	}
	e.live = `{"jsonrpc":"2.0","id":1,"result":"0x13a5f2c"}`
	e.readOnly = e.live
	return e
}

func coingecko() *exchange {
	return &exchange{
		method: "GET", path: "/api/v3/key",
		auth: func(s *Server, r *http.Request, _ []byte) (*Account, failure) {
			a := s.account(r.Header.Get("x-cg-pro-api-key"))
			if a == nil {
				return nil, unknownKey
			}
			return a, ok
		},
		answers: map[failure]reply{
			unknownKey:  {401, `{"status":{"error_code":10002,"error_message":"API Key Missing"}}`},
			rateLimited: {429, `{"status":{"error_code":429,"error_message":"You've exceeded the Rate Limit."}}`},
			serverError: {500, `{"status":{"error_code":500,"error_message":"Internal Server Error"}}`},
		},
		live:     `{"plan":"Analyst","rate_limit_request_per_minute":500,"monthly_call_credit":500000,"current_total_monthly_calls":1042,"current_remaining_monthly_calls":498958}`,
		readOnly: `{"plan":"Analyst","rate_limit_request_per_minute":500,"monthly_call_credit":500000,"current_total_monthly_calls":1042,"current_remaining_monthly_calls":498958}`,
	}
}

// binanceUS answers /api/v3/account, with Binance's errors.
func binanceUS() *exchange {
	e := binance("X-MBX-APIKEY", "/api/v3/account")
	e.live = `{"makerCommission":10,"takerCommission":10,"buyerCommission":0,"sellerCommission":0,"canTrade":true,"canWithdraw":true,"canDeposit":true,"updateTime":1700000000000,"accountType":"SPOT","balances":[{"asset":"USD","free":"2210.50","locked":"0.00"}],"permissions":["SPOT"]}`
	e.readOnly = `{"makerCommission":10,"takerCommission":10,"buyerCommission":0,"sellerCommission":0,"canTrade":false,"canWithdraw":false,"canDeposit":true,"updateTime":1700000000000,"accountType":"SPOT","balances":[],"permissions":["SPOT"]}`
	return e
}

func bitvavo() *exchange {
	return &exchange{
		method: "GET", path: "/v2/account",
		auth: func(s *Server, r *http.Request, body []byte) (*Account, failure) {
			a := s.account(r.Header.Get("bitvavo-access-key"))
			if a == nil {
				return nil, unknownKey
			}
			raw := r.Header.Get("bitvavo-access-timestamp")
			ts, good := millis(raw)
			win, _ := strconv.Atoi(r.Header.Get("bitvavo-access-window"))
			if !good || win < 100 || win > 60000 || !s.within(ts, time.Duration(win)*time.Millisecond) {
				return a, stale
			}
			if !equal(r.Header.Get("bitvavo-access-signature"), hexOf(sha256.New, a.Secret, raw+r.Method+pathQuery(r)+string(body))) {
				return a, badSignature
			}
			return a, ok
		},
		answers: map[failure]reply{
			unknownKey:   {403, `{"errorCode":305,"error":"No active API key found."}`},
			badSignature: {403, `{"errorCode":309,"error":"The signature is invalid."}`},
			stale:        {400, `{"errorCode":302,"error":"Timestamp is invalid. This must be a timestamp in ms."}`},
			rateLimited:  {429, `{"errorCode":105,"error":"Your account or IP has been temporarily banned due to exceeding the rate limit."}`},
			serverError:  {500, `{"errorCode":101,"error":"Unknown server error."}`},
		},
		live:     `{"fees":{"tier":0,"volume":"12034.19","maker":"0.0015","taker":"0.0025"},"capabilities":["buy","sell","depositCrypto","depositFiat","withdrawCrypto","withdrawFiat"]}`,
		readOnly: `{"fees":{"tier":0,"volume":"0.00","maker":"0.0015","taker":"0.0025"},"capabilities":["buy","sell","depositCrypto","depositFiat","withdrawCrypto","withdrawFiat"]}`,
	}
}

func bitfinex() *exchange {
	return &exchange{
		method: "POST", path: "/v2/auth/r/permissions",
		auth: func(s *Server, r *http.Request, body []byte) (*Account, failure) {
			a := s.account(r.Header.Get("bfx-apikey"))
			if a == nil {
				return nil, unknownKey
			}
			nonce := r.Header.Get("bfx-nonce")
			if !equal(r.Header.Get("bfx-signature"), hexOf(sha512.New384, a.Secret, "/api"+r.URL.Path+nonce+string(body))) {
				return a, badSignature
			}
			n, err := strconv.ParseInt(nonce, 10, 64)
			if err != nil || !s.nextNonce(a.Key, n) {
				return a, stale
			}
			return a, ok
		},
		answers: map[failure]reply{
			unknownKey:   {500, `["error",10100,"apikey: invalid"]`},
			badSignature: {500, `["error",10100,"apikey: digest invalid"]`},
			stale:        {500, `["error",10114,"nonce: small"]`},
			rateLimited:  {429, `["error",11010,"ratelimit: error"]`},
			serverError:  {500, `["error",10020,"internal error"]`},
		},
		live:     `[["account",1,0],["history",1,0],["orders",1,1],["positions",1,1],["funding",1,1],["settings",1,0],["wallets",1,1],["withdraw",0,1],["ui_withdraw",0,0],["bfxpay",0,0],["eaas_agreement",0,0],["eaas_withdraw",0,0],["eaas_deposit",0,0],["eaas_brokerage",0,0]]`,
		readOnly: `[["account",1,0],["history",1,0],["orders",1,0],["positions",1,0],["funding",1,0],["settings",1,0],["wallets",1,0],["withdraw",0,0],["ui_withdraw",0,0],["bfxpay",0,0],["eaas_agreement",0,0],["eaas_withdraw",0,0],["eaas_deposit",0,0],["eaas_brokerage",0,0]]`,
	}
}
