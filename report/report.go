// Package report writes scan findings for people (text), for programs (JSON)
// and for code-scanning services (SARIF 2.1.0).
//
// Every writer redacts secrets unless Options.ShowSecrets is set: a report
// is copied into CI logs, tickets and artifacts, and must not become a
// second leak. Writers keep the order of the findings they are given, and
// the same input always produces byte-identical output, so reports can be
// diffed and cached.
//
// Write picks a writer by format name; Create opens a report file that only
// its owner can read. The JSON format is versioned and described in JSON.md.
package report

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/keyward/scan/detectors"
)

// ToolName is the name reported in JSON and SARIF output.
const ToolName = "keyward-scan"

// InformationURI is where SARIF consumers send people to learn about the tool.
const InformationURI = "https://github.com/keyward/scan"

// Options controls what a report shows.
type Options struct {
	// ShowSecrets writes raw secrets and lines. By default every secret is
	// redacted with detectors.Redact.
	ShowSecrets bool
	// Color enables ANSI colour in text output. The caller decides, from
	// whether the output is a terminal and the user's wishes.
	Color bool
	// Version is the tool version written to JSON and SARIF.
	Version string
	// Command names the scan that ran ("dir", "git", "staged").
	Command string
	// Rules are the rules that were loaded. They supply descriptions and
	// advice; SARIF lists only those that produced a result.
	Rules []detectors.Rule
	// Verbose lists every warning and shows fingerprints in text output.
	Verbose bool
}

// Write writes findings in format, which is "text", "json" or "sarif".
func Write(w io.Writer, format string, findings []detectors.Finding, stats detectors.Stats, opt Options) error {
	switch strings.ToLower(format) {
	case "text":
		return WriteText(w, findings, stats, opt)
	case "json":
		return WriteJSON(w, findings, stats, opt)
	case "sarif":
		return WriteSARIF(w, findings, stats, opt)
	}
	return fmt.Errorf("unknown report format %q (want text, json or sarif)", format)
}

// Create opens path for a report, truncating it, with mode 0600: reports
// name where secrets are, and may hold them when secrets are shown. An
// existing file keeps its inode but loses any wider permissions it had.
func Create(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, err
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return nil, fmt.Errorf("restricting permissions of %s: %w", path, err)
	}
	return f, nil
}

// flush writes buf to w in one call so that a failing writer is reported
// once, not per line.
func flush(w io.Writer, buf *bytes.Buffer) error {
	_, err := w.Write(buf.Bytes())
	return err
}

// shown returns what a report may print of a secret.
func shown(secret string, opt Options) string {
	if opt.ShowSecrets {
		return secret
	}
	return detectors.Redact(secret)
}

// shownLine returns what a report may print of the finding's line.
func shownLine(f *detectors.Finding, opt Options) string {
	if opt.ShowSecrets {
		return clip(strings.TrimSpace(f.Line), 160)
	}
	return f.RedactedLine()
}

// scrub redacts the finding's secrets inside free text that came from the
// scanned content, such as a commit subject ("add key AKIA…") or a note.
func scrub(s string, f *detectors.Finding, opt Options) string {
	if opt.ShowSecrets || s == "" {
		return s
	}
	s = redactIn(s, f.Secret)
	for _, p := range f.Parts {
		s = redactIn(s, p.Secret)
	}
	if first, _, ok := strings.Cut(f.Secret, "\n"); ok && len(first) >= 8 {
		s = redactIn(s, first)
	}
	return s
}

func redactIn(s, secret string) string {
	if secret == "" {
		return s
	}
	return strings.ReplaceAll(s, secret, detectors.Redact(secret))
}

func clip(s string, max int) string {
	n := 0
	for i := range s {
		if n == max {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// ruleIndex maps rule ids to the loaded rules.
func ruleIndex(rules []detectors.Rule) map[string]*detectors.Rule {
	m := make(map[string]*detectors.Rule, len(rules))
	for i := range rules {
		if _, dup := m[rules[i].ID]; !dup {
			m[rules[i].ID] = &rules[i]
		}
	}
	return m
}

// kind is what a person must do about a leak, which depends on what leaked.
type kind int

const (
	kindService kind = iota // revoke at the provider
	kindExchange
	kindWallet
)

var walletServices = map[string]bool{
	"bitcoin": true, "ethereum": true, "solana": true, "wallet": true,
	"bip39": true, "monero": true, "litecoin": true, "tron": true,
}

// walletRuleWords mark rule ids whose secret is a wallet key whatever the
// service is called.
var walletRuleWords = []string{"bip39", "mnemonic", "seed-phrase", "wif", "xprv", "keystore", "wallet"}

func kindOf(ruleID, service, exchange string) kind {
	if exchange != "" {
		return kindExchange
	}
	if walletServices[strings.ToLower(service)] {
		return kindWallet
	}
	id := strings.ToLower(ruleID)
	for _, w := range walletRuleWords {
		if strings.Contains(id, w) {
			return kindWallet
		}
	}
	return kindService
}

// displayNames spells services whose names are not simply capitalised.
var displayNames = map[string]string{
	"okx": "OKX", "kucoin": "KuCoin", "bitmex": "BitMEX", "mexc": "MEXC",
	"htx": "HTX", "whitebit": "WhiteBIT", "gateio": "Gate.io", "gate": "Gate.io",
	"cryptocom": "Crypto.com", "crypto-com": "Crypto.com", "aws": "AWS",
	"gcp": "Google Cloud", "github": "GitHub", "gitlab": "GitLab",
	"openai": "OpenAI", "bitget": "Bitget", "bingx": "BingX",
}

func displayName(s string) string {
	if s == "" {
		return ""
	}
	if d, ok := displayNames[strings.ToLower(s)]; ok {
		return d
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func defaultAdvice(k kind, service, exchange string) string {
	switch k {
	case kindExchange:
		return fmt.Sprintf("Revoke this API key on %s now, before anything else: anyone who copied it can trade with your funds. "+
			"Create a new key with withdrawals disabled and an IP whitelist, keep it out of plain text and out of git "+
			"(use an environment variable or a secrets manager), and rotate it regularly.", displayName(exchange))
	case kindWallet:
		return "Move the funds to a new wallet generated offline, now. " +
			"The old secret can never be made safe again: whoever copied it controls every address derived from it, " +
			"so never reuse it, even after removing it from the file and from history."
	}
	who := "the provider"
	if service != "" {
		who = displayName(service)
	}
	return fmt.Sprintf("Revoke or rotate this credential at %s and replace it where it is used: "+
		"deleting it from the file does not undo the leak.", who)
}

// advice returns the advice for a finding: its own, its rule's, or the
// default for its kind.
func advice(f *detectors.Finding, rules map[string]*detectors.Rule) string {
	if f.Advice != "" {
		return f.Advice
	}
	if r := rules[f.RuleID]; r != nil && r.Advice != "" {
		return r.Advice
	}
	return defaultAdvice(kindOf(f.RuleID, f.Service, f.Exchange), f.Service, f.Exchange)
}

func ruleAdvice(r *detectors.Rule) string {
	if r.Advice != "" {
		return r.Advice
	}
	return defaultAdvice(kindOf(r.ID, r.Service, r.Exchange), r.Service, r.Exchange)
}

// commitAdvice says how urgent a leak in git history is.
func commitAdvice(c *detectors.Commit, k kind) string {
	if c.Pushed {
		if k == kindWallet {
			return "pushed to a remote: move the funds now"
		}
		return "pushed to a remote: revoke the key now"
	}
	then := "rotate the key anyway"
	if k == kindWallet {
		then = "move the funds anyway"
	}
	return fmt.Sprintf("not pushed yet: remove it from history (git commit --amend, or git rebase -i %s^) — and %s",
		shortSHA(c.SHA), then)
}

func shortSHA(sha string) string {
	if len(sha) > 8 {
		return sha[:8]
	}
	return sha
}

// severities lists severities from most to least severe, for summaries.
var severities = []detectors.Severity{detectors.Critical, detectors.High, detectors.Medium, detectors.Low, detectors.Info}
