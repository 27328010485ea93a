// Package detectors holds the rule table: what each kind of credential looks
// like, the words that must stand near it, and the few checks that a regular
// expression cannot express (checksums, key derivations, entropy).
//
// Rules are data. A rule names a credential (its id says the service and the
// part, e.g. "binance-api-secret"), lists the keywords that open a search
// window, and gives an RE2 pattern whose named group "secret" is the value.
// Everything else — prefiltering, windows, line and column bookkeeping,
// linking the parts of one credential — belongs to the engine.
//
// A rule also describes itself for reports: the service's display name,
// the Kind of credential, and advice with the page where it is revoked.
// Default returns the one registry of rules that the engine, `scan rules`
// and every report format read.
//
// The package is also the vocabulary shared by every stage and by library
// users: Finding (with Location, Part, Commit), Severity, Stats and
// Warning. Adding an exchange is one row in exchangeSpecs
// (rules_exchange_table.go); adding a service is one Rule in the
// rules_<category>.go file of its category, or a new file with its own
// group listed in Default (rules.go).
package detectors

import (
	"fmt"
	"strings"
)

// Severity orders findings by how much damage the credential allows.
// The zero value means "not set" so that a validator can leave a rule's
// severity alone.
type Severity int

// The severities, from least to most severe.
const (
	// SeverityUnset: no severity given (a Verdict that keeps the rule's).
	SeverityUnset Severity = iota
	// Info: known test material (documentation keys, published examples);
	// hidden by default.
	Info
	// Low: little damage alone (a passphrase, an encrypted key file).
	Low
	// Medium: a credential with limited reach (a read-only or quota key).
	Medium
	// High: a credential that acts for its owner.
	High
	// Critical: direct access to funds (a wallet secret, an exchange key
	// and secret together).
	Critical
)

var severityNames = [...]string{"unset", "info", "low", "medium", "high", "critical"}

// String returns the severity's name: "info", "low", "medium", "high",
// "critical" (or "unset").
func (s Severity) String() string {
	if s < 0 || int(s) >= len(severityNames) {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity reads a severity name as printed by String.
func ParseSeverity(name string) (Severity, error) {
	for i, n := range severityNames[1:] {
		if strings.EqualFold(name, n) {
			return Severity(i + 1), nil
		}
	}
	return SeverityUnset, fmt.Errorf("unknown severity %q (want info, low, medium, high or critical)", name)
}

// MarshalText lets severities appear as words in JSON and config files.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText is the inverse of MarshalText.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Parts of a multi-part credential. Parts found near each other for the same
// service are linked by the engine into one finding per secret.
const (
	// PartKey is the public half, the key id that names the account.
	PartKey = "api-key"
	// PartSecret is the half that signs requests.
	PartSecret = "api-secret"
	// PartPassphrase is a password some exchanges add to key and secret.
	PartPassphrase = "passphrase"
)

// Verdict is what a validator says about one candidate.
type Verdict struct {
	// Reject drops the candidate; Reason says why (logged at --verbose).
	Reject bool
	Reason string
	// Severity, when set, replaces the rule's severity (known test material
	// becomes Info, an encrypted key drops a level).
	Severity Severity
	// Note is shown to the user beside the finding: a derived address, the
	// key type, why the severity changed.
	Note string
	// Named says the value's own name names this rule's service
	// (BITGET_SECRET_KEY for a Bitget rule): when two rules claim one
	// value, a named claim wins.
	Named bool
}

// Kind says what sort of credential a rule finds. It decides what a person
// must do about a leak: an exchange key is revoked and the account's orders
// and withdrawals checked; a wallet secret cannot be revoked, so the funds
// must move; a cloud or SaaS credential is rotated at its provider.
type Kind int

const (
	// KindUnset is the zero value; every rule in the registry sets a kind.
	KindUnset Kind = iota
	// KindExchange: an API credential of a trading venue.
	KindExchange
	// KindWallet: a secret that controls funds on a blockchain directly.
	KindWallet
	// KindCloud: a credential of a cloud platform (AWS, Google Cloud).
	KindCloud
	// KindSaaS: a hosted service's token (source hosting, chat, payments,
	// AI, package registries, blockchain API providers).
	KindSaaS
	// KindGeneric: a secret whose issuer is not known (a PEM private key,
	// a value assigned to a secret-looking name).
	KindGeneric
)

var kindNames = [...]string{"unset", "exchange", "wallet", "cloud", "saas", "generic"}

// String returns the kind's name as reports print it: "exchange", "wallet",
// "cloud", "saas" or "generic".
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return fmt.Sprintf("kind(%d)", int(k))
	}
	return kindNames[k]
}

// MarshalText lets kinds appear as words in JSON.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Rule describes one kind of secret. Besides how to find it, a rule carries
// everything a report says about it (Name, Kind, Title, Advice, AdviceURL),
// so reports need no lookup tables of their own.
type Rule struct {
	ID       string
	Title    string
	Severity Severity
	// Service is the company or network the credential belongs to, as a
	// lowercase id ("binance", "aws", "bitcoin"); Exchange is set only for
	// exchanges, to the same id.
	Service  string
	Exchange string
	// Name is the service as people write it: "Binance.US", "Kraken
	// Futures", "HTX (Huobi)", "AWS". Reports use it in prose.
	Name string
	// Kind says what sort of credential this is (see Kind).
	Kind Kind
	// Part says which part of a multi-part credential this is (PartKey,
	// PartSecret, PartPassphrase); empty for single-part secrets.
	Part string
	// WholeFile rules match no text: a source judges the whole file (a
	// wallet.dat) and reports under the rule's id. The engine skips them;
	// they are in the registry so that reports and `scan rules` know them.
	WholeFile bool

	// Keywords are matched case-insensitively; a hit opens a window of
	// WindowBefore lines above and WindowAfter lines below the hit in which
	// Pattern is run. A rule with no keywords and no path keywords runs over
	// whole chunks and must be cheap.
	Keywords     []string
	WindowBefore int
	WindowAfter  int
	// LineKeywords, if set, narrow the windows to the lines holding one of
	// them (the label words of "label = value" rules): a value must start
	// on such a line. In code where the exchange's name is everywhere, this
	// keeps the pattern off most of the window. Set MultilineValue when the
	// value may continue below its line (PEM blocks).
	LineKeywords   []string
	MultilineValue bool
	// PathKeywords are matched against the lowercased, slash-separated
	// path; a hit makes the whole chunk the window (a file named seed.txt
	// needs no "mnemonic" inside it).
	PathKeywords []string
	// FileKeywords name the rule's service unmistakably wherever they
	// stand (an exchange's request-header names: X-MBX-APIKEY,
	// KC-API-KEY): a hit anywhere in a chunk makes the whole chunk the
	// window, as a path keyword does. A bot that keeps its key and secret
	// in constants at the top of a file names its exchange only in the
	// headers it signs forty lines below, out of any window's reach.
	// Lowercase; matched case-insensitively.
	FileKeywords []string

	// Pattern is an RE2 expression with a named group "secret".
	Pattern string
	// Gate, if set, is a test every window holding a match of Pattern
	// passes, cheaper than searching it: a window it turns down is not
	// searched. For a pattern without a literal to start from, whose
	// search steps every byte of a window full of near misses (URLs
	// without credentials in a lockfile).
	Gate func(text []byte) bool
	// Finder replaces Pattern where a regular expression would be slow or
	// cannot say it (runs of word-list words): it returns the [start, end)
	// byte spans of candidates in a window.
	Finder func(w *Window) [][2]int
	// ScanAll, if set, also runs over every whole chunk, with no window
	// and no keyword: for shapes strong enough alone (a checksum-valid
	// 24-word phrase) that must be found where no context word stands.
	// It must cost little more than reading the bytes, and may decline a
	// path (source code) where context words are always present.
	ScanAll func(path string, data []byte) [][2]int
	// Entropy is the lowest acceptable ratio between the candidate's Shannon
	// entropy and what a random string of the same alphabet and length is
	// expected to score. Zero disables the check.
	Entropy float64
	// KeepPlaceholders turns off the shared placeholder filter for rules
	// whose values legitimately look like prose (passphrases, mnemonics).
	KeepPlaceholders bool
	// Generic rules yield to any specific rule that finds the same value.
	Generic bool
	// Validate runs last, on candidates that passed every other filter.
	Validate func(secret string, c Candidate) Verdict

	// Advice tells a person what to do about a leak of this credential:
	// revoke where, check what, how to keep the replacement safe.
	Advice string
	// AdviceURL, when set, is the provider's page where the credential is
	// revoked or rotated.
	AdviceURL string

	// Examples must each produce at least one finding of this rule, and
	// Negatives none; both are checked by a test and shown by `scan rules`.
	// Read them with Samples.
	Examples  []string
	Negatives []string
	// MakeSamples, set instead of Examples and Negatives, makes them when
	// asked: a wallet rule's examples cost key derivations and checksums
	// that every scan would pay for building the rules and never read.
	MakeSamples func() (examples, negatives []string)
}

// Samples returns the rule's examples and negative examples, made now if
// the rule makes them on demand.
func (r *Rule) Samples() (examples, negatives []string) {
	if r.MakeSamples != nil {
		return r.MakeSamples()
	}
	return r.Examples, r.Negatives
}

// Candidate is the context a validator may look at besides the secret.
type Candidate struct {
	Path string
	// Line is the full text of the line the secret starts on.
	Line string
	// Window is the text that was searched (the lines around the keyword).
	Window string
	// Above is the nearest non-blank line above Line: the opener of a
	// value that stands alone on its line (<apiKey>, api_key: |).
	Above string
}
