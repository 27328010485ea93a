package detectors_test

import (
	"encoding/base64"
	"encoding/hex"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/keyward/scan/internal/engine"
)

// Real keys are random, so every filter must let through all of a format's
// random values, not only the ones in our examples: stand-in words ("TODO"
// inside a base64 secret), entropy judged on the wrong alphabet (a UUID's
// dashes, a bg_ prefix) and masked-value checks each once dropped about one
// real key in 1,000–10,000. The end-to-end tests that draw fresh keys each
// run failed on them now and then; this test draws many, from a fixed seed,
// as the exchanges issue them and as people write them.
func TestRandomPairsOfEachFormatAreFound(t *testing.T) {
	if testing.Short() {
		t.Skip("scans 14,000 files")
	}
	eng := defaultEngine(t)
	r := rand.New(rand.NewPCG(2026, 12))
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	from := func(alphabet string, n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		return string(b)
	}
	bytesOf := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		return b
	}
	hexOf := func(n int) string { return hex.EncodeToString(bytesOf(n / 2)) }
	uuid := func() string {
		h := hexOf(32)
		return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
	}
	formats := []struct {
		exchange string
		file     func() (path, text string)
	}{
		{"binance", func() (string, string) {
			return ".env", "BINANCE_API_KEY=" + from(alnum, 64) + "\nBINANCE_API_SECRET=" + from(alnum, 64) + "\n"
		}},
		{"bybit", func() (string, string) {
			return "bot.py", "session = HTTP(\n    testnet=False,\n    api_key=\"" + from(alnum, 18) + "\",\n    api_secret=\"" + from(alnum, 36) + "\",\n)  # bybit\n"
		}},
		{"okx", func() (string, string) {
			return "exchange.py", "exchange = ccxt.okx({\n    'apiKey': '" + uuid() + "',\n    'secret': '" + strings.ToUpper(hexOf(32)) + "',\n    'password': 'Tr4d1ngB0t!',\n})\n"
		}},
		{"kraken", func() (string, string) {
			return ".env", "KRAKEN_API_KEY=" + from(alnum+"+/", 56) + "\nKRAKEN_PRIVATE_KEY=" + base64.StdEncoding.EncodeToString(bytesOf(64)) + "\n"
		}},
		{"kucoin", func() (string, string) {
			return ".env", "KUCOIN_API_KEY=\"" + hexOf(24) + "\"\nKUCOIN_API_SECRET=\"" + uuid() + "\"\nKUCOIN_PASSPHRASE=m00n-b0t\n"
		}},
		{"bitget", func() (string, string) {
			return ".env", "BITGET_API_KEY=bg_" + hexOf(32) + "\nBITGET_SECRET_KEY=" + hexOf(64) + "\nBITGET_PASSPHRASE=gr1dRunner\n"
		}},
		{"gateio", func() (string, string) {
			return "config.yaml", "gate:\n  api_key: " + hexOf(32) + "\n  api_secret: " + hexOf(64) + "\n"
		}},
	}
	for _, f := range formats {
		missed := 0
		for i := 0; i < 2000; i++ {
			path, text := f.file()
			found := false
			for _, fd := range eng.Scan(engine.Chunk{Path: path, Data: []byte(text), Line: 1, Column: 1}) {
				if fd.Exchange != f.exchange || !strings.HasSuffix(fd.RuleID, "-api-secret") {
					continue
				}
				for _, p := range fd.Parts {
					found = found || p.Part == "api-key"
				}
			}
			if !found {
				missed++
				if missed <= 3 {
					t.Errorf("%s: the pair was not found together in\n%s", f.exchange, text)
				}
			}
		}
		if missed > 0 {
			t.Errorf("%s: %d of 2000 random pairs missed", f.exchange, missed)
		}
	}
}
