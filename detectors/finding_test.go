package detectors

import (
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"LIix6MEOLeMa61EqJomTEI1JEzO3joOj", "LIix…"},
		{"bot6PmlkO!", "bot6…"},
		{"abcdefgh", "ab…"},
		{"abc", "…"},
		{"", "…"},
		{"ключ-секрет-значение", "ключ…"},
	}
	for _, tt := range tests {
		if got := Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRedactedLineHidesEveryPart(t *testing.T) {
	f := Finding{
		Secret: "SECRETVALUE123456",
		Line:   `client = Client("KEYVALUE98765432", "SECRETVALUE123456")`,
		Parts:  []Part{{Secret: "KEYVALUE98765432"}},
	}
	got := f.RedactedLine()
	if strings.Contains(got, "SECRETVALUE123456") || strings.Contains(got, "KEYVALUE98765432") {
		t.Errorf("RedactedLine leaks: %s", got)
	}
	pem := Finding{Secret: "-----BEGIN RSA PRIVATE KEY-----\nMIIEow...", Line: `key = "-----BEGIN RSA PRIVATE KEY-----`}
	if strings.Contains(pem.RedactedLine(), "BEGIN RSA PRIVATE KEY") {
		t.Errorf("multi-line secret's first line leaks: %s", pem.RedactedLine())
	}
}
