package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/content"
	"github.com/keyward/scan/internal/display"
	"github.com/keyward/scan/internal/home"
	"github.com/keyward/scan/internal/mask"
	"github.com/keyward/scan/internal/scanopt"
	"github.com/keyward/scan/internal/walk"
	"github.com/keyward/scan/report"
)

type homeFlags struct {
	scanFlags
	noProgress bool
	skip       []string
	noSkip     []string
	mask       bool
	maskNamed  []string
	dryRun     bool
	yes        bool
	unmask     bool
}

func newHomeCmd() *cobra.Command {
	var f homeFlags
	profile := home.Default()
	cmd := &cobra.Command{
		Use:   "home [DIR]",
		Short: "Audit a home directory (default $HOME) for exchange keys, wallet secrets and credentials",
		Long: `Audit a home directory (default: $HOME) the way an attacker who copied it would
look at it: shell and REPL histories, .env files anywhere, bot configs (ccxt,
freqtrade, hummingbot), notebooks and their checkpoints, cloud and registry
credentials, SSH and GnuPG keys, wallet files, and archives (.zip, .tar,
.tar.gz/.tgz, .gz; nested archives are opened, zip bombs refused).

Hidden and git-ignored files are read. Symlinks are never followed, other
filesystems are never entered, .git is not entered except for .git/config
(credentials in remote URLs), and cloud placeholder files are never read.
Browser-extension wallet vaults (MetaMask, Phantom, …) and GnuPG secret keys
are reported by presence: their contents are not read. A secret in a file
that group or others can read is raised one severity level, with the chmod
command to fix it.

Skipped by default, by reason (change with --skip GLOB and --no-skip
PATTERN|REASON; globs are relative to DIR, "**/" matches at any depth):
` + profile.SkipList(),
		Example: `  scan home
  scan home --format html --output audit.html
  scan home /mnt/old-laptop/home/me --no-skip trash
  scan home --mask --dry-run  # list what --mask would change
  scan home --mask          # mask secrets in histories, notebook outputs, logs and copies
  scan home --unmask        # undo the last --mask, byte for byte`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := os.Getenv("HOME")
			if len(args) == 1 {
				dir = args[0]
			}
			if dir == "" {
				return errors.New("no directory given and $HOME is not set")
			}
			for _, n := range f.noSkip {
				if !profile.Unskip(n) {
					return fmt.Errorf("--no-skip %q: no skip rule has that pattern or reason", n)
				}
			}
			for _, s := range f.skip {
				profile.Skip(s)
			}
			if f.unmask {
				return unmask(cmd.ErrOrStderr(), dir)
			}
			if len(f.maskNamed) > 0 {
				f.mask = true
			}
			if f.dryRun && !f.mask {
				return errors.New("--dry-run goes with --mask: it lists what --mask would change")
			}
			f.root = dir
			return f.runHome(cmd, dir, profile)
		},
	}
	addScanFlags(cmd, &f.scanFlags, "text")
	addVerifyFlags(cmd, &f.verify)
	fl := cmd.Flags()
	fl.BoolVar(&f.noProgress, "no-progress", false, "never show the progress line (it is shown only when standard error is a terminal)")
	fl.StringArrayVar(&f.skip, "skip", nil, "also skip paths matching this doublestar `GLOB`, relative to DIR (repeatable)")
	fl.StringArrayVar(&f.noSkip, "no-skip", nil, "read what a default skip rule skips: give its pattern (e.g. .cache) or reason (e.g. trash) (repeatable)")
	fl.BoolVar(&f.mask, "mask", false, "after the report, mask the secrets in histories, notebook outputs, logs and copies (never wallets, seed backups, key files, credential stores or live configs); originals kept in DIR/.keyward/backups")
	fl.StringArrayVar(&f.maskNamed, "mask-file", nil, "also mask this `FILE`, which --mask leaves alone by default (implies --mask; repeatable)")
	fl.BoolVar(&f.dryRun, "dry-run", false, "with --mask: list every file and what would change, and change nothing")
	fl.BoolVar(&f.yes, "yes", false, "do not ask before --mask rewrites files (required when standard input is not a terminal)")
	fl.BoolVar(&f.unmask, "unmask", false, "restore the files the last --mask run rewrote, byte for byte, from DIR/.keyward/backups")
	return cmd
}

// runHome runs the audit through the pipeline every scan shares (config,
// baseline, allowlists, documentation values, reports); the places it
// checked reach the reports as an option, and --mask runs after them.
func (f *homeFlags) runHome(cmd *cobra.Command, dir string, profile *home.Profile) error {
	var places []report.Place
	var repos []string
	// drawn is whether a progress line was shown, and files the count it
	// ended on: the closing line gives the count the reports hold.
	var drawn bool
	var files int64
	src := func(ctx context.Context, sc *content.Scanner, o scanopt.Common) ([]detectors.Finding, detectors.Stats, error) {
		prog := newProgress(cmd.ErrOrStderr(), f.noProgress || f.quiet)
		res, err := home.Scan(ctx, sc, home.Options{
			Root:     dir,
			Profile:  profile,
			Common:   o,
			Rules:    sc.Engine().Rules(),
			Progress: prog.file,
			Dir:      prog.dir,
		})
		prog.finish()
		drawn, files = prog.bar != nil, res.Stats.Files
		if err != nil {
			if errors.Is(err, walk.ErrNoSuchRoot) {
				return nil, res.Stats, fmt.Errorf("cannot scan %w", err)
			}
			return nil, res.Stats, err
		}
		repos = res.Repositories
		places = []report.Place{}
		for _, p := range res.Places {
			places = append(places, report.Place{Kind: p.Kind, Files: p.Files, Findings: p.Findings})
		}
		return res.Findings, res.Stats, nil
	}
	d := door{byDanger: true, report: func(opt *report.Options, findings []detectors.Finding) {
		// Count what the reports hold, not what the walk saw before the
		// filters and --min-severity.
		m := profile.Matcher()
		held := map[string]int{}
		for i := range findings {
			if findings[i].Archive == "" {
				if pl := m.Place(findings[i].Path); pl != nil {
					held[pl.Kind]++
				}
			}
		}
		for i := range places {
			places[i].Findings = held[places[i].Kind]
		}
		n, folder := mask.InBackups(dir)
		root, _ := filepath.Abs(dir)
		opt.Audit = &report.Audit{Places: places, Repositories: repos, Root: root}
		opt.OwnBackups = &report.OwnBackups{Findings: n, Folder: folder, Root: dir}
		// The line replaces the progress line once every filter has run,
		// so the last count on the screen is the one the report holds
		// (a report to a file or in JSON already gets the summary line).
		if format, err := report.Lookup(f.format); drawn && err == nil && format.ForPeople && f.output == "" {
			fmt.Fprintf(cmd.ErrOrStderr(), "scan: %d finding(s) in %d file(s)\n", len(findings), files)
		}
	}}
	if f.mask {
		d.after = func(cmd *cobra.Command, findings []detectors.Finding) error {
			return f.maskFiles(cmd.InOrStdin(), cmd.ErrOrStderr(), dir, findings, detectors.Default())
		}
	}
	return f.run(cmd, "home", src, d)
}

// progress is the live line on a terminal: files and bytes read, rate,
// elapsed time and the directory being walked. It is a no-op when
// standard error is not a terminal, so logs and CI output get nothing but
// warnings. It shows no count of secrets: what the rules match during the
// walk is not what the report holds (documentation values, allowlists,
// the baseline, folding, the audit's severity changes, verification and
// --min-severity all need the whole scan), and two different numbers for
// one question read as two answers. The count comes once, after the
// filters, on the closing line.
type progress struct {
	bar     *progressbar.ProgressBar
	files   atomic.Int64
	dirName atomic.Value
	last    atomic.Int64 // unix nanoseconds of the last description update
}

func newProgress(w io.Writer, off bool) *progress {
	p := &progress{}
	if off || !isTerminal(w) {
		return p
	}
	p.bar = progressbar.NewOptions64(-1,
		progressbar.OptionSetWriter(w),
		progressbar.OptionShowBytes(true),
		// The summary says KiB and MiB: so does the line.
		progressbar.OptionUseIECUnits(true),
		progressbar.OptionSetWidth(10),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSpinnerType(14),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetElapsedTime(true),
	)
	return p
}

func (p *progress) file(rel string, bytes int64, _ int) {
	if p.bar == nil {
		return
	}
	p.files.Add(1)
	now := time.Now().UnixNano()
	if last := p.last.Load(); now-last > int64(100*time.Millisecond) && p.last.CompareAndSwap(last, now) {
		p.describe()
	}
	p.bar.Add64(bytes)
}

func (p *progress) describe() {
	d, _ := p.dirName.Load().(string)
	noun := "files"
	if p.files.Load() == 1 {
		noun = "file"
	}
	p.bar.Describe(fmt.Sprintf("%d %s  %s", p.files.Load(), noun, clipLeft(display.Text(d), 40)))
}

func (p *progress) dir(rel string) {
	if p.bar != nil {
		p.dirName.Store(rel)
	}
}

func (p *progress) finish() {
	if p.bar != nil {
		p.bar.Finish()
		p.bar.Exit()
	}
}

func clipLeft(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return "…" + string(r[len(r)-n+1:])
}

// unmaskable rules are files that are the secret (a key file, a wallet):
// masking would only destroy them; they must be deleted or encrypted.
var unmaskable = map[string]bool{
	"private-key": true, "solana-keypair": true, "ethereum-keystore": true, "electrum-wallet-encrypted": true,
	detectors.WalletDatRuleID: true, detectors.BrowserWalletVaultRuleID: true, detectors.GPGSecretKeyRuleID: true,
}

// maskItems is what masking needs to know of each finding.
func maskItems(findings []detectors.Finding, rules []detectors.Rule) []mask.Item {
	kind := map[string]detectors.Kind{}
	for i := range rules {
		kind[rules[i].ID] = rules[i].Kind
	}
	items := make([]mask.Item, 0, len(findings))
	for i := range findings {
		f := &findings[i]
		it := mask.Item{Path: f.Path, Archive: f.Archive, RuleID: f.RuleID, Line: f.StartLine,
			Wallet: kind[f.RuleID] == detectors.KindWallet, WholeFile: unmaskable[f.RuleID], Secrets: []string{f.Secret}}
		for _, p := range f.Parts {
			if p.Location.Path == "" || p.Location.Path == f.Path {
				it.Secrets = append(it.Secrets, p.Secret)
				if kind[p.RuleID] == detectors.KindWallet {
					it.Wallet = true
				}
			}
		}
		items = append(items, it)
	}
	return items
}

// namedFiles turns --mask-file arguments into paths relative to root.
func namedFiles(root string, names []string) ([]string, error) {
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, n := range names {
		p := n
		if !filepath.IsAbs(p) {
			p = filepath.Join(absRoot, p)
		}
		rel, err := filepath.Rel(absRoot, filepath.Clean(p))
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return nil, fmt.Errorf("--mask-file %s: not inside %s", n, root)
		}
		out = append(out, filepath.ToSlash(rel))
	}
	return out, nil
}

// maskFiles shows what masking will change and what it will not, asks
// (unless yes or dryRun), then rewrites and says exactly what it did.
func (f *homeFlags) maskFiles(in io.Reader, w io.Writer, root string, findings []detectors.Finding, rules []detectors.Rule) error {
	named, err := namedFiles(root, f.maskNamed)
	if err != nil {
		return err
	}
	plan, err := mask.Prepare(root, maskItems(findings, rules), named)
	if err != nil {
		return fmt.Errorf("mask: %w", err)
	}
	fmt.Fprintln(w)
	plan.Write(w)
	if len(plan.Files) == 0 {
		fmt.Fprintln(w, "mask: nothing to mask; nothing changed")
		return nil
	}
	if f.dryRun {
		fmt.Fprintln(w, "mask: --dry-run: nothing changed")
		return nil
	}
	if !f.yes {
		if !isTerminal(in) {
			return errors.New("mask: standard input is not a terminal: add --yes to rewrite these files (or --dry-run to only list them); nothing changed")
		}
		fmt.Fprintf(w, "Rewrite these %d file(s)? The originals are kept in %s. [y/N] ", len(plan.Files), filepath.Join(root, mask.BackupDir))
		line, _ := bufio.NewReader(in).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(line)); a != "y" && a != "yes" {
			fmt.Fprintln(w, "mask: nothing changed")
			return nil
		}
	}
	res, err := plan.Apply(time.Now())
	if err != nil {
		return fmt.Errorf("mask: %w; nothing changed", err)
	}
	for _, m := range res.Masked {
		n := 0
		for _, c := range m.Changes {
			n += c.Count
		}
		fmt.Fprintf(w, "mask: masked %d secret(s) in %s\n", n, display.Shell(m.Path))
	}
	listed := map[string]bool{}
	for _, r := range plan.Refused {
		listed[r.Path] = true
	}
	for _, r := range res.Refused {
		if !listed[r.Path] { // what changed between the listing and now
			fmt.Fprintf(w, "mask: not masked: %s: %s\n", display.Shell(r.Path), r.Reason)
		}
	}
	fmt.Fprintf(w, "mask: %d secret(s) masked in %d file(s); %d file(s) left as they were (listed above)\n", res.Secrets(), len(res.Masked), len(res.Refused))
	if res.Backup != "" {
		fmt.Fprintf(w, "mask: originals in %s (mode 0600); to undo: scan home --unmask %s\n", display.Shell(res.Backup), display.Shell(root))
		fmt.Fprintln(w, "mask: masking does not make a leaked key safe: revoke each key at its exchange or service too")
	}
	return nil
}

// isTerminal reports whether the answer to a question can come from a
// person. A reader may say so itself (tests stand in for a terminal).
func isTerminal(in any) bool {
	if t, ok := in.(interface{ IsTerminal() bool }); ok {
		return t.IsTerminal()
	}
	file, ok := in.(*os.File)
	return ok && term.IsTerminal(int(file.Fd()))
}

// unmask restores the newest mask run under root.
func unmask(w io.Writer, root string) error {
	r, err := mask.Unmask(root)
	if errors.Is(err, mask.ErrNothingToRestore) {
		// Undo asked twice is done, not failed: the files are as they were.
		fmt.Fprintf(w, "unmask: %v\n", err)
		return nil
	}
	if err != nil {
		return fmt.Errorf("unmask: %w", err)
	}
	for _, p := range r.Restored {
		fmt.Fprintf(w, "unmask: restored %s\n", display.Shell(p))
	}
	for _, x := range r.Refused {
		fmt.Fprintf(w, "unmask: not restored: %s: %s\n", display.Shell(x.Path), x.Reason)
	}
	fmt.Fprintf(w, "unmask: %d file(s) restored from %s\n", len(r.Restored), display.Shell(r.Backup))
	if len(r.Refused) > 0 {
		return exitCode(2)
	}
	return nil
}
