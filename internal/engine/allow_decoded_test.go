package engine

import (
	"testing"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/allow"
)

// Only an allow comment in the file as written suppresses: one inside
// encoded text is part of the value, written by whoever wrote the secret
// and invisible to a reviewer.
func TestAllowCommentOnlyAsWritten(t *testing.T) {
	e, err := New(detectors.Default(), Options{Allow: allow.Allowed})
	if err != nil {
		t.Fatal(err)
	}
	tok := "ghp_" + "Zq8Lp2Rk7XvA9mN3bC5dF1gH4jK6wE0tY2uI"
	tests := []struct {
		name, text string
		want       int
	}{
		{"marker inside base64", "CONFIG=" + b64("GITHUB_TOKEN="+tok+" # keyward:allow") + "\n", 1},
		{"marker on the line above, inside base64", "CONFIG=" + b64("# keyward:allow-next-line\nGITHUB_TOKEN="+tok+"\n") + "\n", 1},
		{"marker beside the encoded value", "CONFIG=" + b64("GITHUB_TOKEN="+tok) + " # keyward:allow\n", 0},
		{"marker above the encoded value", "# keyward:allow-next-line\nCONFIG=" + b64("GITHUB_TOKEN="+tok) + "\n", 0},
	}
	for _, tt := range tests {
		fs := e.Scan(Chunk{Path: "app.env", Data: []byte(tt.text), Line: 1, Column: 1})
		if len(fs) != tt.want {
			t.Errorf("%s: %d findings, want %d: %+v", tt.name, len(fs), tt.want, fs)
		}
	}
}
