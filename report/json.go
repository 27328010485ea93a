package report

import (
	"bytes"
	"encoding/json"
	"io"

	"github.com/keyward/scan/detectors"
)

// JSONSchemaVersion is the version of the JSON report's shape, described in
// JSON.md. It changes only when a field is removed or changes meaning;
// added fields keep the version.
const JSONSchemaVersion = "1"

type jsonReport struct {
	SchemaVersion string        `json:"schema_version"`
	Tool          jsonTool      `json:"tool"`
	Command       string        `json:"command"`
	Findings      []jsonFinding `json:"findings"`
	Stats         jsonStats     `json:"stats"`
}

type jsonTool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// jsonFinding always carries every key, empty or not, so that consumers
// need not tell a missing key from an empty value.
type jsonFinding struct {
	RuleID         string            `json:"rule_id"`
	Title          string            `json:"title"`
	Severity       string            `json:"severity"`
	Service        string            `json:"service"`
	Exchange       string            `json:"exchange"`
	Part           string            `json:"part"`
	Path           string            `json:"path"`
	StartLine      int               `json:"start_line"`
	StartColumn    int               `json:"start_column"`
	EndLine        int               `json:"end_line"`
	EndColumn      int               `json:"end_column"`
	Secret         string            `json:"secret"`
	SecretRedacted bool              `json:"secret_redacted"`
	Line           string            `json:"line"`
	Fingerprint    string            `json:"fingerprint"`
	Parts          []jsonPart        `json:"parts"`
	Notes          []string          `json:"notes"`
	Advice         string            `json:"advice"`
	Commit         *detectors.Commit `json:"commit"`
	// Verification is always present; see verificationOf.
	Verification *detectors.Verification `json:"verification"`
}

type jsonPart struct {
	RuleID      string `json:"rule_id"`
	Part        string `json:"part"`
	Secret      string `json:"secret"`
	Path        string `json:"path"`
	StartLine   int    `json:"start_line"`
	StartColumn int    `json:"start_column"`
	EndLine     int    `json:"end_line"`
	EndColumn   int    `json:"end_column"`
}

type jsonStats struct {
	Files      int64            `json:"files"`
	Bytes      int64            `json:"bytes"`
	Commits    int64            `json:"commits"`
	DurationMS int64            `json:"duration_ms"`
	Skipped    map[string]int64 `json:"skipped"`
	Warnings   []string         `json:"warnings"`
	Incomplete bool             `json:"incomplete"`
}

// WriteJSON writes the versioned JSON report described in JSON.md.
func WriteJSON(w io.Writer, findings []detectors.Finding, stats detectors.Stats, opt Options) error {
	rules := ruleIndex(opt.Rules)
	r := jsonReport{
		SchemaVersion: JSONSchemaVersion,
		Tool:          jsonTool{Name: ToolName, Version: opt.Version},
		Command:       opt.Command,
		Findings:      make([]jsonFinding, 0, len(findings)),
		Stats: jsonStats{
			Files:      stats.Files,
			Bytes:      stats.Bytes,
			Commits:    stats.Commits,
			DurationMS: stats.Duration.Milliseconds(),
			Skipped:    stats.Skipped,
			Warnings:   stats.Warnings,
			Incomplete: stats.Incomplete,
		},
	}
	if r.Stats.Skipped == nil {
		r.Stats.Skipped = map[string]int64{}
	}
	if r.Stats.Warnings == nil {
		r.Stats.Warnings = []string{}
	}
	for i := range findings {
		f := &findings[i]
		jf := jsonFinding{
			RuleID:         f.RuleID,
			Title:          f.Title,
			Severity:       f.Severity.String(),
			Service:        f.Service,
			Exchange:       f.Exchange,
			Part:           f.Part,
			Path:           f.Path,
			StartLine:      f.StartLine,
			StartColumn:    f.StartColumn,
			EndLine:        f.EndLine,
			EndColumn:      f.EndColumn,
			Secret:         shown(f.Secret, opt),
			SecretRedacted: !opt.ShowSecrets,
			Line:           shownLine(f, opt),
			Fingerprint:    fingerprint(f),
			Parts:          make([]jsonPart, 0, len(f.Parts)),
			Notes:          make([]string, 0, len(f.Notes)),
			Advice:         scrub(advice(f, rules), f, opt),
			Verification:   verificationOf(f, opt),
		}
		for _, p := range f.Parts {
			path := p.Location.Path
			if path == "" {
				path = f.Path
			}
			jf.Parts = append(jf.Parts, jsonPart{
				RuleID:      p.RuleID,
				Part:        p.Part,
				Secret:      shown(p.Secret, opt),
				Path:        path,
				StartLine:   p.Location.StartLine,
				StartColumn: p.Location.StartColumn,
				EndLine:     p.Location.EndLine,
				EndColumn:   p.Location.EndColumn,
			})
		}
		for _, n := range f.Notes {
			jf.Notes = append(jf.Notes, scrub(n, f, opt))
		}
		if f.Commit != nil {
			c := *f.Commit
			c.Subject = scrub(c.Subject, f, opt)
			jf.Commit = &c
		}
		r.Findings = append(r.Findings, jf)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return err
	}
	return flush(w, &b)
}

// fingerprint returns the finding's fingerprint, computing it when the
// producer left it empty: a result without one cannot be tracked.
func fingerprint(f *detectors.Finding) string {
	if f.Fingerprint != "" {
		return f.Fingerprint
	}
	return detectors.Fingerprint(f.RuleID, f.Secret)
}
