package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/keyward/scan/detectors"
)

// WriteFunc writes findings and statistics in one format. Findings arrive
// in the order they are to be shown (callers sort them with
// detectors.Less); a WriteFunc must redact secrets unless
// opt.ShowSecrets, and must produce the same bytes for the same input.
type WriteFunc func(w io.Writer, findings []detectors.Finding, stats detectors.Stats, opt Options) error

// Format is one report format. Adding a format means adding a row to
// formatTable (and its writer in this package); the CLI's --format flag,
// its help text and its checks all read the table.
type Format struct {
	// Name is what --format takes: lowercase, no spaces.
	Name string
	// Help is one line for the CLI's help text.
	Help string
	// ForPeople formats are read as they are printed: they may be coloured
	// on a terminal, they carry their own summary (so the CLI prints no
	// extra summary line), and a quiet, clean, complete scan prints
	// nothing in them.
	ForPeople bool
	// Write writes the report.
	Write WriteFunc
}

// formatTable lists every format. It is a function, not a variable, so
// that no caller can change what another sees.
func formatTable() []Format {
	return []Format{
		{Name: "text", Help: "findings grouped by file, with advice and a summary, for people", ForPeople: true, Write: writeText},
		{Name: "json", Help: "versioned JSON described in report/JSON.md, for programs", Write: writeJSON},
		{Name: "sarif", Help: "SARIF 2.1.0 for code-scanning services (GitHub, GitLab, Azure DevOps)", Write: writeSARIF},
		{Name: "github", Help: "GitHub Actions annotations (::error file=…) for a workflow's log, always redacted", Write: writeGitHub},
		{Name: "html", Help: "one self-contained HTML page (summary, chart, filterable findings) to open in a browser", Write: writeHTML},
		{Name: "hook", Help: "a short list to read where a git hook refused a commit or push", ForPeople: true, Write: writeHook},
	}
}

// Formats returns every report format, sorted by name.
func Formats() []Format {
	fs := formatTable()
	sort.Slice(fs, func(i, j int) bool { return fs[i].Name < fs[j].Name })
	return fs
}

// formatNames returns the names --format accepts, sorted.
func formatNames() []string {
	var names []string
	for _, f := range Formats() {
		names = append(names, f.Name)
	}
	return names
}

// Lookup returns the format called name (case-insensitive), or an error
// that lists the formats there are.
func Lookup(name string) (Format, error) {
	for _, f := range formatTable() {
		if strings.EqualFold(f.Name, name) {
			return f, nil
		}
	}
	return Format{}, fmt.Errorf("unknown report format %q (want %s)", name, strings.Join(formatNames(), ", "))
}

// Write writes findings in the named format.
func Write(w io.Writer, format string, findings []detectors.Finding, stats detectors.Stats, opt Options) error {
	f, err := Lookup(format)
	if err != nil {
		return err
	}
	return f.Write(w, findings, stats, opt)
}
