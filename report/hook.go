package report

import (
	"bytes"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/display"
)

// writeHook writes the report a git hook prints when it refuses a commit
// or a push: one line per secret and what to do next, short enough to
// read in a terminal right after "git commit". Options.Command ("staged"
// or "pre-push") picks the closing advice.
func writeHook(w io.Writer, findings []detectors.Finding, stats detectors.Stats, opt Options) error {
	var b bytes.Buffer
	v := newView(findings, opt)
	command := opt.Command
	who := "scan " + command // on every line: hook output mixes with git's
	if command == "" {
		who = "scan"
	}
	for _, wn := range stats.Warnings {
		fmt.Fprintf(&b, "%s: warning: %s\n", who, display.Text(v.text(wn.String())))
	}
	switch {
	case stats.Interrupted:
		fmt.Fprintf(&b, "%s: SCAN INCOMPLETE: interrupted before it finished\n", who)
	case stats.Incomplete:
		fmt.Fprintf(&b, "%s: SCAN INCOMPLETE: some content could not be scanned, so secrets may have been missed\n", who)
	}
	if len(findings) == 0 {
		what := plural(stats.Files, "file")
		if stats.Commits > 0 {
			what = fmt.Sprintf("%s, %s", plural(stats.Commits, "commit"), plural(stats.Files, "file version"))
		}
		fmt.Fprintf(&b, "%s: no secrets in %s\n", who, what)
		if line := SuppressedSummary(stats); line != "" {
			fmt.Fprintf(&b, "%s: %s\n", who, line)
		}
		return flush(w, &b)
	}
	fmt.Fprintf(&b, "%s: %d secret(s) found\n", who, len(findings))
	if line := SuppressedSummary(stats); line != "" {
		fmt.Fprintf(&b, "%s: %s\n", who, line)
	}
	b.WriteString("\n")
	for i := range findings {
		f := &findings[i]
		where := fmt.Sprintf("%s:%d", display.Text(f.Path), f.StartLine)
		if f.Commit != nil {
			where += " (commit " + f.Commit.SHA[:min(12, len(f.Commit.SHA))] + ")"
		}
		fmt.Fprintf(&b, "  %s  %s  %s\n", where, display.Text(f.RuleID), display.Text(v.secret(f.Secret)))
	}
	// A committed env file is fixed by untracking it, not by moving its
	// values into "an environment variable" — they already are one.
	var envFiles []string
	seen := map[string]bool{}
	for i := range findings {
		p := findings[i].Path
		if base := path.Base(p); (base == ".env" || strings.HasPrefix(base, ".env.") || strings.HasSuffix(base, ".env")) &&
			!strings.HasSuffix(base, ".example") && !strings.HasSuffix(base, ".sample") && !seen[p] {
			seen[p] = true
			envFiles = append(envFiles, p)
		}
	}
	if len(envFiles) > 0 {
		b.WriteString("\nAn env file must not be committed. Untrack it and ignore it (it stays on disk):\n")
		for _, p := range envFiles {
			q := display.Shell(p)
			fmt.Fprintf(&b, "  git rm --cached %s\n  echo %s >> .gitignore\n", q, display.Shell("/"+p))
		}
		b.WriteString("then rotate every key it holds if it was ever pushed or shared.\n")
	}
	fmt.Fprint(&b, `
Otherwise keep the secret out of the file (an environment variable or a
secrets manager) and rotate it if it was ever shared. If it is a false
positive, put a "keyward:allow" comment on its line, or add the path to
.keywardignore.
`)
	switch command {
	case "staged":
		fmt.Fprintln(&b, "Then stage the fix (git add) and commit again.")
	case "pre-push":
		fmt.Fprintln(&b, "These commits are not pushed yet: remove the secret from them (git commit --amend, or git rebase -i) before pushing, and rotate the key anyway.")
	case "git":
		fmt.Fprintln(&b, "A secret in history stays readable after the file changes: rotate it, then rewrite history if the commits are not pushed yet.")
	}
	return flush(w, &b)
}
