package report

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"unicode/utf8"

	"github.com/keyward/scan/detectors"
)

// JSONSchemaVersion is the version of the JSON report's shape, described in
// JSON.md. It changes only when a field is removed or changes meaning;
// added fields keep the version.
const JSONSchemaVersion = "3"

type jsonReport struct {
	SchemaVersion string        `json:"schema_version"`
	Tool          jsonTool      `json:"tool"`
	Command       string        `json:"command"`
	Findings      []jsonFinding `json:"findings"`
	Stats         jsonStats     `json:"stats"`
	// Repositories is set by a scan of many repositories.
	Repositories []jsonRepository `json:"repositories,omitempty"`
}

// jsonRepository is one repository of a scan of many, with its counts.
type jsonRepository struct {
	Name       string `json:"name"`
	URL        string `json:"url"`
	Revision   string `json:"revision"`
	Findings   int    `json:"findings"`
	Files      int64  `json:"files"`
	Commits    int64  `json:"commits"`
	Warnings   int    `json:"warnings"`
	Incomplete bool   `json:"incomplete"`
}

type jsonTool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// jsonFinding always carries every key, empty or not, so that consumers
// need not tell a missing key from an empty value. PathBytes is the one
// exception: it appears only when Path could not be written losslessly.
type jsonFinding struct {
	RuleID         string            `json:"rule_id"`
	Title          string            `json:"title"`
	Severity       string            `json:"severity"`
	Kind           string            `json:"kind"`
	Service        string            `json:"service"`
	ServiceName    string            `json:"service_name"`
	Exchange       string            `json:"exchange"`
	Part           string            `json:"part"`
	Path           string            `json:"path"`
	PathBytes      string            `json:"path_bytes,omitempty"`
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
	AdviceURL      string            `json:"advice_url"`
	Commit         *detectors.Commit `json:"commit"`
	// Verification is always present; see verificationOf.
	Verification *detectors.Verification `json:"verification"`
	// File and Archive are set by scan home; see JSON.md.
	File    *detectors.FileAccess `json:"file"`
	Archive string                `json:"archive"`
	// Repository is set when one scan covers several repositories, and
	// RepositoryURL then holds its clone URL without credentials.
	Repository    string `json:"repository"`
	RepositoryURL string `json:"repository_url"`
}

type jsonPart struct {
	RuleID      string `json:"rule_id"`
	Part        string `json:"part"`
	Secret      string `json:"secret"`
	Path        string `json:"path"`
	PathBytes   string `json:"path_bytes,omitempty"`
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
	Suppressed map[string]int64 `json:"suppressed,omitempty"`
	Warnings   []jsonWarning    `json:"warnings"`
	Noted      map[string]int64 `json:"noted"`
	Incomplete bool             `json:"incomplete"`
	// Interrupted says the scan was cancelled before it finished.
	Interrupted bool `json:"interrupted"`
}

type jsonWarning struct {
	Kind      string `json:"kind"`
	Path      string `json:"path"`
	PathBytes string `json:"path_bytes,omitempty"`
	Commit    string `json:"commit"`
	Message   string `json:"message"`
}

// pathBytes is the base64 of a path that is not valid UTF-8, which JSON
// strings cannot carry byte for byte; "" for a valid path.
func pathBytes(p string) string {
	if utf8.ValidString(p) {
		return ""
	}
	return base64.StdEncoding.EncodeToString([]byte(p))
}

// writeJSON writes the versioned JSON report described in JSON.md.
func writeJSON(w io.Writer, findings []detectors.Finding, stats detectors.Stats, opt Options) error {
	v := newView(findings, opt)
	r := jsonReport{
		SchemaVersion: JSONSchemaVersion,
		Tool:          jsonTool{Name: toolName, Version: opt.Version},
		Command:       opt.Command,
		Findings:      make([]jsonFinding, 0, len(findings)),
		Stats: jsonStats{
			Files:       stats.Files,
			Bytes:       stats.Bytes,
			Commits:     stats.Commits,
			DurationMS:  stats.Duration.Milliseconds(),
			Skipped:     stats.Skipped,
			Suppressed:  stats.Suppressed,
			Warnings:    make([]jsonWarning, 0, len(stats.Warnings)),
			Noted:       stats.Noted,
			Incomplete:  stats.Incomplete,
			Interrupted: stats.Interrupted,
		},
	}
	if r.Stats.Skipped == nil {
		r.Stats.Skipped = map[string]int64{}
	}
	if r.Stats.Noted == nil {
		r.Stats.Noted = map[string]int64{}
	}
	for _, wn := range stats.Warnings {
		kind := wn.Kind
		if kind == "" {
			kind = detectors.WarnOther
		}
		r.Stats.Warnings = append(r.Stats.Warnings, jsonWarning{
			Kind: string(kind), Path: wn.Path, PathBytes: pathBytes(wn.Path),
			Commit: wn.Commit, Message: v.text(wn.Message),
		})
	}
	perRepo, repoURL := map[string]int{}, map[string]string{}
	for i := range findings {
		if r := findings[i].Repository; r != "" {
			perRepo[r]++
		}
	}
	for _, rr := range opt.Repositories {
		repoURL[rr.Name] = rr.URL
		r.Repositories = append(r.Repositories, jsonRepository{
			Name: rr.Name, URL: rr.URL, Revision: rr.Revision, Findings: perRepo[rr.Name],
			Files: rr.Stats.Files, Commits: rr.Stats.Commits, Warnings: len(rr.Stats.Warnings), Incomplete: rr.Stats.Incomplete,
		})
	}
	fps := reportedFingerprints(findings)
	for i := range findings {
		f := &findings[i]
		rule := v.rule(f)
		jf := jsonFinding{
			RuleID:         f.RuleID,
			Title:          f.Title,
			Severity:       f.Severity.String(),
			Kind:           rule.Kind.String(),
			Service:        f.Service,
			ServiceName:    rule.Name,
			Exchange:       f.Exchange,
			Part:           f.Part,
			Path:           f.Path,
			PathBytes:      pathBytes(f.Path),
			StartLine:      f.StartLine,
			StartColumn:    f.StartColumn,
			EndLine:        f.EndLine,
			EndColumn:      f.EndColumn,
			Secret:         v.secret(f.Secret),
			SecretRedacted: !opt.ShowSecrets,
			Line:           v.line(f),
			Fingerprint:    fps[i],
			Parts:          make([]jsonPart, 0, len(f.Parts)),
			Notes:          make([]string, 0, len(f.Notes)),
			Advice:         v.advice(f),
			Commit:         v.commit(f.Commit),
			Verification:   verificationOf(f, v),
			File:           f.File,
			Archive:        f.Archive,
			Repository:     f.Repository,
			RepositoryURL:  repoURL[f.Repository],
		}
		jf.AdviceURL = v.adviceURL(f)
		for _, p := range f.Parts {
			path := p.Location.Path
			if path == "" {
				path = f.Path
			}
			jf.Parts = append(jf.Parts, jsonPart{
				RuleID:      p.RuleID,
				Part:        p.Part,
				Secret:      v.secret(p.Secret),
				Path:        path,
				PathBytes:   pathBytes(path),
				StartLine:   p.Location.StartLine,
				StartColumn: p.Location.StartColumn,
				EndLine:     p.Location.EndLine,
				EndColumn:   p.Location.EndColumn,
			})
		}
		for _, n := range f.Notes {
			jf.Notes = append(jf.Notes, v.text(n))
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
