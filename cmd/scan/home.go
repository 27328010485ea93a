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
	"github.com/keyward/scan/internal/home"
	"github.com/keyward/scan/internal/regularfile"
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
	yes        bool
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
  scan home --mask          # rewrite histories with the secrets masked`,
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
			f.root = dir
			return f.runHome(cmd, dir, profile)
		},
	}
	addScanFlags(cmd, &f.scanFlags, "text")
	fl := cmd.Flags()
	fl.BoolVar(&f.noProgress, "no-progress", false, "never show the progress line (it is shown only when standard error is a terminal)")
	fl.StringArrayVar(&f.skip, "skip", nil, "also skip paths matching this doublestar `GLOB`, relative to DIR (repeatable)")
	fl.StringArrayVar(&f.noSkip, "no-skip", nil, "read what a default skip rule skips: give its pattern (e.g. .cache) or reason (e.g. trash) (repeatable)")
	fl.BoolVar(&f.mask, "mask", false, "after the report, rewrite the files holding findings with the secrets masked, keeping a backup beside each")
	fl.BoolVar(&f.yes, "yes", false, "do not ask before --mask rewrites files")
	return cmd
}

// runHome runs the audit through the pipeline every scan shares (config,
// baseline, allowlists, documentation values, reports); the places it
// checked reach the reports as an option, and --mask runs after them.
func (f *homeFlags) runHome(cmd *cobra.Command, dir string, profile *home.Profile) error {
	var places []report.Place
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
		if err != nil {
			if errors.Is(err, walk.ErrNoSuchRoot) {
				return nil, res.Stats, fmt.Errorf("cannot scan %w", err)
			}
			return nil, res.Stats, err
		}
		places = []report.Place{}
		for _, p := range res.Places {
			places = append(places, report.Place{Kind: p.Kind, Files: p.Files, Findings: p.Findings})
		}
		return res.Findings, res.Stats, nil
	}
	d := door{report: func(opt *report.Options) { opt.Audit = &report.Audit{Places: places} }}
	if f.mask {
		d.after = func(cmd *cobra.Command, findings []detectors.Finding) error {
			return maskFiles(cmd.InOrStdin(), cmd.ErrOrStderr(), dir, findings, f.yes)
		}
	}
	return f.run(cmd, "home", src, d)
}

// progress is the live line on a terminal: files and bytes scanned, rate,
// findings so far and the directory being walked. It is a no-op when
// standard error is not a terminal, so logs and CI output get nothing but
// warnings.
type progress struct {
	bar      *progressbar.ProgressBar
	files    atomic.Int64
	bytes    atomic.Int64
	findings atomic.Int64
	dirName  atomic.Value
	last     atomic.Int64 // unix nanoseconds of the last description update
}

func newProgress(w io.Writer, off bool) *progress {
	p := &progress{}
	file, ok := w.(*os.File)
	if off || !ok || !term.IsTerminal(int(file.Fd())) {
		return p
	}
	p.bar = progressbar.NewOptions64(-1,
		progressbar.OptionSetWriter(w),
		progressbar.OptionShowBytes(true),
		progressbar.OptionSetWidth(10),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSpinnerType(14),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetElapsedTime(true),
	)
	return p
}

func (p *progress) file(rel string, bytes int64, findings int) {
	if p.bar == nil {
		return
	}
	p.files.Add(1)
	p.bytes.Add(bytes)
	p.findings.Add(int64(findings))
	p.bar.Add64(bytes)
	now := time.Now().UnixNano()
	if last := p.last.Load(); now-last > int64(100*time.Millisecond) && p.last.CompareAndSwap(last, now) {
		d, _ := p.dirName.Load().(string)
		p.bar.Describe(fmt.Sprintf("%d files, %.1f MB, %d findings  %s", p.files.Load(), float64(p.bytes.Load())/1e6, p.findings.Load(), clipLeft(d, 40)))
	}
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

// maskFiles rewrites each file holding findings with every secret replaced
// by its masked form, after copying the original to FILE.keyward-backup
// (mode 0600). It asks first unless yes is set.
func maskFiles(in io.Reader, w io.Writer, root string, findings []detectors.Finding, yes bool) error {
	byFile := map[string][]string{}
	var order []string
	var skipped []string
	for i := range findings {
		f := &findings[i]
		switch {
		case f.Archive != "":
			skipped = append(skipped, f.Path+" (inside an archive: delete or re-create the archive)")
			continue
		case unmaskable[f.RuleID]:
			skipped = append(skipped, f.Path+" (the file is the key: delete or encrypt it)")
			continue
		}
		if byFile[f.Path] == nil {
			order = append(order, f.Path)
		}
		byFile[f.Path] = append(byFile[f.Path], f.Secret)
		for _, p := range f.Parts {
			if p.Location.Path == "" || p.Location.Path == f.Path {
				byFile[f.Path] = append(byFile[f.Path], p.Secret)
			}
		}
	}
	for _, s := range skipped {
		fmt.Fprintf(w, "mask: not masking %s\n", s)
	}
	if len(order) == 0 {
		return nil
	}
	if !yes {
		fmt.Fprintf(w, "\nMask the secrets in %d file(s)? A copy of each original is kept as FILE.keyward-backup (mode 0600). [y/N] ", len(order))
		line, _ := bufio.NewReader(in).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(line)); a != "y" && a != "yes" {
			fmt.Fprintln(w, "mask: nothing changed")
			return nil
		}
	}
	for _, rel := range order {
		p := filepath.Join(root, filepath.FromSlash(rel))
		n, err := maskFile(p, byFile[rel])
		if err != nil {
			return fmt.Errorf("mask %s: %w", rel, err)
		}
		fmt.Fprintf(w, "mask: %s: %d secret(s) masked; original in %s.keyward-backup (delete it once you have checked)\n", rel, n, rel)
	}
	return nil
}

// maskedSuffix replaces all but the first four characters of a masked secret.
const maskedSuffix = "****MASKED-BY-KEYWARD****"

// maxMaskFile bounds a file --mask rewrites in memory (histories and logs,
// not disk images).
const maxMaskFile = 256 << 20

func maskFile(p string, secrets []string) (int, error) {
	// The type is checked on what is opened, not on an earlier stat, so a
	// file swapped for a FIFO or a symlink is refused, not followed.
	info, err := os.Lstat(p)
	if err != nil {
		return 0, err
	}
	if !info.Mode().IsRegular() {
		return 0, errors.New("not a regular file")
	}
	f, _, err := regularfile.Open(p, true)
	if err != nil {
		return 0, err
	}
	data, err := io.ReadAll(io.LimitReader(f, maxMaskFile+1))
	f.Close()
	if err != nil {
		return 0, err
	}
	if len(data) > maxMaskFile {
		return 0, fmt.Errorf("larger than %d bytes; not masked", maxMaskFile)
	}
	text := string(data)
	n := 0
	for _, s := range secrets {
		if len(s) < 8 {
			continue
		}
		c := strings.Count(text, s)
		if c == 0 {
			continue
		}
		n += c
		text = strings.ReplaceAll(text, s, s[:4]+maskedSuffix)
	}
	if n == 0 {
		return 0, nil
	}
	if err := writeNew(p+".keyward-backup", data, 0o600); err != nil {
		return 0, fmt.Errorf("write backup: %w", err)
	}
	// Write beside the file and rename over it, so a crash leaves either
	// the old or the new file, never half of one.
	tmp, err := os.CreateTemp(filepath.Dir(p), ".keyward-mask-*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(text); err != nil {
		tmp.Close()
		return 0, err
	}
	if err := tmp.Chmod(info.Mode().Perm()); err != nil {
		tmp.Close()
		return 0, err
	}
	if err := tmp.Close(); err != nil {
		return 0, err
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		return 0, err
	}
	return n, nil
}

// writeNew creates a file that must not exist yet: an old backup is never
// overwritten by a second --mask run (which then stops with an error).
func writeNew(p string, data []byte, mode os.FileMode) error {
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(p)
		return err
	}
	if err := f.Chmod(mode); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
