// A Finding is what the engine reports and what every later stage (filters,
// baseline, verification, reports) consumes.
//
// A Finding keeps the raw secret so that fingerprints, baselines and
// verification work; it is redacted only when written. Writers must call
// Redact (or honour an explicit --show-secrets) and never print Secret
// directly.

package detectors

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode/utf8"
)

// Location is a span in one file version. Lines and columns are 1-based;
// columns count characters, not bytes. EndColumn is one past the last
// character of the span, as SARIF's endColumn is.
type Location struct {
	Path        string `json:"path"`
	StartLine   int    `json:"start_line"`
	StartColumn int    `json:"start_column"`
	EndLine     int    `json:"end_line"`
	EndColumn   int    `json:"end_column"`
}

// Part is another part of the same credential found near the secret (the
// API key beside an API secret, the passphrase beside both).
type Part struct {
	RuleID   string   `json:"rule_id"`
	Part     string   `json:"part"`
	Secret   string   `json:"-"`
	Location Location `json:"location"`
}

// Commit says where in git history a finding was introduced.
type Commit struct {
	SHA     string `json:"sha"`
	Author  string `json:"author"`
	Email   string `json:"email"`
	Date    string `json:"date"`
	Subject string `json:"subject"`
	// AtHead is true when the secret is still present in the checked-out
	// commit; Pushed when the commit is reachable from a remote-tracking ref.
	AtHead bool `json:"at_head"`
	Pushed bool `json:"pushed"`
}

// Finding is one secret at one place.
type Finding struct {
	RuleID   string   `json:"rule_id"`
	Title    string   `json:"title"`
	Severity Severity `json:"severity"`
	Service  string   `json:"service,omitempty"`
	Exchange string   `json:"exchange,omitempty"`
	Part     string   `json:"part,omitempty"`
	Location
	// Secret is the raw value. Never write it without the user's consent.
	Secret string `json:"-"`
	// Line is the raw text of the line the secret starts on; writers show
	// it through RedactedLine.
	Line string `json:"-"`
	// LineBefore is the raw text of the line above, where an
	// allow-next-line comment stands; empty at the start of a chunk.
	LineBefore string `json:"-"`
	// Fingerprint identifies (rule, secret) and does not change when the
	// secret moves to another line.
	Fingerprint string   `json:"fingerprint"`
	Parts       []Part   `json:"parts,omitempty"`
	Notes       []string `json:"notes,omitempty"`
	Advice      string   `json:"advice,omitempty"`
	Commit      *Commit  `json:"commit,omitempty"`
	// Verification is set when --verify asked the credential's service
	// about it; nil when verification did not run.
	Verification *Verification `json:"verification,omitempty"`
	// Conceal lists other values near the secret that reports must not
	// print either: candidates a rule rejected only for want of context (a
	// key-shaped value with no label). Reports redact them, and every
	// finding's secrets, in every line, subject, note and warning they
	// print.
	Conceal []string `json:"-"`
	// File describes who may read the file holding the secret; home
	// scans set it, and a secret others can read is escalated.
	File *FileAccess `json:"file,omitempty"`
	// Archive names the outermost archive the secret was found in; Path
	// is then "archive!member" (see internal/archive).
	Archive string `json:"archive,omitempty"`
	// Offset is the byte offset of the secret in its file; sources use it
	// to drop duplicates found in overlapping chunks.
	Offset int64 `json:"-"`
}

// FileAccess is the part of a file's permissions that matters for a leak.
type FileAccess struct {
	// Mode is the permission bits in octal, e.g. "0644".
	Mode string `json:"mode"`
	// ReadableByOthers is true when the group or other users may read
	// the file.
	ReadableByOthers bool `json:"readable_by_others"`
}

// Fingerprint hashes a rule id and a secret. It is the identity of a leak
// for baselines and for SARIF partialFingerprints.
func Fingerprint(ruleID, secret string) string {
	h := sha256.New()
	h.Write([]byte(ruleID))
	h.Write([]byte{0})
	h.Write([]byte(secret))
	return hex.EncodeToString(h.Sum(nil))[:32]
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
// secret and of its linked parts replaced by their redacted forms, trimmed
// to a readable length.
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
	return clip(strings.TrimSpace(line), 160)
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

// Less orders findings deterministically: by path, position, then rule.
func Less(a, b *Finding) bool {
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
