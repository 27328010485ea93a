package engine

import (
	"slices"
	"testing"

	"github.com/keyward/scan/detectors"
)

// A value turned down only for its context (here a 64-character value
// under a label that names no credential, beside the exchange's name) may
// still be a key: a finding on the same line carries it in Conceal so
// that reports redact it.
func TestRejectedValuesAreConcealed(t *testing.T) {
	e, err := New(detectors.Default(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	ref := "Q7mVx2Lp9RtY4nKd8sFh3JwZ6cBg1aXeUo5iTyMr0qNlPkHvSjDbCfGzWuEoAaQ1"
	token := "ghp_" + "R8bmXJ1yPq0Tz4WcV6nKdE2sLhA9uF3oGi7N"
	data := "binance: order_ref=" + ref + " token " + token + "\nbinance: next_ref=" + ref[1:] + "x\n"
	fs := e.Scan(Chunk{Path: "notes.txt", Data: []byte(data), Line: 1, Column: 1})
	if len(fs) != 1 || fs[0].RuleID != "github-token" {
		t.Fatalf("findings %+v, want the GitHub token alone", fs)
	}
	if !slices.Equal(fs[0].Conceal, []string{ref}) {
		t.Errorf("Conceal = %q, want the rejected value on the finding's line only", fs[0].Conceal)
	}
}
