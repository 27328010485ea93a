package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyward/scan/internal/verify/exchangetest"
)

func randomFrom(t *testing.T, alphabet string, n int) string {
	t.Helper()
	b := make([]byte, n)
	for i := range b {
		k, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			t.Fatal(err)
		}
		b[i] = alphabet[k.Int64()]
	}
	return string(b)
}

func randomHex(t *testing.T, n int) string {
	b := make([]byte, n/2)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func randomUUID(t *testing.T) string {
	h := randomHex(t, 32)
	return h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-8" + h[17:20] + "-" + h[20:]
}

const alnumChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// leak is one exchange credential as people leave it in a repository.
type leak struct {
	exchange         string
	key, secret, pwd string
	file, content    string
}

func leaks(t *testing.T) []leak {
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalECPrivateKey(ec)
	ecPEM := strings.ReplaceAll(string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})), "\n", `\n`)
	krakenSecret := make([]byte, 64)
	rand.Read(krakenSecret)
	var ls []leak
	add := func(l leak) { ls = append(ls, l) }

	k, s := randomFrom(t, alnumChars, 64), randomFrom(t, alnumChars, 64)
	add(leak{"binance", k, s, "", ".env", "BINANCE_API_KEY=" + k + "\nBINANCE_API_SECRET=" + s + "\n"})

	k, s = randomFrom(t, alnumChars, 18), randomFrom(t, alnumChars, 36)
	add(leak{"bybit", k, s, "", "bot.py", "from pybit.unified_trading import HTTP\nsession = HTTP(\n    testnet=False,\n    api_key=\"" + k + "\",\n    api_secret=\"" + s + "\",\n)\n"})

	k, s = randomUUID(t), strings.ToUpper(randomHex(t, 32))
	add(leak{"okx", k, s, "Tr4d1ngB0t!", "exchange.py", "exchange = ccxt.okx({\n    'apiKey': '" + k + "',\n    'secret': '" + s + "',\n    'password': 'Tr4d1ngB0t!',\n})\n"})

	k = "organizations/" + randomUUID(t) + "/apiKeys/" + randomUUID(t)
	add(leak{"coinbase", k, ecPEM, "", "cdp_api_key.json", "{\n  \"name\": \"" + k + "\",\n  \"privateKey\": \"" + ecPEM + "\"\n}\n"})

	k, s = randomFrom(t, alnumChars+"+/", 56), base64.StdEncoding.EncodeToString(krakenSecret)
	add(leak{"kraken", k, s, "", ".env", "KRAKEN_API_KEY=" + k + "\nKRAKEN_PRIVATE_KEY=" + s + "\n"})

	k, s = randomHex(t, 24), randomUUID(t)
	add(leak{"kucoin", k, s, "m00n-b0t", ".env", "KUCOIN_API_KEY=\"" + k + "\"\nKUCOIN_API_SECRET=\"" + s + "\"\nKUCOIN_PASSPHRASE=m00n-b0t\n"})

	k, s = "bg_"+randomHex(t, 32), randomHex(t, 64)
	add(leak{"bitget", k, s, "gr1dRunner", ".env", "BITGET_API_KEY=" + k + "\nBITGET_SECRET_KEY=" + s + "\nBITGET_PASSPHRASE=gr1dRunner\n"})

	k, s = randomHex(t, 32), randomHex(t, 64)
	add(leak{"gateio", k, s, "", ".env", "GATE_API_KEY=" + k + "\nGATE_API_SECRET=" + s + "\n"})
	return ls
}

type jsonReportOut struct {
	Findings []struct {
		RuleID       string `json:"rule_id"`
		Exchange     string `json:"exchange"`
		Severity     string `json:"severity"`
		Notes        []string
		Verification *struct {
			Status      string           `json:"status"`
			Permissions map[string]*bool `json:"permissions"`
			Detail      string           `json:"detail"`
		} `json:"verification"`
	} `json:"findings"`
}

// TestVerifyEndToEnd runs the real command with --verify against a fake of
// each exchange that checks every request as the exchange would.
func TestVerifyEndToEnd(t *testing.T) {
	t.Parallel()
	for _, l := range leaks(t) {
		t.Run(l.exchange, func(t *testing.T) {
			for _, tc := range []struct {
				scenario exchangetest.Scenario
				severity string
				status   string
				revoked  bool // the exchange does not know the key
			}{
				{exchangetest.LiveWithdraw, "critical", "live", false},
				{exchangetest.LiveReadOnlyIP, "medium", "live", false},
				{exchangetest.LiveWithdraw, "low", "invalid", true},
			} {
				dir := t.TempDir()
				if err := os.WriteFile(filepath.Join(dir, l.file), []byte(l.content), 0o600); err != nil {
					t.Fatal(err)
				}
				var accounts []exchangetest.Account
				if !tc.revoked {
					accounts = append(accounts, exchangetest.Account{Key: l.key, Secret: strings.ReplaceAll(l.secret, `\n`, "\n"), Passphrase: l.pwd, Scenario: tc.scenario})
				}
				srv := exchangetest.New(t, l.exchange, accounts...)
				code, out, errOut := runCLI(t, "dir", dir, "--format", "json", "--verify", "--verify-endpoint", l.exchange+"="+srv.URL)
				if code != 1 {
					t.Fatalf("exit %d: %s", code, errOut)
				}
				if !strings.Contains(errOut, l.exchange+" credentials go to "+srv.URL) {
					t.Errorf("the endpoint override is not reported: %q", errOut)
				}
				for _, s := range []string{l.key, l.secret, l.pwd} {
					if s != "" && strings.Contains(out+errOut, s) {
						t.Errorf("output holds a credential part")
					}
				}
				var rep jsonReportOut
				if err := json.Unmarshal([]byte(out), &rep); err != nil {
					t.Fatal(err)
				}
				found := false
				for _, f := range rep.Findings {
					if f.Exchange != l.exchange || !strings.HasSuffix(f.RuleID, "-api-secret") {
						continue
					}
					found = true
					v := f.Verification
					wantStatus, wantSev := tc.status, tc.severity
					switch {
					case tc.revoked && l.exchange == "binance":
						// -2015 also means "wrong IP": Binance cannot say.
						wantStatus, wantSev = "unknown", "critical"
					case l.exchange == "gateio" && !tc.revoked:
						wantSev = "critical" // Gate says nothing about rights: the scanner's rating stays
					}
					if v == nil || v.Status != wantStatus {
						t.Fatalf("verification %+v, want %s", v, wantStatus)
					}
					for _, k := range []string{"withdrawals", "trading", "ip_restricted", "read_only"} {
						if _, ok := v.Permissions[k]; !ok {
							t.Errorf("permissions lack %q", k)
						}
					}
					if f.Severity != wantSev {
						t.Errorf("severity %s, want %s (%s)", f.Severity, wantSev, v.Detail)
					}
					if wantStatus == "live" && wantSev == "critical" && l.exchange != "gateio" && !strings.Contains(v.Detail, "anyone holding this key can withdraw funds") {
						t.Errorf("detail %q lacks the withdrawal warning", v.Detail)
					}
				}
				if !found {
					t.Fatalf("no %s secret finding in %s", l.exchange, out)
				}
				if srv.Hits() == 0 {
					t.Error("the fake exchange was never asked")
				}
			}
		})
	}
}

// TestVerifyTextReport checks that the text report lists a verified
// critical key first, with the exchange's steps.
func TestVerifyTextReport(t *testing.T) {
	t.Parallel()
	l := leaks(t)[0]
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("nothing here\n"), 0o600)
	os.WriteFile(filepath.Join(dir, l.file), []byte(l.content), 0o600)
	srv := exchangetest.New(t, l.exchange, exchangetest.Account{Key: l.key, Secret: l.secret, Scenario: exchangetest.LiveWithdraw})
	code, out, errOut := runCLI(t, "dir", dir, "--verify", "--verify-endpoint", "binance="+srv.URL)
	if code != 1 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	flat := strings.Join(strings.Fields(out), " ")
	if !strings.HasPrefix(out, "VERIFIED LIVE") || !strings.Contains(flat, "→ binance.com → Account → API Management → Edit restrictions: untick \"Enable Withdrawals\"") {
		t.Errorf("text report does not open with the verified key and its steps:\n%s", out)
	}
	if !strings.Contains(out, "checked LIVE — withdraw: yes, trade: yes, IP whitelist: no") {
		t.Errorf("text report does not say the verification in words:\n%s", out)
	}
}

// failingTransport fails the test if anything reaches the network.
type failingTransport struct {
	t     *testing.T
	calls *int
}

func (f failingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	*f.calls++
	return nil, fmt.Errorf("network disabled in this test (request to %s)", r.URL.Host)
}

// TestNoNetworkWithoutVerify replaces the default transport, which the
// command uses, with one that counts calls: without --verify there are
// none; with --verify and no endpoint override there are (so the check
// can fail). It swaps a global, so it must not run beside parallel tests
// that verify against fake exchanges (it runs before them: Go starts the
// parallel tests once every sequential one has finished).
func TestNoNetworkWithoutVerify(t *testing.T) {
	calls := 0
	saved := http.DefaultTransport
	http.DefaultTransport = failingTransport{t, &calls}
	t.Cleanup(func() { http.DefaultTransport = saved })
	l := leaks(t)[0]
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, l.file), []byte(l.content), 0o600)

	for _, format := range []string{"text", "json", "sarif"} {
		code, out, errOut := runCLI(t, "dir", dir, "--format", format)
		if code != 1 || calls != 0 {
			t.Fatalf("%s: exit %d, %d network call(s) without --verify: %s", format, code, calls, errOut)
		}
		if format != "text" && !strings.Contains(out, `"status": "not-checked"`) && !strings.Contains(out, `"status":"not-checked"`) {
			t.Errorf("%s: verification not reported as not-checked", format)
		}
	}
	if code, _, errOut := runCLI(t, "dir", dir, "--verify-endpoint", "binance=http://127.0.0.1:1"); code != 2 || !strings.Contains(errOut, "needs --verify") {
		t.Errorf("--verify-endpoint without --verify: exit %d %q", code, errOut)
	}
	code, out, _ := runCLI(t, "dir", dir, "--verify", "--format", "json")
	if code != 1 || calls != 1 {
		t.Errorf("with --verify: exit %d, %d call(s), want 1", code, calls)
	}
	if !strings.Contains(out, `"status": "unknown"`) {
		t.Errorf("a network failure is not reported as unknown")
	}
}

// TestVerifyNotOfferedByHooks: the pre-commit and pre-push scans never
// verify.
func TestVerifyNotOfferedByHooks(t *testing.T) {
	t.Parallel()
	for _, cmd := range []string{"staged", "pre-push"} {
		code, _, errOut := runCLI(t, cmd, "--verify")
		if code != 2 || !strings.Contains(errOut, "unknown flag: --verify") {
			t.Errorf("%s --verify: exit %d %q", cmd, code, errOut)
		}
	}
}

// TestVerifyGitHistory: a key committed and later deleted is still
// verified once, from history, and an invalid one drops to low.
func TestVerifyGitHistory(t *testing.T) {
	t.Parallel()
	dir := gitRepo(t)
	ls := leaks(t)
	live, revoked := ls[1], ls[4] // Bybit live, Kraken unknown to its fake
	os.WriteFile(filepath.Join(dir, live.file), []byte(live.content), 0o644)
	os.WriteFile(filepath.Join(dir, revoked.file), []byte(revoked.content), 0o644)
	gitIn(t, dir, "add", ".")
	gitIn(t, dir, "commit", "-q", "-m", "add bot config")
	gitIn(t, dir, "rm", "-q", live.file)
	gitIn(t, dir, "commit", "-q", "-m", "remove config")

	bybit := exchangetest.New(t, "bybit", exchangetest.Account{Key: live.key, Secret: live.secret, Scenario: exchangetest.LiveWithdraw})
	kraken := exchangetest.New(t, "kraken")
	code, out, errOut := runCLI(t, "git", dir, "--format", "json", "--verify",
		"--verify-endpoint", "bybit="+bybit.URL, "--verify-endpoint", "kraken="+kraken.URL)
	if code != 1 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep jsonReportOut
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range rep.Findings {
		if strings.HasSuffix(f.RuleID, "-api-secret") {
			got[f.Exchange] = f.Verification.Status + "/" + f.Severity
		}
	}
	if got["bybit"] != "live/critical" || got["kraken"] != "invalid/low" {
		t.Errorf("verifications %v, want bybit live/critical and kraken invalid/low", got)
	}
	if bybit.Hits() != 1 || kraken.Hits() != 1 {
		t.Errorf("requests: bybit %d, kraken %d; want one each", bybit.Hits(), kraken.Hits())
	}
}
