package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"
	"sync"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/display"
)

// The page is one file with no external assets: a report is opened from
// disk, mailed or attached to a ticket, and must not call out to anything
// (its Content-Security-Policy forbids it). Secrets are redacted as in
// every format unless ShowSecrets is set.
//
//go:embed html.tmpl
var htmlTemplate string

// htmlPage is parsed on first use, not at start-up: only the HTML report
// needs it.
var htmlPage = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report").Funcs(template.FuncMap{
		"lower": strings.ToLower,
	}).Parse(htmlTemplate))
})

type htmlFinding struct {
	Severity, Kind, RuleID, Title, Path, Archive, Secret, Line, Advice string
	// Key is the API key's redacted prefix beside a secret (what the
	// exchange's API page shows); AdviceURL the revocation page.
	Key, AdviceURL, Exchange string
	// ShowMode is set on the first finding of a file: its mode is said once.
	ShowMode  bool
	StartLine int
	Notes     []string
	Mode      string
	Others    bool
	Rank      int
}

type htmlBar struct {
	Kind     string
	Y        int
	Total    int
	Segments []htmlSegment
}

type htmlSegment struct {
	Severity, Color string
	X, Width, Count int
}

type htmlData struct {
	Tool, Version, Command string
	Total                  int
	Stats                  detectors.Stats
	Bytes                  string
	Summary                summary
	Findings               []htmlFinding
	Bars                   []htmlBar
	ChartHeight            int
	Legend                 []htmlSegment
	Kinds                  []string
	Severities             []string
	Skipped                []string
	Warnings               []string
	Places                 []Place
	HistoryNote            string
	HistoryCommands        []string
	Revoke                 []revokeGroup
	RevokeAdvice           string
	OwnBackups             int
	BackupFolder           string
	BackupRoot             string
}

var severityFill = map[detectors.Severity]string{
	detectors.Critical: "#8b0000", detectors.High: "#d9480f", detectors.Medium: "#f08c00",
	detectors.Low: "#1c7ed6", detectors.Info: "#868e96",
}

// writeHTML writes a self-contained HTML report: summary, a chart of
// findings by kind and severity, and a filterable findings table.
func writeHTML(w io.Writer, findings []detectors.Finding, stats detectors.Stats, opt Options) error {
	v := newView(findings, opt)
	d := htmlData{
		Tool: toolName, Version: opt.Version, Command: opt.Command,
		Total: len(findings), Stats: stats, Bytes: humanBytes(stats.Bytes),
		Summary: summarize(findings, opt),
	}
	if o := opt.OwnBackups; o != nil {
		d.OwnBackups, d.BackupFolder, d.BackupRoot = o.Findings, o.Folder, display.Shell(o.Root)
	}
	if opt.Audit != nil {
		d.Places = opt.Audit.Places
		if cmds := opt.Audit.historyCommands(); len(cmds) > 0 {
			d.HistoryNote, d.HistoryCommands = historyNote(len(cmds)), cmds
		}
	}
	d.Revoke = revokeList(findings, v)
	d.RevokeAdvice = sharedAdvice(d.Revoke, opt.Verbose)
	v.revoke = d.Revoke
	modeShown := map[string]bool{}
	for _, k := range summaryKinds {
		d.Kinds = append(d.Kinds, k.String())
	}
	for _, w := range stats.Warnings {
		d.Warnings = append(d.Warnings, v.text(w.String()))
	}
	sevs := []detectors.Severity{detectors.Critical, detectors.High, detectors.Medium, detectors.Low, detectors.Info}
	for _, s := range sevs {
		d.Severities = append(d.Severities, s.String())
	}
	for i := range findings {
		f := &findings[i]
		hf := htmlFinding{
			Severity: f.Severity.String(), Kind: v.rule(f).Kind.String(), RuleID: f.RuleID, Title: f.Title,
			Path: display.Text(f.Path), Archive: display.Text(f.Archive), StartLine: f.StartLine,
			Secret: v.secret(f.Secret), Line: v.line(f),
			Advice: forPeople(v.advice(f), opt.Verbose), AdviceURL: v.adviceURL(f), Rank: int(f.Severity),
		}
		if f.Secret == f.Path {
			hf.Secret = "" // a presence finding: the path says it
		}
		if v.inRevokeList(f) {
			hf.Exchange = v.rule(f).Name
			hf.Advice = "Revoke it at " + hf.Exchange + ": see \"Keys to revoke\" at the top."
		}
		for _, p := range f.Parts {
			if p.Part == detectors.PartKey && f.Part != detectors.PartKey {
				hf.Key = v.secret(p.Secret)
			}
		}
		file := f.Path
		if f.Archive != "" {
			file = f.Archive
		}
		hf.ShowMode = !modeShown[file]
		modeShown[file] = true
		for _, n := range f.Notes {
			hf.Notes = append(hf.Notes, v.text(n))
		}
		if f.File != nil {
			hf.Mode, hf.Others = f.File.Mode, f.File.ReadableByOthers
		}
		d.Findings = append(d.Findings, hf)
	}

	// Horizontal stacked bars, one per kind, scaled to the largest kind.
	// The labels column is wide enough for the longest kind and its count,
	// so no label is cut by its bar.
	const left, width, barH, gap = 150, 420, 26, 10
	most := 1
	for _, r := range d.Summary.ByKind {
		most = max(most, r.Count)
	}
	y := 0
	for _, kind := range summaryKinds {
		k := kind.String()
		bar := htmlBar{Kind: k, Y: y}
		x := left
		for _, s := range sevs {
			n := d.Summary.BySeverity[k][s]
			if n == 0 {
				continue
			}
			wd := max(n*width/most, 2)
			bar.Segments = append(bar.Segments, htmlSegment{Severity: s.String(), Color: severityFill[s], X: x, Width: wd, Count: n})
			x += wd
			bar.Total += n
		}
		d.Bars = append(d.Bars, bar)
		y += barH + gap
	}
	d.ChartHeight = y
	for _, s := range sevs {
		d.Legend = append(d.Legend, htmlSegment{Severity: s.String(), Color: severityFill[s]})
	}
	d.Skipped = sortedSkips(stats.Skipped)

	var b bytes.Buffer
	if err := htmlPage().Execute(&b, d); err != nil {
		return fmt.Errorf("render html: %w", err)
	}
	return flush(w, &b)
}

func sortedSkips(m map[string]int64) []string {
	var out []string
	for r, n := range m {
		out = append(out, fmt.Sprintf("%s: %d", r, n))
	}
	sort.Strings(out)
	return out
}
