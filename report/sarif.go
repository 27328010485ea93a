package report

import (
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/keyward/scan/detectors"
	fpderive "github.com/keyward/scan/internal/fingerprint"
)

const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	// fingerprintKey names the content fingerprint: a slow, salted
	// derivation of (rule, secret) (see internal/fingerprint), so an alert
	// survives the secret moving to another line, two secrets on one line
	// never share an identity, and the file lets no one confirm a guessed
	// password.
	fingerprintKey = "keywardFingerprint/v1"
	// lineHashKey is the only fingerprint GitHub code scanning reads.
	lineHashKey = "primaryLocationLineHash"
	// srcRoot is the base every result URI is relative to.
	srcRoot = "%SRCROOT%"
	// fingerprintSalt keeps report fingerprints apart from any other use
	// of the same derivation (baselines salt per file); the rule id is
	// added per rule. SARIF and JSON share it, so a finding has one
	// identity in every report.
	fingerprintSalt = "keyward-scan/sarif"
)

// reportedFingerprints derives each finding's content fingerprint: slow and
// salted (internal/fingerprint), never a plain hash of the secret, because
// reports are uploaded and a plain hash lets a reader confirm a guessed
// password offline.
func reportedFingerprints(findings []detectors.Finding) []string {
	pairs := make([]fpderive.Pair, len(findings))
	for i := range findings {
		pairs[i] = fpderive.Pair{Rule: findings[i].RuleID, Secret: findings[i].Secret}
	}
	return fpderive.New([]byte(fingerprintSalt), fpderive.Reported).All(pairs)
}

// githubLimits are code scanning's hard limits on one SARIF upload; going
// over any of them rejects the whole file, so the writer stays under them
// and says what it dropped.
// (Tool extensions and thread flows are limited too; this writer emits
// neither.)
var githubLimits = sarifLimits{
	// "10 MB" gzipped: the decimal reading, the smaller one.
	gzipBytes:          10_000_000,
	runsPerFile:        20,
	resultsPerRun:      25_000,
	rulesPerRun:        25_000,
	locationsPerResult: 1_000,
	tagsPerRule:        20,
}

type sarifLimits struct {
	gzipBytes          int
	runsPerFile        int
	resultsPerRun      int
	rulesPerRun        int
	locationsPerResult int
	tagsPerRule        int
}

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool sarifTool `json:"tool"`
	// AutomationDetails gives each run of a file of many repositories its
	// own category: code scanning rejects two runs of one tool and category
	// in one upload. A single run leaves it to upload-sarif's category.
	AutomationDetails  *sarifAutomation         `json:"automationDetails,omitempty"`
	Invocations        []sarifInvocation        `json:"invocations"`
	OriginalURIBaseIDs map[string]sarifArtifact `json:"originalUriBaseIds"`
	VersionControl     []sarifVersionControl    `json:"versionControlProvenance,omitempty"`
	// Columns are UTF-16 code units, the unit GitHub documents; the
	// engine's columns count characters and are converted per result.
	ColumnKind string         `json:"columnKind"`
	Results    []sarifResult  `json:"results"`
	Properties map[string]any `json:"properties,omitempty"`
}

type sarifAutomation struct {
	ID string `json:"id"`
}

type sarifVersionControl struct {
	RepositoryURI string         `json:"repositoryUri"`
	RevisionID    string         `json:"revisionId,omitempty"`
	Branch        string         `json:"branch,omitempty"`
	MappedTo      *sarifArtifact `json:"mappedTo,omitempty"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name            string      `json:"name"`
	InformationURI  string      `json:"informationUri"`
	Version         string      `json:"version,omitempty"`
	SemanticVersion string      `json:"semanticVersion,omitempty"`
	Rules           []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifMultiformat struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string             `json:"id"`
	Name                 string             `json:"name"`
	ShortDescription     sarifText          `json:"shortDescription"`
	FullDescription      sarifText          `json:"fullDescription"`
	Help                 sarifMultiformat   `json:"help"`
	HelpURI              string             `json:"helpUri,omitempty"`
	DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
	Properties           sarifRuleProps     `json:"properties"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	Kind             string   `json:"kind"`
	Service          string   `json:"service,omitempty"`
	Tags             []string `json:"tags"`
	SecuritySeverity string   `json:"security-severity"`
	Precision        string   `json:"precision"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
	// Properties are a repository's run properties when runs of several
	// repositories are folded into one (foldRuns).
	Properties map[string]any `json:"properties,omitempty"`
}

type sarifNotification struct {
	Level      string                 `json:"level"`
	Message    sarifText              `json:"message"`
	Locations  []sarifLocation        `json:"locations,omitempty"`
	Properties *sarifNotificationProp `json:"properties,omitempty"`
}

type sarifNotificationProp struct {
	Kind   string `json:"kind"`
	Commit string `json:"commit,omitempty"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	RelatedLocations    []sarifLocation   `json:"relatedLocations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          sarifResultProps  `json:"properties"`
}

type sarifResultProps struct {
	Severity string `json:"severity"`
	// Repository names the repository in a scan of many.
	Repository string            `json:"repository,omitempty"`
	Service    string            `json:"service,omitempty"`
	Exchange   string            `json:"exchange,omitempty"`
	Part       string            `json:"part,omitempty"`
	Notes      []string          `json:"notes,omitempty"`
	Commit     *detectors.Commit `json:"commit,omitempty"`
	// Verification is the same object as in the JSON report.
	Verification *detectors.Verification `json:"verification"`
}

type sarifLocation struct {
	// ID numbers a related location from 1, for links in the message.
	ID               int           `json:"id,omitempty"`
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
	Message          *sarifText    `json:"message,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI         string     `json:"uri,omitempty"`
	URIBaseID   string     `json:"uriBaseId,omitempty"`
	Description *sarifText `json:"description,omitempty"`
}

type sarifRegion struct {
	StartLine   int        `json:"startLine"`
	StartColumn int        `json:"startColumn"`
	EndLine     int        `json:"endLine"`
	EndColumn   int        `json:"endColumn"`
	Snippet     *sarifText `json:"snippet,omitempty"`
}

// writeSARIF writes a SARIF 2.1.0 log with one run that GitHub code
// scanning accepts and tracks (docs/ci.md, "How alerts are tracked", says how).
//
// SARIF never holds a secret, whatever Options.ShowSecrets says: the file
// is uploaded to a service and kept as a CI artifact. Only rules that
// produced a result are listed. A scan that could not read everything
// lists why in toolExecutionNotifications; it is marked
// executionSuccessful: false only when it found nothing, because GitHub
// treats false as a failed analysis and would discard real results.
func writeSARIF(w io.Writer, findings []detectors.Finding, stats detectors.Stats, opt Options) error {
	return writeSARIFWithin(w, findings, stats, opt, githubLimits)
}

func writeSARIFWithin(w io.Writer, findings []detectors.Finding, stats detectors.Stats, opt Options, lim sarifLimits) error {
	if len(opt.Repositories) > 0 {
		return writeSARIFRepositories(w, findings, opt, lim)
	}
	opt.ShowSecrets = false
	u := &sarifUnit{run: buildSARIF(findings, stats, opt)}
	b, err := fitSARIF([]*sarifUnit{u}, lim, &opt)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// buildSARIF builds the run of findings, before fitSARIF holds it to an
// upload's limits.
func buildSARIF(findings []detectors.Finding, stats detectors.Stats, opt Options) sarifRun {
	v := newView(findings, opt)
	rules, index := sarifRules(findings, v)

	fps := reportedFingerprints(findings)

	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:            toolName,
			InformationURI:  informationURI,
			Version:         opt.Version,
			SemanticVersion: semver(opt.Version),
			Rules:           rules,
		}},
		Invocations:        []sarifInvocation{sarifInvocationOf(stats, v, len(findings) > 0)},
		OriginalURIBaseIDs: map[string]sarifArtifact{srcRoot: rootArtifact(opt.Root)},
		VersionControl:     versionControl(opt),
		ColumnKind:         "utf16CodeUnits",
		Results:            make([]sarifResult, 0, len(findings)),
		Properties:         sarifRunProperties(stats, opt),
	}
	collide := sameLineSameRule(findings)
	for i := range findings {
		f := &findings[i]
		res := sarifResultOf(f, index[sarifRuleID(f, v)], fps[i], v)
		if f.Commit != nil || collide[i] {
			res.PartialFingerprints[lineHashKey] = lineHash(res.Locations[0].PhysicalLocation.ArtifactLocation.URI, fps[i])
		}
		run.Results = append(run.Results, res)
	}
	return run
}

func gzipSize(b []byte) int {
	var n countWriter
	zw := gzip.NewWriter(&n)
	zw.Write(b)
	zw.Close()
	return int(n)
}

type countWriter int

func (c *countWriter) Write(p []byte) (int, error) {
	*c += countWriter(len(p))
	return len(p), nil
}

// lineHash is the primaryLocationLineHash of a finding that upload-sarif
// cannot hash itself. upload-sarif hashes the text of the reported line in
// the file as it is at HEAD; for a finding from history that file may be
// gone, or the line number may belong to an older version of it, so the
// hash would be missing or taken from the wrong line. This one is derived
// from the content fingerprint and the path, so it follows the secret, not
// the line number: the alert survives the file being edited around it,
// stays one alert per file like GitHub's own line hashes, and two secrets
// on one line never share one. The ":1" suffix is the occurrence count
// GitHub's own hashes carry.
func lineHash(uri, contentFingerprint string) string {
	h := sha256.Sum256([]byte("keyward/primaryLocationLineHash/v1\x00" + uri + "\x00" + contentFingerprint))
	return hex.EncodeToString(h[:8]) + ":1"
}

// sameLineSameRule marks findings that share a file, a line and a rule
// with another finding: upload-sarif would give them one line hash, and
// GitHub would fold them into one alert.
func sameLineSameRule(fs []detectors.Finding) []bool {
	type key struct {
		path, rule string
		line       int
	}
	count := map[key]int{}
	for i := range fs {
		count[key{fs[i].Path, fs[i].RuleID, fs[i].StartLine}]++
	}
	out := make([]bool, len(fs))
	for i := range fs {
		out[i] = count[key{fs[i].Path, fs[i].RuleID, fs[i].StartLine}] > 1
	}
	return out
}

func rootArtifact(root string) sarifArtifact {
	a := sarifArtifact{Description: &sarifText{Text: "The root of the scan: the repository's top level or the scanned directory."}}
	if root != "" && filepath.IsAbs(root) {
		u := url.URL{Scheme: "file", Path: filepath.ToSlash(root)}
		if !strings.HasPrefix(u.Path, "/") {
			u.Path = "/" + u.Path // a Windows volume
		}
		a.URI = strings.TrimSuffix(u.String(), "/") + "/"
	}
	return a
}

func versionControl(opt Options) []sarifVersionControl {
	u, err := url.Parse(opt.Repository)
	if opt.Repository == "" || err != nil || u.Scheme == "" {
		return nil
	}
	u.User = nil // a remote URL may carry a token
	return []sarifVersionControl{{
		RepositoryURI: u.String(),
		RevisionID:    opt.Revision,
		Branch:        opt.Branch,
		MappedTo:      &sarifArtifact{URIBaseID: srcRoot},
	}}
}

// semver returns the version if it is a semantic version (GitHub prefers
// semanticVersion for tracking tool changes), else "".
func semver(v string) string {
	v = strings.TrimPrefix(v, "v")
	parts := strings.SplitN(v, ".", 3)
	if len(parts) != 3 {
		return ""
	}
	for _, p := range parts[:2] {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return ""
		}
	}
	return v
}

// sarifRules returns the rules that have at least one finding, sorted by id,
// and each id's index in that list. A rule that was not loaded (a finding
// from a baseline or another tool) is described from its findings.
func sarifRules(findings []detectors.Finding, v *view) ([]sarifRule, map[string]int) {
	used := map[string]detectors.Rule{}
	for i := range findings {
		f := &findings[i]
		id := sarifRuleID(f, v)
		r, seen := used[id]
		switch {
		case !seen:
			r = *v.rule(f)
			if id != f.RuleID {
				// A variant: the rule at the severity this finding has.
				r.ID, r.Severity = id, f.Severity
				r.Title = fmt.Sprintf("%s (%s)", r.Title, f.Severity)
			}
		case v.rules[f.RuleID] == nil && f.Severity > r.Severity:
			r.Severity = f.Severity
		}
		used[id] = r
	}
	ids := make([]string, 0, len(used))
	for id := range used {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	rules := make([]sarifRule, 0, len(ids))
	index := make(map[string]int, len(ids))
	for i, id := range ids {
		r := used[id]
		index[id] = i
		title := r.Title
		if title == "" {
			title = id
		}
		tags := ruleTags(&r)
		full := description(&r)
		help := ruleAdvice(&r)
		if r.AdviceURL != "" {
			help += " " + r.AdviceURL
		}
		rules = append(rules, sarifRule{
			ID:                   id,
			Name:                 clip(camelCase(id), 255),
			ShortDescription:     sarifText{Text: clip(title, 1000)},
			FullDescription:      sarifText{Text: clip(full, 1000)},
			Help:                 sarifMultiformat{Text: help, Markdown: helpMarkdown(&r, title, full)},
			HelpURI:              helpURI(&r),
			DefaultConfiguration: sarifConfiguration{Level: sarifLevel(r.Severity)},
			Properties: sarifRuleProps{
				Kind:             r.Kind.String(),
				Service:          r.Name,
				Tags:             tags,
				SecuritySeverity: securitySeverity(r.Severity),
				Precision:        precision(&r),
			},
		})
	}
	return rules, index
}

// sarifRuleID is the SARIF rule a finding is filed under. GitHub shows a
// result at its rule's security-severity, not at the result's level, so a
// finding rated above or below its rule's default (a key found with its
// secret: critical; a key in a test fixture: low) is filed under a variant
// of the rule for that severity, "binance-api-secret/critical". The
// variant depends only on how the finding is rated, which stays the same
// from one analysis to the next, so alerts keep their identity.
func sarifRuleID(f *detectors.Finding, v *view) string {
	r := v.rules[f.RuleID]
	if r == nil || r.Severity == f.Severity {
		return f.RuleID
	}
	return f.RuleID + "/" + f.Severity.String()
}

// ruleTags are code scanning's filters: every rule is a security rule about
// a secret, and people filter by the kind of credential and the exchange or
// service it belongs to.
func ruleTags(r *detectors.Rule) []string {
	tags := []string{"security", "secret"}
	if k := r.Kind.String(); r.Kind != detectors.KindUnset && !slices.Contains(tags, k) {
		tags = append(tags, k)
	}
	for _, t := range []string{r.Exchange, r.Service} {
		t = strings.ToLower(t)
		if t != "" && !slices.Contains(tags, t) {
			tags = append(tags, t)
		}
	}
	return tags
}

// adviceDoc is the page that says what to do about each kind of finding.
const adviceDoc = informationURI + "/blob/main/docs/usage.md"

// helpURI is where a person revokes the credential (the rule's own page),
// or else the advice for its kind.
func helpURI(r *detectors.Rule) string {
	if r.AdviceURL != "" {
		return r.AdviceURL
	}
	switch r.Kind {
	case detectors.KindExchange:
		return adviceDoc + "#an-exchange-api-key"
	case detectors.KindWallet:
		return adviceDoc + "#a-wallet-secret"
	}
	return adviceDoc + "#any-other-credential"
}

// helpMarkdown is the remediation GitHub shows beside an alert (it ignores
// helpUri, so the links are here too).
func helpMarkdown(r *detectors.Rule, title, full string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## %s\n\n%s\n\n### What to do\n\n", title, full)
	name := r.Name
	if name == "" {
		name = "the provider"
	}
	where := name + "'s API management page"
	if r.AdviceURL != "" {
		where = fmt.Sprintf("[%s's API management page](%s)", name, r.AdviceURL)
	}
	switch r.Kind {
	case detectors.KindExchange:
		fmt.Fprintf(&b, "1. **Revoke the key now** in %s: anyone who copied it can trade on the account.\n", where)
		b.WriteString("2. Create a new key with **withdrawals disabled** and an **IP whitelist** of the hosts that trade.\n")
		b.WriteString("3. Keep it in a secrets manager or an environment variable, never in the repository.\n")
		b.WriteString("4. Rotate it regularly.\n")
		b.WriteString("5. Check the account's orders, withdrawals and address book for activity you did not make.\n")
	case detectors.KindWallet:
		b.WriteString("1. **Move the funds now** to a new wallet generated offline.\n")
		b.WriteString("2. A seed phrase or private key cannot be rotated or revoked: whoever copied it controls every address derived from it. Never use it again.\n")
		b.WriteString("3. Keep the new secret off any machine that syncs to a repository or a cloud drive.\n")
	case detectors.KindGeneric:
		b.WriteString("1. **Replace it now** wherever it is accepted: a new key pair, certificate or password, and the old one revoked or removed from every service that trusts it.\n")
		b.WriteString("2. Keep the new one in a secrets manager or an environment variable, never in the repository.\n")
	default:
		who := name
		if r.AdviceURL != "" {
			who = fmt.Sprintf("[%s](%s)", name, r.AdviceURL)
		}
		fmt.Fprintf(&b, "1. **Revoke or rotate** the credential at %s now.\n", who)
		b.WriteString("2. Put the new one in a secrets manager or an environment variable, never in the repository.\n")
		b.WriteString("3. Check the provider's logs for use you did not make.\n")
	}
	b.WriteString("\nDeleting the value from the file does not undo the leak: it stays in git history and in every clone.")
	if r.Advice != "" {
		fmt.Fprintf(&b, "\n\n%s", r.Advice)
	}
	fmt.Fprintf(&b, "\n\n[More about this finding](%s)\n", helpURI(r))
	return b.String()
}

// sarifResultOf builds one result; v redacts every secret of every finding
// wherever it appears (a snippet may hold another finding's secret).
func sarifResultOf(f *detectors.Finding, ruleIndex int, fp string, v *view) sarifResult {
	msg := fmt.Sprintf("%s: %s", titleOf(f), detectors.Redact(f.Secret))
	if len(f.Parts) > 0 {
		// GitHub shows only locations[0]; the other parts are related
		// locations, linked from the message by their ids.
		var with []string
		for i, p := range f.Parts {
			where := p.Location.Path
			if where == "" || where == f.Path {
				where = fmt.Sprintf("line %d", p.Location.StartLine)
			} else {
				where = fmt.Sprintf("%s line %d", sarifLinkText(where), p.Location.StartLine)
			}
			with = append(with, fmt.Sprintf("%s at [%s](%d)", partName(p), where, i+1))
		}
		msg += " (with its " + strings.Join(with, ", ") + "; revoke the credential and remove every part)"
	}
	if c := f.Commit; c != nil {
		// GitHub ignores result properties, so the commit is named where
		// people read: the message.
		msg += fmt.Sprintf(". Committed in %s", c.SHA)
		if c.Author != "" {
			msg += " by " + v.text(c.Author)
		}
		if c.Date != "" {
			msg += " on " + c.Date
		}
		if c.AtHead {
			msg += "; still present at the tip of the scanned ref"
		} else {
			msg += "; removed since, but still in history"
		}
		if c.Pushed {
			msg += "; pushed"
		}
	}
	loc := sarifLocation{PhysicalLocation: sarifPhysical{
		ArtifactLocation: sarifArtifact{URI: artifactURI(f.Path), URIBaseID: srcRoot},
		Region:           region(f.Location, f.Secret, f.Line),
	}}
	if line := v.line(f); line != "" {
		loc.PhysicalLocation.Region.Snippet = &sarifText{Text: line}
	}
	res := sarifResult{
		RuleID:              sarifRuleID(f, v),
		RuleIndex:           ruleIndex,
		Level:               sarifLevel(f.Severity),
		Message:             sarifText{Text: msg},
		Locations:           []sarifLocation{loc},
		PartialFingerprints: map[string]string{fingerprintKey: fp},
		Properties: sarifResultProps{
			Severity:   f.Severity.String(),
			Repository: f.Repository,
			Service:    f.Service,
			Exchange:   f.Exchange,
			Part:       f.Part,
		},
	}
	res.Properties.Verification = verificationOf(f, v)
	for _, n := range f.Notes {
		res.Properties.Notes = append(res.Properties.Notes, v.text(n))
	}
	res.Properties.Commit = v.commit(f.Commit)
	// Removing a leaked credential means deleting its key and its secret,
	// which is when SARIF asks for more than one location, so a key part is
	// also one of the result's locations: consumers that read every
	// location (scorers, other SARIF viewers) see where it leaked. GitHub
	// shows only the first location, so every part is also a related
	// location, which the message links to. A passphrase is chosen by the
	// user, not issued: related context only, not a place the credential
	// leaked.
	for _, p := range f.Parts {
		where := p.Location
		if where.Path == "" {
			where.Path = f.Path
		}
		line := ""
		if where.Path == f.Path && where.StartLine == f.StartLine {
			line = f.Line
		}
		part := sarifLocation{
			PhysicalLocation: sarifPhysical{
				ArtifactLocation: sarifArtifact{URI: artifactURI(where.Path), URIBaseID: srcRoot},
				Region:           region(where, p.Secret, line),
			},
			Message: &sarifText{Text: fmt.Sprintf("%s of the same credential: %s", partName(p), detectors.Redact(p.Secret))},
		}
		if p.Part != detectors.PartPassphrase {
			res.Locations = append(res.Locations, part)
		}
		part.ID = len(res.RelatedLocations) + 1
		res.RelatedLocations = append(res.RelatedLocations, part)
	}
	return res
}

// sarifLinkText escapes the characters that would end a SARIF message link's text.
func sarifLinkText(s string) string {
	return strings.NewReplacer(`\`, `\\`, "[", `\[`, "]", `\]`).Replace(s)
}

// region makes a SARIF region that code-scanning services accept: lines and
// columns start at 1, the end is never before the start, and a single-line
// span is never empty (GitHub rejects endColumn 0). Columns are converted
// from characters to UTF-16 code units using line, the text of the start
// line as the finding carries it; characters outside the Basic
// Multilingual Plane take two units. When line is empty or cut short
// before the secret, the part that is not known is taken to have none.
func region(l detectors.Location, secret, line string) *sarifRegion {
	r := &sarifRegion{
		StartLine:   max(l.StartLine, 1),
		StartColumn: max(l.StartColumn, 1),
		EndLine:     l.EndLine,
		EndColumn:   l.EndColumn,
	}
	first, rest, multi := strings.Cut(secret, "\n")
	shift := 0
	if i := strings.Index(line, first); i >= 0 && first != "" {
		shift = astral(line[:i])
	}
	r.StartColumn += shift
	if r.EndLine < r.StartLine {
		r.EndLine = r.StartLine
	}
	switch {
	case r.EndLine == r.StartLine && l.EndColumn <= l.StartColumn:
		r.EndColumn = r.StartColumn + max(utf16Len(first), 1)
	case r.EndLine == r.StartLine:
		r.EndColumn += shift + astral(first)
	case multi:
		r.EndColumn += astral(rest[strings.LastIndexByte(rest, '\n')+1:])
	}
	if r.EndColumn < 1 {
		r.EndColumn = 1
	}
	return r
}

// astral counts the characters of s that take two UTF-16 code units.
func astral(s string) int {
	n := 0
	for _, c := range s {
		if c > 0xFFFF {
			n++
		}
	}
	return n
}

func utf16Len(s string) int { return utf8.RuneCountInString(s) + astral(s) }

// artifactURI turns a scanned path into the relative URI reference that
// code scanning maps onto the repository. Absolute paths cannot be mapped,
// so they are made relative to the working directory, where CI runs.
func artifactURI(p string) string {
	if filepath.IsAbs(p) {
		if wd, err := os.Getwd(); err == nil {
			if rel, err := filepath.Rel(wd, p); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				p = rel
			}
		}
	}
	p = filepath.ToSlash(p)
	if vol := filepath.VolumeName(p); vol != "" {
		p = p[len(vol):]
	}
	if p != "" {
		p = path.Clean(p)
	}
	p = strings.TrimLeft(p, "/")
	p = strings.TrimPrefix(p, "./")
	if p == "." {
		p = ""
	}
	u := escapePath(p)
	// A colon in the first segment would read as a URI scheme.
	if first, _, _ := strings.Cut(u, "/"); strings.Contains(first, ":") {
		u = "./" + u
	}
	return u
}

// escapePath percent-encodes every byte that may not appear literally in a
// URI path segment (RFC 3986 pchar), keeping '/' as the separator.
func escapePath(p string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if isPchar(c) || c == '/' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

func isPchar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("-._~!$&'()*+,;=:@", c) >= 0
}

func sarifLevel(s detectors.Severity) string {
	switch s {
	case detectors.Critical, detectors.High:
		return "error"
	case detectors.Low, detectors.Info:
		return "note"
	}
	return "warning"
}

// securitySeverity is GitHub's 0.0–10.0 score, which it maps back to
// critical (≥9), high (≥7), medium (≥4) and low.
func securitySeverity(s detectors.Severity) string {
	switch s {
	case detectors.Critical:
		return "9.5"
	case detectors.High:
		return "8.0"
	case detectors.Low:
		return "3.0"
	case detectors.Info:
		return "1.0"
	}
	return "5.5"
}

// precision tells code scanning how often a rule is right: rules with a
// validator (checksums, key derivation) are rarely wrong, generic rules
// often are.
func precision(r *detectors.Rule) string {
	switch {
	case r.Generic:
		return "medium"
	case r.Validate != nil:
		return "very-high"
	}
	return "high"
}

// camelCase turns a rule id such as "binance-api-secret" into
// "BinanceApiSecret", the form SARIF viewers expect for rule names.
func camelCase(id string) string {
	var b strings.Builder
	upper := true
	for _, r := range id {
		if r == '-' || r == '_' || r == '.' || r == ' ' || r == '/' {
			upper = true
			continue
		}
		if upper {
			b.WriteString(strings.ToUpper(string(r)))
			upper = false
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func sarifInvocationOf(stats detectors.Stats, v *view, hasResults bool) sarifInvocation {
	// GitHub treats executionSuccessful: false as a failed analysis and
	// keeps none of its results: an incomplete scan that found something
	// must still deliver it. One that found nothing says false, so that it
	// cannot close every open alert as fixed.
	inv := sarifInvocation{ExecutionSuccessful: !stats.Incomplete || hasResults}
	for _, w := range stats.Warnings {
		n := sarifNotification{Level: "warning", Message: sarifText{Text: v.text(w.String())}}
		kind := w.Kind
		if kind == "" {
			kind = detectors.WarnOther
		}
		n.Properties = &sarifNotificationProp{Kind: string(kind), Commit: w.Commit}
		if w.Path != "" {
			n.Locations = []sarifLocation{{PhysicalLocation: sarifPhysical{
				ArtifactLocation: sarifArtifact{URI: artifactURI(w.Path), URIBaseID: srcRoot}}}}
		}
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, n)
	}
	if stats.Interrupted {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications,
			sarifNotification{Level: "error", Message: sarifText{Text: "scan interrupted before it finished"}})
	}
	if stats.Incomplete {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications,
			sarifNotification{Level: "error", Message: sarifText{Text: "scan incomplete: some content could not be scanned, so secrets may have been missed"}})
	}
	return inv
}

// sarifRunProperties records what was scanned. The duration is left out so
// that scanning the same content twice gives the same file.
func sarifRunProperties(stats detectors.Stats, opt Options) map[string]any {
	p := map[string]any{
		"files":      stats.Files,
		"bytes":      stats.Bytes,
		"incomplete": stats.Incomplete,
	}
	if opt.Command != "" {
		p["command"] = opt.Command
	}
	if stats.Commits > 0 {
		p["commits"] = stats.Commits
	}
	if len(stats.Skipped) > 0 {
		p["skipped"] = stats.Skipped
	}
	if len(stats.Suppressed) > 0 {
		p["suppressed"] = stats.Suppressed
	}
	return p
}
