package fingerprint

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

func TestFingerprint(t *testing.T) {
	d := New([]byte("salt-a"), Reported)
	a := d.Of("binance-api-secret", "hunter2hunter2")
	if len(a) != 32 || strings.Trim(a, "0123456789abcdef") != "" {
		t.Fatalf("fingerprint %q: want 32 hex digits", a)
	}
	if again := New([]byte("salt-a"), Reported).Of("binance-api-secret", "hunter2hunter2"); again != a {
		t.Errorf("same salt, rule and secret gave %s then %s", a, again)
	}
	for name, other := range map[string]string{
		"other salt":   New([]byte("salt-b"), Reported).Of("binance-api-secret", "hunter2hunter2"),
		"other rule":   d.Of("bybit-api-secret", "hunter2hunter2"),
		"other secret": d.Of("binance-api-secret", "hunter2hunter3"),
		"other cost":   New([]byte("salt-a"), Stored).Of("binance-api-secret", "hunter2hunter2"),
	} {
		if other == a {
			t.Errorf("%s gave the same fingerprint", name)
		}
	}
	// The fingerprint must not be a plain hash anyone can recompute.
	sum := sha256.Sum256([]byte("binance-api-secret\x00hunter2hunter2"))
	if strings.HasPrefix(hex.EncodeToString(sum[:]), a) {
		t.Error("fingerprint is a plain sha256 of rule and secret")
	}
}

func TestAllKeepsOrder(t *testing.T) {
	d := New([]byte("s"), Reported)
	pairs := []Pair{{"r1", "aaaaaaaa"}, {"r2", "bbbbbbbb"}, {"r1", "aaaaaaaa"}, {"r1", "cccccccc"}}
	got := d.All(pairs)
	for i, p := range pairs {
		if got[i] != d.Of(p.Rule, p.Secret) {
			t.Errorf("All()[%d] does not match Of(%v)", i, p)
		}
	}
	if got[0] != got[2] || got[0] == got[3] {
		t.Errorf("equal pairs must match and distinct ones differ: %v", got)
	}
	if len(d.All(nil)) != 0 {
		t.Error("All(nil) must be empty")
	}
}
