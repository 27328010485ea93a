// Package config reads .keyward.toml, a repository's scanner settings:
// which rules run and how severe they are, custom rules, allowlists, and
// defaults for the scan flags.
//
// A config file is code review material: every mistake in it is an error
// naming the file and line (an unknown key, a regular expression that
// does not compile, a custom rule whose own examples it does not find),
// never a silently ignored setting that lets a leak through.
//
// Custom rules are data only, like the built-in table: a regular
// expression with a "secret" group, keywords, an entropy floor, context
// words and examples. Validators (checksums, key derivations) stay in Go.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"sort"
	"strings"
	"sync"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/engine"
	"github.com/keyward/scan/internal/entropy"
	"github.com/keyward/scan/internal/regularfile"
)

// FileName is the config's name at a scanned root.
const FileName = ".keyward.toml"

// Config is a parsed, validated config file.
type Config struct {
	// Path is where the config was read from, for messages.
	Path string
	Scan Scan
	// Disable lists built-in rules that do not run. Enable, if not empty,
	// lists the only built-in rules that run. Custom rules always run.
	Disable []string
	Enable  []string
	// Severity overrides built-in rules' severities.
	Severity map[string]detectors.Severity
	// Rules are the custom rules.
	Rules      []detectors.Rule
	Allowlists []Allowlist
	// conditions are custom rules' entropy-bits and path, by rule id.
	conditions map[string]ruleCondition
}

// ruleCondition drops a custom rule's finding outside its path or below
// its entropy in bits, as gitleaks does.
type ruleCondition struct {
	path *regexp.Regexp
	bits float64
}

// Scan holds defaults for the scan flags; a flag given on the command line
// wins.
type Scan struct {
	MaxFileSize string
	Exclude     []string
	MinSeverity detectors.Severity
}

// Allowlist drops findings that match any of its conditions. With Rules
// set, it applies to those rules only.
type Allowlist struct {
	Description string
	Rules       []string
	// Paths are doublestar globs on the finding's slash-separated path;
	// PathRegexes are regular expressions on it (as gitleaks writes them).
	Paths       []string
	PathRegexes []*regexp.Regexp
	// Secrets and Lines are matched against the secret and the line it
	// stands on.
	Secrets []*regexp.Regexp
	Lines   []*regexp.Regexp
	// Stopwords allow a secret that contains one of them, ignoring case.
	Stopwords []string
}

// The file's shape. Keys are kebab-case, as in Cargo.toml and pyproject.
type rawConfig struct {
	Scan      rawScan        `toml:"scan,omitempty"`
	Rules     rawRules       `toml:"rules,omitempty"`
	Rule      []rawRule      `toml:"rule,omitempty"`
	Allowlist []rawAllowlist `toml:"allowlist,omitempty"`
}

type rawScan struct {
	MaxFileSize string   `toml:"max-file-size,omitempty"`
	Exclude     []string `toml:"exclude,omitempty"`
	MinSeverity string   `toml:"min-severity,omitempty"`
}

type rawRules struct {
	Disable  []string          `toml:"disable,omitempty"`
	Enable   []string          `toml:"enable,omitempty"`
	Severity map[string]string `toml:"severity,omitempty"`
}

type rawRule struct {
	ID       string   `toml:"id,omitempty"`
	Title    string   `toml:"title,omitempty"`
	Service  string   `toml:"service,omitempty"`
	Severity string   `toml:"severity,omitempty"`
	Regex    string   `toml:"regex,omitempty"`
	Keywords []string `toml:"keywords,omitempty"`
	Context  []string `toml:"context,omitempty"`
	Entropy  float64  `toml:"entropy,omitempty"`
	// EntropyBits and Path are gitleaks' rule conditions, kept so that an
	// imported rule finds what gitleaks finds: Shannon entropy of the
	// secret in bits per character, and a regex the file's path must match.
	EntropyBits float64  `toml:"entropy-bits,omitempty"`
	Path        string   `toml:"path,omitempty"`
	Advice      string   `toml:"advice,omitempty"`
	Examples    []string `toml:"examples,omitempty"`
	Negatives   []string `toml:"negatives,omitempty"`
}

type rawAllowlist struct {
	Description string   `toml:"description,omitempty"`
	Rules       []string `toml:"rules,omitempty"`
	Paths       []string `toml:"paths,omitempty"`
	PathRegexes []string `toml:"path-regexes,omitempty"`
	Secrets     []string `toml:"secrets,omitempty"`
	Lines       []string `toml:"lines,omitempty"`
	Stopwords   []string `toml:"stopwords,omitempty"`
}

// maxFileSize bounds a config file: it is read whole, and it sits in the
// scanned tree, where anyone may have put a huge file or a FIFO by that name.
const maxFileSize = 16 << 20

// Load reads and validates the config at path. known lists the ids of the
// built-in rules, which rule settings may name. What is not a regular file
// of at most 16 MiB is an error.
func Load(path string, known []detectors.Rule) (*Config, error) {
	data, err := regularfile.ReadFile(path, maxFileSize)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return Parse(path, data, known)
}

// Parse validates a config read from name (a path, or "REV:.keyward.toml"
// for one read from git).
func Parse(name string, data []byte, known []detectors.Rule) (*Config, error) {
	var raw rawConfig
	dec := toml.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return nil, decodeError(name, err)
	}
	lines := keyLines(data)
	// lineOf finds the line of a key, or of the nearest enclosing key
	// when it stands in an inline table.
	lineOf := func(key string) int {
		for ; key != ""; key = key[:max(strings.LastIndexByte(key, '.'), 0)] {
			if n, ok := lines[key]; ok {
				return n
			}
		}
		return 0
	}
	at := func(key string) error { return fileError{name, lineOf(key)} }

	c := &Config{Path: name, Severity: map[string]detectors.Severity{}}
	builtin := map[string]bool{}
	for _, r := range known {
		builtin[r.ID] = true
	}

	c.Scan.MaxFileSize = raw.Scan.MaxFileSize
	for _, g := range raw.Scan.Exclude {
		if !doublestar.ValidatePattern(g) {
			return nil, fmt.Errorf("%w: scan.exclude: bad glob %q", at("scan.exclude"), g)
		}
	}
	c.Scan.Exclude = raw.Scan.Exclude
	if raw.Scan.MinSeverity != "" {
		s, err := detectors.ParseSeverity(raw.Scan.MinSeverity)
		if err != nil {
			return nil, fmt.Errorf("%w: scan.min-severity: %v", at("scan.min-severity"), err)
		}
		c.Scan.MinSeverity = s
	}

	for _, list := range []struct {
		key string
		ids []string
	}{{"rules.disable", raw.Rules.Disable}, {"rules.enable", raw.Rules.Enable}} {
		for _, id := range list.ids {
			if !builtin[id] {
				return nil, fmt.Errorf("%w: %s: no built-in rule %q (scan rules lists them)", at(list.key), list.key, id)
			}
		}
	}
	c.Disable, c.Enable = raw.Rules.Disable, raw.Rules.Enable
	for id, name := range raw.Rules.Severity {
		key := "rules.severity." + id
		if !builtin[id] {
			return nil, fmt.Errorf("%w: rules.severity: no built-in rule %q", at(key), id)
		}
		s, err := detectors.ParseSeverity(name)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", at(key), key, err)
		}
		c.Severity[id] = s
	}

	seen := map[string]bool{}
	for i, rr := range raw.Rule {
		prefix := fmt.Sprintf("rule.%d", i)
		r, key, err := customRule(rr)
		if err == nil && (builtin[r.ID] || seen[r.ID]) {
			key, err = "id", fmt.Errorf("id %q is already taken", r.ID)
		}
		if err != nil {
			return nil, fmt.Errorf("%w: rule %q: %v", at(prefix+"."+key), rr.ID, err)
		}
		seen[r.ID] = true
		c.Rules = append(c.Rules, r)
		var cond ruleCondition
		if rr.Path != "" {
			if cond.path, err = compileBounded(rr.Path); err != nil {
				return nil, fmt.Errorf("%w: rule %q: path: %v", at(prefix+".path"), rr.ID, err)
			}
		}
		if rr.EntropyBits < 0 || rr.EntropyBits > 8 {
			return nil, fmt.Errorf("%w: rule %q: entropy-bits is Shannon entropy per character, from 0 to 8; got %g", at(prefix+".entropy-bits"), rr.ID, rr.EntropyBits)
		}
		cond.bits = rr.EntropyBits
		if cond.path != nil || cond.bits > 0 {
			if c.conditions == nil {
				c.conditions = map[string]ruleCondition{}
			}
			c.conditions[r.ID] = cond
		}
	}

	for i, ra := range raw.Allowlist {
		prefix := fmt.Sprintf("allowlist.%d", i)
		a, key, err := allowlist(ra, func(id string) bool { return builtin[id] || seen[id] })
		if err != nil {
			return nil, fmt.Errorf("%w: allowlist %d: %v", at(prefix+"."+key), i+1, err)
		}
		c.Allowlists = append(c.Allowlists, a)
	}
	return c, nil
}

// fileError is the "file:line" an error message starts with.
type fileError struct {
	name string
	line int
}

func (e fileError) Error() string {
	if e.line > 0 {
		return fmt.Sprintf("%s:%d", e.name, e.line)
	}
	return e.name
}

func decodeError(name string, err error) error {
	var strict *toml.StrictMissingError
	if errors.As(err, &strict) && len(strict.Errors) > 0 {
		var msgs []string
		for i := range strict.Errors {
			e := &strict.Errors[i]
			row, _ := e.Position()
			msgs = append(msgs, fmt.Sprintf("%s:%d: unknown key %q", name, row, strings.Join(e.Key(), ".")))
		}
		return errors.New(strings.Join(msgs, "\n"))
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		row, col := de.Position()
		return fmt.Errorf("%s:%d:%d: %s", name, row, col, de.Error())
	}
	return fmt.Errorf("%s: %w", name, err)
}

// customRule turns a [[rule]] table into a rule, and checks that it finds
// each of its examples and none of its negatives. Examples are optional
// (rules imported from gitleaks have none), but a rule without them is
// checked only for compiling. On error it names the key at fault.
func customRule(rr rawRule) (detectors.Rule, string, error) {
	r := detectors.Rule{
		ID:           rr.ID,
		Title:        rr.Title,
		Service:      rr.Service,
		Pattern:      rr.Regex,
		Keywords:     rr.Keywords,
		LineKeywords: rr.Context,
		Entropy:      rr.Entropy,
		Advice:       rr.Advice,
		Examples:     rr.Examples,
		Negatives:    rr.Negatives,
		// Around a keyword, look at its line and the two either side:
		// enough for "key:" on one line and the value on the next.
		WindowBefore: 2,
		WindowAfter:  2,
	}
	if !validID().MatchString(rr.ID) {
		return r, "id", fmt.Errorf("id must be lowercase words joined by hyphens, like acme-api-key")
	}
	if r.Title == "" {
		r.Title = rr.ID
	}
	r.Severity = detectors.High
	if rr.Severity != "" {
		s, err := detectors.ParseSeverity(rr.Severity)
		if err != nil {
			return r, "severity", err
		}
		r.Severity = s
	}
	if rr.Entropy < 0 || rr.Entropy > 1 {
		return r, "entropy", fmt.Errorf("entropy is a ratio to random text, from 0 to 1; got %g", rr.Entropy)
	}
	re, err := compileBounded(rr.Regex)
	if err != nil {
		return r, "regex", fmt.Errorf("regex: %v", err)
	}
	if re.SubexpIndex("secret") < 0 {
		return r, "regex", fmt.Errorf(`regex needs a named group (?P<secret>…) around the value`)
	}
	if re.MatchString("") {
		return r, "regex", fmt.Errorf("regex matches empty text")
	}
	eng, err := engine.New([]detectors.Rule{r}, engine.Options{})
	if err != nil {
		return r, "regex", err
	}
	for i, ex := range rr.Examples {
		if !finds(eng, r.ID, ex) {
			return r, "examples", fmt.Errorf("example %d is not found: check the regex, keywords, context words and entropy (placeholder-looking values are dropped)", i+1)
		}
	}
	for i, neg := range rr.Negatives {
		if finds(eng, r.ID, neg) {
			return r, "negatives", fmt.Errorf("negative example %d is found", i+1)
		}
	}
	return r, "", nil
}

// A config sits in the scanned tree, where anyone may write it: its
// regular expressions are bounded so that one cannot make every scan crawl
// (a 1 MB literal costs its length at every byte of every file). gitleaks'
// largest default rule is 744 characters and 1972 instructions.
const (
	maxRegexLen   = 4096
	maxRegexInsts = 8192
)

// compileBounded compiles a config's regular expression within
// maxRegexLen and maxRegexInsts, saying which bound it passes.
func compileBounded(src string) (*regexp.Regexp, error) {
	if len(src) > maxRegexLen {
		return nil, fmt.Errorf("%d characters long; the limit is %d", len(src), maxRegexLen)
	}
	parsed, err := syntax.Parse(src, syntax.Perl)
	if err != nil {
		return nil, err
	}
	prog, err := syntax.Compile(parsed.Simplify())
	if err != nil {
		return nil, err
	}
	if len(prog.Inst) > maxRegexInsts {
		return nil, fmt.Errorf("compiles to %d instructions; the limit is %d (narrow its repetitions)", len(prog.Inst), maxRegexInsts)
	}
	return regexp.Compile(src)
}

var validID = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`) })

func finds(eng *engine.Engine, id, text string) bool {
	for _, f := range eng.Scan(engine.Chunk{Path: "example", Data: []byte(text), Line: 1, Column: 1}) {
		if f.RuleID == id {
			return true
		}
	}
	return false
}

func allowlist(ra rawAllowlist, isRule func(string) bool) (Allowlist, string, error) {
	a := Allowlist{Description: ra.Description, Rules: ra.Rules, Paths: ra.Paths, Stopwords: ra.Stopwords}
	for _, id := range ra.Rules {
		if !isRule(id) {
			return a, "rules", fmt.Errorf("no rule %q", id)
		}
	}
	for _, g := range ra.Paths {
		if !doublestar.ValidatePattern(g) {
			return a, "paths", fmt.Errorf("bad glob %q", g)
		}
	}
	for _, list := range []struct {
		key string
		src []string
		dst *[]*regexp.Regexp
	}{{"secrets", ra.Secrets, &a.Secrets}, {"lines", ra.Lines, &a.Lines}, {"path-regexes", ra.PathRegexes, &a.PathRegexes}} {
		for _, s := range list.src {
			re, err := compileBounded(s)
			if err != nil {
				return a, list.key, fmt.Errorf("%s: %v", list.key, err)
			}
			*list.dst = append(*list.dst, re)
		}
	}
	for i, w := range a.Stopwords {
		if strings.TrimSpace(w) == "" {
			return a, "stopwords", fmt.Errorf("empty stopword")
		}
		a.Stopwords[i] = strings.ToLower(w)
	}
	if len(a.Paths)+len(a.PathRegexes)+len(a.Secrets)+len(a.Lines)+len(a.Stopwords) == 0 {
		return a, "", fmt.Errorf("an allowlist needs paths, path-regexes, secrets, lines or stopwords")
	}
	return a, "", nil
}

// keyLines maps each key of the document to the line it is on: "scan.exclude",
// "rule.2.regex" for the third [[rule]] table's regex, "rule.2" for its header.
func keyLines(data []byte) map[string]int {
	out := map[string]int{}
	var p unstable.Parser
	p.Reset(data)
	counts := map[string]int{}
	table := ""
	for p.NextExpression() {
		e := p.Expression()
		key, line := nodeKey(&p, e)
		switch e.Kind {
		case unstable.Table:
			table = key
		case unstable.ArrayTable:
			table = fmt.Sprintf("%s.%d", key, counts[key])
			counts[key]++
			key = table
		case unstable.KeyValue:
			if table != "" {
				key = table + "." + key
			}
		default:
			continue
		}
		out[key] = line
	}
	return out
}

func nodeKey(p *unstable.Parser, e *unstable.Node) (string, int) {
	var parts []string
	line := 0
	it := e.Key()
	for it.Next() {
		n := it.Node()
		if line == 0 {
			line = p.Shape(n.Raw).Start.Line
		}
		parts = append(parts, string(n.Data))
	}
	return strings.Join(parts, "."), line
}

// Apply returns the rules a scan runs: the built-in ones minus those
// disabled (or not enabled), with severities overridden, plus the custom
// rules, sorted by id.
func (c *Config) Apply(builtin []detectors.Rule) []detectors.Rule {
	if c == nil {
		return builtin
	}
	off := map[string]bool{}
	for _, id := range c.Disable {
		off[id] = true
	}
	only := map[string]bool{}
	for _, id := range c.Enable {
		only[id] = true
	}
	var out []detectors.Rule
	for _, r := range builtin {
		if off[r.ID] || (len(only) > 0 && !only[r.ID]) {
			continue
		}
		if s, ok := c.Severity[r.ID]; ok {
			r.Severity = s
		}
		out = append(out, r)
	}
	out = append(out, c.Rules...)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Allowed reports whether an allowlist drops the finding, and why.
func (c *Config) Allowed(f *detectors.Finding) (string, bool) {
	if c == nil {
		return "", false
	}
	if cond, ok := c.conditions[f.RuleID]; ok {
		if cond.path != nil && !cond.path.MatchString(f.Path) {
			return fmt.Sprintf("path does not match the rule's path %s (%s)", cond.path, c.Path), true
		}
		if bits := entropy.Shannon(f.Secret); bits < cond.bits {
			return fmt.Sprintf("entropy %.2f bits below the rule's %g (%s)", bits, cond.bits, c.Path), true
		}
	}
	for i := range c.Allowlists {
		if why, ok := c.Allowlists[i].allows(f); ok {
			name := c.Allowlists[i].Description
			if name == "" {
				name = fmt.Sprintf("allowlist %d", i+1)
			}
			return fmt.Sprintf("%s (%s in %s)", why, name, c.Path), true
		}
	}
	return "", false
}

func (a *Allowlist) allows(f *detectors.Finding) (string, bool) {
	if len(a.Rules) > 0 {
		in := false
		for _, id := range a.Rules {
			in = in || id == f.RuleID
		}
		if !in {
			return "", false
		}
	}
	for _, g := range a.Paths {
		if ok, _ := doublestar.Match(g, f.Path); ok {
			return "path matches " + g, true
		}
	}
	for _, re := range a.PathRegexes {
		if re.MatchString(f.Path) {
			return "path matches " + re.String(), true
		}
	}
	for _, re := range a.Secrets {
		if re.MatchString(f.Secret) {
			return "secret matches " + re.String(), true
		}
	}
	for _, re := range a.Lines {
		if re.MatchString(f.Line) {
			return "line matches " + re.String(), true
		}
	}
	lower := strings.ToLower(f.Secret)
	for _, w := range a.Stopwords {
		if strings.Contains(lower, w) {
			return "stopword " + w, true
		}
	}
	return "", false
}

// Narrowing says, one line each, what the config turns off compared with a
// default scan: built-in rules not run, lowered severities, excluded
// paths, the severity floor and allowlists. A clean result under such a
// config is clean only for what was left on, and reports must say so.
func (c *Config) Narrowing(builtin []detectors.Rule) []string {
	if c == nil {
		return nil
	}
	var out []string
	if len(c.Enable) > 0 {
		out = append(out, fmt.Sprintf("rules.enable: only %d of %d built-in rules run (%s); every other rule is off", len(c.Enable), len(builtin), listOf(c.Enable)))
	}
	if len(c.Disable) > 0 {
		out = append(out, fmt.Sprintf("rules.disable: %d built-in rule(s) off (%s)", len(c.Disable), listOf(c.Disable)))
	}
	var lowered []string
	for _, r := range builtin {
		if s, ok := c.Severity[r.ID]; ok && s < r.Severity {
			lowered = append(lowered, fmt.Sprintf("%s %s→%s", r.ID, r.Severity, s))
		}
	}
	sort.Strings(lowered)
	if len(lowered) > 0 {
		out = append(out, fmt.Sprintf("rules.severity: %d rule(s) lowered (%s)", len(lowered), listOf(lowered)))
	}
	if len(c.Scan.Exclude) > 0 {
		out = append(out, fmt.Sprintf("scan.exclude: paths not scanned: %s", listOf(c.Scan.Exclude)))
	}
	if c.Scan.MinSeverity != detectors.SeverityUnset {
		out = append(out, fmt.Sprintf("scan.min-severity: findings below %s are not reported", c.Scan.MinSeverity))
	}
	for i, a := range c.Allowlists {
		name := a.Description
		if name == "" {
			name = fmt.Sprintf("allowlist %d", i+1)
		}
		var what []string
		for _, l := range []struct {
			n    int
			word string
		}{{len(a.Paths) + len(a.PathRegexes), "path pattern(s)"}, {len(a.Secrets), "secret regex(es)"}, {len(a.Lines), "line regex(es)"}, {len(a.Stopwords), "stopword(s)"}} {
			if l.n > 0 {
				what = append(what, fmt.Sprintf("%d %s", l.n, l.word))
			}
		}
		scope := "every rule"
		if len(a.Rules) > 0 {
			scope = listOf(a.Rules)
		}
		out = append(out, fmt.Sprintf("allowlist %q drops findings of %s matching %s", name, scope, strings.Join(what, ", ")))
	}
	return out
}

// listOf joins up to eight items, saying how many more there are.
func listOf(items []string) string {
	const shown = 8
	if len(items) <= shown {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:shown], ", "), len(items)-shown)
}
