package engine

import (
	"regexp/syntax"
	"strconv"
	"strings"
	"testing"

	"github.com/keyward/scan/detectors"
)

// Patterns compile on first use, but a rule set that cannot work is still
// refused when the engine is built, before anything is scanned.
func TestNewRefusesBadPatternsBeforeScanning(t *testing.T) {
	for _, tc := range []struct {
		name, pattern, want string
	}{
		{"does not parse", `(?P<secret>acme_[a-z`, "error parsing regexp"},
		{"no secret group", `acme_[a-z0-9]{32}`, "no (?P<secret>...) group"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New([]detectors.Rule{{ID: "acme-key", Keywords: []string{"acme"}, Pattern: tc.pattern}}, Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New = %v, want an error saying %q", err, tc.want)
			}
		})
	}
	e, err := New([]detectors.Rule{{ID: "acme-key", Keywords: []string{"acme"}, Pattern: `acme_(?P<secret>[a-z0-9]{32})`}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	fs := e.Scan(Chunk{Path: "a.env", Data: []byte("ACME=acme_" + strings.Repeat("q7", 16) + "\n"), Line: 1, Column: 1})
	if len(fs) != 1 || fs[0].Secret != strings.Repeat("q7", 16) {
		t.Fatalf("findings = %+v, want the one acme key", fs)
	}
}

// A window is given to a pattern only if it holds the literals every match
// contains; anything else the pattern may match without must not count.
func TestRequiredLiteralsAreNecessary(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		want    string
	}{
		{`\b[a-z]+://(?P<user>[^:@]+):(?P<secret>[^@]+)@[a-z.]+`, `"://" ":" "@"`},
		{`(?i)token_(?P<secret>[a-z0-9]{32})`, ``},
		{`(?:AKIA|ASIA)(?P<secret>[A-Z0-9]{16})`, `"A"`},
		{`(?:ghp_|gho_)?(?P<secret>[a-z]{8})x?`, ``},
		{`(?:key=)+(?P<secret>[a-z]{8})(?:@host){2,}`, `"key=" "@host"`},
		{`(?P<secret>x|y)-(?i:z)`, `"-"`},
	} {
		parsed, err := syntax.Parse(tc.pattern, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, l := range requiredLiterals(parsed, nil) {
			got = append(got, strconv.Quote(string(l)))
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("%s: required %s, want %s", tc.pattern, strings.Join(got, " "), tc.want)
		}
	}
}
