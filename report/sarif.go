package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/keyward/scan/detectors"
)

const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	// fingerprintKey names the only partial fingerprint we emit. It hashes
	// (rule, secret), so an alert survives the secret moving to another line.
	fingerprintKey = "secretHash/v1"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	// Columns count characters, as detectors.Location does; SARIF's default
	// is UTF-16 code units, which would shift columns after any character
	// outside the Basic Multilingual Plane.
	ColumnKind string         `json:"columnKind"`
	Results    []sarifResult  `json:"results"`
	Properties map[string]any `json:"properties,omitempty"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Version        string      `json:"version,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string             `json:"id"`
	Name                 string             `json:"name"`
	ShortDescription     sarifText          `json:"shortDescription"`
	FullDescription      sarifText          `json:"fullDescription"`
	Help                 sarifText          `json:"help"`
	HelpURI              string             `json:"helpUri,omitempty"`
	DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
	Properties           sarifRuleProps     `json:"properties"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	Kind             string   `json:"kind"`
	Service          string   `json:"service,omitempty"`
	Tags             []string `json:"tags"`
	SecuritySeverity string   `json:"security-severity"`
	Precision        string   `json:"precision"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level      string                 `json:"level"`
	Message    sarifText              `json:"message"`
	Locations  []sarifLocation        `json:"locations,omitempty"`
	Properties *sarifNotificationProp `json:"properties,omitempty"`
}

type sarifNotificationProp struct {
	Kind   string `json:"kind"`
	Commit string `json:"commit,omitempty"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	RelatedLocations    []sarifLocation   `json:"relatedLocations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          sarifResultProps  `json:"properties"`
}

type sarifResultProps struct {
	Severity string            `json:"severity"`
	Service  string            `json:"service,omitempty"`
	Exchange string            `json:"exchange,omitempty"`
	Part     string            `json:"part,omitempty"`
	Notes    []string          `json:"notes,omitempty"`
	Commit   *detectors.Commit `json:"commit,omitempty"`
	// Verification is the same object as in the JSON report.
	Verification *detectors.Verification `json:"verification"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
	Message          *sarifText    `json:"message,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int        `json:"startLine"`
	StartColumn int        `json:"startColumn"`
	EndLine     int        `json:"endLine"`
	EndColumn   int        `json:"endColumn"`
	Snippet     *sarifText `json:"snippet,omitempty"`
}

// WriteSARIF writes a SARIF 2.1.0 log with one run, ready for GitHub code
// scanning. Only rules that produced a result are listed; a scan that
// could not read everything is marked executionSuccessful: false so that
// it cannot pass for a clean one.
func WriteSARIF(w io.Writer, findings []detectors.Finding, stats detectors.Stats, opt Options) error {
	v := newView(findings, opt)
	rules, index := sarifRules(findings, v)

	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:           ToolName,
			InformationURI: InformationURI,
			Version:        opt.Version,
			Rules:          rules,
		}},
		Invocations: []sarifInvocation{sarifInvocationOf(stats, v)},
		ColumnKind:  "unicodeCodePoints",
		Results:     make([]sarifResult, 0, len(findings)),
		Properties:  sarifRunProperties(stats, opt),
	}
	for i := range findings {
		run.Results = append(run.Results, sarifResultOf(&findings[i], index[findings[i].RuleID], v))
	}

	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}}); err != nil {
		return err
	}
	return flush(w, &b)
}

// sarifRules returns the rules that have at least one finding, sorted by id,
// and each id's index in that list. A rule that was not loaded (a finding
// from a baseline or another tool) is described from its findings.
func sarifRules(findings []detectors.Finding, v *view) ([]sarifRule, map[string]int) {
	used := map[string]detectors.Rule{}
	for i := range findings {
		f := &findings[i]
		r, seen := used[f.RuleID]
		switch {
		case !seen:
			r = *v.rule(f)
		case v.rules[f.RuleID] == nil && f.Severity > r.Severity:
			r.Severity = f.Severity
		}
		used[f.RuleID] = r
	}
	ids := make([]string, 0, len(used))
	for id := range used {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	rules := make([]sarifRule, 0, len(ids))
	index := make(map[string]int, len(ids))
	for i, id := range ids {
		r := used[id]
		index[id] = i
		title := r.Title
		if title == "" {
			title = id
		}
		help := ruleAdvice(&r)
		if r.AdviceURL != "" {
			help += " " + r.AdviceURL
		}
		rules = append(rules, sarifRule{
			ID:                   id,
			Name:                 camelCase(id),
			ShortDescription:     sarifText{Text: title},
			FullDescription:      sarifText{Text: description(&r)},
			Help:                 sarifText{Text: help},
			HelpURI:              r.AdviceURL,
			DefaultConfiguration: sarifConfiguration{Level: sarifLevel(r.Severity)},
			Properties: sarifRuleProps{
				Kind:             r.Kind.String(),
				Service:          r.Name,
				Tags:             []string{"security", "secret", r.Kind.String()},
				SecuritySeverity: securitySeverity(r.Severity),
				Precision:        precision(&r),
			},
		})
	}
	return rules, index
}

func sarifResultOf(f *detectors.Finding, ruleIndex int, v *view) sarifResult {
	msg := fmt.Sprintf("%s: %s", titleOf(f), v.secret(f.Secret))
	if len(f.Parts) > 0 {
		var with []string
		for _, p := range f.Parts {
			with = append(with, fmt.Sprintf("%s at line %d", partName(p), p.Location.StartLine))
		}
		msg += " (with " + strings.Join(with, ", ") + "; remove every part)"
	}
	loc := sarifLocation{PhysicalLocation: sarifPhysical{
		ArtifactLocation: sarifArtifact{URI: artifactURI(f.Path)},
		Region:           region(f.Location, f.Secret),
	}}
	if line := v.line(f); line != "" {
		loc.PhysicalLocation.Region.Snippet = &sarifText{Text: line}
	}
	res := sarifResult{
		RuleID:              f.RuleID,
		RuleIndex:           ruleIndex,
		Level:               sarifLevel(f.Severity),
		Message:             sarifText{Text: msg},
		Locations:           []sarifLocation{loc},
		PartialFingerprints: map[string]string{fingerprintKey: fingerprint(f)},
		Properties: sarifResultProps{
			Severity: f.Severity.String(),
			Service:  f.Service,
			Exchange: f.Exchange,
			Part:     f.Part,
		},
	}
	res.Properties.Verification = verificationOf(f, v)
	for _, n := range f.Notes {
		res.Properties.Notes = append(res.Properties.Notes, v.text(n))
	}
	res.Properties.Commit = v.commit(f.Commit)
	// Removing a leaked credential means deleting its key and its secret,
	// which is when SARIF asks for more than one location. A passphrase is
	// chosen by the user, not issued, so it is related context rather
	// than a second place where the credential leaked.
	for _, p := range f.Parts {
		where := p.Location
		if where.Path == "" {
			where.Path = f.Path
		}
		dst := &res.Locations
		if p.Part == detectors.PartPassphrase {
			dst = &res.RelatedLocations
		}
		*dst = append(*dst, sarifLocation{
			PhysicalLocation: sarifPhysical{
				ArtifactLocation: sarifArtifact{URI: artifactURI(where.Path)},
				Region:           region(where, p.Secret),
			},
			Message: &sarifText{Text: fmt.Sprintf("%s of the same credential: %s", partName(p), v.secret(p.Secret))},
		})
	}
	return res
}

// region makes a SARIF region that code-scanning services accept: lines and
// columns start at 1, the end is never before the start, and a single-line
// span is never empty (GitHub rejects endColumn 0).
func region(l detectors.Location, secret string) *sarifRegion {
	r := &sarifRegion{
		StartLine:   max(l.StartLine, 1),
		StartColumn: max(l.StartColumn, 1),
		EndLine:     l.EndLine,
		EndColumn:   l.EndColumn,
	}
	if r.EndLine < r.StartLine {
		r.EndLine = r.StartLine
	}
	if r.EndLine == r.StartLine && r.EndColumn <= r.StartColumn {
		first, _, _ := strings.Cut(secret, "\n")
		r.EndColumn = r.StartColumn + max(utf8.RuneCountInString(first), 1)
	}
	if r.EndColumn < 1 {
		r.EndColumn = 1
	}
	return r
}

// artifactURI turns a scanned path into the relative URI reference that
// code scanning maps onto the repository. Absolute paths cannot be mapped,
// so they are made relative to the working directory, where CI runs.
func artifactURI(p string) string {
	if filepath.IsAbs(p) {
		if wd, err := os.Getwd(); err == nil {
			if rel, err := filepath.Rel(wd, p); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				p = rel
			}
		}
	}
	p = filepath.ToSlash(p)
	if vol := filepath.VolumeName(p); vol != "" {
		p = p[len(vol):]
	}
	if p != "" {
		p = path.Clean(p)
	}
	p = strings.TrimLeft(p, "/")
	p = strings.TrimPrefix(p, "./")
	if p == "." {
		p = ""
	}
	u := escapePath(p)
	// A colon in the first segment would read as a URI scheme.
	if first, _, _ := strings.Cut(u, "/"); strings.Contains(first, ":") {
		u = "./" + u
	}
	return u
}

// escapePath percent-encodes every byte that may not appear literally in a
// URI path segment (RFC 3986 pchar), keeping '/' as the separator.
func escapePath(p string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if isPchar(c) || c == '/' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

func isPchar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("-._~!$&'()*+,;=:@", c) >= 0
}

func sarifLevel(s detectors.Severity) string {
	switch s {
	case detectors.Critical, detectors.High:
		return "error"
	case detectors.Low, detectors.Info:
		return "note"
	}
	return "warning"
}

// securitySeverity is GitHub's 0.0–10.0 score, which it maps back to
// critical (≥9), high (≥7), medium (≥4) and low.
func securitySeverity(s detectors.Severity) string {
	switch s {
	case detectors.Critical:
		return "9.5"
	case detectors.High:
		return "8.0"
	case detectors.Low:
		return "3.0"
	case detectors.Info:
		return "1.0"
	}
	return "5.5"
}

// precision tells code scanning how often a rule is right: rules with a
// validator (checksums, key derivation) are rarely wrong, generic rules
// often are.
func precision(r *detectors.Rule) string {
	switch {
	case r.Generic:
		return "medium"
	case r.Validate != nil:
		return "very-high"
	}
	return "high"
}

// camelCase turns a rule id such as "binance-api-secret" into
// "BinanceApiSecret", the form SARIF viewers expect for rule names.
func camelCase(id string) string {
	var b strings.Builder
	upper := true
	for _, r := range id {
		if r == '-' || r == '_' || r == '.' || r == ' ' || r == '/' {
			upper = true
			continue
		}
		if upper {
			b.WriteString(strings.ToUpper(string(r)))
			upper = false
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func sarifInvocationOf(stats detectors.Stats, v *view) sarifInvocation {
	inv := sarifInvocation{ExecutionSuccessful: !stats.Incomplete}
	for _, w := range stats.Warnings {
		n := sarifNotification{Level: "warning", Message: sarifText{Text: v.text(w.String())}}
		kind := w.Kind
		if kind == "" {
			kind = detectors.WarnOther
		}
		n.Properties = &sarifNotificationProp{Kind: string(kind), Commit: w.Commit}
		if w.Path != "" {
			n.Locations = []sarifLocation{{PhysicalLocation: sarifPhysical{
				ArtifactLocation: sarifArtifact{URI: artifactURI(w.Path)}}}}
		}
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, n)
	}
	if stats.Interrupted {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications,
			sarifNotification{Level: "error", Message: sarifText{Text: "scan interrupted before it finished"}})
	}
	if stats.Incomplete {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications,
			sarifNotification{Level: "error", Message: sarifText{Text: "scan incomplete: some content could not be scanned, so secrets may have been missed"}})
	}
	return inv
}

// sarifRunProperties records what was scanned. The duration is left out so
// that scanning the same content twice gives the same file.
func sarifRunProperties(stats detectors.Stats, opt Options) map[string]any {
	p := map[string]any{
		"files":      stats.Files,
		"bytes":      stats.Bytes,
		"incomplete": stats.Incomplete,
	}
	if opt.Command != "" {
		p["command"] = opt.Command
	}
	if stats.Commits > 0 {
		p["commits"] = stats.Commits
	}
	if len(stats.Skipped) > 0 {
		p["skipped"] = stats.Skipped
	}
	return p
}
