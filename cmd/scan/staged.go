package main

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"
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
lines are reported. Renames, deletions, binary files, symlinks (their target
string) and submodules are handled. Settings are the committed ones:
.keywardignore, .keyward.toml and a --baseline or --config file inside the
repository are read at HEAD (from the working tree only before the first
commit), so a commit cannot silence itself; a staged change to the ignore
file is named. With no REPO, the repository git names in GIT_DIR and
GIT_WORK_TREE (as in every hook) is scanned, else the current directory's.

Exit codes: 0 clean, 1 secrets found (the commit should stop), 2 the index
could not be read (never a silent pass).`,
		Example: `  scan staged
  scan install-hook          # run it before every commit`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			repo, gitDir := hookRepo(args)
			f.root = repo
			if os.Getenv("GOGC") == "" {
				// A hook's scan of a small change holds a few megabytes
				// (rules, engine, one file), and at that size the
				// collector's default (a collection per 4 MB allocated)
				// cost it more CPU than its scan: collections wait for
				// five times the live heap instead. The soft limit keeps
				// a large commit's peak where a history scan's is.
				debug.SetGCPercent(400)
				if os.Getenv("GOMEMLIMIT") == "" {
					debug.SetMemoryLimit(historyMemoryLimit)
				}
			}
			if fw := frameworkStage(); fw == stagePush {
				skipStage(cmd, &f, "staged", "a push; the pre-push hook scans pushes")
				return nil
			}
			// As for a range, settings come from what is already committed:
			// the commit being made must not configure its own review.
			// Before the first commit there is nothing committed to trust,
			// and the working tree's settings apply.
			f.startBuiltin()
			head := &repoRev{repo: repo, gitDir: gitDir, rev: "HEAD"}
			defer head.close()
			// git hands a hook the index being committed in
			// GIT_INDEX_FILE (a temporary one under commit -a or
			// commit <paths>).
			indexFile := os.Getenv("GIT_INDEX_FILE")
			if head.resolves() {
				f.trusted = head
			}
			// The object reader that read the settings reads the staged
			// blobs too, and the index is compared with HEAD while the
			// rules are still being built.
			opt := staged.Prepare(staged.Options{Path: repo, GitDir: gitDir, IndexFile: indexFile, Objects: head.objects, Repo: head.opened})
			return f.run(cmd, "staged", stagedSource(opt), door{small: true})
		},
	}
	addScanFlags(cmd, &f, "hook")
	return cmd
}

func newPrePushCmd() *cobra.Command {
	var f scanFlags
	var remote string
	cmd := &cobra.Command{
		Use:   "pre-push [REPO]",
		Short: "Scan the commits about to be pushed (for a pre-push hook)",
		Long: `Scan the commits a push is about to publish. As a pre-push hook it reads
git's lines "<local ref> <local sha> <remote ref> <remote sha>" on standard
input and scans the commits of each local sha that the remote does not have
yet. For a new remote branch that is every commit the destination's own
tracking refs (refs/remotes/NAME/) do not reach — a commit already on
another remote is still news to this one — so the hook passes git's first
argument as --remote "$1" (the installed hook does; in a hook of your own,
write "scan pre-push --remote \"$1\""). Run by hand, with nothing on
standard input, it scans every local commit that is on no remote-tracking
ref (of --remote's remote when given).`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var opt githistory.Options
			opt.Path, opt.GitDir = hookRepo(args)
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
			if remote == "" {
				remote = os.Getenv("PRE_COMMIT_REMOTE_NAME")
			}
			if remote == "" && len(updates) > 0 && !f.quiet {
				fmt.Fprintln(cmd.ErrOrStderr(), `scan pre-push: warning: the destination remote is unknown, so commits on any remote-tracking ref count as already published; pass --remote "$1" from the hook`)
			}
			opt = githistory.PushRange(opt, updates, remote)
			// As in any range scan, the commits being pushed must not
			// configure their own review: config and baseline come from
			// what the remote already has, when this clone knows it.
			f.root = opt.Path
			if base := knownBase(opt.Path, opt.GitDir, opt.ExcludeIfKnown); base != "" {
				f.trusted = &repoRev{repo: opt.Path, gitDir: opt.GitDir, rev: base}
			}
			return f.run(cmd, "pre-push", historySource(opt), door{small: true})
		},
	}
	addScanFlags(cmd, &f, "hook")
	cmd.Flags().StringVar(&remote, "remote", "", "the remote being pushed to (git's first hook argument): only its tracking refs count as already published")
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

// hookRepo is the repository a hook command scans: REPO when given, else
// the one git names in GIT_DIR (a git directory that may lie anywhere:
// "git --git-dir=… --work-tree=… commit", a linked worktree) with its work
// tree in GIT_WORK_TREE or, as git runs hooks from the top of the work
// tree, the current directory; else the current directory's. Scanning the
// current directory while git named another repository would scan the
// wrong index.
func hookRepo(args []string) (path, gitDir string) {
	if len(args) == 1 {
		return args[0], ""
	}
	gitDir = os.Getenv("GIT_DIR")
	if gitDir == "" {
		return ".", ""
	}
	path = os.Getenv("GIT_WORK_TREE")
	if path == "" {
		path = "."
	}
	return path, gitDir
}

// knownBase returns the first of revs that resolves in the repository at
// path ("" if none: a remote commit this clone never fetched).
func knownBase(path, gitDir string, revs []string) string {
	if len(revs) == 0 {
		return ""
	}
	repo, err := gitrepo.OpenIn(path, gitDir)
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
