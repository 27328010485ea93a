package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/regularfile"
)

// acmeKey is a fake value for the custom rule, built at run time.
var acmeKey = "acme_live_" + "q7Xv2LpR9sKd4TmW8zYb3NcF6hJ1gE5a"

const goodConfig = `# Settings for keyward scan
[scan]
max-file-size = "2MiB"
exclude = ["vendor/**", "**/*.min.js"]
min-severity = "medium"

[rules]
disable = ["slack-webhook"]
severity = { "github-token" = "critical" }

[[rule]]
id = "acme-api-key"
title = "ACME API key"
service = "acme"
severity = "high"
regex = '''\b(?P<secret>acme_live_[A-Za-z0-9]{32})\b'''
keywords = ["acme_live_"]
entropy = 0.5
examples = ["ACME_KEY=ACME_VALUE"]
negatives = ["ACME_KEY=acme_live_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"]

[[allowlist]]
description = "test fixtures"
paths = ["**/testdata/**"]
stopwords = ["sandbox"]

[[allowlist]]
path-regexes = ['''(^|/)generated/.*\.go$''']

[[allowlist]]
rules = ["github-token"]
lines = ['''ci-only-token''']
secrets = ['''^ghp_0+$''']
`

func builtin() []detectors.Rule {
	return []detectors.Rule{
		{ID: "github-token", Severity: detectors.High},
		{ID: "slack-webhook", Severity: detectors.Medium},
		{ID: "aws-secret-access-key", Severity: detectors.Critical},
	}
}

func parse(t *testing.T, text string) (*Config, error) {
	t.Helper()
	text = strings.ReplaceAll(text, "ACME_VALUE", acmeKey)
	return Parse("repo/.keyward.toml", []byte(text), builtin())
}

func TestParseAndApply(t *testing.T) {
	c, err := parse(t, goodConfig)
	if err != nil {
		t.Fatal(err)
	}
	if c.Scan.MaxFileSize != "2MiB" || len(c.Scan.Exclude) != 2 || c.Scan.MinSeverity != detectors.Medium {
		t.Errorf("scan defaults = %+v", c.Scan)
	}
	rules := c.Apply(builtin())
	ids := map[string]detectors.Severity{}
	for _, r := range rules {
		ids[r.ID] = r.Severity
	}
	if _, ok := ids["slack-webhook"]; ok {
		t.Error("disabled rule still runs")
	}
	if ids["github-token"] != detectors.Critical || ids["acme-api-key"] != detectors.High || ids["aws-secret-access-key"] != detectors.Critical {
		t.Errorf("rules after config: %v", ids)
	}

	enabled, err := parse(t, "[rules]\nenable = [\"aws-secret-access-key\"]\n")
	if err != nil {
		t.Fatal(err)
	}
	if got := enabled.Apply(builtin()); len(got) != 1 || got[0].ID != "aws-secret-access-key" {
		t.Errorf("enable: got %v", got)
	}
}

func TestAllowlists(t *testing.T) {
	c, err := parse(t, goodConfig)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		f    detectors.Finding
		want bool
	}{
		{"fixture path", detectors.Finding{RuleID: "aws-secret-access-key", Location: detectors.Location{Path: "pkg/x/testdata/creds.env"}, Secret: "abc"}, true},
		{"stopword in the secret", detectors.Finding{RuleID: "aws-secret-access-key", Location: detectors.Location{Path: "a.env"}, Secret: "SANDBOX-k3y-value"}, true},
		{"line regex, its rule", detectors.Finding{RuleID: "github-token", Location: detectors.Location{Path: "ci.yml"}, Secret: "ghp_x", Line: "token: ghp_x # ci-only-token"}, true},
		{"line regex, other rule", detectors.Finding{RuleID: "aws-secret-access-key", Location: detectors.Location{Path: "ci.yml"}, Secret: "wJal", Line: "k: wJal # ci-only-token"}, false},
		{"path regex", detectors.Finding{RuleID: "aws-secret-access-key", Location: detectors.Location{Path: "internal/generated/keys.go"}, Secret: "abc"}, true},
		{"secret regex", detectors.Finding{RuleID: "github-token", Location: detectors.Location{Path: "a"}, Secret: "ghp_0000"}, true},
		{"nothing matches", detectors.Finding{RuleID: "github-token", Location: detectors.Location{Path: "src/main.go"}, Secret: "ghp_R8sL2n", Line: "t := ghp_R8sL2n"}, false},
	}
	for _, tt := range tests {
		why, got := c.Allowed(&tt.f)
		if got != tt.want {
			t.Errorf("%s: Allowed = %v (%s), want %v", tt.name, got, why, tt.want)
		}
		if got && !strings.Contains(why, "repo/.keyward.toml") {
			t.Errorf("%s: reason %q does not name the config", tt.name, why)
		}
	}
}

func TestConfigErrorsNameFileAndLine(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"syntax", "[scan\n", "repo/.keyward.toml:1:"},
		{"unknown top-level key", "[scan]\nexclude = []\n\n[sacn]\nx = 1\n", "repo/.keyward.toml:4: unknown key \"sacn\""},
		{"unknown rule key", "[[rule]]\nid = \"a-b\"\nregexp = \"x\"\n", "repo/.keyward.toml:3: unknown key \"rule.regexp\""},
		{"bad severity", "[rules]\n\nseverity = { \"github-token\" = \"urgent\" }\n", "repo/.keyward.toml:3: rules.severity.github-token: unknown severity"},
		{"unknown disabled rule", "[rules]\ndisable = [\"no-such-rule\"]\n", "repo/.keyward.toml:2: rules.disable: no built-in rule \"no-such-rule\""},
		{"bad glob", "[scan]\nexclude = [\"[\"]\n", "repo/.keyward.toml:2: scan.exclude: bad glob"},
		{"invalid regex", "[[rule]]\nid = \"acme-api-key\"\nkeywords = [\"acme\"]\nregex = '''(?P<secret>acme_[a-z'''\nexamples = [\"x\"]\n", "repo/.keyward.toml:4: rule \"acme-api-key\": regex: error parsing regexp"},
		{"no secret group", "[[rule]]\nid = \"acme-api-key\"\nregex = 'acme_[a-z]+'\n", "repo/.keyward.toml:3: rule \"acme-api-key\": regex needs a named group"},
		{"example not found", strings.Replace(goodConfig, `examples = ["ACME_KEY=ACME_VALUE"]`, `examples = ["ACME_KEY=ACME_VALUE", "ACME_KEY=acme_test_123"]`, 1), "repo/.keyward.toml:19: rule \"acme-api-key\": example 2 is not found"},
		{"negative found", strings.Replace(goodConfig, `negatives = ["ACME_KEY=acme_live_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"]`, `negatives = ["ACME_KEY=ACME_VALUE"]`, 1), "repo/.keyward.toml:20: rule \"acme-api-key\": negative example 1 is found"},
		{"taken id", strings.Replace(goodConfig, `id = "acme-api-key"`, `id = "github-token"`, 1), "repo/.keyward.toml:12: rule \"github-token\": id \"github-token\" is already taken"},
		{"bad allowlist regex", "[[allowlist]]\npaths = [\"a\"]\n\nlines = ['(']\n", "repo/.keyward.toml:4: allowlist 1: lines: error parsing regexp"},
		{"empty allowlist", "[[allowlist]]\ndescription = \"nothing\"\n", "repo/.keyward.toml:1: allowlist 1: an allowlist needs"},
		// A regex in a file anyone may commit must not make every scan crawl:
		// a megabyte literal costs its length at every byte scanned.
		{"huge literal regex", "[[rule]]\nid = \"big\"\nregex = '''(?P<secret>" + strings.Repeat("abcdefgh", 1<<17) + ")'''\n", "repo/.keyward.toml:3: rule \"big\": regex: 1048588 characters long; the limit is 4096"},
		{"huge program", "[[rule]]\nid = \"big\"\nregex = '''(?P<secret>" + strings.Repeat("[a-z]{1,1000}", 10) + ")'''\n", "repo/.keyward.toml:3: rule \"big\": regex: compiles to"},
		{"huge allowlist regex", "[[allowlist]]\nlines = ['" + strings.Repeat("x", 5000) + "']\n", "repo/.keyward.toml:2: allowlist 1: lines: 5000 characters long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse(t, tt.text)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("err = %v\nwant prefix %q", err, tt.want)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	p := filepath.Join(t.TempDir(), FileName)
	os.WriteFile(p, []byte("[scan]\nexclude = [\"dist/**\"]\n"), 0o644)
	c, err := Load(p, builtin())
	if err != nil || c.Path != p || c.Scan.Exclude[0] != "dist/**" {
		t.Errorf("Load = %+v, %v", c, err)
	}
	if _, err := Load(filepath.Join(t.TempDir(), FileName), nil); err == nil {
		t.Error("a missing file must be an error")
	}
}

// A config is found by name in the scanned tree, so a FIFO or device there
// must be refused at once, not read (which would block the scan forever).
func TestLoadRefusesFIFO(t *testing.T) {
	p := filepath.Join(t.TempDir(), FileName)
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Skip(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := Load(p, builtin())
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, regularfile.ErrNotRegular) {
			t.Errorf("Load(FIFO) = %v, want ErrNotRegular", err)
		}
	case <-time.After(30 * time.Second):
		os.WriteFile(p, nil, 0) // open the FIFO's write end to free the reader
		t.Fatal("Load blocked on a FIFO")
	}
}
