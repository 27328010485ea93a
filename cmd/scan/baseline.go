package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/baseline"
	"github.com/keyward/scan/internal/display"
	"github.com/keyward/scan/internal/githistory"
	"github.com/keyward/scan/internal/regularfile"
	"github.com/keyward/scan/internal/walk"
)

func newBaselineCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "baseline",
		Short: "Accept today's findings so that CI fails only on new ones",
		Long: `A baseline records findings a team has accepted (old keys already revoked,
test values it cannot change yet). Scans given --baseline FILE then report
only findings that are not in it. Commit the file: it holds no secret and no
fast hash of one, only a rule, a path and a salted scrypt fingerprint per
finding, with no line numbers or timestamps, so it does not churn. A finding
stays accepted when its line moves or its file is renamed.

By default the working tree at PATH is scanned; --history scans the git
history instead (match what your CI scans): the history of the current
branch (HEAD) only, so that other branches' unmerged secrets are never
accepted unseen; --branch REF names another branch, --all-refs takes every
ref (branches, tags, remote-tracking refs, stashes).`,
	}
	cmd.AddCommand(newBaselineCreateCmd(), newBaselineCheckCmd(), newBaselineUpdateCmd(), newBaselineImportGitleaksIgnoreCmd())
	return cmd
}

// baselineFlags are shared by the baseline subcommands.
type baselineFlags struct {
	scanFlags
	file    string
	history bool
	// branch and allRefs set the history's scope (HEAD by default).
	branch  string
	allRefs bool
}

func (b *baselineFlags) add(cmd *cobra.Command, fileFlag, fileHelp string) {
	addSourceFlags(cmd, &b.scanFlags)
	cmd.Flags().StringVar(&b.file, fileFlag, "", fileHelp)
	cmd.Flags().BoolVar(&b.history, "history", false, "scan the git history of PATH instead of its working tree (the current branch's)")
	cmd.Flags().StringVar(&b.branch, "branch", "", "with --history: scan the history reachable from `REF` instead of HEAD")
	cmd.Flags().BoolVar(&b.allRefs, "all-refs", false, "with --history: scan every ref's history, not only the current branch's")
}

// path returns the baseline file, by default at the scanned root.
func (b *baselineFlags) path(root string) string {
	if b.file != "" {
		return b.file
	}
	return filepath.Join(root, baseline.DefaultFile)
}

// scan runs the scan a baseline describes.
func (b *baselineFlags) scan(cmd *cobra.Command, root string) ([]detectors.Finding, error) {
	b.root = root
	if (b.branch != "" || b.allRefs) && !b.history {
		return nil, errors.New("--branch and --all-refs choose which history to scan: add --history")
	}
	if b.branch != "" && b.allRefs {
		return nil, errors.New("--all-refs and --branch exclude each other")
	}
	src := dirSource(walk.Options{Roots: []string{root}})
	if b.history {
		opt := githistory.Options{Path: root, Branch: b.branch}
		scope := "every ref"
		if !b.allRefs {
			if opt.Branch == "" {
				opt.Branch = "HEAD"
			}
			scope = "the history reachable from " + opt.Branch
		}
		if !b.quiet {
			fmt.Fprintf(cmd.ErrOrStderr(), "scan baseline: scanning %s\n", scope)
		}
		src = historySource(opt)
	}
	p, err := b.setup(cmd)
	if err != nil {
		return nil, err
	}
	res, err := p.collect(cmd, src)
	if err != nil {
		return nil, err
	}
	if res.stats.Incomplete {
		// A baseline made from a partial scan would fail later scans on
		// findings that were there all along.
		return nil, fmt.Errorf("scan incomplete (%d warning(s)): fix them or narrow the scan before writing a baseline", len(res.stats.Warnings))
	}
	return filterSeverity(res.findings, p.minSev), nil
}

func rootArg(args []string) string {
	if len(args) == 1 {
		return args[0]
	}
	return "."
}

func newBaselineCreateCmd() *cobra.Command {
	var b baselineFlags
	var force bool
	cmd := &cobra.Command{
		Use:   "create [PATH]",
		Short: "Record every current finding in a new baseline",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			root := rootArg(args)
			out := b.path(root)
			if _, err := os.Stat(out); err == nil && !force {
				return fmt.Errorf("%s exists: use scan baseline update to keep its entries and notes, or --force to start over", out)
			}
			fs, err := b.scan(cmd, root)
			if err != nil {
				return err
			}
			base, err := baseline.New()
			if err != nil {
				return err
			}
			n := base.Add(fs)
			if err := base.Save(out); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "scan baseline: %d finding(s) accepted in %d entries, written to %s\n", len(fs), n, out)
			return nil
		},
	}
	b.add(cmd, "output", "write the baseline to `FILE` (default PATH/"+baseline.DefaultFile+")")
	cmd.Flags().BoolVar(&force, "force", false, "replace an existing baseline, dropping its notes")
	return cmd
}

func newBaselineCheckCmd() *cobra.Command {
	var b baselineFlags
	cmd := &cobra.Command{
		Use:   "check [PATH]",
		Short: "List baseline entries that no finding matches any more (exit 1 if any)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			root := rootArg(args)
			base, err := loadBaseline(b.path(root))
			if err != nil {
				return err
			}
			fs, err := b.scan(cmd, root)
			if err != nil {
				return err
			}
			stale := base.Stale(fs)
			fresh, _ := base.Filter(fs)
			out := cmd.OutOrStdout()
			for _, e := range stale {
				fmt.Fprintf(out, "stale\t%s\t%s\t%s\n", display.Text(e.Rule), display.Text(e.Path), e.Fingerprint)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "scan baseline: %d entries, %d stale, %d finding(s) not in the baseline\n", len(base.Entries), len(stale), len(fresh))
			if len(stale) > 0 {
				fmt.Fprintln(cmd.ErrOrStderr(), "scan baseline: stale entries can be dropped with scan baseline update --prune")
				return exitCode(1)
			}
			return nil
		},
	}
	b.add(cmd, "baseline", "the baseline `FILE` (default PATH/"+baseline.DefaultFile+")")
	return cmd
}

func newBaselineUpdateCmd() *cobra.Command {
	var b baselineFlags
	var prune bool
	cmd := &cobra.Command{
		Use:   "update [PATH]",
		Short: "Add current findings to a baseline, keeping its entries and their notes",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			root := rootArg(args)
			file := b.path(root)
			base, err := loadBaseline(file)
			if err != nil {
				return err
			}
			fs, err := b.scan(cmd, root)
			if err != nil {
				return err
			}
			pruned := 0
			if prune {
				pruned = base.Prune(base.Stale(fs))
			}
			added := base.Add(fs)
			if err := base.Save(file); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "scan baseline: %d entries added, %d stale removed, %d in %s\n", added, pruned, len(base.Entries), file)
			return nil
		},
	}
	b.add(cmd, "baseline", "the baseline `FILE` (default PATH/"+baseline.DefaultFile+")")
	cmd.Flags().BoolVar(&prune, "prune", false, "also remove entries that no finding matches any more")
	return cmd
}

func loadBaseline(path string) (*baseline.File, error) {
	b, err := baseline.Load(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s does not exist: create it with scan baseline create", path)
	}
	return b, err
}

func newBaselineImportGitleaksIgnoreCmd() *cobra.Command {
	var b baselineFlags
	cmd := &cobra.Command{
		Use:   "import-gitleaksignore FILE [PATH]",
		Short: "Accept the findings a .gitleaksignore lists, in a baseline",
		Long: `Read a .gitleaksignore (gitleaks fingerprints, commit:file:rule:line for a
history scan, file:rule:line for a directory scan), scan PATH as baseline
create does (--history for commit fingerprints), and add to the baseline
every finding that stands at a listed place. Rule ids are not compared
(gitleaks' and keyward's differ): every finding on a listed line is
accepted. Each entry that matches no finding, and each line that is not a
fingerprint, is printed with the reason.`,
		Example: "  scan baseline import-gitleaksignore .gitleaksignore --history",
		Args:    cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := regularfile.ReadFile(args[0], 16<<20)
			if err != nil {
				return fmt.Errorf("read %s: %w", args[0], err)
			}
			entries, bad := baseline.ParseGitleaksIgnore(data)
			root := rootArg(args[1:])
			file := b.path(root)
			base, err := baseline.Load(file)
			if errors.Is(err, fs.ErrNotExist) {
				base, err = baseline.New()
			}
			if err != nil {
				return err
			}
			found, err := b.scan(cmd, root)
			if err != nil {
				return err
			}
			matched, unmatched := baseline.MatchIgnore(entries, found)
			stderr := cmd.ErrOrStderr()
			for _, line := range append(bad, unmatched...) {
				fmt.Fprintf(stderr, "not imported: %s\n", display.Text(line))
			}
			added := base.Add(matched)
			if err := base.Save(file); err != nil {
				return err
			}
			fmt.Fprintf(stderr, "scan baseline: %d of %d .gitleaksignore entries matched %d finding(s); %d entries added to %s\n",
				len(entries)-len(unmatched), len(entries)+len(bad), len(matched), added, display.Text(file))
			return nil
		},
	}
	b.add(cmd, "baseline", "the baseline `FILE` to add to (created if missing; default PATH/"+baseline.DefaultFile+")")
	return cmd
}
