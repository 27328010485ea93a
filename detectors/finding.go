// A Finding is what the engine reports and what every later stage (filters,
// baseline, verification, reports) consumes.
//
// A Finding keeps the raw secret so that fingerprints, baselines and
// verification work; it is redacted only when written. Writers must call
// Redact (or honour an explicit --show-secrets) and never print Secret
// directly.
//
// Finding, Location and Part have no JSON form of their own: the JSON
// report (package report, JSON.md) is the one serialised schema, and it
// redacts. Commit, FileAccess and Verification carry the tags that report
// writes them with.

package detectors

import (
	"strings"
	"unicode/utf8"
)

// Location is a span in one file version. Lines and columns are 1-based;
// columns count characters, not bytes. EndColumn is one past the last
// character of the span, as SARIF's endColumn is.
type Location struct {
	Path        string
	StartLine   int
	StartColumn int
	EndLine     int
	EndColumn   int
}

// Part is another part of the same credential found near the secret (the
// API key beside an API secret, the passphrase beside both).
type Part struct {
	RuleID   string
	Part     string
	Secret   string
	Location Location
}

// Commit says where in git history a finding was introduced.
type Commit struct {
	SHA     string `json:"sha"`
	Author  string `json:"author"`
	Email   string `json:"email"`
	Date    string `json:"date"`
	Subject string `json:"subject"`
	// AtHead is true when the secret is still present at the tip of a ref
	// the scan started from (HEAD, the branch scanned, or any ref in an
	// all-refs audit), so "removed since" is never said of a secret that
	// sits at a branch's tip; Pushed when the commit is reachable from a
	// remote-tracking ref.
	AtHead bool `json:"at_head"`
	Pushed bool `json:"pushed"`
	// Root is true for a commit without parents, where "git rebase -i
	// SHA^" has no SHA^ to start from and only --root reaches it.
	Root bool `json:"root"`
}

// Finding is one secret at one place.
type Finding struct {
	RuleID   string
	Title    string
	Severity Severity
	Service  string
	Exchange string
	Part     string
	Location
	// Secret is the raw value. Never write it without the user's consent.
	Secret string
	// Line is the raw text of the line the secret starts on; writers show
	// it through RedactedLine.
	Line string
	// LineBefore is the raw text of the line above, where an
	// allow-next-line comment stands; empty at the start of a chunk.
	LineBefore string
	Parts      []Part
	Notes      []string
	Advice     string
	Commit     *Commit
	// Verification is set when --verify asked the credential's service
	// about it; nil when verification did not run.
	Verification *Verification
	// Conceal lists other values near the secret that reports must not
	// print either: candidates a rule rejected only for want of context (a
	// key-shaped value with no label). Reports redact them, and every
	// finding's secrets, in every line, subject, note and warning they
	// print.
	Conceal []string
	// File describes who may read the file holding the secret; home
	// scans set it, and a secret others can read is escalated.
	File *FileAccess
	// Archive names the outermost archive the secret was found in; Path
	// is then "archive!member" (see internal/archive).
	Archive string
	// Repository names the repository the finding came from when one
	// scan covers several (scan repos); empty otherwise.
	Repository string
	// Offset is the byte offset of the secret in its file; sources use it
	// to drop duplicates found in overlapping chunks.
	Offset int64
}

// FileAccess is the part of a file's permissions that matters for a leak.
type FileAccess struct {
	// Mode is the permission bits in octal, e.g. "0644".
	Mode string `json:"mode"`
	// ReadableByOthers is true when the group or other users may read
	// the file.
	ReadableByOthers bool `json:"readable_by_others"`
}

// Redact shows enough of a secret to recognise it and no more: the first four
// characters (fewer for short values) followed by an ellipsis.
func Redact(secret string) string {
	n := utf8.RuneCountInString(secret)
	keep := 4
	if n <= 8 {
		keep = n / 4
	}
	i := 0
	for k := 0; k < keep; k++ {
		_, size := utf8.DecodeRuneInString(secret[i:])
		i += size
	}
	return secret[:i] + "…"
}

// RedactedLine returns the finding's line with every occurrence of the
// secret and of its linked parts replaced by their redacted forms, and
// anything else that looks like key material too (ConcealKeyMaterial),
// trimmed to a readable length.
func (f *Finding) RedactedLine() string {
	line := redactIn(f.Line, f.Secret)
	for _, p := range f.Parts {
		line = redactIn(line, p.Secret)
	}
	// A multi-line secret (a PEM block) starts on this line but continues
	// below; its first line alone must not leak either.
	if first, _, ok := strings.Cut(f.Secret, "\n"); ok && len(first) >= 8 {
		line = redactIn(line, first)
	}
	return clip(strings.TrimSpace(ConcealKeyMaterial(line)), 160)
}

func redactIn(line, secret string) string {
	if secret == "" || line == "" {
		return line
	}
	return strings.ReplaceAll(line, secret, Redact(secret))
}

func clip(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max]) + "…"
}

// Less orders findings deterministically: by repository, path, position,
// then rule.
func Less(a, b *Finding) bool {
	if a.Repository != b.Repository {
		return a.Repository < b.Repository
	}
	if a.Path != b.Path {
		return a.Path < b.Path
	}
	ac, bc := "", ""
	if a.Commit != nil {
		ac = a.Commit.SHA
	}
	if b.Commit != nil {
		bc = b.Commit.SHA
	}
	if ac != bc {
		return ac < bc
	}
	if a.StartLine != b.StartLine {
		return a.StartLine < b.StartLine
	}
	if a.StartColumn != b.StartColumn {
		return a.StartColumn < b.StartColumn
	}
	return a.RuleID < b.RuleID
}
