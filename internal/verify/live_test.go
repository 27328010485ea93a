//go:build verifylive

package verify

// TestLive asks a real exchange about a real key. It needs the network and
// a key the tester owns, so it is behind the verifylive build tag and never
// runs in `go test ./...` or CI:
//
//	KEYWARD_VERIFY_LIVE='bybit KEY SECRET [PASSPHRASE]' \
//	    go test -tags verifylive -run TestLive ./internal/verify
//
// Use a read-only key: the request is read-only, but the key is yours.

import (
	"context"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/keyward/scan/detectors"
)

func TestLive(t *testing.T) {
	fields := strings.Fields(os.Getenv("KEYWARD_VERIFY_LIVE"))
	if len(fields) < 3 {
		t.Skip("set KEYWARD_VERIFY_LIVE='EXCHANGE KEY SECRET [PASSPHRASE]'")
	}
	f := detectors.Finding{RuleID: fields[0] + "-api-secret", Exchange: fields[0], Service: fields[0], Part: detectors.PartSecret, Secret: fields[2], Severity: detectors.Critical,
		Parts: []detectors.Part{{Part: detectors.PartKey, Secret: fields[1]}}}
	if len(fields) > 3 {
		f.Parts = append(f.Parts, detectors.Part{Part: detectors.PartPassphrase, Secret: fields[3]})
	}
	c, err := New(Options{Client: &http.Client{Transport: http.DefaultTransport}})
	if err != nil {
		t.Fatal(err)
	}
	v := c.Verify(context.Background(), f)
	t.Logf("%s: %+v", v.Status, v.Permissions)
	t.Logf("detail: %s", v.Detail)
	if !v.Live() {
		t.Errorf("status %s, want a live key", v.Status)
	}
	for _, s := range fields[1:] {
		if strings.Contains(v.Detail, s) {
			t.Error("the detail holds a credential")
		}
	}
}
