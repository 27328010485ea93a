package allow

import (
	"testing"

	"github.com/keyward/scan/detectors"
)

func TestAllowed(t *testing.T) {
	const tok = "ghp_R8sL2nV5qW9xK3mT7yB4cF6hJ1dG0pZ2aN5e"
	tests := []struct {
		name, before, line string
		rule               string
		want               bool
	}{
		{"no marker", "", "token = " + tok, "github-pat", false},
		{"shell comment", "", "export TOKEN=" + tok + " # keyward:allow", "github-pat", true},
		{"C comment before the value", "", "/* keyward:allow */ const t = \"" + tok + "\";", "github-pat", true},
		{"HTML comment", "", "<meta token=\"" + tok + "\"> <!-- keyward:allow -->", "github-pat", true},
		{"SQL comment", "", "INSERT INTO t VALUES ('" + tok + "'); -- keyward:allow", "github-pat", true},
		{"commentary after the marker", "", tok + " // keyward:allow test fixture", "github-pat", true},
		{"this rule", "", tok + " # keyward:allow github-pat", "github-pat", true},
		{"one of a list", "", tok + " # keyward:allow slack-webhook, github-pat", "github-pat", true},
		{"another rule only", "", tok + " # keyward:allow slack-webhook", "github-pat", false},
		{"next line", "# keyward:allow-next-line", "token: " + tok, "github-pat", true},
		{"next line, this rule", "// keyward:allow-next-line github-pat", "token: " + tok, "github-pat", true},
		{"next line, another rule", "// keyward:allow-next-line aws-secret-access-key", "token: " + tok, "github-pat", false},
		{"next-line marker on the secret's own line", "", "token: " + tok + " # keyward:allow-next-line", "github-pat", false},
		{"same-line marker on the line above", "x = 1 # keyward:allow", "token: " + tok, "github-pat", false},
		{"marker inside a longer word", "", tok + " # keyward:allowance", "github-pat", false},
		{"gitleaks", "", "aws_secret = \"" + tok + "\" # gitleaks:allow", "github-pat", true},
		{"detect-secrets", "", "password = '" + tok + "'  # pragma: allowlist secret", "github-pat", true},
		{"detect-secrets next line", "# pragma: allowlist nextline secret", "password = '" + tok + "'", "github-pat", true},
		{"upper case", "", tok + " # KEYWARD:ALLOW", "github-pat", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := detectors.Finding{RuleID: tt.rule, Secret: tok, Line: tt.line, LineBefore: tt.before}
			why, got := Allowed(&f)
			if got != tt.want {
				t.Errorf("Allowed = %v (%q), want %v", got, why, tt.want)
			}
			if got && why == "" {
				t.Error("an allowed finding needs a reason")
			}
		})
	}
}
