// Package baseline records findings a team has accepted, so that a scan
// in CI fails only on new ones.
//
// A baseline is committed to the repository it describes, so it is
// written for readers who must learn nothing from it: it holds no secret,
// no part of one, and no fast hash of one. Each entry names a rule, a path
// and a fingerprint, which is scrypt over the secret with a random salt
// kept in the file (see internal/fingerprint): confirming a guessed
// password against it costs a scrypt derivation per guess, and a table
// computed for one baseline serves no other.
//
// A finding is accepted when its fingerprint is in the baseline, whatever
// its line and path: moving a line or renaming a file is not a new leak.
// The file holds no line numbers and no timestamps and is sorted, so
// re-creating it from the same findings changes nothing.
package baseline

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/fingerprint"
	"github.com/keyward/scan/internal/regularfile"
)

// DefaultFile is the baseline's conventional name at a repository's root.
const DefaultFile = ".keyward-baseline.json"

// formatVersion is the file format's version; a newer one is refused.
const formatVersion = 1

const saltLen = 16

// maxSaltLen bounds a salt read from a file: every derivation hashes it.
const maxSaltLen = 64

// File is a loaded or new baseline. Its methods are not safe for
// concurrent use.
type File struct {
	Version     int    `json:"version"`
	About       string `json:"about"`
	Fingerprint KDF    `json:"fingerprint"`
	// Entries are sorted by path, rule and fingerprint.
	Entries []Entry `json:"entries"`

	deriver *fingerprint.Deriver
}

// KDF says how fingerprints were derived, so that a file stays readable
// if the default cost changes.
type KDF struct {
	Algorithm string `json:"algorithm"`
	N         int    `json:"n"`
	R         int    `json:"r"`
	P         int    `json:"p"`
	// Salt is random per baseline, base64.
	Salt string `json:"salt"`
}

// Entry is one accepted finding.
type Entry struct {
	Fingerprint string `json:"fingerprint"`
	Rule        string `json:"rule"`
	// Path is where the finding was when it was accepted; it is for
	// people and for `baseline check`, not for matching.
	Path string `json:"path"`
	// Note is free text a person may add (why it is accepted); it is
	// kept by `baseline update`.
	Note string `json:"note,omitempty"`
}

const about = "Findings accepted by keyward scan (see its README, Baselines). " +
	"Fingerprints are salted scrypt derivations: they do not reveal the secrets."

// New returns an empty baseline with a fresh random salt.
func New() (*File, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return nil, fmt.Errorf("baseline salt: %w", err)
	}
	b := &File{
		Version: formatVersion,
		About:   about,
		Fingerprint: KDF{Algorithm: "scrypt", N: int(fingerprint.Stored), R: 8, P: 1,
			Salt: base64.StdEncoding.EncodeToString(salt)},
		Entries: []Entry{},
	}
	b.deriver = fingerprint.New(salt, fingerprint.Stored)
	return b, nil
}

// maxFileSize bounds a baseline file, which is read whole: it sits in the
// scanned tree, where anyone may have put a FIFO or a huge file by that name.
const maxFileSize = 16 << 20

// Load reads a baseline file. What is not a regular file of at most
// 16 MiB is an error.
func Load(path string) (*File, error) {
	data, err := regularfile.ReadFile(path, maxFileSize)
	if err != nil {
		return nil, fmt.Errorf("read baseline: %w", err)
	}
	return Parse(path, data)
}

// Parse reads a baseline from data; path names it in errors (a file, or
// "REV:path" for one read from git).
func Parse(path string, data []byte) (*File, error) {
	var b File
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return nil, fmt.Errorf("baseline %s: %w", path, err)
	}
	if b.Version != formatVersion {
		return nil, fmt.Errorf("baseline %s: version %d, want %d", path, b.Version, formatVersion)
	}
	k := b.Fingerprint
	salt, err := base64.StdEncoding.DecodeString(k.Salt)
	switch {
	case k.Algorithm != "scrypt" || k.R != 8 || k.P != 1:
		return nil, fmt.Errorf("baseline %s: fingerprints made with %s r=%d p=%d; want scrypt r=8 p=1", path, k.Algorithm, k.R, k.P)
	case k.N < int(fingerprint.Reported) || k.N > int(fingerprint.Stored) || k.N&(k.N-1) != 0:
		// The file is committed by anyone who can push: a cost above the
		// one this tool writes would let it make every scan spend
		// gigabytes and minutes (n=2^20 is 1 GiB per derivation).
		return nil, fmt.Errorf("baseline %s: scrypt cost n=%d refused: this tool writes n=%d and reads a power of two from %d to %d, no more (re-create it with scan baseline create)", path, k.N, fingerprint.Stored, fingerprint.Reported, fingerprint.Stored)
	case err != nil || len(salt) < saltLen || len(salt) > maxSaltLen:
		return nil, fmt.Errorf("baseline %s: the salt must be %d to %d bytes of base64 (this tool writes %d)", path, saltLen, maxSaltLen, saltLen)
	}
	for i, e := range b.Entries {
		if len(e.Fingerprint) != 32 || e.Rule == "" {
			return nil, fmt.Errorf("baseline %s: entry %d: want a 32-digit fingerprint and a rule", path, i+1)
		}
	}
	if b.Entries == nil {
		b.Entries = []Entry{}
	}
	b.deriver = fingerprint.New(salt, fingerprint.Cost(k.N))
	return &b, nil
}

// Save writes the baseline to path, replacing it atomically. The file is
// meant to be committed, so it gets ordinary permissions.
func (b *File) Save(path string) error {
	b.sort()
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	tmp, err := os.CreateTemp(filepath.Dir(path), ".keyward-baseline-*")
	if err != nil {
		return fmt.Errorf("write baseline: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write baseline: %w", err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("write baseline: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write baseline: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write baseline: %w", err)
	}
	return nil
}

func (b *File) sort() {
	sort.Slice(b.Entries, func(i, j int) bool {
		x, y := b.Entries[i], b.Entries[j]
		if x.Path != y.Path {
			return x.Path < y.Path
		}
		if x.Rule != y.Rule {
			return x.Rule < y.Rule
		}
		return x.Fingerprint < y.Fingerprint
	})
}

// fingerprints derives the fingerprint of each finding whose rule has an
// entry (or of every finding, when all is set), in parallel; the others
// get "". Derivations are slow by design, so rules the baseline does not
// mention cost nothing.
func (b *File) fingerprints(fs []detectors.Finding, all bool) []string {
	rules := map[string]bool{}
	for _, e := range b.Entries {
		rules[e.Rule] = true
	}
	var pairs []fingerprint.Pair
	var at []int
	for i := range fs {
		if all || rules[fs[i].RuleID] {
			pairs = append(pairs, fingerprint.Pair{Rule: fs[i].RuleID, Secret: fs[i].Secret})
			at = append(at, i)
		}
	}
	out := make([]string, len(fs))
	for k, fp := range b.deriver.All(pairs) {
		out[at[k]] = fp
	}
	return out
}

// Accepted is a finding the baseline accepts, with the entry that did.
type Accepted struct {
	Finding detectors.Finding
	Entry   Entry
}

// Filter splits findings into new ones and accepted ones.
func (b *File) Filter(fs []detectors.Finding) (fresh []detectors.Finding, accepted []Accepted) {
	byFP := b.index()
	fps := b.fingerprints(fs, false)
	for i, f := range fs {
		if e, ok := byFP[key{fps[i], f.RuleID}]; ok && fps[i] != "" {
			accepted = append(accepted, Accepted{Finding: f, Entry: e})
			continue
		}
		fresh = append(fresh, f)
	}
	return fresh, accepted
}

type key struct{ fp, rule string }

func (b *File) index() map[key]Entry {
	m := make(map[key]Entry, len(b.Entries))
	for _, e := range b.Entries {
		if _, dup := m[key{e.Fingerprint, e.Rule}]; !dup {
			m[key{e.Fingerprint, e.Rule}] = e
		}
	}
	return m
}

// Add records every finding not yet accepted, one entry per fingerprint
// and path, and returns how many entries it added. Existing entries, and
// their notes, stay as they are.
func (b *File) Add(fs []detectors.Finding) int {
	have := map[[3]string]bool{}
	accepted := b.index()
	for _, e := range b.Entries {
		have[[3]string{e.Fingerprint, e.Rule, e.Path}] = true
	}
	fps := b.fingerprints(fs, true)
	n := 0
	for i, f := range fs {
		if _, ok := accepted[key{fps[i], f.RuleID}]; ok {
			continue // already accepted, perhaps under an older path
		}
		k := [3]string{fps[i], f.RuleID, f.Path}
		if have[k] {
			continue
		}
		have[k] = true
		b.Entries = append(b.Entries, Entry{Fingerprint: fps[i], Rule: f.RuleID, Path: f.Path})
		n++
	}
	b.sort()
	return n
}

// Stale returns the entries that no finding matches: the secret was
// removed (from the scanned scope) or the rule no longer reports it.
func (b *File) Stale(fs []detectors.Finding) []Entry {
	fps := b.fingerprints(fs, false)
	seen := map[key]bool{}
	for i, f := range fs {
		if fps[i] != "" {
			seen[key{fps[i], f.RuleID}] = true
		}
	}
	var out []Entry
	for _, e := range b.Entries {
		if !seen[key{e.Fingerprint, e.Rule}] {
			out = append(out, e)
		}
	}
	return out
}

// Prune removes the given stale entries and returns how many it removed.
func (b *File) Prune(stale []Entry) int {
	drop := map[Entry]bool{}
	for _, e := range stale {
		drop[e] = true
	}
	kept := b.Entries[:0]
	for _, e := range b.Entries {
		if !drop[e] {
			kept = append(kept, e)
		}
	}
	n := len(b.Entries) - len(kept)
	b.Entries = kept
	return n
}
