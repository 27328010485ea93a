package report

import (
	"bytes"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	"github.com/keyward/scan/detectors"
)

// summaryRow counts the findings of one group (a kind or an exchange).
type summaryRow struct {
	Name    string             `json:"name"`
	Count   int                `json:"count"`
	Files   int                `json:"files"`
	Highest detectors.Severity `json:"highest"`
}

// Summary is what a person acts on after an audit: how many findings of
// each kind and exchange, how bad the worst is, and what to do, in order.
type summary struct {
	ByKind     []summaryRow
	ByExchange []summaryRow
	// BySeverity counts findings per kind and severity, for charts.
	BySeverity map[string]map[detectors.Severity]int
	Steps      []string
}

// summaryKinds are the kinds in the order summaries show them.
var summaryKinds = []detectors.Kind{detectors.KindExchange, detectors.KindWallet, detectors.KindCloud, detectors.KindSaaS, detectors.KindGeneric}

// summarize groups findings by kind (exchange, wallet, cloud, saas,
// generic; empty kinds left out) and by exchange (most findings first), and
// chooses the steps that apply. opt.Rules gives each finding its kind.
func summarize(findings []detectors.Finding, opt Options) summary {
	v := newView(findings, opt)
	s := summary{BySeverity: map[string]map[detectors.Severity]int{}}
	type acc struct {
		row   summaryRow
		files map[string]bool
	}
	kinds, exchanges := map[string]*acc{}, map[string]*acc{}
	add := func(m map[string]*acc, name string, f *detectors.Finding) {
		a := m[name]
		if a == nil {
			a = &acc{row: summaryRow{Name: name}, files: map[string]bool{}}
			m[name] = a
		}
		a.row.Count++
		a.files[filePath(f)] = true
		a.row.Highest = max(a.row.Highest, f.Severity)
	}
	var history, exposed bool
	for i := range findings {
		f := &findings[i]
		k := v.rule(f).Kind.String()
		add(kinds, k, f)
		if f.Exchange != "" {
			// The rule's display name (Binance.US, HTX (Huobi)), as every
			// other report shows it; the id where no rule is loaded.
			name := f.Exchange
			if r := v.rule(f); r.Name != "" && r.Exchange == f.Exchange {
				name = r.Name
			}
			add(exchanges, name, f)
		}
		if s.BySeverity[k] == nil {
			s.BySeverity[k] = map[detectors.Severity]int{}
		}
		s.BySeverity[k][f.Severity]++
		history = history || isHistory(f.Path)
		exposed = exposed || (f.File != nil && f.File.ReadableByOthers)
	}
	finish := func(a *acc) summaryRow { a.row.Files = len(a.files); return a.row }
	for _, k := range summaryKinds {
		if a := kinds[k.String()]; a != nil {
			s.ByKind = append(s.ByKind, finish(a))
		}
	}
	for _, a := range exchanges {
		s.ByExchange = append(s.ByExchange, finish(a))
	}
	sort.Slice(s.ByExchange, func(i, j int) bool {
		a, b := s.ByExchange[i], s.ByExchange[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return a.Name < b.Name
	})

	has := func(k detectors.Kind) bool { return kinds[k.String()] != nil }
	if has(detectors.KindExchange) {
		s.Steps = append(s.Steps, "Revoke every exchange API key listed, at the exchange, now; then create a new key with withdrawals disabled, trading only what the bot needs, and an IP whitelist. Check the account's order and withdrawal history.")
	}
	if has(detectors.KindWallet) {
		s.Steps = append(s.Steps, "Move the funds of every wallet whose seed phrase or private key is listed to a new wallet made on a clean device; nothing can revoke a seed. An encrypted wallet or vault that was ever copied, synced or backed up can be attacked offline: move those funds too, or at least make sure the password is long and unique.")
	}
	if has(detectors.KindCloud) || has(detectors.KindSaaS) {
		s.Steps = append(s.Steps, "Rotate the cloud and service tokens at their provider (AWS IAM, GitHub, npm, PyPI, Telegram's BotFather…) and read their audit logs for use you do not recognise.")
	}
	if has(detectors.KindGeneric) {
		s.Steps = append(s.Steps, "Replace the other secrets listed (SSH and GnuPG keys, passwords in URLs, values assigned to secret-looking names) where they were issued.")
	}
	if len(findings) > 0 {
		s.Steps = append(s.Steps, "Delete the files and archives you no longer need (and their backups); encrypt the rest (age, gpg, a password manager) instead of keeping secrets in plain text.")
	}
	if exposed {
		s.Steps = append(s.Steps, "Make the files marked readable by others private now: chmod 600 FILE (the command is in each finding).")
	}
	if history {
		s.Steps = append(s.Steps, "Scrub shell history: delete the lines holding secrets (history -d N in bash, or edit ~/.zsh_history and fish_history with the shell closed, or scan home --mask), and set HISTCONTROL=ignorespace (bash) or setopt HIST_IGNORE_SPACE (zsh) so a command typed with a leading space is not saved.")
	}
	return s
}

// filePath is the file on disk holding the finding: the outermost archive
// for archive members.
func filePath(f *detectors.Finding) string {
	if f.Archive != "" {
		return f.Archive
	}
	return f.Path
}

func isHistory(p string) bool {
	base := path.Base(p)
	return strings.HasSuffix(base, "_history") || strings.HasSuffix(base, "history.txt") ||
		strings.Contains(p, ".zsh_sessions/") || strings.Contains(p, ".bash_sessions/")
}

// writeSummary writes the summary as text tables followed by the steps.
func writeSummary(w io.Writer, findings []detectors.Finding, opt Options) error {
	s := summarize(findings, opt)
	var b bytes.Buffer
	p := painter(opt.Color)
	if len(findings) == 0 {
		b.WriteString("\nSummary: nothing found.\n")
		return flush(w, &b)
	}
	table := func(title, col string, rows []summaryRow) {
		fmt.Fprintf(&b, "\n%s\n", p.paint(ansiBold, title))
		fmt.Fprintf(&b, "  %-14s %7s %7s  %s\n", col, "count", "files", "highest")
		for _, r := range rows {
			fmt.Fprintf(&b, "  %-14s %7d %7d  %s\n", r.Name, r.Count, r.Files, p.paint(severityColor(r.Highest), r.Highest.String()))
		}
	}
	table("Findings by kind", "kind", s.ByKind)
	if len(s.ByExchange) > 0 {
		table("Findings by exchange", "exchange", s.ByExchange)
	}
	fmt.Fprintf(&b, "\n%s\n", p.paint(ansiBold, "What to do"))
	for i, step := range s.Steps {
		for j, line := range wrap(step, 76) {
			if j == 0 {
				fmt.Fprintf(&b, "  %d. %s\n", i+1, line)
			} else {
				fmt.Fprintf(&b, "     %s\n", line)
			}
		}
	}
	return flush(w, &b)
}
