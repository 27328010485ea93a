package home

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/content"
	"github.com/keyward/scan/internal/display"
	"github.com/keyward/scan/internal/scanopt"
	"github.com/keyward/scan/internal/walk"
)

// Options configure a home audit.
type Options struct {
	// Root is the home directory (or any directory audited as one).
	Root    string
	Profile *Profile
	scanopt.Common
	// Rules supply titles and advice for presence findings; nil means
	// detectors.Default().
	Rules []detectors.Rule
	// Progress, if set, is called after each file or archive member; it
	// must be safe for concurrent use.
	Progress func(rel string, bytes int64, findings int)
	// Dir, if set, is called with each directory the walk enters (for a
	// progress line). It is called from one goroutine.
	Dir func(rel string)
}

// Result is what an audit found and what it checked.
type Result struct {
	Findings []detectors.Finding
	Stats    detectors.Stats
	// Archives counts archives opened; their members are in Stats.Files.
	Archives int
	// Places lists the known places found on disk, by priority.
	Places []PlaceCount
	// Repositories are the git repositories found (slash paths relative
	// to the root, "" for the root itself): the audit reads their config,
	// not their history, where a key removed from the files still is.
	Repositories []string
}

// PlaceCount says how many files of one kind of place were found, and how
// many findings they held.
type PlaceCount struct {
	Kind     string
	Priority int
	Files    int
	Findings int
}

// passBinaryAbove: a binary file larger than this is passed over after
// the content layer has read its head. Disk images, databases and media are
// most of a home's bytes; each costs one small read instead of a full one.
const passBinaryAbove = 1 << 20

// Scan audits opt.Root, reading file contents (archive members included)
// through sc. The walk never follows symlinks, never leaves the root's
// filesystem, reads .git/config but no other part of .git, and never reads
// a presence-only store or a cloud placeholder. The error is non-nil only
// when the audit could not start; a cancelled audit returns what it found
// with Stats.Interrupted set.
func Scan(ctx context.Context, sc *content.Scanner, opt Options) (Result, error) {
	if opt.Profile == nil {
		opt.Profile = Default()
	}
	if opt.Rules == nil {
		opt.Rules = detectors.Default()
	}
	root, err := filepath.Abs(opt.Root)
	if err != nil {
		return Result{}, fmt.Errorf("home directory %s: %w", opt.Root, err)
	}
	info, err := os.Stat(root)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return Result{}, fmt.Errorf("%s: %w", opt.Root, walk.ErrNoSuchRoot)
		}
		return Result{}, fmt.Errorf("home directory %s: %w", opt.Root, err)
	}
	if !info.IsDir() {
		return Result{}, fmt.Errorf("home directory %s: not a directory", opt.Root)
	}

	a := &audit{opt: &opt, root: root, m: opt.Profile.Matcher(), rules: ruleIndex(opt.Rules), placeFiles: map[string]*Place{}, seenVault: map[string]bool{}}
	// The walker reads each repository's .git/config without asking the
	// profile; the files it reads are how the audit learns of them.
	var mu sync.Mutex
	var gitConfigs []string
	progress := func(rel string, bytes int64, findings int) {
		if (rel == ".git/config" || strings.HasSuffix(rel, "/.git/config")) && !strings.Contains(rel, "!") {
			mu.Lock()
			gitConfigs = append(gitConfigs, rel)
			mu.Unlock()
		}
		if opt.Progress != nil {
			opt.Progress(rel, bytes, findings)
		}
	}
	findings, stats, err := walk.Scan(ctx, sc.PassingLargeBinaries(passBinaryAbove), walk.Options{
		Roots:         []string{root},
		Common:        opt.Common,
		OneFilesystem: true,
		Skip:          a.skip,
		Progress:      progress,
	})
	if err != nil {
		return Result{}, err
	}
	findings = append(findings, a.presence...)
	stats.Merge(a.stats)
	// The content layer opened the archives the walk found.
	res := Result{Archives: int(stats.Noted["archives opened"])}
	if ctx.Err() != nil {
		stats.Interrupt()
	}

	for i := range findings {
		a.userTerms(&findings[i])
		a.permissions(&findings[i])
	}
	// Findings stay in the order the workers found them: the pipeline
	// sorts once, for every source.
	detectors.SortWarnings(stats.Warnings)
	res.Findings, res.Stats = findings, stats
	sort.Strings(gitConfigs)
	for _, rel := range gitConfigs {
		if pl := a.m.Place(rel); pl != nil {
			a.placeFiles[rel] = pl
		}
		res.Repositories = append(res.Repositories, strings.TrimSuffix(strings.TrimSuffix(rel, ".git/config"), "/"))
	}
	res.Places = a.places(findings)
	return res, nil
}

type audit struct {
	opt   *Options
	root  string
	m     *Matcher
	rules map[string]*detectors.Rule

	// Written by the walker goroutine only.
	presence   []detectors.Finding
	stats      detectors.Stats
	placeFiles map[string]*Place // files seen at a known place, by path
	seenVault  map[string]bool
}

// skip is the walk's Skip callback: the profile's decision, and the
// presence findings for stores that are never read. What a file's bytes
// are (archive, wallet, key, binary) is the content layer's to judge.
func (a *audit) skip(rel string, d fs.DirEntry) string {
	abs := filepath.Join(a.root, filepath.FromSlash(rel))
	dec := a.m.Decide(rel, abs, d)
	if d.IsDir() && dec.Skip == "" && a.opt.Dir != nil {
		a.opt.Dir(rel)
	}
	if dec.Place != nil {
		a.placeFiles[rel] = dec.Place
	}
	if dec.Vault != nil {
		a.vault(rel, dec.Vault)
	}
	return dec.Skip
}

// vault records a browser-extension wallet store once per browser profile.
func (a *audit) vault(rel string, v *Vault) {
	profileDir := path.Dir(path.Dir(rel))
	key := profileDir + "\x00" + v.Service
	if a.seenVault[key] {
		return
	}
	a.seenVault[key] = true
	r := a.rules[detectors.BrowserWalletVaultRuleID]
	f := presenceFinding(r, rel)
	f.Title = v.Name + " wallet vault (browser extension, password-encrypted)"
	f.Service = v.Service
	f.Notes = []string{
		"presence only: the vault was not read",
		"browser profile: " + profileDir,
	}
	a.presence = append(a.presence, f)
}

func presenceFinding(r *detectors.Rule, rel string) detectors.Finding {
	return detectors.Finding{
		RuleID:   r.ID,
		Title:    r.Title,
		Severity: r.Severity,
		Service:  r.Service,
		Location: detectors.Location{Path: rel, StartLine: 1, StartColumn: 1, EndLine: 1, EndColumn: 2},
		Secret:   rel,
		Advice:   r.Advice,
	}
}

// permissions records who may read the file holding the finding and
// escalates a secret that others can read.
func (a *audit) permissions(f *detectors.Finding) {
	p := f.Path
	if f.Archive != "" {
		p = f.Archive
	}
	info, err := os.Lstat(filepath.Join(a.root, filepath.FromSlash(p)))
	if err != nil {
		return
	}
	perm := info.Mode().Perm()
	f.File = &detectors.FileAccess{Mode: fmt.Sprintf("%04o", perm), ReadableByOthers: perm&0o044 != 0}
	if info.IsDir() {
		// A store reported by presence is a directory: what matters is
		// whether its files can be read, not whether it can be listed.
		f.File.ReadableByOthers = false
		if entries, err := os.ReadDir(filepath.Join(a.root, filepath.FromSlash(p))); err == nil {
			for _, e := range entries {
				if fi, err := e.Info(); err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o044 != 0 {
					f.File.ReadableByOthers = true
					perm = fi.Mode().Perm()
					break
				}
			}
		}
	}
	if !f.File.ReadableByOthers {
		f.Advice = withoutChmod(f.Advice)
		return
	}
	// Readable only matters if the directories let others reach it.
	abs := filepath.Join(a.root, filepath.FromSlash(p))
	open, closedBy := reachable(abs, perm)
	if open == 0 {
		f.File.ReadableByOthers = false
		f.Notes = append(f.Notes, modeNote(perm, closedBy))
		f.Advice = withoutChmod(f.Advice)
		return
	}
	perm = perm&^0o044 | open
	if f.RuleID == detectors.BrowserWalletVaultRuleID && f.Secret == f.Path {
		// Where a wallet lives is a note, not raised by a mode.
		return
	}
	if f.Severity >= detectors.Low && f.Severity < detectors.Critical {
		f.Severity++
	}
	who := "group"
	switch {
	case perm&0o004 != 0 && perm&0o040 != 0:
		who = "group and others"
	case perm&0o004 != 0:
		who = "others"
	}
	fix := "chmod 600 " + display.Shell(filepath.Join(a.root, filepath.FromSlash(p)))
	if info.IsDir() {
		fix = "chmod -R go-rwx " + display.Shell(filepath.Join(a.root, filepath.FromSlash(p)))
	}
	f.Notes = append(f.Notes, fmt.Sprintf("readable by %s (mode %04o): severity raised; run %s", who, perm, fix))
}

// withoutChmod drops the sentences of a rule's advice that tell the user
// to chmod: the audit has judged who can read the file, and a file nobody
// else can reach needs no chmod (its note says what keeps others out).
func withoutChmod(advice string) string {
	if !strings.Contains(advice, "chmod") {
		return advice
	}
	var kept []string
	for _, s := range strings.SplitAfter(advice, ". ") {
		if !strings.Contains(s, "chmod") {
			kept = append(kept, s)
		}
	}
	return strings.TrimSpace(strings.Join(kept, ""))
}

func (a *audit) places(findings []detectors.Finding) []PlaceCount {
	byKind := map[string]*PlaceCount{}
	count := func(pl *Place) *PlaceCount {
		pc := byKind[pl.Kind]
		if pc == nil {
			pc = &PlaceCount{Kind: pl.Kind, Priority: pl.Priority}
			byKind[pl.Kind] = pc
		}
		pc.Priority = min(pc.Priority, pl.Priority)
		return pc
	}
	for i := range findings {
		f := &findings[i]
		if f.Archive != "" {
			continue // a member is not a file at the place its name matches
		}
		pl := a.m.Place(f.Path)
		if pl == nil {
			continue
		}
		// .git/config is read by the walker without asking the profile.
		a.placeFiles[f.Path] = pl
		count(pl).Findings++
	}
	for _, pl := range a.placeFiles {
		count(pl).Files++
	}
	var out []PlaceCount
	for _, pc := range byKind {
		out = append(out, *pc)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Priority != out[j].Priority {
			return out[i].Priority < out[j].Priority
		}
		return out[i].Kind < out[j].Kind
	})
	return out
}

func ruleIndex(rules []detectors.Rule) map[string]*detectors.Rule {
	m := make(map[string]*detectors.Rule, len(rules))
	for i := range rules {
		m[rules[i].ID] = &rules[i]
	}
	for _, id := range []string{detectors.BrowserWalletVaultRuleID, detectors.GPGSecretKeyRuleID} {
		if m[id] == nil {
			// Presence findings need their rule even when the caller
			// loaded a filtered rule set.
			for _, r := range detectors.Default() {
				if r.ID == id {
					r := r
					m[id] = &r
				}
			}
		}
	}
	return m
}
