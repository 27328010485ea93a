package report

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/display"
)

// GitHub shows at most this many annotations of one type (error, warning,
// notice) per step, and this many per job; it drops the rest silently.
const (
	annotationsPerType = 10
	annotationsPerJob  = 50
)

// writeGitHub writes findings as GitHub Actions workflow commands
// (::error file=…,line=…::…), which the runner turns into annotations on
// the run and on pull-request diffs. Secrets are always redacted: the
// Actions log of a public repository is public.
//
// GitHub keeps only the first few annotations, so the most severe findings
// come first, and a closing line says how many were not annotated; every
// finding is still listed as a plain log line.
func writeGitHub(w io.Writer, findings []detectors.Finding, stats detectors.Stats, opt Options) error {
	opt.ShowSecrets = false
	v := newView(findings, opt)
	order := make([]int, len(findings))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return findings[order[a]].Severity > findings[order[b]].Severity })

	var b bytes.Buffer
	perType := map[string]int{}
	shown := 0
	for _, i := range order {
		f := &findings[i]
		typ := annotationType(f.Severity)
		if perType[typ] >= annotationsPerType || shown >= annotationsPerJob {
			continue
		}
		perType[typ]++
		shown++
		props := []string{"file=" + escapeProperty(display.Text(f.Path)), fmt.Sprintf("line=%d", max(f.StartLine, 1))}
		if f.EndLine > f.StartLine {
			props = append(props, fmt.Sprintf("endLine=%d", f.EndLine))
		} else if f.StartColumn > 0 && f.EndColumn > f.StartColumn {
			props = append(props, fmt.Sprintf("col=%d", f.StartColumn), fmt.Sprintf("endColumn=%d", f.EndColumn))
		}
		props = append(props, "title="+escapeProperty(display.Text(fmt.Sprintf("%s (%s)", titleOf(f), f.Severity))))
		fmt.Fprintf(&b, "::%s %s::%s\n", typ, strings.Join(props, ","), escapeData(textLines(annotationMessage(f, v))))
	}
	for _, i := range order {
		f := &findings[i]
		// A path may hold a newline followed by a workflow command: plain
		// lines show control characters escaped, so nothing in the scanned
		// content can start a line of the log.
		fmt.Fprintf(&b, "%s\t%s\t%s:%d\t%s", f.Severity, display.Text(f.RuleID), display.Text(f.Path), f.StartLine, display.Text(detectors.Redact(f.Secret)))
		if f.Commit != nil {
			fmt.Fprintf(&b, "\tcommit %s", shortSHA(f.Commit.SHA))
		}
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "scan: %d finding(s)", len(findings))
	if more := len(findings) - shown; more > 0 {
		fmt.Fprintf(&b, "; %d annotated, %d more not annotated (GitHub shows at most %d annotations of a type per step and %d per job): see the list above or the SARIF report",
			shown, more, annotationsPerType, annotationsPerJob)
	}
	b.WriteByte('\n')
	if stats.Incomplete {
		// Warnings come from file names and git objects: escape them too.
		var ws []string
		for _, w := range stats.Warnings {
			ws = append(ws, v.text(w.String()))
		}
		fmt.Fprintf(&b, "::warning title=Scan incomplete::%s\n",
			escapeData(fmt.Sprintf("%d warning(s): some content could not be scanned, so secrets may have been missed. %s",
				len(stats.Warnings), strings.Join(ws, "; "))))
	}
	return flush(w, &b)
}

// annotationMessage says what leaked and what to do, with the secret
// redacted and nothing else from the scanned line.
func annotationMessage(f *detectors.Finding, v *view) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", titleOf(f), detectors.Redact(f.Secret))
	if c := f.Commit; c != nil {
		fmt.Fprintf(&b, " committed in %s", shortSHA(c.SHA))
		if !c.AtHead {
			b.WriteString(" (removed since, still in history)")
		}
	}
	b.WriteString(". ")
	b.WriteString(v.advice(f))
	if u := v.adviceURL(f); u != "" {
		b.WriteString(" " + u)
	}
	return b.String()
}

func annotationType(s detectors.Severity) string {
	switch s {
	case detectors.Critical, detectors.High:
		return "error"
	case detectors.Medium:
		return "warning"
	}
	return "notice"
}

// textLines escapes each line of s for display, keeping its line breaks,
// which escapeData encodes for the runner.
func textLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = display.Text(l)
	}
	return strings.Join(lines, "\n")
}

// escapeData escapes a workflow command's message as the runner expects:
// '%' first, then CR and LF, so that a message cannot end the command or
// start another one.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a property value: as data, plus ':' and ',',
// which would end the property list or the value.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
