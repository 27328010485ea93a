package verify

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/verify/exchangetest"
)

// fixture is a credential of the right shape for one service, and what its
// service can tell about it.
type fixture struct {
	id             string
	key, secret    string
	pass           string
	audit          bool   // the service reports permissions
	ipCode         bool   // the service has an "IP not whitelisted" code
	unknownKeyGets string // the status of a key the service does not know
	noBadSig       bool   // the key alone is the credential: nothing to sign
}

// shape derives a deterministic value of n characters from alphabet.
func shape(label, alphabet string, n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		h := sha256.Sum256([]byte(fmt.Sprintf("%s/%d", label, i)))
		for _, c := range h {
			if b.Len() < n {
				b.WriteByte(alphabet[int(c)%len(alphabet)])
			}
		}
	}
	return b.String()
}

const (
	alnum    = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	lowerHex = "0123456789abcdef"
	upperHex = "0123456789ABCDEF"
	b64url   = alnum + "-_"
)

func uuid(label string) string {
	h := shape(label, lowerHex, 32)
	return h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:]
}

func ecPEM(t testing.TB) string {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalECPrivateKey(k)
	// As people paste it into .env files: one line with literal \n.
	return strings.ReplaceAll(string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})), "\n", `\n`)
}

func fixtures(t testing.TB) []fixture {
	seed := sha256.Sum256([]byte("kraken secret"))
	krakenSecret := base64.StdEncoding.EncodeToString(append(seed[:], seed[:]...))
	return []fixture{
		{id: "binance", key: shape("bk", alnum, 64), secret: shape("bs", alnum, 64), audit: true, unknownKeyGets: detectors.VerifyUnknown},
		{id: "bybit", key: shape("yk", alnum, 18), secret: shape("ys", alnum, 36), audit: true, ipCode: true},
		{id: "okx", key: uuid("ok"), secret: shape("os", upperHex, 32), pass: "Tr4d1ngB0t!", audit: true, ipCode: true},
		{id: "coinbase", key: "organizations/" + uuid("org") + "/apiKeys/" + uuid("cbk"), secret: ecPEM(t), audit: true},
		{id: "kraken", key: shape("kk", alnum+"+/", 56), secret: krakenSecret, audit: true},
		{id: "kucoin", key: shape("kck", lowerHex, 24), secret: uuid("kcs"), pass: "m00n-b0t", audit: true, ipCode: true},
		{id: "bitget", key: "bg_" + shape("bgk", lowerHex, 32), secret: shape("bgs", lowerHex, 64), pass: "gr1dRunner", audit: true, ipCode: true},
		{id: "gateio", key: shape("gk", lowerHex, 32), secret: shape("gs", lowerHex, 64), audit: true, ipCode: true},
		{id: "bitmex", key: shape("mk", b64url, 24), secret: shape("ms", b64url, 48), audit: true},
		{id: "huobi", key: shape("h1", lowerHex, 8) + "-ed2htwf5tf-" + shape("h2", lowerHex, 8) + "-" + shape("h3", lowerHex, 5), secret: shape("hs", lowerHex, 8) + "-" + shape("hs2", lowerHex, 8) + "-" + shape("hs3", lowerHex, 8) + "-" + shape("hs4", lowerHex, 5), audit: true},
		{id: "gemini", key: "account-" + shape("gmk", alnum, 20), secret: shape("gms", alnum, 28), audit: true},
		{id: "deribit", key: shape("dk", alnum, 10), secret: shape("ds", b64url, 43), audit: true},
		{id: "binanceus", key: shape("buk", alnum, 64), secret: shape("bus", alnum, 64), unknownKeyGets: detectors.VerifyUnknown},
		{id: "bitvavo", key: shape("bvk", lowerHex, 64), secret: shape("bvs", lowerHex, 128)},
		{id: "bitfinex", key: shape("bfk", b64url, 43), secret: shape("bfs", b64url, 43), audit: true},
		{id: "mexc", key: "mx0vgl" + shape("mxk", alnum, 12), secret: shape("mxs", lowerHex, 32), ipCode: true},
		{id: "cryptocom", key: shape("cck", alnum, 22), secret: shape("ccs", alnum, 22), ipCode: true},
		{id: "etherscan", key: shape("ek", "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", 34), noBadSig: true},
		{id: "infura", key: shape("ik", lowerHex, 32), noBadSig: true},
		{id: "alchemy", key: shape("ak", b64url, 32), noBadSig: true},
		{id: "coingecko", key: "CG-" + shape("cgk", alnum, 24), noBadSig: true},
	}
}

// finding is what the scanner reports for the fixture: the secret with the
// key and passphrase linked, or the single value of an RPC/data key.
func (fx fixture) finding() detectors.Finding {
	if fx.secret == "" {
		id := fx.id + "-api-key"
		return detectors.Finding{RuleID: id, Service: fx.id, Secret: fx.key, Severity: detectors.Medium}
	}
	f := detectors.Finding{RuleID: fx.id + "-api-secret", Service: fx.id, Exchange: fx.id, Part: detectors.PartSecret, Secret: fx.secret, Severity: detectors.Critical,
		Parts: []detectors.Part{{RuleID: fx.id + "-api-key", Part: detectors.PartKey, Secret: fx.key}}}
	if fx.pass != "" {
		f.Parts = append(f.Parts, detectors.Part{RuleID: fx.id + "-passphrase", Part: detectors.PartPassphrase, Secret: fx.pass})
	}
	return f
}

func (fx fixture) account(s exchangetest.Scenario) exchangetest.Account {
	return exchangetest.Account{Key: fx.key, Secret: strings.ReplaceAll(fx.secret, `\n`, "\n"), Passphrase: fx.pass, Scenario: s}
}

func newChecker(t testing.TB, id string, srv *exchangetest.Server, timeout time.Duration) *Checker {
	t.Helper()
	c, err := New(Options{
		Client:    srv.Client(),
		Endpoints: map[string]string{id: srv.URL},
		Timeout:   timeout,
		RetryBase: time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestServices runs every service through every answer its fake exchange
// can give: the signature, headers, timestamps and passphrase are checked
// by the fake as the exchange checks them.
func TestServices(t *testing.T) {
	for _, fx := range fixtures(t) {
		t.Run(fx.id, func(t *testing.T) {
			type want struct {
				status   string
				withdraw *bool
				ip       *bool
				readOnly *bool
			}
			yes, no := ptr(true), ptr(false)
			cases := []struct {
				name     string
				scenario exchangetest.Scenario
				mutate   func(*fixture) // what the finding holds, when it differs from the account
				want     want
			}{
				{name: "live with withdrawals and no IP list", scenario: exchangetest.LiveWithdraw, want: want{status: detectors.VerifyLive, withdraw: yes, ip: no}},
				{name: "live read-only with an IP list", scenario: exchangetest.LiveReadOnlyIP, want: want{status: detectors.VerifyLive, ip: yes, readOnly: yes}},
				{name: "invalid key", mutate: func(f *fixture) {
					if f.secret == "" {
						f.key = f.key[:len(f.key)-4] + "ZZZZ"
					} else {
						f.key = f.key[:len(f.key)-4] + "abcd"
					}
				}, want: want{status: detectors.VerifyInvalid}},
				{name: "bad signature", mutate: func(f *fixture) {
					switch {
					case f.id == "coinbase":
						f.secret = ecPEM(t)
					case f.id == "kraken":
						f.secret = base64.StdEncoding.EncodeToString(make([]byte, 64))
					default:
						f.secret = f.secret[:len(f.secret)-4] + "0a1b"
					}
				}, want: want{status: detectors.VerifyInvalid}},
				{name: "IP-restricted", scenario: exchangetest.IPRestricted, want: want{status: detectors.VerifyLiveIPRestricted, ip: yes}},
				{name: "rate limited", scenario: exchangetest.RateLimited, want: want{status: detectors.VerifyUnknown}},
				{name: "server error", scenario: exchangetest.ServerError, want: want{status: detectors.VerifyUnknown}},
				{name: "slow", scenario: exchangetest.Slow, want: want{status: detectors.VerifyUnknown}},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					if tc.name == "IP-restricted" && !fx.ipCode {
						t.Skip(fx.id + " documents no IP-whitelist code")
					}
					if tc.name == "bad signature" && fx.noBadSig {
						t.Skip(fx.id + " keys are not signed")
					}
					srv := exchangetest.New(t, fx.id, fx.account(tc.scenario))
					timeout := 5 * time.Second
					if tc.scenario == exchangetest.Slow {
						timeout = 50 * time.Millisecond
					}
					c := newChecker(t, fx.id, srv, timeout)
					held := fx
					if tc.mutate != nil {
						tc.mutate(&held)
					}
					got := c.Verify(context.Background(), held.finding())
					w := tc.want
					if tc.name == "invalid key" && fx.unknownKeyGets != "" {
						w.status = fx.unknownKeyGets
					}
					if !fx.audit && w.status == detectors.VerifyLive {
						w.withdraw, w.ip, w.readOnly = nil, nil, nil
					}
					if fx.id == "coinbase" || fx.id == "gemini" || fx.id == "deribit" || fx.id == "bitfinex" {
						w.ip = nil // not exposed
					}
					if fx.id == "gateio" && w.status == detectors.VerifyLive {
						w.withdraw, w.readOnly = nil, nil
					}
					if got.Status != w.status {
						t.Fatalf("status %q (%s), want %q", got.Status, got.Detail, w.status)
					}
					for _, p := range []struct {
						name      string
						got, want *bool
					}{{"withdrawals", got.Permissions.Withdrawals, w.withdraw}, {"ip_restricted", got.Permissions.IPRestricted, w.ip}, {"read_only", got.Permissions.ReadOnly, w.readOnly}} {
						if p.want != nil && (p.got == nil || *p.got != *p.want) {
							t.Errorf("%s = %v, want %v (%s)", p.name, show(p.got), *p.want, got.Detail)
						}
						if p.want == nil && !fx.audit && p.got != nil {
							t.Errorf("%s = %v for a validity-only service, want null", p.name, *p.got)
						}
					}
					if got.Detail == "" {
						t.Error("no detail")
					}
					for _, s := range []string{fx.secret, held.secret, fx.key, held.key} {
						if s != "" && strings.Contains(got.Detail, s) {
							t.Errorf("detail %q holds a credential", got.Detail)
						}
					}
					calls := len(c.services[fx.id].calls) - 1 // earlier calls of the sequence succeed once
					if tc.scenario == exchangetest.RateLimited && srv.Hits() != 3+calls {
						t.Errorf("%d requests for a rate-limited key, want 1 + 2 retries (+%d)", srv.Hits(), calls)
					}
				})
			}
		})
	}
}

func show(b *bool) string {
	if b == nil {
		return "null"
	}
	return fmt.Sprint(*b)
}

// TestOnceePerCredential checks that findings of one credential (the same
// key in several files) reach the exchange once.
func TestOncePerCredential(t *testing.T) {
	fx := fixtures(t)[1]
	srv := exchangetest.New(t, fx.id, fx.account(exchangetest.LiveWithdraw))
	c := newChecker(t, fx.id, srv, 5*time.Second)
	fs := []detectors.Finding{fx.finding(), fx.finding(), fx.finding()}
	fs[1].Path, fs[2].Path = "b/.env", "c/config.json"
	sum := c.Apply(context.Background(), fs)
	if srv.Hits() != 1 {
		t.Errorf("%d requests for one credential, want 1", srv.Hits())
	}
	if sum[detectors.VerifyLive] != 3 {
		t.Errorf("summary %v, want 3 live", sum)
	}
	for _, f := range fs {
		if f.Severity != detectors.Critical || !strings.Contains(f.Verification.Detail, WithdrawMessage) {
			t.Errorf("%s: severity %s, detail %q", f.Path, f.Severity, f.Verification.Detail)
		}
	}
}

// TestSeverityFollowsDamage pins the ranking of verified findings.
func TestSeverityFollowsDamage(t *testing.T) {
	fx := fixtures(t)[2] // OKX
	cases := []struct {
		scenario exchangetest.Scenario
		badKey   bool
		want     detectors.Severity
	}{
		{exchangetest.LiveWithdraw, false, detectors.Critical},
		{exchangetest.LiveReadOnlyIP, false, detectors.Medium},
		{exchangetest.LiveWithdraw, true, detectors.Low},
		{exchangetest.ServerError, false, detectors.Critical}, // unknown keeps the scanner's rating
	}
	for _, tc := range cases {
		srv := exchangetest.New(t, fx.id, fx.account(tc.scenario))
		c := newChecker(t, fx.id, srv, 5*time.Second)
		held := fx
		if tc.badKey {
			held.key = uuid("someone else")
		}
		fs := []detectors.Finding{held.finding()}
		c.Apply(context.Background(), fs)
		if fs[0].Severity != tc.want {
			t.Errorf("scenario %d bad key %v: severity %s (%s), want %s", tc.scenario, tc.badKey, fs[0].Severity, fs[0].Verification.Detail, tc.want)
		}
	}
	// Trading without withdrawals is high.
	f := detectors.Finding{Severity: detectors.Critical, Verification: &detectors.Verification{Status: detectors.VerifyLive,
		Permissions: detectors.Permissions{Withdrawals: ptr(false), Trading: ptr(true), IPRestricted: ptr(false)}}}
	rank(&f)
	if f.Severity != detectors.High {
		t.Errorf("trading key: %s, want high", f.Severity)
	}
}

// failTransport fails the test on any request: for paths that must not
// touch the network.
type failTransport struct{ t *testing.T }

func (f failTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	f.t.Errorf("unexpected request to %s", r.URL.Host)
	return nil, fmt.Errorf("network disabled in this test")
}

// TestHostAllowlist checks that a credential goes only to its own
// exchange's hosts: not to another exchange's override, not through a
// redirect to a foreign host.
func TestHostAllowlist(t *testing.T) {
	c, err := New(Options{Client: &http.Client{Transport: failTransport{t}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		service, url string
		ok           bool
	}{
		{"binance", "https://api.binance.com/sapi/v1/account/apiRestrictions", true},
		{"binance", "https://api.bybit.com/v5/user/query-api", false},
		{"binance", "http://api.binance.com/sapi/v1/account/apiRestrictions", false},
		{"binance", "https://api.binance.com:8443/x", false},
		{"binance", "https://api.binance.com.evil.example/x", false},
		{"okx", "https://my.okx.com/api/v5/account/config", true},
		{"bybit", "https://api.bytick.com/v5/user/query-api", true},
	} {
		u, _ := parseURL(tc.url)
		if got := c.allowed(c.services[tc.service], u); got != tc.ok {
			t.Errorf("allowed(%s, %s) = %v, want %v", tc.service, tc.url, got, tc.ok)
		}
	}

	// A Binance credential with only Bybit redirected still goes nowhere
	// but Binance (here: nowhere, the transport fails the test if called
	// with anything but api.binance.com).
	fx := fixtures(t)[0]
	bybit := exchangetest.New(t, "bybit")
	var hosts []string
	c, err = New(Options{
		Client:    &http.Client{Transport: recordTransport{&hosts}},
		Endpoints: map[string]string{"bybit": bybit.URL},
	})
	if err != nil {
		t.Fatal(err)
	}
	c.Verify(context.Background(), fx.finding())
	if bybit.Hits() != 0 || len(hosts) != 1 || hosts[0] != "api.binance.com" {
		t.Errorf("Binance credential went to %v (bybit fake hit %d times)", hosts, bybit.Hits())
	}

	// An exchange that redirects elsewhere does not get the credential
	// forwarded.
	foreign := exchangetest.New(t, "binance", fx.account(exchangetest.LiveWithdraw))
	redirector := http.NewServeMux()
	redirector.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, foreign.URL+r.URL.RequestURI(), http.StatusTemporaryRedirect)
	})
	rs := newHTTPServer(t, redirector)
	c, err = New(Options{Client: rs.Client(), Endpoints: map[string]string{"binance": rs.URL}})
	if err != nil {
		t.Fatal(err)
	}
	got := c.Verify(context.Background(), fx.finding())
	if foreign.Hits() != 0 {
		t.Errorf("the redirect was followed to a foreign host")
	}
	if got.Status != detectors.VerifyUnknown || !strings.Contains(got.Detail, "refused") {
		t.Errorf("redirect: %+v", got)
	}
}

type recordTransport struct{ hosts *[]string }

func (r recordTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	*r.hosts = append(*r.hosts, req.URL.Host)
	return nil, fmt.Errorf("offline test")
}

// TestEndpointValidation refuses overrides that would leak a credential.
func TestEndpointValidation(t *testing.T) {
	client := &http.Client{Transport: failTransport{t}}
	for raw, ok := range map[string]bool{
		"http://127.0.0.1:8080":              true,
		"http://localhost:9/proxy":           true,
		"https://proxy.corp.example/binance": true,
		"http://proxy.corp.example":          false,
		"ftp://127.0.0.1":                    false,
		"https://user:pw@proxy.example":      false,
		"127.0.0.1:8080":                     false,
	} {
		_, err := New(Options{Client: client, Endpoints: map[string]string{"binance": raw}})
		if (err == nil) != ok {
			t.Errorf("endpoint %q: err %v, want ok=%v", raw, err, ok)
		}
	}
	if _, err := New(Options{Client: client, Endpoints: map[string]string{"notanexchange": "https://x.example"}}); err == nil {
		t.Error("an unknown service was accepted")
	}
}

// TestNotChecked covers findings that must not reach any network.
func TestNotChecked(t *testing.T) {
	c, err := New(Options{Client: &http.Client{Transport: failTransport{t}}})
	if err != nil {
		t.Fatal(err)
	}
	fx := fixtures(t)
	keyOnly := detectors.Finding{RuleID: "binance-api-key", Exchange: "binance", Service: "binance", Part: detectors.PartKey, Secret: fx[0].key, Severity: detectors.Medium}
	noPass := fx[2].finding()
	noPass.Parts = noPass.Parts[:1]
	docs := fx[0].finding()
	docs.Severity = detectors.Info
	wallet := detectors.Finding{RuleID: "ethereum-private-key", Service: "ethereum", Secret: strings.Repeat("ab", 32), Severity: detectors.Critical,
		Notes: []string{"controls address 0x71C7656EC7ab88b098defB751B7401B5f6d8976F"}}
	rsa := fx[1].finding()
	rsa.Secret = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----"
	cbx := detectors.Finding{RuleID: "coinbase-api-secret", Exchange: "coinbase", Part: detectors.PartSecret, Secret: shape("x", alnum, 86) + "==", Severity: detectors.Critical,
		Parts: []detectors.Part{{Part: detectors.PartKey, Secret: shape("y", lowerHex, 32)}, {Part: detectors.PartPassphrase, Secret: "k3x9w2m7qp4"}}}
	unsupported := detectors.Finding{RuleID: "bitstamp-api-secret", Exchange: "bitstamp", Part: detectors.PartSecret, Secret: shape("z", alnum, 32), Severity: detectors.Critical,
		Parts: []detectors.Part{{Part: detectors.PartKey, Secret: shape("w", alnum, 32)}}}
	alchemyToken := detectors.Finding{RuleID: "alchemy-auth-token", Service: "alchemy", Secret: "alcht_" + shape("t", alnum, 30), Severity: detectors.High}
	// A repository's own .keyward.toml rule claiming a verified service.
	custom := detectors.Finding{RuleID: "acme-etherscan", Service: "etherscan", Secret: shape("e", alnum, 34), Severity: detectors.High}
	customKey := fx[0].finding()
	customKey.Parts[0].RuleID = "acme-binance-key"
	for name, f := range map[string]detectors.Finding{
		"key without secret": keyOnly, "passphrase missing": noPass, "documentation example": docs,
		"wallet key": wallet, "bybit key with a PEM": rsa, "coinbase exchange key": cbx, "exchange without verifier": unsupported,
		"alchemy auth token": alchemyToken, "custom rule naming a service": custom, "custom rule's key beside a secret": customKey,
	} {
		got := c.Verify(context.Background(), f)
		if got.Status != detectors.VerifyNotChecked || got.Detail == "" {
			t.Errorf("%s: %+v, want not-checked with a reason", name, got)
		}
		if strings.Contains(got.Detail, f.Secret) {
			t.Errorf("%s: detail holds the secret", name)
		}
	}
	got := c.Verify(context.Background(), wallet)
	if !strings.Contains(got.Detail, "0x71C7656EC7ab88b098defB751B7401B5f6d8976F") {
		t.Errorf("wallet detail %q lacks the derived address", got.Detail)
	}
}

// TestAmbiguousClaim: a value two exchanges' rules both claim goes to
// neither.
func TestAmbiguousClaim(t *testing.T) {
	c, err := New(Options{Client: &http.Client{Transport: failTransport{t}}})
	if err != nil {
		t.Fatal(err)
	}
	fx := fixtures(t)[0]
	a := fx.finding()
	b := fx.finding()
	b.Exchange, b.Service, b.RuleID = "binanceus", "binanceus", "binanceus-api-secret"
	fs := []detectors.Finding{a, b}
	c.Apply(context.Background(), fs)
	for _, f := range fs {
		if f.Verification.Status != detectors.VerifyUnknown || !strings.Contains(f.Verification.Detail, "binance and binanceus") {
			t.Errorf("%s: %+v", f.RuleID, f.Verification)
		}
	}
}

// TestErrorsCarryNoSecret makes the transport fail with an error that
// quotes the whole URL (which holds an RPC key) and checks the result and
// its JSON.
func TestErrorsCarryNoSecret(t *testing.T) {
	c, err := New(Options{Client: &http.Client{Transport: echoTransport{}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, fx := range fixtures(t) {
		f := fx.finding()
		got := c.Verify(context.Background(), f)
		raw, _ := json.Marshal(got)
		for _, s := range []string{fx.key, fx.secret, fx.pass, strings.SplitN(fx.secret, `\n`, 2)[0]} {
			if len(s) >= 6 && strings.Contains(string(raw), s) {
				t.Errorf("%s: %s holds a credential", fx.id, raw)
			}
		}
		if got.Status != detectors.VerifyUnknown {
			t.Errorf("%s: status %s on a network error, want unknown", fx.id, got.Status)
		}
	}
}

// echoTransport fails every request with an error quoting everything the
// request holds.
type echoTransport struct{}

func (echoTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "dial %s: refused; headers %v", r.URL.String(), r.Header)
	if r.Body != nil {
		buf := make([]byte, 4096)
		n, _ := r.Body.Read(buf)
		b.Write(buf[:n])
	}
	return nil, fmt.Errorf("%s", b.String())
}

// TestDocumentedSignatures checks the signers against the worked examples
// the exchanges publish.
func TestDocumentedSignatures(t *testing.T) {
	t.Run("binance", func(t *testing.T) {
		// developers.binance.com, "SIGNED endpoint examples for POST /api/v3/order".
		r := &request{query: "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1", header: http.Header{}}
		cr := credential{key: "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A", secret: "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"}
		if err := signBinance("X-MBX-APIKEY")(r, cr, signEnv{now: time.UnixMilli(1499827319559)}); err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(r.query, "&recvWindow=5000&timestamp=1499827319559&signature=c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71") {
			t.Errorf("query %s", r.query)
		}
	})
	t.Run("kraken", func(t *testing.T) {
		// docs.kraken.com, "Authentication": the AddOrder example.
		r := &request{method: "POST", path: "/0/private/AddOrder", body: []byte("ordertype=limit&pair=XBTUSD&price=37500&type=buy&volume=1.25"), header: http.Header{}}
		cr := credential{key: "k", secret: "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg=="}
		if err := signKraken(r, cr, signEnv{now: time.UnixMilli(1616492376594)}); err != nil {
			t.Fatal(err)
		}
		if got := r.header.Get("API-Sign"); got != "4/dpxb3iT4tp/ZCVEwSnEsLxx0bqyhLpdfOpc6fn7OR8+UClSV5n9E6aSS8MPtnRfp32bAb0nmbRn6H8ndwLUQ==" {
			t.Errorf("API-Sign %s", got)
		}
	})
	t.Run("bitmex", func(t *testing.T) {
		// BitMEX API docs, "Signing requests": the simple GET example.
		r := &request{method: "GET", path: "/api/v1/instrument", header: http.Header{}}
		cr := credential{key: "LAqUlngMIQkIUjXMUreyu3qn", secret: "chNOOS4KvNXR_Xq4k4c9qsfoKWvnDecLATCRlcBwyKDYnWgO"}
		if err := signBitMEX(r, cr, signEnv{now: time.Unix(1518064236-60, 0)}); err != nil {
			t.Fatal(err)
		}
		if got := r.header.Get("api-signature"); got != "c7682d435d0cfe87c16098df34ef2eb5a549d4c5a3c2b1f0f77b8af73423bf00" {
			t.Errorf("api-signature %s", got)
		}
	})
}

// TestBinanceEd25519 signs with an Ed25519 PEM key, which the fake checks
// against the public key.
func TestBinanceEd25519(t *testing.T) {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(priv)
	fx := fixtures(t)[0]
	fx.secret = string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	srv := exchangetest.New(t, "binance", fx.account(exchangetest.LiveWithdraw))
	got := newChecker(t, "binance", srv, 5*time.Second).Verify(context.Background(), fx.finding())
	if got.Status != detectors.VerifyLive {
		t.Errorf("%+v", got)
	}
}

// TestCoinbaseEd25519 signs the CDP JWT with EdDSA.
func TestCoinbaseEd25519(t *testing.T) {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	fx := fixtures(t)[3]
	fx.key = uuid("cdp key id")
	fx.secret = base64.StdEncoding.EncodeToString(priv)
	srv := exchangetest.New(t, "coinbase", fx.account(exchangetest.LiveReadOnlyIP))
	got := newChecker(t, "coinbase", srv, 5*time.Second).Verify(context.Background(), fx.finding())
	if got.Status != detectors.VerifyLive || got.Permissions.ReadOnly == nil || !*got.Permissions.ReadOnly {
		t.Errorf("%+v", got)
	}
}

// TestRegionalHosts: an OKX key unknown on www.okx.com is tried on the EEA
// and US hosts before it is called invalid.
func TestRegionalHosts(t *testing.T) {
	fx := fixtures(t)[2]
	eea := exchangetest.New(t, "okx", fx.account(exchangetest.LiveWithdraw))
	global := exchangetest.New(t, "okx")
	var hosts []string
	c, err := New(Options{Client: &http.Client{Transport: routeTransport{
		hosts:  &hosts,
		routes: map[string]string{"www.okx.com": global.URL, "my.okx.com": eea.URL},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	got := c.Verify(context.Background(), fx.finding())
	if got.Status != detectors.VerifyLive || strings.Join(hosts, ",") != "www.okx.com,my.okx.com" {
		t.Errorf("%s via %v", got.Status, hosts)
	}
}

// routeTransport sends requests for official hosts to local fakes, so the
// real host names (and the allowlist) are exercised without a network.
type routeTransport struct {
	hosts  *[]string
	routes map[string]string
}

func (rt routeTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	*rt.hosts = append(*rt.hosts, r.URL.Host)
	to, ok := rt.routes[r.URL.Host]
	if !ok {
		return nil, fmt.Errorf("no route to %s", r.URL.Host)
	}
	u, _ := parseURL(to)
	r2 := r.Clone(r.Context())
	r2.URL.Scheme, r2.URL.Host = u.Scheme, u.Host
	return http.DefaultTransport.RoundTrip(r2)
}

func TestLookup(t *testing.T) {
	var doc any
	_ = json.Unmarshal([]byte(`{"data":[{"perm":"read_only,trade","n":5}],"error":[]}`), &doc)
	if v, ok := lookup(doc, "data.0.perm"); !ok || v != "read_only,trade" {
		t.Errorf("data.0.perm = %v %v", v, ok)
	}
	if _, ok := lookup(doc, "error.0"); ok {
		t.Error("error.0 of an empty list found")
	}
	if l, _ := strs(doc, "data.0.perm"); !has(l, "trade") || has(l, "withdraw") {
		t.Errorf("strs %v", l)
	}
}

// TestTestnetKey: a Bybit key production does not know but the testnet
// accepts is a testnet key — unknown, not invalid.
func TestTestnetKey(t *testing.T) {
	fx := fixtures(t)[1]
	prod := exchangetest.New(t, "bybit")
	testnet := exchangetest.New(t, "bybit", fx.account(exchangetest.LiveWithdraw))
	var hosts []string
	c, err := New(Options{Client: &http.Client{Transport: routeTransport{
		hosts:  &hosts,
		routes: map[string]string{"api.bybit.com": prod.URL, "api-testnet.bybit.com": testnet.URL},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	got := c.Verify(context.Background(), fx.finding())
	if got.Status != detectors.VerifyUnknown || !strings.Contains(got.Detail, "testnet key") {
		t.Errorf("%+v via %v", got, hosts)
	}
	// A key neither knows stays invalid.
	other := fx
	other.key = shape("nobody", alnum, 18)
	if got := c.Verify(context.Background(), other.finding()); got.Status != detectors.VerifyInvalid {
		t.Errorf("unknown key: %+v", got)
	}
}
