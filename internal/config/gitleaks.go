package config

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"

	"github.com/pelletier/go-toml/v2"

	"github.com/keyward/scan/detectors"
)

// The parts of a gitleaks v8 config that can be converted, or must be
// named when they cannot.
type gitleaksConfig struct {
	Title  string `toml:"title"`
	Extend struct {
		Path          string   `toml:"path"`
		URL           string   `toml:"url"`
		UseDefault    bool     `toml:"useDefault"`
		DisabledRules []string `toml:"disabledRules"`
	} `toml:"extend"`
	Rules      []gitleaksRule      `toml:"rules"`
	Allowlist  *gitleaksAllowlist  `toml:"allowlist"`
	Allowlists []gitleaksAllowlist `toml:"allowlists"`
}

type gitleaksRule struct {
	ID          string              `toml:"id"`
	Description string              `toml:"description"`
	Regex       string              `toml:"regex"`
	SecretGroup int                 `toml:"secretGroup"`
	Entropy     float64             `toml:"entropy"`
	Keywords    []string            `toml:"keywords"`
	Path        string              `toml:"path"`
	Tags        []string            `toml:"tags"`
	Allowlist   *gitleaksAllowlist  `toml:"allowlist"`
	Allowlists  []gitleaksAllowlist `toml:"allowlists"`
}

type gitleaksAllowlist struct {
	Description string   `toml:"description"`
	Condition   string   `toml:"condition"`
	Commits     []string `toml:"commits"`
	Paths       []string `toml:"paths"`
	RegexTarget string   `toml:"regexTarget"`
	Regexes     []string `toml:"regexes"`
	Stopwords   []string `toml:"stopwords"`
	TargetRules []string `toml:"targetRules"`
}

// Import is a gitleaks config converted to .keyward.toml.
type Import struct {
	// TOML is the converted config, which Parse accepts.
	TOML []byte
	// Rules and Allowlists count what was converted.
	Rules, Allowlists int
	// Skipped says, one line each, what could not be converted and why.
	Skipped []string
}

// ImportGitleaks converts a gitleaks config: its rules become custom rules
// and its allowlists allowlists. What has no equivalent (commit
// allowlists, AND conditions, rule path filters, entropy in bits, an
// extended base config) is listed in Skipped rather than approximated in
// a way that would hide more than the gitleaks config did.
func ImportGitleaks(name string, data []byte, builtin []detectors.Rule) (*Import, error) {
	var gl gitleaksConfig
	if err := toml.NewDecoder(bytes.NewReader(data)).Decode(&gl); err != nil {
		return nil, decodeError(name, err)
	}
	imp := &Import{}
	skip := func(format string, args ...any) { imp.Skipped = append(imp.Skipped, fmt.Sprintf(format, args...)) }

	// Keys this importer does not know are listed, not dropped silently.
	strict := toml.NewDecoder(bytes.NewReader(data))
	strict.DisallowUnknownFields()
	var missing *toml.StrictMissingError
	if err := strict.Decode(&gitleaksConfig{}); errors.As(err, &missing) {
		for i := range missing.Errors {
			row, _ := missing.Errors[i].Position()
			skip("line %d: %s: unknown to this importer", row, strings.Join(missing.Errors[i].Key(), "."))
		}
	}
	if gl.Extend.Path != "" || gl.Extend.URL != "" {
		skip("[extend] path/url: convert the extended config on its own")
	}
	if len(gl.Extend.DisabledRules) > 0 {
		skip("[extend] disabledRules %v: gitleaks' rule ids are not keyward's; use [rules] disable with ids from scan rules", gl.Extend.DisabledRules)
	}

	var out rawConfig
	taken := map[string]bool{}
	for _, r := range builtin {
		taken[r.ID] = true
	}
	for i, gr := range gl.Rules {
		id := keywardID(gr.ID)
		if id == "" {
			id = fmt.Sprintf("gitleaks-rule-%d", i+1)
		}
		if taken[id] {
			id = "gitleaks-" + id
		}
		label := fmt.Sprintf("rule %q", gr.ID)
		if gr.Regex == "" {
			skip("%s: no regex (path-only rules have no keyward equivalent)", label)
			continue
		}
		pattern, err := secretGroupRegex(gr.Regex, gr.SecretGroup)
		if err != nil {
			skip("%s: %v", label, err)
			continue
		}
		rr := rawRule{ID: id, Title: gr.Description, Regex: pattern, Keywords: gr.Keywords, Severity: "high", Path: gr.Path, EntropyBits: gr.Entropy}
		if gr.Path != "" {
			if _, err := compileBounded(gr.Path); err != nil {
				skip("%s: path %.80q: %v", label, gr.Path, err)
				continue
			}
		}
		if gr.Entropy < 0 || gr.Entropy > 8 {
			skip("%s: entropy %g is not a Shannon entropy per character (0 to 8)", label, gr.Entropy)
			continue
		}
		if _, key, err := customRule(rr); err != nil {
			skip("%s: %s: %v", label, key, err)
			continue
		}
		taken[id] = true
		out.Rule = append(out.Rule, rr)
		lists := gr.Allowlists
		if gr.Allowlist != nil {
			lists = append([]gitleaksAllowlist{*gr.Allowlist}, lists...)
		}
		for j, ga := range lists {
			if ra, ok := convertAllowlist(ga, fmt.Sprintf("%s allowlist %d", label, j+1), skip); ok {
				ra.Rules = []string{id}
				out.Allowlist = append(out.Allowlist, ra)
			}
		}
		imp.Rules++
	}
	global := gl.Allowlists
	if gl.Allowlist != nil {
		global = append([]gitleaksAllowlist{*gl.Allowlist}, global...)
	}
	for j, ga := range global {
		label := fmt.Sprintf("allowlist %d", j+1)
		ra, ok := convertAllowlist(ga, label, skip)
		if !ok {
			continue
		}
		for _, target := range ga.TargetRules {
			id := keywardID(target)
			if taken["gitleaks-"+id] {
				id = "gitleaks-" + id
			}
			if !taken[id] {
				skip("%s: targetRules %q is not a converted rule; the allowlist applies to every rule", label, target)
				ra.Rules = nil
				break
			}
			ra.Rules = append(ra.Rules, id)
		}
		out.Allowlist = append(out.Allowlist, ra)
	}
	imp.Allowlists = len(out.Allowlist)

	body, err := toml.Marshal(out)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Converted from %s by scan config import-gitleaks.\n", name)
	if gl.Title != "" {
		fmt.Fprintf(&b, "# gitleaks title: %s\n", oneLine(gl.Title))
	}
	b.WriteString("# keyward's built-in rules stay on; add examples = [...] to each rule so it is checked when the file loads.\n")
	if len(imp.Skipped) > 0 {
		b.WriteString("#\n# Not converted:\n")
		for _, s := range imp.Skipped {
			fmt.Fprintf(&b, "#   %s\n", oneLine(s))
		}
	}
	b.WriteString("\n")
	b.Write(body)
	if !bytes.HasSuffix(body, []byte("\n")) {
		b.WriteByte('\n')
	}
	imp.TOML = b.Bytes()
	if _, err := Parse("converted config", imp.TOML, builtin); err != nil {
		return nil, fmt.Errorf("the converted config does not load: %w", err)
	}
	return imp, nil
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// convertAllowlist maps a gitleaks allowlist onto ours. gitleaks matches
// paths with regular expressions (path-regexes here) and its regexes
// against the secret by default, or the line with regexTarget = "line".
func convertAllowlist(ga gitleaksAllowlist, label string, skip func(string, ...any)) (rawAllowlist, bool) {
	ra := rawAllowlist{Description: ga.Description, PathRegexes: ga.Paths, Stopwords: ga.Stopwords}
	if strings.EqualFold(ga.Condition, "AND") {
		skip("%s: condition AND has no keyward equivalent (keyward allowlists match on any condition); not converted", label)
		return ra, false
	}
	if len(ga.Commits) > 0 {
		skip("%s: commits %v not converted: accept those findings with a baseline (scan baseline create)", label, ga.Commits)
	}
	switch strings.ToLower(ga.RegexTarget) {
	case "", "secret":
		ra.Secrets = ga.Regexes
	case "line":
		ra.Lines = ga.Regexes
	case "match":
		// The match holds the secret and its label; the line holds the
		// match, so a line regex allows at least what gitleaks did.
		ra.Lines = ga.Regexes
		skip("%s: regexTarget \"match\" converted to line regexes, which see the whole line", label)
	default:
		skip("%s: unknown regexTarget %q; regexes not converted", label, ga.RegexTarget)
	}
	for _, list := range [][]string{ra.PathRegexes, ra.Secrets, ra.Lines} {
		for _, re := range list {
			if _, err := compileBounded(re); err != nil {
				skip("%s: regex %.80q not converted: %v", label, re, err)
				return ra, false
			}
		}
	}
	for _, w := range ra.Stopwords {
		if strings.TrimSpace(w) == "" {
			skip("%s: an empty stopword would allow every finding; not converted", label)
			return ra, false
		}
	}
	if len(ra.PathRegexes)+len(ra.Secrets)+len(ra.Lines)+len(ra.Stopwords) == 0 {
		if len(ga.Commits) == 0 {
			skip("%s: empty", label)
		}
		return ra, false
	}
	return ra, true
}

var idChars = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[^a-z0-9]+`) })

// keywardID turns a gitleaks rule id into a keyward one: lowercase words
// joined by hyphens.
func keywardID(id string) string {
	return strings.Trim(idChars().ReplaceAllString(strings.ToLower(id), "-"), "-")
}

// secretGroupRegex rewrites a gitleaks regex so that its secret is the
// named group "secret": group n if set, else gitleaks' default (the first
// group when there is one, else the whole match).
func secretGroupRegex(re string, n int) (string, error) {
	parsed, err := syntax.Parse(re, syntax.Perl)
	if err != nil {
		return "", fmt.Errorf("regex does not compile in Go: %v", err)
	}
	groups := parsed.MaxCap()
	if n > groups {
		return "", fmt.Errorf("secretGroup %d, but the regex has %d groups", n, groups)
	}
	if n == 0 && groups > 0 {
		n = 1
	}
	names := regexp.MustCompile(re).SubexpNames()
	for i, name := range names {
		if name == "secret" && i != n {
			return "", fmt.Errorf(`a group other than the secret is named "secret"`)
		}
	}
	if n == 0 {
		return "(?P<secret>" + re + ")", nil
	}
	at := groupOpen(re, n)
	if at < 0 {
		return "", fmt.Errorf("cannot find group %d in the regex", n)
	}
	rest := re[at+1:]
	switch {
	case strings.HasPrefix(rest, "?P<"):
		rest = rest[strings.IndexByte(rest, '>')+1:]
	case strings.HasPrefix(rest, "?<"):
		rest = rest[strings.IndexByte(rest, '>')+1:]
	}
	out := re[:at] + "(?P<secret>" + rest
	if c, err := regexp.Compile(out); err != nil || c.SubexpIndex("secret") != n {
		return "", fmt.Errorf("cannot name group %d of the regex", n)
	}
	return out, nil
}

// groupOpen returns the offset of the '(' that opens capturing group n,
// skipping escapes, character classes and non-capturing groups.
func groupOpen(re string, n int) int {
	count := 0
	inClass := false
	for i := 0; i < len(re); i++ {
		switch c := re[i]; {
		case c == '\\':
			i++
		case inClass:
			if c == ']' {
				inClass = false
			}
		case c == '[':
			inClass = true
			// A ']' right after '[' or '[^' is a literal.
			if strings.HasPrefix(re[i+1:], "^]") {
				i += 2
			} else if strings.HasPrefix(re[i+1:], "]") {
				i++
			}
		case c == '(':
			rest := re[i+1:]
			if strings.HasPrefix(rest, "?") && !strings.HasPrefix(rest, "?P<") && !strings.HasPrefix(rest, "?<") {
				continue
			}
			count++
			if count == n {
				return i
			}
		}
	}
	return -1
}
