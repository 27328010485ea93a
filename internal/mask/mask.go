package mask

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"unicode/utf16"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/display"
)

// Suffix replaces all but the first four characters of a masked secret.
const Suffix = "****MASKED-BY-KEYWARD****"

// MaxFile bounds a file masked in memory (histories and logs, not disk
// images).
const MaxFile = 256 << 20

// minSecret is the shortest value masked: shorter ones would hit ordinary
// words elsewhere in the file.
const minSecret = 8

// BackupDir is where backups live, relative to the audited directory.
const BackupDir = ".keyward/backups"

// Item is one finding as masking sees it.
type Item struct {
	// Path is the slash path relative to the audited directory.
	Path    string
	Archive string
	RuleID  string
	Line    int
	// Wallet is set for a secret that controls funds (seed, private key).
	Wallet bool
	// WholeFile is set when the file is the key (a key file, a keystore).
	WholeFile bool
	// Secrets are the values to mask: the finding's and its parts'.
	Secrets []string
}

// Change is one secret that will be (or was) masked in a file.
type Change struct {
	Line int
	// Before is the redacted secret, After what will stand in its place.
	Before, After string
	// Form names how the secret is written when not as plain text.
	Form  string
	Count int
}

// File is one file to mask.
type File struct {
	Path     string
	Changes  []Change
	Findings int
	// Kept lists secrets deliberately left in the file (a seed phrase in
	// a history).
	Kept []Kept
	// NotFound lists redacted secrets that are not in the file as
	// written (encoded in a way masking cannot rewrite).
	NotFound []string

	id      fileID
	sum     [32]byte
	masked  []byte
	secrets []string
}

// Kept is a secret left in a file that is otherwise masked.
type Kept struct {
	Line           int
	Secret, Reason string
}

func redactFirst(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return detectors.Redact(s[0])
}

// Refusal is a file left as it is, and why.
type Refusal struct {
	Path, Reason string
}

// Plan is what masking will do: every file it will rewrite and every file
// it will not, decided before anything is written.
type Plan struct {
	Root    string
	Files   []*File
	Refused []Refusal
}

// Prepare reads each file holding items and decides what will change.
// named lists paths (relative to root) the user asked to mask even though
// they are outside the default scope.
func Prepare(root string, items []Item, named []string) (*Plan, error) {
	d, err := openRoot(root)
	if err != nil {
		return nil, err
	}
	defer d.close()
	isNamed := map[string]bool{}
	for _, n := range named {
		isNamed[n] = true
	}
	p := &Plan{Root: root}
	refused := map[string]string{}
	refuse := func(rel, why string) {
		if _, dup := refused[rel]; !dup {
			refused[rel] = why
		}
	}
	byFile := map[string][]Item{}
	for _, it := range items {
		switch {
		case it.Archive != "":
			refuse(it.Path, ReasonArchive)
			continue
		case it.WholeFile:
			// The file is the secret: say what it is, never "delete it"
			// of a wallet.
			why := protected(it.Path)
			switch {
			case why != "":
			case it.Wallet:
				why = ReasonWallet
			default:
				why = ReasonKeyFile
			}
			refuse(it.Path, why)
			continue
		case isNamed[it.Path]:
		default:
			if ok, why := Scope(it.Path); !ok {
				refuse(it.Path, why)
				continue
			}
		}
		byFile[it.Path] = append(byFile[it.Path], it)
	}
	paths := make([]string, 0, len(byFile))
	for rel := range byFile {
		paths = append(paths, rel)
	}
	sort.Strings(paths)
	for _, rel := range paths {
		if _, r := refused[rel]; r {
			// One finding in the file forbids masking it: the file is
			// left whole.
			continue
		}
		var mask, keep []Item
		for _, it := range byFile[rel] {
			if it.Wallet && !isNamed[rel] {
				keep = append(keep, it)
			} else {
				mask = append(mask, it)
			}
		}
		if len(mask) == 0 {
			refuse(rel, ReasonWalletValue)
			continue
		}
		f, why := d.plan(rel, mask, notebook(rel) && !isNamed[rel])
		if why != "" {
			refuse(rel, why)
			continue
		}
		for _, it := range keep {
			f.Kept = append(f.Kept, Kept{Line: it.Line, Secret: redactFirst(it.Secrets), Reason: ReasonWalletValue})
		}
		p.Files = append(p.Files, f)
	}
	for rel, why := range refused {
		p.Refused = append(p.Refused, Refusal{rel, why})
	}
	sort.Slice(p.Refused, func(i, j int) bool { return p.Refused[i].Path < p.Refused[j].Path })
	return p, nil
}

// plan decides the changes to one file. With keepCode (a notebook the
// user did not name), a secret written in a cell's code stays: the
// notebook runs with it, and only its outputs are a record.
func (d *dir) plan(rel string, items []Item, keepCode bool) (*File, string) {
	if bad := cleanRel(rel); bad != "" {
		return nil, bad
	}
	data, id, err := d.read(rel)
	if err != nil {
		return nil, err.Error()
	}
	f := &File{Path: rel, Findings: len(items), id: id, sum: sha256.Sum256(data)}
	seen := map[string]bool{}
	var secrets []string
	lines := map[string]int{}
	if keepCode {
		code := notebookCode(data)
		// A secret in the code is kept everywhere in the file (masking
		// replaces every copy), and so is every finding it is part of.
		inCode := func(it Item) bool {
			for _, s := range it.Secrets {
				if len(s) >= minSecret && strings.Contains(code, s) {
					return true
				}
			}
			return false
		}
		var rest []Item
		for _, it := range items {
			if code != "" && inCode(it) {
				f.Kept = append(f.Kept, Kept{Line: it.Line, Secret: redactFirst(it.Secrets), Reason: ReasonNotebookCode})
				for _, s := range it.Secrets {
					seen[s] = true
				}
				continue
			}
			rest = append(rest, it)
		}
		if len(rest) == 0 {
			return nil, ReasonNotebookCode
		}
		items = rest
	}
	for _, it := range items {
		for _, s := range it.Secrets {
			if len(s) < minSecret || seen[s] {
				continue
			}
			seen[s] = true
			secrets = append(secrets, s)
			lines[s] = it.Line
		}
	}
	// Longest first, so a secret containing another is masked whole.
	sort.SliceStable(secrets, func(i, j int) bool { return len(secrets[i]) > len(secrets[j]) })
	out := data
	for _, s := range secrets {
		found := false
		for _, fm := range forms(s) {
			n := bytes.Count(out, fm.secret)
			if n == 0 {
				continue
			}
			found = true
			out = bytes.ReplaceAll(out, fm.secret, fm.masked)
			f.Changes = append(f.Changes, Change{Line: lines[s], Before: detectors.Redact(s), After: maskedForm(s), Form: fm.name, Count: n})
			f.secrets = append(f.secrets, s)
		}
		if !found {
			f.NotFound = append(f.NotFound, detectors.Redact(s))
		}
	}
	if len(f.Changes) == 0 {
		return nil, "the secret is not in the file as written (base64 or another encoding masking cannot rewrite): nothing changed — edit it yourself"
	}
	f.masked = out
	return f, ""
}

func notebook(rel string) bool { return strings.HasSuffix(strings.ToLower(rel), ".ipynb") }

// notebookCode is the source of every cell of a Jupyter notebook, "" if
// the file is not one.
func notebookCode(data []byte) string {
	var nb struct {
		Cells []struct {
			Source json.RawMessage `json:"source"`
		} `json:"cells"`
	}
	if json.Unmarshal(data, &nb) != nil {
		return ""
	}
	var b strings.Builder
	for _, c := range nb.Cells {
		var one string
		var lines []string
		switch {
		case json.Unmarshal(c.Source, &one) == nil:
			b.WriteString(one)
		case json.Unmarshal(c.Source, &lines) == nil:
			b.WriteString(strings.Join(lines, ""))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func maskedForm(s string) string {
	r := []rune(s)
	if len(r) > 4 {
		r = r[:4]
	}
	return string(r) + Suffix
}

type form struct {
	name           string
	secret, masked []byte
}

// forms are the ways a secret is written that masking can rewrite without
// breaking the file: as is, JSON-escaped (a notebook, a JSON log) and
// UTF-16 (PowerShell and Windows tools write it).
func forms(s string) []form {
	m := maskedForm(s)
	out := []form{{"", []byte(s), []byte(m)}}
	// Encoders differ: Go escapes <>& unless told not to, PHP and others
	// escape "/".
	for _, html := range []bool{false, true} {
		for _, slash := range []bool{false, true} {
			es, em := jsonEscape(s, html), jsonEscape(m, html)
			if slash {
				es, em = strings.ReplaceAll(es, "/", `\/`), strings.ReplaceAll(em, "/", `\/`)
			}
			if es != s && !dupForm(out, es) {
				out = append(out, form{"JSON-escaped", []byte(es), []byte(em)})
			}
		}
	}
	out = append(out,
		form{"UTF-16LE", utf16Bytes(s, binary.LittleEndian), utf16Bytes(m, binary.LittleEndian)},
		form{"UTF-16BE", utf16Bytes(s, binary.BigEndian), utf16Bytes(m, binary.BigEndian)})
	return out
}

func dupForm(fs []form, s string) bool {
	for _, f := range fs {
		if string(f.secret) == s {
			return true
		}
	}
	return false
}

func jsonEscape(s string, html bool) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(html)
	enc.Encode(s)
	out := strings.TrimSuffix(b.String(), "\n")
	return out[1 : len(out)-1]
}

func utf16Bytes(s string, order binary.ByteOrder) []byte {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		order.PutUint16(b[2*i:], c)
	}
	return b
}

// cleanRel refuses paths that are not plain relative paths below the root.
func cleanRel(rel string) string {
	if rel == "" || path.IsAbs(rel) || path.Clean(rel) != rel || rel == "." || strings.HasPrefix(rel, "../") || rel == ".." {
		return "not a plain path below the audited directory"
	}
	if rel == BackupDir || strings.HasPrefix(rel, BackupDir+"/") {
		return "in keyward's own backups"
	}
	return ""
}

// Write lists every file that will change and every file that will not,
// for the user to read before answering.
func (p *Plan) Write(w io.Writer) {
	if len(p.Files) > 0 {
		fmt.Fprintf(w, "--mask will rewrite %d file(s) in %s:\n", len(p.Files), p.Root)
		for _, f := range p.Files {
			fmt.Fprintf(w, "  %s\n", display.Shell(f.Path))
			for _, c := range f.Changes {
				form := ""
				if c.Form != "" {
					form = " (" + c.Form + ")"
				}
				where := ""
				if c.Line > 0 {
					where = fmt.Sprintf("line %d: ", c.Line)
				}
				fmt.Fprintf(w, "      %s%s -> %s%s, %d time(s)\n", where, c.Before, c.After, form, c.Count)
			}
			for _, k := range f.Kept {
				fmt.Fprintf(w, "      line %d: %s stays: %s\n", k.Line, k.Secret, k.Reason)
			}
			for _, s := range f.NotFound {
				fmt.Fprintf(w, "      %s stays: not in the file as written (encoded)\n", s)
			}
		}
	}
	if len(p.Refused) > 0 {
		fmt.Fprintf(w, "--mask will not touch %d file(s):\n", len(p.Refused))
		for _, r := range p.Refused {
			fmt.Fprintf(w, "  %s\n      %s\n", display.Shell(r.Path), r.Reason)
		}
	}
}

// Result says exactly what a mask run did.
type Result struct {
	// Backup is the folder holding the originals.
	Backup  string
	Masked  []*File
	Refused []Refusal
}

// Secrets counts the secrets masked.
func (r *Result) Secrets() int {
	n := 0
	for _, f := range r.Masked {
		for _, c := range f.Changes {
			n += c.Count
		}
	}
	return n
}

// manifest is the record Unmask restores from.
type manifest struct {
	Version  int            `json:"version"`
	Root     string         `json:"root"`
	Created  string         `json:"created"`
	Restored bool           `json:"restored,omitempty"`
	Files    []manifestFile `json:"files"`
}

type manifestFile struct {
	Path     string `json:"path"`
	Original string `json:"original_sha256"`
	Masked   string `json:"masked_sha256"`
	Findings int    `json:"findings"`
	Secrets  int    `json:"secrets"`
	// Done is false while the file is being written: the backup exists,
	// the file may be half written; Unmask restores it either way.
	Done bool `json:"done"`
}

func hexSum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// ErrUnsupported is returned where descriptor-relative file access is not
// available.
var ErrUnsupported = errors.New("--mask is not supported on this system")

// ErrNothingToRestore is Unmask's answer when no backup is left to restore:
// the files are already as they were before masking.
var ErrNothingToRestore = errors.New("nothing to restore")
