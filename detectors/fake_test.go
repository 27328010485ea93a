package detectors

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"
)

// fakeBytes builds its message by hand; the bytes must stay those of the
// fmt-built message every example, fingerprint and test was made from.
func TestFakeBytesAreTheFormattedMessagesHashes(t *testing.T) {
	ref := func(label string, n int) []byte {
		var out []byte
		for i := 0; len(out) < n; i++ {
			h := sha256.Sum256(fmt.Appendf(nil, "keyward/scan wallet example %s %d", label, i))
			out = append(out, h[:]...)
		}
		return out[:n]
	}
	for _, label := range []string{"", "binance", "exchange kraken secret", strings.Repeat("long label ", 12), "ünïcode/3"} {
		for _, n := range []int{0, 1, 31, 32, 33, 64, 100, 320, 1000} {
			if got, want := fakeBytes(label, n), ref(label, n); !bytes.Equal(got, want) {
				t.Errorf("fakeBytes(%q, %d) = %x, want %x", label, n, got, want)
			}
		}
	}
}

// The advice is concatenated by hand; its words stay those of the
// formatted sentence reports and docs show.
func TestExchangeAdviceIsTheSentence(t *testing.T) {
	for _, tc := range []struct{ name, perms string }{{"Binance", "trade, withdraw"}, {"OKX", ""}, {"Gate.io", "read"}} {
		want := fmt.Sprintf("Revoke this %s API key now (API management in your %s account), then check the account's orders, withdrawals and address book. Create a new key with withdrawals disabled and an IP whitelist, give it only the permissions the bot needs, keep it in an environment variable or secrets manager — never in plain text or in git — and rotate it regularly.", tc.name, tc.name)
		if got := ExchangeAdvice(tc.name); got != want {
			t.Errorf("ExchangeAdvice(%q) = %q, want %q", tc.name, got, want)
		}
		if got, want := exchangeAdvice(tc.name, tc.perms), want+" What the leaked key could do: "+tc.perms+"."; got != want {
			t.Errorf("exchangeAdvice(%q, %q) = %q, want %q", tc.name, tc.perms, got, want)
		}
	}
}
