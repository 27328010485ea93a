package detectors

import (
	"strings"
	"testing"
)

// In code, most generic candidates are expressions. The unquoted-value
// check is the cheap one, so it comes before the label's regexp: an
// unquoted value under a tokenizer's name is turned down as an expression,
// and the same value quoted by the name.
func TestGenericTurnsDownExpressionsBeforeReadingTheLabel(t *testing.T) {
	tests := []struct {
		line, secret, reason string
	}{
		{"    token_type = self._exchange_token_type_value", "self._exchange_token_type_value", "unquoted value"},
		{"    token_type = \"Xk29Lq8Mv3Np7Rt5\"", "Xk29Lq8Mv3Np7Rt5", "the name says"},
	}
	for _, tt := range tests {
		v := validateGeneric(tt.secret, Candidate{Path: "connector/exchange/auth.py", Line: tt.line})
		if !v.Reject || !strings.HasPrefix(v.Reason, tt.reason) {
			t.Errorf("%q: verdict %+v, want rejected with %q", tt.line, v, tt.reason)
		}
	}
}
