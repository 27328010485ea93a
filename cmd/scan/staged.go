package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/content"
	"github.com/keyward/scan/internal/githistory"
	"github.com/keyward/scan/internal/gitrepo"
	"github.com/keyward/scan/internal/scanopt"
	"github.com/keyward/scan/internal/staged"
)

func newStagedCmd() *cobra.Command {
	var f scanFlags
	cmd := &cobra.Command{
		Use:   "staged [REPO]",
		Short: "Scan the changes staged for commit (for a pre-commit hook)",
		Long: `Scan what "git commit" is about to record: the index compared with HEAD (or,
before the first commit, everything staged). Blobs are read from the index,
not the working tree, so unstaged edits do not count; only added or changed
lines are reported. Renames, deletions, binary files and submodules are
handled; paths matched by a staged .keywardignore are skipped.

Exit codes: 0 clean, 1 secrets found (the commit should stop), 2 the index
could not be read (never a silent pass).`,
		Example: `  scan staged
  scan install-hook          # run it before every commit`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			repo := "."
			if len(args) == 1 {
				repo = args[0]
			}
			f.root = repo
			if fw := frameworkStage(); fw == stagePush {
				skipStage(cmd, &f, "staged", "a push; the pre-push hook scans pushes")
				return nil
			}
			// As for a range, settings come from what is already committed:
			// the commit being made must not configure its own review.
			// Before the first commit there is nothing committed to trust,
			// and the working tree's settings apply.
			if knownBase(repo, []string{"HEAD"}) != "" {
				f.root = repo
				f.trusted = &repoRev{repo: repo, rev: "HEAD"}
			}
			// git hands a hook the index being committed in
			// GIT_INDEX_FILE (a temporary one under commit -a or
			// commit <paths>).
			return f.run(cmd, "staged", stagedSource(staged.Options{Path: repo, IndexFile: os.Getenv("GIT_INDEX_FILE")}), door{})
		},
	}
	addScanFlags(cmd, &f, "hook")
	return cmd
}

func newPrePushCmd() *cobra.Command {
	var f scanFlags
	cmd := &cobra.Command{
		Use:   "pre-push [REPO]",
		Short: "Scan the commits about to be pushed (for a pre-push hook)",
		Long: `Scan the commits a push is about to publish. As a pre-push hook it reads
git's lines "<local ref> <local sha> <remote ref> <remote sha>" on standard
input and scans the commits of each local sha that the remote does not have
yet (for a new remote branch: the commits on no remote-tracking ref). Run by
hand, with nothing on standard input, it scans every local commit that is on
no remote-tracking ref.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opt := githistory.Options{Path: "."}
			if len(args) == 1 {
				opt.Path = args[0]
			}
			var updates []githistory.PushUpdate
			if in, ok := cmd.InOrStdin().(*os.File); !ok || !isCharDevice(in) {
				var err error
				if updates, err = githistory.ParsePrePush(cmd.InOrStdin()); err != nil {
					return err
				}
			}
			// The pre-commit framework passes the range in its environment
			// instead of git's hook input.
			if to := os.Getenv("PRE_COMMIT_TO_REF"); len(updates) == 0 && to != "" {
				from := os.Getenv("PRE_COMMIT_FROM_REF")
				if from == "" {
					from = strings.Repeat("0", 40)
				}
				updates = []githistory.PushUpdate{{LocalSHA: to, RemoteSHA: from}}
			}
			if len(updates) == 0 && frameworkStage() == stageOther {
				skipStage(cmd, &f, "pre-push", "a stage that is not a push")
				return nil
			}
			opt = githistory.PushRange(opt, updates)
			// As in any range scan, the commits being pushed must not
			// configure their own review: config and baseline come from
			// what the remote already has, when this clone knows it.
			f.root = opt.Path
			if base := knownBase(opt.Path, opt.ExcludeIfKnown); base != "" {
				f.trusted = &repoRev{repo: opt.Path, rev: base}
			}
			return f.run(cmd, "pre-push", historySource(opt), door{})
		},
	}
	addScanFlags(cmd, &f, "hook")
	return cmd
}

// stagedSource scans the changes staged in the repository opt names.
func stagedSource(opt staged.Options) source {
	return func(ctx context.Context, sc *content.Scanner, so scanopt.Common) ([]detectors.Finding, detectors.Stats, error) {
		o := opt
		o.Common = so
		return staged.Scan(ctx, sc, o)
	}
}

// knownBase returns the first of revs that resolves in the repository at
// path ("" if none: a remote commit this clone never fetched).
func knownBase(path string, revs []string) string {
	if len(revs) == 0 {
		return ""
	}
	repo, err := gitrepo.Open(path)
	if err != nil {
		return ""
	}
	defer repo.Close()
	for _, r := range revs {
		if _, err := repo.Resolve(r); err == nil {
			return r
		}
	}
	return ""
}

// isCharDevice is true for a terminal or /dev/null: no hook input.
func isCharDevice(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// The stages the pre-commit framework can run a hook at, as far as scan
// needs to know. The manifest names no stages (see .pre-commit-hooks.yaml),
// so each command tells its stage from the framework's environment.
const (
	stageNone  = iota // not run by the pre-commit framework
	stagePush         // run for a push
	stageOther        // run for a commit, or by hand with --hook-stage
)

func frameworkStage() int {
	switch {
	case os.Getenv("PRE_COMMIT") != "1":
		return stageNone
	case os.Getenv("PRE_COMMIT_TO_REF") != "", os.Getenv("PRE_COMMIT_REMOTE_NAME") != "":
		// A first push of a whole history comes with the remote's name
		// but no range.
		return stagePush
	}
	return stageOther
}

// skipStage says why a hook run by the framework at another stage did
// nothing, so that a passing hook is never mistaken for a clean scan.
func skipStage(cmd *cobra.Command, f *scanFlags, command, stage string) {
	if !f.quiet {
		fmt.Fprintf(cmd.ErrOrStderr(), "scan %s: run by pre-commit for %s: nothing to scan\n", command, stage)
	}
}
