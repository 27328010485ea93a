// Package allow honours the comments people write beside a value to say
// "this is not a leak": a fixture, a documented example, a value already
// revoked. The engine asks it about each finding (engine.Options.Allow),
// with the secret's line and the line above it as the finding carries
// them, so it knows nothing of comment syntax: a marker counts wherever it stands on the line
// (after #, //, --, ;, inside /* */ or <!-- -->, or in a string).
//
// Markers:
//
//	keyward:allow                     this line, any rule
//	keyward:allow RULE-ID[,RULE-ID]   this line, only these rules
//	keyward:allow-next-line [RULE-ID] the line below
//	gitleaks:allow                    this line (gitleaks)
//	pragma: allowlist secret          this line (detect-secrets)
//	pragma: allowlist nextline secret the line below (detect-secrets)
package allow

import (
	"regexp"
	"strings"
	"sync"

	"github.com/keyward/scan/detectors"
)

// marker is one suppression comment form.
type marker struct {
	text string
	// nextLine markers stand on the line above the secret.
	nextLine bool
	// rules says whether rule ids may follow the marker.
	rules bool
}

// Longer forms first: "keyward:allow-next-line" contains "keyward:allow".
var markers = []marker{
	{text: "keyward:allow-next-line", nextLine: true, rules: true},
	{text: "keyward:allow", rules: true},
	{text: "gitleaks:allow"},
	{text: "pragma: allowlist nextline secret", nextLine: true},
	{text: "pragma: allowlist secret"},
}

// ruleList matches the rule ids after a marker: lowercase words joined by
// hyphens, comma-separated. A word without a hyphen ("keyward:allow test
// fixture") is commentary, not a rule id, and the marker then covers every
// rule.
var ruleList = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[ \t]+([a-z0-9]+(?:[-_.][a-z0-9]+)+(?:[ \t]*,[ \t]*[a-z0-9]+(?:[-_.][a-z0-9]+)+)*)`)
})

// Allowed reports whether a comment allows the finding, and names the
// marker that did.
func Allowed(f *detectors.Finding) (reason string, ok bool) {
	if r, ok := match(f.Line, f.RuleID, false); ok {
		return r, true
	}
	return match(f.LineBefore, f.RuleID, true)
}

func match(line, rule string, nextLine bool) (string, bool) {
	if line == "" {
		return "", false
	}
	lower := strings.ToLower(line)
	for _, m := range markers {
		if m.nextLine != nextLine {
			continue
		}
		rest := lower
		for {
			i := strings.Index(rest, m.text)
			if i < 0 {
				break
			}
			rest = rest[i+len(m.text):]
			// "keyward:allow" must not match the start of
			// "keyward:allow-next-line" or of another word.
			if rest != "" && (isWordByte(rest[0]) || rest[0] == '-') && m.rules {
				continue
			}
			if !m.rules {
				return "allowed inline (" + m.text + ")", true
			}
			ids := ruleList().FindStringSubmatch(rest)
			if ids == nil {
				return "allowed inline (" + m.text + ")", true
			}
			for _, id := range strings.Split(ids[1], ",") {
				if strings.TrimSpace(id) == rule {
					return "allowed inline (" + m.text + " " + rule + ")", true
				}
			}
			// Allowed for other rules only: look for another marker.
		}
	}
	return "", false
}

func isWordByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z'
}
