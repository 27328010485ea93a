package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/content"
	"github.com/keyward/scan/internal/githistory"
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
			source := func(ctx context.Context, sc *content.Scanner, o sourceOptions) ([]detectors.Finding, detectors.Stats, error) {
				// git hands a hook the index being committed in
				// GIT_INDEX_FILE (a temporary one under commit -a or
				// commit <paths>).
				return staged.Scan(ctx, sc, staged.Options{Path: repo, Keep: o.Keep, NoIgnoreFile: o.NoIgnoreFile, IndexFile: os.Getenv("GIT_INDEX_FILE")})
			}
			if strings.ToLower(f.format) == "text" && f.output == "" {
				return f.runShort(cmd, "staged", source)
			}
			return f.run(cmd, "staged", source)
		},
	}
	addScanFlags(cmd, &f)
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
			opt = githistory.PushRange(opt, updates)
			source := func(ctx context.Context, sc *content.Scanner, so sourceOptions) ([]detectors.Finding, detectors.Stats, error) {
				o := opt
				o.Keep, o.Threads, o.NoIgnoreFile = so.Keep, so.Threads, so.NoIgnoreFile
				return githistory.Scan(ctx, sc, o)
			}
			if strings.ToLower(f.format) == "text" && f.output == "" {
				return f.runShort(cmd, "pre-push", source)
			}
			return f.run(cmd, "pre-push", source)
		},
	}
	addScanFlags(cmd, &f)
	return cmd
}

// isCharDevice is true for a terminal or /dev/null: no hook input.
func isCharDevice(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// runShort is the hooks' pipeline: the same scan as run, but a report short
// enough to read in a commit that was just refused.
func (f *scanFlags) runShort(cmd *cobra.Command, command string, source sourceFunc) error {
	st, err := f.setup(cmd)
	if err != nil {
		return err
	}
	minSev := st.minSev
	findings, stats, err := st.runSource(cmd.Context(), source)
	if err != nil {
		return err
	}
	findings = filterSeverity(findings, minSev)
	sort.Slice(findings, func(i, j int) bool { return detectors.Less(&findings[i], &findings[j]) })
	writeShort(cmd.OutOrStdout(), cmd.ErrOrStderr(), command, findings, stats, f.showSecrets, f.quiet)
	return exitFor(cmd.ErrOrStderr(), findings, stats)
}

func writeShort(out, errw io.Writer, command string, fs []detectors.Finding, st detectors.Stats, show, quiet bool) {
	for _, w := range st.Warnings {
		fmt.Fprintf(errw, "scan %s: warning: %s\n", command, w)
	}
	if len(fs) == 0 {
		if !quiet {
			what := fmt.Sprintf("%d file(s)", st.Files)
			if st.Commits > 0 {
				what = fmt.Sprintf("%d commit(s), %d file version(s)", st.Commits, st.Files)
			}
			fmt.Fprintf(errw, "scan %s: no secrets in %s\n", command, what)
		}
		return
	}
	fmt.Fprintf(out, "scan %s: %d secret(s) found\n\n", command, len(fs))
	for i := range fs {
		x := &fs[i]
		secret := detectors.Redact(x.Secret)
		if show {
			secret = x.Secret
		}
		where := fmt.Sprintf("%s:%d", x.Path, x.StartLine)
		if x.Commit != nil {
			where += " (commit " + x.Commit.SHA[:min(12, len(x.Commit.SHA))] + ")"
		}
		fmt.Fprintf(out, "  %s  %s  %s\n", where, x.RuleID, secret)
	}
	fmt.Fprint(out, `
Move the secret to an environment variable (and rotate it if it was ever
shared). If it is a false positive, put a "keyward:allow" comment on its
line, or add the path to .keywardignore.
`)
	if command == "staged" {
		fmt.Fprintln(out, "Then stage the fix (git add) and commit again.")
	} else {
		fmt.Fprintln(out, "These commits are not pushed yet: remove the secret from them (git commit --amend, or git rebase -i) before pushing, and rotate the key anyway.")
	}
}
