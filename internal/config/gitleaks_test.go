package config

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/keyward/scan/detectors"
)

const gitleaksConfigText = `title = "acme gitleaks config"

[extend]
useDefault = true
disabledRules = ["generic-api-key"]

[[rules]]
id = "acme_internal_token"
description = "ACME internal token"
regex = '''(?i)acme[_-]token\s*[:=]\s*['"]?([a-z0-9]{32})['"]?'''
keywords = ["acme"]
entropy = 3.5
tags = ["internal"]

  [[rules.allowlists]]
  regexTarget = "line"
  regexes = ['''#\s*test-only''']

[[rules]]
id = "acme-webhook"
description = "ACME webhook"
regex = '''https://hooks\.acme\.io/(?P<id>[A-Z0-9]{8})/(?P<tok>[a-zA-Z0-9]{24})'''
secretGroup = 2
keywords = ["hooks.acme.io"]
path = '''\.ya?ml$'''

[[rules]]
id = "lookahead"
regex = '''acme(?=_)[a-z]+'''

[[rules]]
id = "bad-group"
regex = '''acme_([a-z]+)'''
secretGroup = 3

[allowlist]
description = "global"
paths = ['''(^|/)vendor/''', '''go\.sum$''']
stopwords = ["example"]
commits = ["0123abcd"]

[[allowlists]]
condition = "AND"
paths = ['''docs/''']
regexes = ['''sample''']

[[allowlists]]
targetRules = ["acme-webhook"]
regexTarget = "match"
regexes = ['''hooks\.acme\.io/TESTTEST/''']

[unknownTable]
x = 1
`

func TestImportGitleaks(t *testing.T) {
	imp, err := ImportGitleaks(".gitleaks.toml", []byte(gitleaksConfigText), builtin())
	if err != nil {
		t.Fatal(err)
	}
	c, err := Parse("converted", imp.TOML, builtin())
	if err != nil {
		t.Fatalf("the converted config does not load: %v\n%s", err, imp.TOML)
	}
	if imp.Rules != 2 || len(c.Rules) != 2 {
		t.Fatalf("converted %d rules, want 2:\n%s", imp.Rules, imp.TOML)
	}
	byID := map[string]*regexp.Regexp{}
	for _, r := range c.Rules {
		byID[r.ID] = regexp.MustCompile(r.Pattern)
	}
	tok := byID["acme-internal-token"]
	if tok == nil {
		t.Fatalf("rules %v: want acme-internal-token", byID)
	}
	m := tok.FindStringSubmatch(`ACME_TOKEN = "` + strings.Repeat("a1", 16) + `"`)
	if m == nil || m[tok.SubexpIndex("secret")] != strings.Repeat("a1", 16) {
		t.Errorf("the first group must become the secret: %q", tok)
	}
	hook := byID["acme-webhook"]
	m = hook.FindStringSubmatch("https://hooks.acme.io/ABCD1234/" + strings.Repeat("xY", 12))
	if hook == nil || m == nil || m[hook.SubexpIndex("secret")] != strings.Repeat("xY", 12) {
		t.Errorf("secretGroup 2 must become the secret: %v", hook)
	}

	// Allowlists: the rule's own (line regex), the global one (path
	// regexes, stopwords), the match-target one scoped to its rule; the
	// AND one is not converted.
	if len(c.Allowlists) != 3 {
		t.Fatalf("%d allowlists, want 3:\n%s", len(c.Allowlists), imp.TOML)
	}
	if a := c.Allowlists[0]; len(a.Rules) != 1 || a.Rules[0] != "acme-internal-token" || len(a.Lines) != 1 {
		t.Errorf("rule allowlist = %+v", a)
	}
	if a := c.Allowlists[1]; len(a.PathRegexes) != 2 || a.Stopwords[0] != "example" || len(a.Rules) != 0 {
		t.Errorf("global allowlist = %+v", a)
	}
	if a := c.Allowlists[2]; len(a.Rules) != 1 || a.Rules[0] != "acme-webhook" || len(a.Lines) != 1 {
		t.Errorf("targeted allowlist = %+v", a)
	}

	skipped := strings.Join(imp.Skipped, "\n")
	for _, want := range []string{
		`disabledRules [generic-api-key]`,
		`rule "lookahead": regex does not compile in Go`,
		`rule "bad-group": secretGroup 3, but the regex has 1 groups`,
		`allowlist 1: commits [0123abcd]`,
		`allowlist 2: condition AND`,
		`regexTarget "match"`,
		`unknownTable: unknown to this importer`,
	} {
		if !strings.Contains(skipped, want) {
			t.Errorf("skipped list lacks %q:\n%s", want, skipped)
		}
	}
	if !strings.Contains(string(imp.TOML), "# Not converted:") {
		t.Errorf("the converted file does not list what was skipped")
	}
	// gitleaks' entropy (bits) and path conditions are kept, and applied:
	// a finding outside the path, or below the entropy, is dropped.
	for _, want := range []string{"entropy-bits = 3.5", `path = '\.ya?ml$'`} {
		if !strings.Contains(string(imp.TOML), want) {
			t.Errorf("the converted file lacks %q:\n%s", want, imp.TOML)
		}
	}
	for _, tt := range []struct {
		rule, path, secret string
		dropped            bool
	}{
		{"acme-webhook", "deploy/hooks.yaml", "Zq8Lp2Rk7XvA9mN3bC5dF1gH", false},
		{"acme-webhook", "src/hooks.go", "Zq8Lp2Rk7XvA9mN3bC5dF1gH", true},
		{"acme-internal-token", "a.env", "k3x9w2m7qp4zr8t1y6u0v5b2n7c4a9s3", false},
		{"acme-internal-token", "a.env", "aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbb", true},
	} {
		f := detectors.Finding{RuleID: tt.rule, Location: detectors.Location{Path: tt.path}, Secret: tt.secret, Line: tt.secret}
		if why, dropped := c.Allowed(&f); dropped != tt.dropped {
			t.Errorf("%s at %s, %s: dropped = %v (%s), want %v", tt.rule, tt.path, tt.secret, dropped, why, tt.dropped)
		}
	}
}

func TestSecretGroupRegex(t *testing.T) {
	tests := []struct {
		re   string
		n    int
		want string
	}{
		{`AKIA[0-9A-Z]{16}`, 0, `(?P<secret>AKIA[0-9A-Z]{16})`},
		{`key=([a-z]+)`, 0, `key=(?P<secret>[a-z]+)`},
		{`(?:a|b)=(x)(y)`, 2, `(?:a|b)=(x)(?P<secret>y)`},
		{`[(]=\((z)`, 1, `[(]=\((?P<secret>z)`},
		{`(?P<name>v)`, 1, `(?P<secret>v)`},
	}
	for _, tt := range tests {
		got, err := secretGroupRegex(tt.re, tt.n)
		if err != nil || got != tt.want {
			t.Errorf("secretGroupRegex(%q, %d) = %q, %v; want %q", tt.re, tt.n, got, err, tt.want)
		}
	}
}

// One bad regex skips its rule or allowlist, with a line saying why; the
// rest of the config is still converted.
func TestImportGitleaksSkipsBadRegexes(t *testing.T) {
	text := `[[rules]]
id = "good-token"
regex = '''good_([a-z0-9]{24})'''
keywords = ["good_"]

[[rules]]
id = "huge-literal"
regex = '''(` + strings.Repeat("abcdefgh", 1024) + `)'''

[[rules]]
id = "huge-program"
regex = '''(` + strings.Repeat("[a-z]{1,1000}", 10) + `)'''

[[rules]]
id = "perl-only"
regex = '''(?<=key=)([a-z]{24})'''

[[allowlists]]
regexes = ['''` + strings.Repeat("x", 5000) + `''']

[[allowlists]]
stopwords = ["fixture", " "]
`
	imp, err := ImportGitleaks("big.toml", []byte(text), nil)
	if err != nil {
		t.Fatal(err)
	}
	if imp.Rules != 1 || imp.Allowlists != 0 {
		t.Errorf("converted %d rules and %d allowlists, want 1 and 0", imp.Rules, imp.Allowlists)
	}
	want := []string{`rule "huge-literal"`, "characters long", `rule "huge-program"`, "instructions", `rule "perl-only"`, "allowlist 1", "allowlist 2: an empty stopword"}
	all := strings.Join(imp.Skipped, "\n")
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("no skipped line says %q:\n%s", w, all)
		}
	}
}

// gitleaks' own default config (v8.30.0, MIT-licensed config data) imports
// with its entropy and path conditions: nothing about them is skipped.
func TestImportGitleaksDefaultConfig(t *testing.T) {
	data, err := os.ReadFile("testdata/gitleaks-v8.30.0.toml")
	if err != nil {
		t.Fatal(err)
	}
	imp, err := ImportGitleaks("gitleaks.toml", data, detectors.Default())
	if err != nil {
		t.Fatal(err)
	}
	c, err := Parse("converted", imp.TOML, detectors.Default())
	if err != nil {
		t.Fatal(err)
	}
	withBits, withPath := 0, 0
	for _, cond := range c.conditions {
		if cond.bits > 0 {
			withBits++
		}
		if cond.path != nil {
			withPath++
		}
	}
	if imp.Rules < 200 || withBits < 120 || withPath < 4 {
		t.Errorf("%d rules, %d with entropy, %d with a path; want at least 200, 120, 4", imp.Rules, withBits, withPath)
	}
	for _, s := range imp.Skipped {
		if strings.Contains(s, "entropy") || strings.Contains(s, "path filter") {
			t.Errorf("skipped: %s", s)
		}
	}
}
