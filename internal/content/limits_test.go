package content

import (
	"strings"
	"testing"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/engine"
)

// A rule that stops at its match cap in a file leaves the file partly
// unchecked: the scan names the rule and is incomplete, never a clean pass.
func TestMatchCapMakesScanIncomplete(t *testing.T) {
	e, err := engine.New([]detectors.Rule{{
		ID: "every-letter", Title: "x", Severity: detectors.Low, Service: "x",
		Pattern: `(?P<secret>[a-z])`, KeepPlaceholders: true,
	}}, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := New(e, Options{})
	data := []byte(strings.Repeat("abcdefghij\n", 3<<20/11))
	_, st := scanBytes(t, s, "letters.txt", data)
	if !st.Incomplete || len(st.Warnings) != 1 || !strings.Contains(st.Warnings[0].Message, "every-letter") {
		t.Fatalf("incomplete = %v, warnings = %+v; want one naming every-letter", st.Incomplete, st.Warnings)
	}
}
