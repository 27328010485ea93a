// Package report writes scan findings for people (text, and the short form
// git hooks print), for programs (JSON) and for code-scanning services
// (SARIF 2.1.0).
//
// Every writer redacts secrets unless Options.ShowSecrets is set: a report
// is copied into CI logs, tickets and artifacts, and must not become a
// second leak. Redaction covers every secret of every finding wherever it
// appears in printed context — a line, a commit subject, a note, a warning
// — so a line holding two keys shows neither. Writers keep the order of
// the findings they are given, and the same input always produces
// byte-identical output, so reports can be diffed and cached.
//
// This package and detectors are the module's public Go API, on purpose
// and no more: detectors holds the rule registry and the vocabulary of a
// finding, report writes findings in scan's formats (Write, Lookup,
// Options) and creates report files (Create). Scanning itself — sources,
// content, engine, filters — is internal: programs run the scan command
// (its JSON report is the stable, versioned contract) or build findings
// of their own and write them here.
//
// Formats are listed in one table (Formats, Lookup); Write picks one by
// name. What a report says about a finding — the service's display name,
// the kind of credential, the advice — comes from the rule that found it
// (detectors.Rule), never from tables here. Create writes a report file
// that only its owner can read, without following links or truncating
// anything but the file it created. The JSON format is versioned and
// described in JSON.md.
package report

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/display"
)

// toolName is the name reported in JSON and SARIF output.
const toolName = "keyward-scan"

// informationURI is where SARIF consumers send people to learn about the tool.
const informationURI = "https://github.com/keyward/scan"

// Options controls what a report shows.
type Options struct {
	// ShowSecrets writes raw secrets and lines. By default every secret is
	// redacted with detectors.Redact.
	ShowSecrets bool
	// Color enables ANSI colour in formats for people. The caller decides,
	// from whether the output is a terminal and the user's wishes.
	Color bool
	// Version is the tool version written to JSON and SARIF.
	Version string
	// Command names the scan that ran ("dir", "git", "staged", "pre-push").
	Command string
	// Rules are the rules that were loaded; nil means detectors.Default().
	// They supply names, kinds, descriptions and advice; SARIF lists only
	// those that produced a result. A finding whose rule is not among them
	// (from a baseline or another tool) is described from its own fields.
	Rules []detectors.Rule
	// Verbose lists every warning and shows fingerprints in text output.
	Verbose bool

	// Root is the absolute path of the scanned root (the repository's
	// top level for a git scan). SARIF declares it as %SRCROOT%, the base
	// of every result's relative URI.
	Root string
	// Repository, Revision and Branch describe the scanned repository for
	// SARIF's versionControlProvenance: a remote URL without credentials,
	// the commit at HEAD and its branch. Empty when unknown.
	Repository string
	Revision   string
	Branch     string
	// Repositories, set by a scan of many repositories, lists each one
	// with its own counts: SARIF writes a run per repository, JSON and
	// text a summary per repository before the totals.
	Repositories []RepositoryRun
	// Audit, set by a home audit, makes the text report end with the
	// summary, what to do and the places checked, and the HTML report list
	// the places: a clean audit still shows what was looked at.
	Audit *Audit
	// OwnBackups, when a scan met keyward's own --mask backups and did not
	// read them, makes the reports for people say so.
	OwnBackups *OwnBackups
	// Brief (-q) keeps a report for people short: the checklist of keys
	// to revoke, one line per finding and the summary line.
	Brief bool
	// Steps, if set, returns an exchange's own steps to revoke or restrict
	// a key ("binance.com → Account → API Management → …"), for the
	// checklist reports for people open with.
	Steps func(exchange string) string
	// Warn, if set, receives warnings about the report itself (results
	// dropped to stay within an upload limit). The caller shows them.
	Warn func(string)
}

// RepositoryRun is one repository of a scan of many.
type RepositoryRun struct {
	// Name is the repository's name in the set (owner/name, or a path
	// below the scanned directory), as findings carry it; URL its clone
	// URL without credentials (file:// for a local one).
	Name, URL string
	// Revision is the commit at the repository's HEAD, when known.
	Revision string
	Stats    detectors.Stats
}

// Audit is what a home audit adds to its reports.
type Audit struct {
	// Places are the known places found on disk, most likely leaks first.
	Places []Place
	// Repositories are the git repositories found below Root (slash paths
	// relative to it, "" for Root itself), whose history the audit does
	// not read: the reports give the scan git command for each.
	Repositories []string
	Root         string
}

// historyCommands are the commands that read the history an audit did
// not: one scan git per repository, with its real path.
func (a *Audit) historyCommands() []string {
	var out []string
	for _, r := range a.Repositories {
		out = append(out, "scan git "+display.Shell(filepath.Join(a.Root, filepath.FromSlash(r))))
	}
	return out
}

// historyNote says why the commands matter.
func historyNote(n int) string {
	return fmt.Sprintf("History not read: %d git repositor%s. A key removed from the files is still in the history "+
		"of every clone; read it with:", n, map[bool]string{true: "y", false: "ies"}[n == 1])
}

// OwnBackups is what keyward's own --mask backups that a scan passed over
// held: Findings in the originals kept in Folder, which
// "scan home --unmask Root" restores.
type OwnBackups struct {
	Findings int
	Folder   string
	Root     string
}

// Note is the sentence the reports give, "" when there is nothing to say.
func (o *OwnBackups) Note() string {
	if o == nil || o.Findings == 0 {
		return ""
	}
	return fmt.Sprintf("%d finding(s) are in keyward's own backups (%s), not reported again: "+
		"scan home --unmask %s restores them; delete the folder once you have checked the masked files.",
		o.Findings, display.Text(o.Folder), display.Shell(o.Root))
}

// Place counts the files of one kind of known place (shell history, SSH
// key, wallet) an audit found, and the findings they held.
type Place struct {
	Kind     string
	Files    int
	Findings int
}

// warn passes a warning about the report to the caller, if it listens.
func (o *Options) warn(format string, args ...any) {
	if o.Warn != nil {
		o.Warn(fmt.Sprintf(format, args...))
	}
}

// defaultRules is the registry, built once: reports only read it.
var defaultRules = sync.OnceValue(detectors.Default)

// view is what every writer derives from its input before writing: the
// rules by id and the redaction of every known secret.
type view struct {
	opt   Options
	rules map[string]*detectors.Rule
	// conceal replaces every secret of every finding with its redacted
	// form; nil when secrets are shown.
	conceal *strings.Replacer
	// revoke is the "keys to revoke" checklist, once a writer built it.
	revoke []revokeGroup
}

// inRevokeList reports whether f's advice is said by the checklist.
func (v *view) inRevokeList(f *detectors.Finding) bool {
	if len(v.revoke) == 0 || v.ownAdvice(f) {
		return false
	}
	for _, g := range v.revoke {
		if g.Exchange == f.Exchange {
			return true
		}
	}
	return false
}

// minConcealed is the shortest value redacted inside free text: shorter
// ones would garble ordinary words and carry little of a secret.
const minConcealed = 6

func newView(findings []detectors.Finding, opt Options) *view {
	v := &view{opt: opt, rules: map[string]*detectors.Rule{}}
	rules := opt.Rules
	if rules == nil {
		rules = defaultRules()
	}
	for i := range rules {
		if _, dup := v.rules[rules[i].ID]; !dup {
			v.rules[rules[i].ID] = &rules[i]
		}
	}
	if opt.ShowSecrets {
		return v
	}
	seen := map[string]bool{}
	var secrets []string
	add := func(s string) {
		// A multi-line secret (a PEM block) is also hidden line by line:
		// its first line stands alone on the finding's line.
		for _, part := range append([]string{s}, strings.Split(s, "\n")...) {
			part = strings.TrimSpace(part)
			if utf8.RuneCountInString(part) >= minConcealed && !seen[part] {
				seen[part] = true
				secrets = append(secrets, part)
			}
		}
	}
	for i := range findings {
		f := &findings[i]
		if f.Secret != f.Path {
			// A presence finding's "secret" is its path: a path is not a
			// secret, and commands must name the real file.
			add(f.Secret)
		}
		for _, p := range f.Parts {
			add(p.Secret)
		}
		for _, c := range f.Conceal {
			add(c)
		}
	}
	// Longest first: the replacer tries pairs in order at each position,
	// so a secret that contains another is replaced whole.
	sort.Slice(secrets, func(i, j int) bool {
		if len(secrets[i]) != len(secrets[j]) {
			return len(secrets[i]) > len(secrets[j])
		}
		return secrets[i] < secrets[j]
	})
	pairs := make([]string, 0, 2*len(secrets))
	for _, s := range secrets {
		pairs = append(pairs, s, detectors.Redact(s))
	}
	v.conceal = strings.NewReplacer(pairs...)
	return v
}

// secret returns what a report may print of a secret.
func (v *view) secret(s string) string {
	if v.opt.ShowSecrets {
		return s
	}
	return detectors.Redact(s)
}

// text returns free text that came from scanned content or from git (a
// line, a commit subject, a note, a warning) with every known secret
// redacted.
func (v *view) text(s string) string {
	if v.conceal == nil || s == "" {
		return s
	}
	return v.conceal.Replace(s)
}

// line returns what a report may print of the finding's line: trimmed,
// clipped, with every known secret and anything that looks like key
// material redacted.
func (v *view) line(f *detectors.Finding) string {
	l := v.text(f.Line)
	if v.conceal != nil {
		// The line is a window around the finding: its edge can cut
		// through a secret (the API key before the secret in a
		// one-line keys.json), and a cut secret is no longer the
		// string the replacer looks for.
		l = cutEdges(l, f.Secret)
		for _, p := range f.Parts {
			l = cutEdges(l, p.Secret)
		}
		for _, c := range f.Conceal {
			l = cutEdges(l, c)
		}
		// Key material no finding claimed — another call's key in a
		// shell history, the rest of a PEM body — is hidden too.
		l = detectors.ConcealKeyMaterial(l)
	}
	return clip(strings.TrimSpace(l), 160)
}

// cutEdges hides what is left of secret where the line starts inside it
// (its end, replaced by "…") or ends inside it (its start, redacted).
func cutEdges(l, secret string) string {
	if len(secret) < minConcealed || l == "" {
		return l
	}
	// A shorter piece shows no more than a redaction does, and may be
	// the line's own text (the dashes a PEM block ends with).
	const minPiece = 6
	piece := func(p string) bool {
		n := 0
		for i := 0; i < len(p); i++ {
			if c := p[i]; 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
				n++
			}
		}
		return n >= minPiece
	}
	for k := min(len(secret)-1, len(l)); k >= minPiece; k-- {
		if p := secret[len(secret)-k:]; strings.HasPrefix(l, p) && piece(p) {
			l = "…" + l[k:]
			break
		}
	}
	for k := min(len(secret)-1, len(l)); k >= minPiece; k-- {
		if p := secret[:k]; strings.HasSuffix(l, p) && piece(p) {
			l = l[:len(l)-k] + detectors.Redact(secret[:k])
			break
		}
	}
	return l
}

// commit returns a copy of c with its free text redacted.
func (v *view) commit(c *detectors.Commit) *detectors.Commit {
	if c == nil {
		return nil
	}
	cc := *c
	cc.Subject = v.text(c.Subject)
	cc.Author = v.text(c.Author)
	cc.Email = v.text(c.Email)
	return &cc
}

// rule returns the rule that produced f. A finding whose rule is not
// loaded is described from its own fields, as a generic credential.
func (v *view) rule(f *detectors.Finding) *detectors.Rule {
	if r := v.rules[f.RuleID]; r != nil {
		return r
	}
	r := &detectors.Rule{ID: f.RuleID, Title: f.Title, Severity: f.Severity,
		Service: f.Service, Exchange: f.Exchange, Part: f.Part, Name: f.Service, Kind: detectors.KindGeneric}
	if f.Exchange != "" {
		r.Kind = detectors.KindExchange
	}
	return r
}

// ownAdvice reports whether the finding carries advice other than its
// rule's (a validator's, which may quote scanned text).
func (v *view) ownAdvice(f *detectors.Finding) bool {
	return f.Advice != "" && f.Advice != v.rule(f).Advice
}

// advice returns the advice for a finding: its own, redacted, or its
// rule's (fixed text).
func (v *view) advice(f *detectors.Finding) string {
	if v.ownAdvice(f) {
		return v.text(f.Advice)
	}
	return ruleAdvice(v.rule(f))
}

// adviceURL is the rule's revocation page, unless the finding's own advice
// replaces the rule's.
func (v *view) adviceURL(f *detectors.Finding) string {
	if v.ownAdvice(f) {
		return ""
	}
	return v.rule(f).AdviceURL
}

// ruleAdvice is the rule's advice; a rule from outside the registry (which
// has none) gets advice for its kind.
func ruleAdvice(r *detectors.Rule) string {
	if r.Advice != "" {
		return r.Advice
	}
	who := "where it was issued"
	if r.Name != "" {
		who = "at " + r.Name
	}
	switch r.Kind {
	case detectors.KindExchange:
		return "Revoke this API key " + who + " now, then check the account's orders, withdrawals and address book; create a new key with withdrawals disabled and an IP whitelist."
	case detectors.KindWallet:
		return walletAdvice
	}
	return "Revoke or rotate this credential " + who + " and replace it where it is used: deleting it from the file does not undo the leak."
}

const walletAdvice = "Move the funds to a new wallet generated offline, now. The old secret can never be made safe again: " +
	"whoever copied it controls every address derived from it."

// description says in one sentence what the credential lets its holder do.
func description(r *detectors.Rule) string {
	title := r.Title
	if title == "" {
		title = r.ID
	}
	name := r.Name
	switch r.Kind {
	case detectors.KindExchange:
		return fmt.Sprintf("%s: an API credential for %s. Whoever holds it can trade, and with withdrawal rights move funds, on the account.", title, name)
	case detectors.KindWallet:
		return fmt.Sprintf("%s: a wallet secret. Whoever holds it controls the funds directly, and it cannot be revoked.", title)
	case detectors.KindCloud:
		return fmt.Sprintf("%s: a credential for %s. Whoever holds it acts in the cloud account with the credential's permissions, and the bill is yours.", title, name)
	case detectors.KindSaaS:
		return fmt.Sprintf("%s: a credential for %s, usable by anyone who can read where it leaked.", title, name)
	}
	return fmt.Sprintf("%s: a secret whose issuer its shape does not tell; whoever holds it can use whatever accepts it.", title)
}

// commitAdvice says how urgent a leak in git history is and how to get
// it out: commands the user can run as printed (the path is real, only
// values are redacted). head is the commit checked out (Options.Revision),
// "" when unknown.
func commitAdvice(c *detectors.Commit, k detectors.Kind, path, head string) string {
	now, then := "revoke the key now", "rotate the key anyway"
	if k == detectors.KindWallet {
		now, then = "move the funds now", "move the funds anyway"
	}
	quoted := display.Shell(path)
	if c.Pushed {
		// git filter-repo refuses to rewrite a clone that is not fresh,
		// and --invert-paths would drop a file the project still uses:
		// the value is replaced in a fresh bare clone of the remote, which
		// is what gets pushed back.
		return fmt.Sprintf("pushed to a remote: %s — that comes first, cleaning history does not undo the leak. Then rewrite "+
			"it in a fresh bare clone: url=\"$(git remote get-url origin)\", git clone --bare \"$url\" clean.git, cd clean.git, "+
			"write the value in a file as \"literal:VALUE==>REMOVED\" and run git filter-repo --replace-text FILE (or git "+
			"filter-repo --invert-paths --path %s to drop a file you no longer need from every commit), then git push --force "+
			"--all \"$url\" and git push --force --tags \"$url\" (filter-repo may remove the origin remote), and clone again: "+
			"old clones still hold it. Forks, other clones, pull-request refs and "+
			"caches keep the old commits.", now, quoted)
	}
	sha := shortSHA(c.SHA)
	if head != "" && c.SHA == head {
		return fmt.Sprintf("not pushed yet, only in the last commit (HEAD): remove it, git add %s, then git commit --amend — and %s", quoted, then)
	}
	// A root commit has no SHA^ for rebase to start from: --root is the
	// only form that reaches it.
	from := sha + "^"
	if c.Root {
		from = "--root"
	}
	// The edit must be staged before --amend, or the commit keeps the
	// secret. A later commit that took the secret out (changed or deleted
	// the file) conflicts with the user's own edit, or is left empty:
	// its own version of the file is the one without the secret, so the
	// user keeps it (checkout --theirs is that commit's side in a rebase).
	// Where the secret is still at HEAD no later commit removed it, and
	// --theirs could bring it back: the user resolves by hand.
	after := ""
	if !c.AtHead {
		after = fmt.Sprintf(". Where git stops at the later commit that took it out, keep that commit's version: "+
			"git checkout --theirs %[1]s and git add %[1]s (git rm %[1]s if that commit deleted the file), then "+
			"git rebase --continue (git rebase --skip if git says the commit is now empty)", quoted)
	}
	return fmt.Sprintf("not pushed yet: remove it from history with git rebase -i %s, "+
		"marking %s \"edit\"; take the secret out of %s, git add %s, git commit --amend and git rebase --continue%s — and %s",
		from, sha, quoted, quoted, after, then)
}

// flush writes buf to w in one call so that a failing writer is reported
// once, not per line.
func flush(w io.Writer, buf *bytes.Buffer) error {
	_, err := w.Write(buf.Bytes())
	return err
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

func shortSHA(sha string) string {
	if len(sha) > 8 {
		return sha[:8]
	}
	return sha
}

func titleOf(f *detectors.Finding) string {
	if f.Title != "" {
		return f.Title
	}
	return f.RuleID
}

func partName(p detectors.Part) string {
	if p.Part != "" {
		return p.Part
	}
	return p.RuleID
}

// severities lists severities from most to least severe, for summaries.
var severities = []detectors.Severity{detectors.Critical, detectors.High, detectors.Medium, detectors.Low, detectors.Info}
