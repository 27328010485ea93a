package verify

// The signing schemes, one function per family. Each follows the service's
// documented prehash exactly; tests check them against independent
// re-implementations and, where the documentation publishes one, against
// its worked example.

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"hash"
	"math/big"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

func mac(h func() hash.Hash, key []byte, msg string) []byte {
	m := hmac.New(h, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

func ms(e signEnv) string  { return strconv.FormatInt(e.now.UnixMilli(), 10) }
func sec(e signEnv) string { return strconv.FormatInt(e.now.Unix(), 10) }

// pathQuery is path and, when there is one, "?" and the query.
func pathQuery(r *request) string {
	if r.query == "" {
		return r.path
	}
	return r.path + "?" + r.query
}

// signBinance is Binance's scheme (also MEXC's): timestamp and recvWindow
// join the query, and signature is HMAC-SHA256 hex over query ‖ body, or,
// for an Ed25519 key (a PKCS#8 PEM), its base64 signature.
func signBinance(header string) func(*request, credential, signEnv) error {
	return func(r *request, cr credential, e signEnv) error {
		q := r.query
		if q != "" {
			q += "&"
		}
		q += "recvWindow=5000&timestamp=" + ms(e)
		payload := q + string(r.body)
		var sig string
		if strings.Contains(cr.secret, "PRIVATE KEY") {
			k, err := parsePrivateKey(cr.secret)
			if err != nil {
				return err
			}
			ek, ok := k.(ed25519.PrivateKey)
			if !ok {
				return errors.New("only Ed25519 private keys are supported")
			}
			sig = url.QueryEscape(base64.StdEncoding.EncodeToString(ed25519.Sign(ek, []byte(payload))))
		} else {
			sig = hex.EncodeToString(mac(sha256.New, []byte(cr.secret), payload))
		}
		r.query = q + "&signature=" + sig
		r.header.Set(header, cr.key)
		return nil
	}
}

// signBybit is Bybit v5: HMAC-SHA256 hex over timestamp ‖ key ‖
// recvWindow ‖ query (or body).
func signBybit(r *request, cr credential, e signEnv) error {
	ts, recv := ms(e), "5000"
	payload := ts + cr.key + recv + r.query + string(r.body)
	r.header.Set("X-BAPI-API-KEY", cr.key)
	r.header.Set("X-BAPI-TIMESTAMP", ts)
	r.header.Set("X-BAPI-RECV-WINDOW", recv)
	r.header.Set("X-BAPI-SIGN", hex.EncodeToString(mac(sha256.New, []byte(cr.secret), payload)))
	return nil
}

// prehashTMPB is the timestamp ‖ METHOD ‖ path[?query] ‖ body string that
// OKX, KuCoin and Bitget sign, base64 HMAC-SHA256.
func prehashTMPB(r *request, ts string) string {
	return ts + r.method + pathQuery(r) + string(r.body)
}

func b64mac(secret, msg string) string {
	return base64.StdEncoding.EncodeToString(mac(sha256.New, []byte(secret), msg))
}

// signOKX: the timestamp is ISO 8601 with milliseconds, the passphrase
// travels as typed.
func signOKX(r *request, cr credential, e signEnv) error {
	ts := e.now.UTC().Format("2006-01-02T15:04:05.000Z")
	r.header.Set("OK-ACCESS-KEY", cr.key)
	r.header.Set("OK-ACCESS-SIGN", b64mac(cr.secret, prehashTMPB(r, ts)))
	r.header.Set("OK-ACCESS-TIMESTAMP", ts)
	r.header.Set("OK-ACCESS-PASSPHRASE", cr.passphrase)
	return nil
}

// signKuCoin is KuCoin key version 2: the passphrase itself is signed.
func signKuCoin(r *request, cr credential, e signEnv) error {
	ts := ms(e)
	r.header.Set("KC-API-KEY", cr.key)
	r.header.Set("KC-API-SIGN", b64mac(cr.secret, prehashTMPB(r, ts)))
	r.header.Set("KC-API-TIMESTAMP", ts)
	r.header.Set("KC-API-PASSPHRASE", b64mac(cr.secret, cr.passphrase))
	r.header.Set("KC-API-KEY-VERSION", "2")
	r.header.Set("Content-Type", "application/json")
	return nil
}

func signBitget(r *request, cr credential, e signEnv) error {
	ts := ms(e)
	r.header.Set("ACCESS-KEY", cr.key)
	r.header.Set("ACCESS-SIGN", b64mac(cr.secret, prehashTMPB(r, ts)))
	r.header.Set("ACCESS-TIMESTAMP", ts)
	r.header.Set("ACCESS-PASSPHRASE", cr.passphrase)
	r.header.Set("Content-Type", "application/json")
	return nil
}

// signGate is Gate API v4: HMAC-SHA512 hex over METHOD, path, query, the
// SHA-512 of the body and the timestamp in seconds, joined by newlines.
func signGate(r *request, cr credential, e signEnv) error {
	ts := sec(e)
	bodyHash := sha512.Sum512(r.body)
	payload := strings.Join([]string{r.method, r.path, r.query, hex.EncodeToString(bodyHash[:]), ts}, "\n")
	r.header.Set("KEY", cr.key)
	r.header.Set("Timestamp", ts)
	r.header.Set("SIGN", hex.EncodeToString(mac(sha512.New, []byte(cr.secret), payload)))
	return nil
}

// signKraken: API-Sign = base64(HMAC-SHA512(base64decode(secret), path ‖
// SHA256(nonce ‖ postdata))). The nonce is in milliseconds, the unit of
// mainstream clients, so a bot using this key is not pushed past its own
// nonce.
func signKraken(r *request, cr credential, e signEnv) error {
	secret, err := base64.StdEncoding.DecodeString(cr.secret)
	if err != nil {
		return errors.New("the private key is not base64")
	}
	n := ms(e)
	body := "nonce=" + n
	if len(r.body) > 0 {
		body += "&" + string(r.body)
	}
	r.body = []byte(body)
	inner := sha256.Sum256([]byte(n + body))
	r.header.Set("API-Key", cr.key)
	r.header.Set("API-Sign", base64.StdEncoding.EncodeToString(mac(sha512.New, secret, r.path+string(inner[:]))))
	r.header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	return nil
}

// signBitMEX: api-signature = hex HMAC-SHA256(secret, VERB ‖ path[?query]
// ‖ expires ‖ body), expires a minute ahead.
func signBitMEX(r *request, cr credential, e signEnv) error {
	expires := strconv.FormatInt(e.now.Unix()+60, 10)
	r.header.Set("api-key", cr.key)
	r.header.Set("api-expires", expires)
	r.header.Set("api-signature", hex.EncodeToString(mac(sha256.New, []byte(cr.secret), r.method+pathQuery(r)+expires+string(r.body))))
	return nil
}

// signHTX is Huobi's signature version 2: the auth parameters join the
// query, which is sorted and signed with the method, host and path.
func signHTX(r *request, cr credential, e signEnv) error {
	q, err := url.ParseQuery(r.query)
	if err != nil {
		return err
	}
	q.Set("AccessKeyId", cr.key)
	q.Set("SignatureMethod", "HmacSHA256")
	q.Set("SignatureVersion", "2")
	q.Set("Timestamp", e.now.UTC().Format("2006-01-02T15:04:05"))
	sorted := encodeSorted(q)
	payload := r.method + "\n" + strings.ToLower(r.host) + "\n" + r.path + "\n" + sorted
	r.query = sorted + "&Signature=" + url.QueryEscape(b64mac(cr.secret, payload))
	return nil
}

// encodeSorted is url.Values.Encode with %20 for spaces, as HTX expects.
func encodeSorted(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		for _, v := range q[k] {
			parts = append(parts, url.QueryEscape(k)+"="+strings.ReplaceAll(url.QueryEscape(v), "+", "%20"))
		}
	}
	return strings.Join(parts, "&")
}

// signGemini: the request goes in a base64 JSON payload header, signed
// with HMAC-SHA384 hex; master keys must name the account.
func signGemini(r *request, cr credential, e signEnv) error {
	p := map[string]any{"request": r.path, "nonce": ms(e)}
	if strings.HasPrefix(cr.key, "master-") {
		p["account"] = "primary"
	}
	raw, _ := json.Marshal(p)
	payload := base64.StdEncoding.EncodeToString(raw)
	r.header.Set("X-GEMINI-APIKEY", cr.key)
	r.header.Set("X-GEMINI-PAYLOAD", payload)
	r.header.Set("X-GEMINI-SIGNATURE", hex.EncodeToString(mac(sha512.New384, []byte(cr.secret), payload)))
	r.header.Set("Content-Type", "text/plain")
	r.header.Set("Cache-Control", "no-cache")
	r.body = nil
	return nil
}

// signDeribit uses the client_signature grant of public/auth, so the
// client secret itself never leaves this machine.
func signDeribit(r *request, cr credential, e signEnv) error {
	ts := ms(e)
	n := e.nonce[:16]
	sig := hex.EncodeToString(mac(sha256.New, []byte(cr.secret), ts+"\n"+n+"\n"))
	q := url.Values{}
	q.Set("grant_type", "client_signature")
	q.Set("client_id", cr.key)
	q.Set("timestamp", ts)
	q.Set("nonce", n)
	q.Set("data", "")
	q.Set("signature", sig)
	r.query = q.Encode()
	return nil
}

// signCryptoCom: the JSON body carries the key, a nonce and sig = hex
// HMAC-SHA256(method ‖ id ‖ api_key ‖ params ‖ nonce); no params here.
func signCryptoCom(r *request, cr credential, e signEnv) error {
	method := strings.TrimPrefix(r.path, "/exchange/v1/")
	n := ms(e)
	const id = 1
	sig := hex.EncodeToString(mac(sha256.New, []byte(cr.secret), method+strconv.Itoa(id)+cr.key+""+n))
	body, _ := json.Marshal(map[string]any{"id": id, "method": method, "api_key": cr.key, "params": map[string]any{}, "nonce": json.Number(n), "sig": sig})
	r.body = body
	r.header.Set("Content-Type", "application/json")
	return nil
}

// signJSONRPC only marks the body: RPC keys travel in the URL.
func signJSONRPC(r *request, _ credential, _ signEnv) error {
	r.header.Set("Content-Type", "application/json")
	return nil
}

// signCoinGecko picks the plan by host: pro keys ask the pro host for
// their plan, demo keys ping the public host.
func signCoinGecko(r *request, cr credential, _ signEnv) error {
	if r.host == "pro-api.coingecko.com" {
		r.header.Set("x-cg-pro-api-key", cr.key)
		r.path = "/api/v3/key"
	} else {
		r.header.Set("x-cg-demo-api-key", cr.key)
		r.path = "/api/v3/ping"
	}
	return nil
}

// signCoinbase is the CDP JWT: ES256 for EC keys, EdDSA for Ed25519, valid
// two minutes, bound to "METHOD host path".
func signCoinbase(r *request, cr credential, e signEnv) error {
	key, err := parsePrivateKey(cr.secret)
	if err != nil {
		return err
	}
	alg := "ES256"
	if _, ok := key.(ed25519.PrivateKey); ok {
		alg = "EdDSA"
	}
	hdr, _ := json.Marshal(map[string]any{"alg": alg, "kid": cr.key, "nonce": e.nonce, "typ": "JWT"})
	claims, _ := json.Marshal(map[string]any{
		"sub": cr.key, "iss": "cdp",
		"nbf": e.now.Unix(), "exp": e.now.Unix() + 120,
		"uri": r.method + " " + r.host + r.path,
	})
	enc := base64.RawURLEncoding
	input := enc.EncodeToString(hdr) + "." + enc.EncodeToString(claims)
	var sig []byte
	switch k := key.(type) {
	case ed25519.PrivateKey:
		sig = ed25519.Sign(k, []byte(input))
	case *ecdsa.PrivateKey:
		d := sha256.Sum256([]byte(input))
		rr, ss, err := ecdsa.Sign(rand.Reader, k, d[:])
		if err != nil {
			return err
		}
		sig = append(fixed32(rr), fixed32(ss)...)
	default:
		return errors.New("unsupported key type")
	}
	r.header.Set("Authorization", "Bearer "+input+"."+enc.EncodeToString(sig))
	return nil
}

func fixed32(n *big.Int) []byte {
	b := make([]byte, 32)
	return n.FillBytes(b)
}

// parsePrivateKey reads a PEM private key (SEC1 EC or PKCS#8; escaped
// "\n" as found in .env and JSON files is accepted) or a base64 Ed25519
// key of 32 (seed) or 64 (seed ‖ public) bytes.
func parsePrivateKey(s string) (crypto.Signer, error) {
	s = strings.NewReplacer(`\r`, "", `\n`, "\n").Replace(strings.TrimSpace(s))
	if strings.Contains(s, "-----BEGIN") {
		block, _ := pem.Decode([]byte(s))
		if block == nil {
			return nil, errors.New("unreadable PEM block")
		}
		switch block.Type {
		case "EC PRIVATE KEY":
			return x509.ParseECPrivateKey(block.Bytes)
		case "PRIVATE KEY":
			k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
			if err != nil {
				return nil, errors.New("unreadable PKCS#8 key")
			}
			switch k := k.(type) {
			case ed25519.PrivateKey:
				return k, nil
			case *ecdsa.PrivateKey:
				return k, nil
			}
			return nil, fmt.Errorf("unsupported %T key", k)
		}
		return nil, fmt.Errorf("unsupported PEM type %q", block.Type)
	}
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, errors.New("the private key is neither PEM nor base64")
	}
	switch len(raw) {
	case ed25519.SeedSize:
		return ed25519.NewKeyFromSeed(raw), nil
	case ed25519.PrivateKeySize:
		k := ed25519.NewKeyFromSeed(raw[:32])
		if !hmac.Equal(k[32:], raw[32:]) {
			return nil, errors.New("the Ed25519 key's public half does not match its seed")
		}
		return k, nil
	}
	return nil, fmt.Errorf("a %d-byte key is not an Ed25519 key", len(raw))
}

func isEd25519(k crypto.Signer) bool {
	_, ok := k.(ed25519.PrivateKey)
	return ok
}

// signBitvavo: hex HMAC-SHA256 over timestamp ‖ METHOD ‖ /v2 path ‖ body.
func signBitvavo(r *request, cr credential, e signEnv) error {
	ts := ms(e)
	r.header.Set("bitvavo-access-key", cr.key)
	r.header.Set("bitvavo-access-timestamp", ts)
	r.header.Set("bitvavo-access-window", "10000")
	r.header.Set("bitvavo-access-signature", hex.EncodeToString(mac(sha256.New, []byte(cr.secret), ts+r.method+pathQuery(r)+string(r.body))))
	return nil
}

// signBitfinex is Bitfinex v2: hex HMAC-SHA384 over "/api" ‖ path ‖ nonce
// ‖ body. The nonce is in milliseconds, below the microseconds most bots
// use, so a verifier can be refused but never pushes a bot's nonce ahead.
func signBitfinex(r *request, cr credential, e signEnv) error {
	n := ms(e)
	r.header.Set("bfx-apikey", cr.key)
	r.header.Set("bfx-nonce", n)
	r.header.Set("bfx-signature", hex.EncodeToString(mac(sha512.New384, []byte(cr.secret), "/api"+r.path+n+string(r.body))))
	r.header.Set("Content-Type", "application/json")
	return nil
}
