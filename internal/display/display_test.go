package display

import (
	"os/exec"
	"strings"
	"testing"
)

func TestText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain/path.env", "plain/path.env"},
		{"tab\tkept", "tab\tkept"},
		{"a\x1b[31mred\x1b[0m.env", `a\x1b[31mred\x1b[0m.env`},
		{"b\u202etxt.env", `b\u202etxt.env`},
		{"iso\u2066late\u2069", `iso\u2066late\u2069`},
		{"line\nbreak\r", `line\nbreak\r`},
		{"bad\xffbyte", `bad\xffbyte`},
		{"zero\u200bwidth", `zero\u200bwidth`},
		{"café ünïcødé", "café ünïcødé"},
	}
	for _, tt := range tests {
		if got := Text(tt.in); got != tt.want {
			t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// A quoted path, pasted into a shell, is exactly one word: the path.
func TestShellRoundTrips(t *testing.T) {
	sh, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	names := []string{
		"plain.env", "with space.env", "it's.env", "tab\there.env", "new\nline.env",
		"semi;rm -rf x.env", "$(id).env", "b\u202etxt.env", "a\x1b[31mred.env", "back\\slash.env", "bad\xffbyte.env",
	}
	for _, n := range names {
		q := Shell(n)
		if strings.ContainsAny(q, "\t\n\x1b\u202e") {
			t.Errorf("Shell(%q) = %q carries a raw control or bidi character", n, q)
		}
		out, err := exec.Command(sh, "-c", "printf %s "+q).Output()
		if err != nil || string(out) != n {
			t.Errorf("Shell(%q) = %s: bash reads %q (%v)", n, q, out, err)
		}
	}
}
