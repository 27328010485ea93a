package report

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/display"
)

// maxWarnings is how many warnings the text summary lists without Verbose.
const maxWarnings = 10

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
	ansiBoldRd = "\x1b[1;31m"
)

type painter bool

func (p painter) paint(code, s string) string {
	if !p {
		return s
	}
	return code + s + ansiReset
}

func severityColor(s detectors.Severity) string {
	switch s {
	case detectors.Critical:
		return ansiBoldRd
	case detectors.High:
		return ansiRed
	case detectors.Medium:
		return ansiYellow
	case detectors.Low:
		return ansiCyan
	}
	return ansiDim
}

// writeText writes a report for people: findings grouped by file, what to do
// about each, and a summary of what was and was not scanned.
func writeText(w io.Writer, findings []detectors.Finding, stats detectors.Stats, opt Options) error {
	var b bytes.Buffer
	p := painter(opt.Color)
	v := newView(findings, opt)
	writeTextUrgent(&b, findings, v, p)
	v.revoke = revokeList(findings, v)
	writeTextRevoke(&b, v.revoke, sharedAdvice(v.revoke, opt.Verbose), p, opt.Brief)
	if opt.Brief {
		for i := range findings {
			f := &findings[i]
			line := fmt.Sprintf("%s:%d  %s", display.Text(f.Path), f.StartLine, display.Text(titleOf(f)))
			if f.Secret != f.Path {
				line += "  " + display.Text(v.secret(f.Secret))
			}
			fmt.Fprintf(&b, "%s  %s\n", p.paint(severityColor(f.Severity), fmt.Sprintf("%-8s", strings.ToUpper(f.Severity.String()))), line)
		}
		if len(findings) > 0 {
			b.WriteByte('\n')
		}
		writeTextSummary(&b, findings, stats, v, p)
		return flush(w, &b)
	}
	lastPath, first := "", true
	for i := range findings {
		f := &findings[i]
		at := f.Path
		if f.Repository != "" {
			at = f.Repository + ": " + f.Path
		}
		if first || at != lastPath {
			if !first {
				b.WriteByte('\n')
			}
			b.WriteString(p.paint(ansiBold, display.Text(at)) + "\n")
			lastPath, first = at, false
		}
		writeTextFinding(&b, f, v, p)
	}
	if len(findings) > 0 {
		b.WriteByte('\n')
	}
	writeTextSummary(&b, findings, stats, v, p)
	if opt.Audit != nil {
		if err := writeSummary(&b, findings, opt); err != nil {
			return err
		}
		writePlaces(&b, opt.Audit.Places)
		if cmds := opt.Audit.historyCommands(); len(cmds) > 0 {
			b.WriteByte('\n')
			for _, line := range wrap(historyNote(len(cmds)), 78) {
				b.WriteString(line + "\n")
			}
			for _, c := range cmds {
				b.WriteString("  " + c + "\n")
			}
		}
	}
	if note := opt.OwnBackups.Note(); note != "" {
		b.WriteString("\n" + note + "\n")
	}
	return flush(w, &b)
}

// writePlaces lists the known places an audit found on disk, so a clean
// report still shows what was looked at.
func writePlaces(b *bytes.Buffer, places []Place) {
	if len(places) == 0 {
		return
	}
	b.WriteString("\nPlaces checked\n")
	for _, p := range places {
		fmt.Fprintf(b, "  %-34s %5d file(s) %5d finding(s)\n", p.Kind, p.Files, p.Findings)
	}
}

func writeTextFinding(b *bytes.Buffer, f *detectors.Finding, v *view, p painter) {
	const indent = "    "
	field := func(label, value string) {
		fmt.Fprintf(b, "%s%s %s\n", indent, p.paint(ansiDim, fmt.Sprintf("%-7s", label)), value)
	}
	more := func(value string) {
		fmt.Fprintf(b, "%s%-7s %s\n", indent, "", value)
	}
	sev := strings.ToUpper(f.Severity.String())
	fmt.Fprintf(b, "  %s  %s  %s\n", p.paint(severityColor(f.Severity), fmt.Sprintf("%-8s", sev)),
		display.Text(f.RuleID), display.Text(titleOf(f)))
	field("at", fmt.Sprintf("%d:%d", f.StartLine, f.StartColumn))
	if f.Secret != f.Path { // a presence finding's "secret" is where it is
		field("secret", display.Text(v.secret(f.Secret)))
	}
	if line := v.line(f); line != "" {
		field("line", display.Text(line))
	}
	for _, part := range f.Parts {
		where := fmt.Sprintf("at line %d", part.Location.StartLine)
		if part.Location.Path != "" && part.Location.Path != f.Path {
			where = fmt.Sprintf("in %s at line %d", display.Text(part.Location.Path), part.Location.StartLine)
		}
		name := part.Part
		if name == "" {
			name = part.RuleID
		}
		field("with", fmt.Sprintf("%s %s: %s", display.Text(name), where, display.Text(v.secret(part.Secret))))
	}
	for _, n := range f.Notes {
		field("note", display.Text(v.text(n)))
	}
	if w := verifiedWords(f, v); w != "" {
		field("checked", display.Text(w))
	}
	if c := v.commit(f.Commit); c != nil {
		s := shortSHA(c.SHA)
		if c.Author != "" {
			s += " by " + display.Text(c.Author)
			if c.Email != "" {
				s += " <" + display.Text(c.Email) + ">"
			}
		}
		if c.Date != "" {
			s += " on " + display.Text(c.Date)
		}
		if c.Subject != "" {
			s += ": " + strconv.Quote(c.Subject)
		}
		field("commit", s)
		if c.AtHead {
			more("the secret is still in the checked-out files (HEAD)")
		} else {
			more("the secret is only in history: it was removed since, but every clone has it")
		}
		for _, line := range wrap(commitAdvice(c, v.rule(f).Kind, f.Path, v.opt.Revision), 72) {
			if c.Pushed {
				line = p.paint(ansiBoldRd, line)
			}
			more(line)
		}
	}
	advice, url := forPeople(v.advice(f), v.opt.Verbose), v.adviceURL(f)
	if v.inRevokeList(f) {
		// The checklist at the top says it once per exchange.
		advice, url = "Revoke it at "+v.rule(f).Name+": see \"Keys to revoke\" at the top.", ""
	}
	for i, line := range wrap(advice, 72) {
		if i == 0 {
			field("advice", display.Text(line))
		} else {
			more(display.Text(line))
		}
	}
	if url != "" {
		more(display.Text(url))
	}
}

func writeTextSummary(b *bytes.Buffer, findings []detectors.Finding, stats detectors.Stats, v *view, p painter) {
	opt := v.opt
	writeRepositorySummary(b, findings, opt.Repositories)
	var scanned []string
	if stats.Commits > 0 {
		scanned = append(scanned, plural(stats.Commits, "commit"))
	}
	scanned = append(scanned, plural(stats.Files, "file"))
	fmt.Fprintf(b, "scanned %s (%s) in %s", strings.Join(scanned, ", "), humanBytes(stats.Bytes), humanDuration(stats.Duration))
	if opt.Command != "" {
		fmt.Fprintf(b, " [%s]", display.Text(opt.Command))
	}
	b.WriteString(": ")
	if len(findings) == 0 {
		b.WriteString(p.paint(ansiBold, "no secrets found") + "\n")
	} else {
		count := map[detectors.Severity]int64{}
		for i := range findings {
			count[findings[i].Severity]++
		}
		var parts []string
		for _, s := range severities {
			if n := count[s]; n > 0 {
				parts = append(parts, p.paint(severityColor(s), fmt.Sprintf("%d %s", n, s)))
			}
		}
		if n := count[detectors.SeverityUnset]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d unrated", n))
		}
		fmt.Fprintf(b, "%s (%s)\n", p.paint(ansiBold, plural(int64(len(findings)), "finding")), strings.Join(parts, ", "))
	}

	if len(stats.Skipped) > 0 {
		var total int64
		for _, n := range stats.Skipped {
			total += n
		}
		fmt.Fprintf(b, "skipped %s: %s\n", plural(total, "file"), countList(stats.Skipped))
	}

	if line := SuppressedSummary(stats); line != "" {
		fmt.Fprintf(b, "%s\n", line)
	}

	if n := len(stats.Warnings); n > 0 {
		fmt.Fprintf(b, "%s:\n", p.paint(ansiYellow, plural(int64(n), "warning")))
		shownN := n
		if !opt.Verbose && n > maxWarnings {
			shownN = maxWarnings
		}
		for _, w := range stats.Warnings[:shownN] {
			fmt.Fprintf(b, "  %s\n", display.Text(v.text(w.String())))
		}
		if shownN < n {
			fmt.Fprintf(b, "  … %d more (--verbose lists them all)\n", n-shownN)
		}
	}
	// A check that read nothing must not look like one that found nothing.
	if stats.Files == 0 && stats.Bytes == 0 && stats.Commits == 0 && len(findings) == 0 {
		b.WriteString(p.paint(ansiYellow, nothingScanned(opt.Command, stats.Skipped)) + "\n")
	}
	if len(stats.Noted) > 0 {
		fmt.Fprintf(b, "read specially: %s\n", countList(stats.Noted))
		if opt.Verbose {
			for _, n := range stats.Notes {
				fmt.Fprintf(b, "  %s\n", display.Text(v.text(n)))
			}
		}
	}
	if stats.Interrupted {
		b.WriteString(p.paint(ansiBoldRd, "SCAN INCOMPLETE: interrupted before it finished; findings are from what was read") + "\n")
	} else if stats.Incomplete {
		b.WriteString(p.paint(ansiBoldRd, "SCAN INCOMPLETE: some content could not be scanned, so secrets may have been missed") + "\n")
	}
}

// writeRepositorySummary gives a line per repository of a scan of many,
// before the totals.
func writeRepositorySummary(b *bytes.Buffer, findings []detectors.Finding, repos []RepositoryRun) {
	if len(repos) == 0 {
		return
	}
	perRepo := map[string]int64{}
	for i := range findings {
		if r := findings[i].Repository; r != "" {
			perRepo[r]++
		}
	}
	for _, r := range repos {
		state := ""
		if r.Stats.Incomplete {
			state = ", INCOMPLETE"
		}
		fmt.Fprintf(b, "%s: %s, %s, %s%s\n", display.Text(r.Name), plural(perRepo[r.Name], "finding"),
			plural(r.Stats.Commits, "commit"), plural(r.Stats.Files, "file"), state)
	}
	b.WriteString("total: ")
}

// SuppressedSummary says how many findings filters dropped, by filter
// ("suppressed 5 findings: 3 baseline, 2 inline"), or "" when none were.
func SuppressedSummary(stats detectors.Stats) string {
	if len(stats.Suppressed) == 0 {
		return ""
	}
	names := make([]string, 0, len(stats.Suppressed))
	var total int64
	for k, n := range stats.Suppressed {
		names = append(names, k)
		total += n
	}
	sort.Strings(names)
	for i, k := range names {
		names[i] = fmt.Sprintf("%d %s", stats.Suppressed[k], display.Text(k))
	}
	return fmt.Sprintf("suppressed %s: %s (--verbose lists them)", plural(total, "finding"), strings.Join(names, ", "))
}

func plural(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return plural(n, "byte")
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 5; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

func humanDuration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return d.String()
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	case d < time.Minute:
		return d.Round(100 * time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}

// wrap splits text into lines of at most width runes, breaking at spaces.
func wrap(text string, width int) []string {
	var lines []string
	var cur strings.Builder
	n := 0
	for _, word := range strings.Fields(text) {
		wn := utf8.RuneCountInString(word)
		if n > 0 && n+1+wn > width {
			lines = append(lines, cur.String())
			cur.Reset()
			n = 0
		}
		if n > 0 {
			cur.WriteByte(' ')
			n++
		}
		cur.WriteString(word)
		n += wn
	}
	if n > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}

// nothingScanned words the warning for a scan that read nothing in the
// terms of the command that ran.
func nothingScanned(command string, skipped map[string]int64) string {
	if len(skipped) > 0 {
		// Files were there and were passed over: "nothing staged" or
		// "check the paths" would send the reader the wrong way.
		return "nothing was scanned: every file was skipped (" + countList(skipped) + ")"
	}
	switch command {
	case "dir":
		return "nothing was scanned: check the paths, --include and --exclude, and .keywardignore"
	case "git", "pre-push":
		return "nothing was scanned: check the repository path and the commit range"
	case "staged":
		return "nothing was scanned: no file is staged"
	}
	return "nothing was scanned"
}

// countList formats counts by reason, most frequent first and ties by name
// so that the line never reorders: "140 ignored, 31 binary".
func countList(counts map[string]int64) string {
	reasons := make([]string, 0, len(counts))
	for r := range counts {
		reasons = append(reasons, r)
	}
	sort.Slice(reasons, func(i, j int) bool {
		ni, nj := counts[reasons[i]], counts[reasons[j]]
		if ni != nj {
			return ni > nj
		}
		return reasons[i] < reasons[j]
	})
	for i, r := range reasons {
		reasons[i] = fmt.Sprintf("%d %s", counts[r], display.Text(r))
	}
	return strings.Join(reasons, ", ")
}
