package main

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"time"

	"github.com/spf13/cobra"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/content"
	"github.com/keyward/scan/internal/githistory"
	"github.com/keyward/scan/internal/scanopt"
)

// historyMemoryLimit is the soft memory limit of a history scan (GOMEMLIMIT
// overrides it).
const historyMemoryLimit = 300 << 20

func newGitCmd() *cobra.Command {
	var f scanFlags
	var opt githistory.Options
	var since, statePath, cpuProfile string
	var allRefs bool
	cmd := &cobra.Command{
		Use:   "git [REPO]",
		Short: "Scan the whole history of a git repository (every branch, tag, remote ref and stash)",
		Long: `Scan every version of every file in a repository's history (default: the
repository containing the current directory): all branches, tags,
remote-tracking refs and stashes, content that merge commits introduced
(conflict resolutions), and files that were later deleted or renamed.

Each secret is reported once per file path, at the commit that introduced it,
with its author and date; the report says whether it is still present at the
tip of a scanned ref (else "removed since, still in history") and whether that
commit is already on a remote (pushed: revoke the key) or only local (it can
still be removed from history before pushing). Commit and annotated-tag
messages are scanned too; a secret in one is reported at "(commit message)" or
"(message of tag NAME)" with its commit, and subjects are redacted in every
report. Symlinks are scanned as their target string; a submodule's history
lives in its own repository and is named in a warning, not scanned.

Scope: with no flag the audit covers every ref (--all-refs says so
explicitly). --branch REF scans only the history reachable from REF — what a
push to that branch publishes, without other branches' unmerged commits — and
takes the ignore file from REF's tip.

Nothing in the repository's .git/config (hooks, filters, textconv, fsmonitor)
is executed, so untrusted repositories are safe to scan: when git is
installed, hardened "git rev-list", "git diff-tree --raw" and
"git cat-file --batch" processes walk the history, compare its trees and read
its blobs (they run no filters, textconv, hooks or fsmonitor, read no system
or global config and ignore GIT_* variables); go-git reads everything else,
and everything where git is missing.
A shallow clone is scanned as far as it goes, with a warning; missing objects
are named and make the exit code 2 unless something was found.

Ranges for CI: --since-commit BASE scans only commits not reachable from BASE
(a pull request's commits, all of them); --branch, --since and --max-commits
narrow further. A range with no commits is an error unless --allow-empty.

Incremental audits: --state FILE remembers the commits and blobs scanned and
the places already reported (as keyed hashes: no secret is stored), so the
next run reads only new commits and blobs and reports only new findings.
A new version, a changed config, baseline or flag means a full scan (it
says so); a damaged or foreign state file is an error.

A range takes its settings (.keyward.toml, the file --config names,
the baseline, .keywardignore) from its base, so the commits under review
cannot switch the scan off; --settings-from REV does the same for any scan
(CI scanning a pull request's whole merged history with the base's settings).`,
		Example: `  scan git
  scan git /path/to/repo.git --format sarif --output history.sarif
  scan git --since-commit origin/main        # the commits of a pull request
  scan git --branch feature/x --since 2024-01-01
  scan git --state .keyward/history.state    # only what is new since the last run`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opt.Path = "."
			if len(args) == 1 {
				opt.Path = args[0]
			}
			f.root = opt.Path
			trusted := opt.SinceCommit
			if opt.SettingsFrom != "" {
				trusted = opt.SettingsFrom
			}
			if trusted != "" {
				f.trusted = &repoRev{repo: opt.Path, rev: trusted}
			}
			if since != "" {
				t, err := parseDate(since)
				if err != nil {
					return fmt.Errorf("--since: %w", err)
				}
				opt.Since = t
			}
			if allRefs && opt.Branch != "" {
				return fmt.Errorf("--all-refs and --branch exclude each other")
			}
			if opt.MaxCommits < 0 {
				return fmt.Errorf("--max-commits must not be negative")
			}
			if os.Getenv("GOMEMLIMIT") == "" {
				// A history scan churns through gigabytes of object data
				// while its live heap stays near 200 MB; without a limit the
				// collector lets the heap grow to several times that.
				// A soft limit keeps peak memory near gitleaks' or below,
				// for a few percent of CPU.
				debug.SetMemoryLimit(historyMemoryLimit)
			}
			if cpuProfile != "" {
				stop, err := startCPUProfile(cpuProfile)
				if err != nil {
					return err
				}
				defer stop()
			}
			if statePath == "" {
				return f.run(cmd, "git", historySource(opt), door{})
			}
			if opt.SinceCommit != "" || since != "" || opt.MaxCommits > 0 {
				return fmt.Errorf("--state records whole histories: it cannot be combined with --since-commit, --since or --max-commits")
			}
			sr, err := openStateRun(statePath)
			if err != nil {
				return err
			}
			err = f.run(cmd, "git", sr.source(&f, opt, cmd.ErrOrStderr()), door{})
			return sr.finish(err, cmd.ErrOrStderr(), f.quiet)
		},
	}
	addScanFlags(cmd, &f, "text")
	addVerifyFlags(cmd, &f.verify)
	fl := cmd.Flags()
	fl.StringVar(&opt.SinceCommit, "since-commit", "", "scan only commits not reachable from `REV` (e.g. the pull request's base)")
	fl.StringVar(&opt.Branch, "branch", "", "scan only the history reachable from `REF` instead of every ref")
	fl.BoolVar(&allRefs, "all-refs", false, "scan the history of every ref: branches, tags, remote-tracking refs, stashes (the default)")
	fl.StringVar(&since, "since", "", "scan only commits committed on or after `DATE` (2006-01-02 or RFC 3339)")
	fl.IntVar(&opt.MaxCommits, "max-commits", 0, "scan only the newest `N` commits of the range (0: all)")
	addStateFlag(cmd, &statePath)
	fl.StringVar(&opt.SettingsFrom, "settings-from", "", "read the config, the baseline and .keywardignore as they are at `REV` (default: the --since-commit base, else the working tree and HEAD); for CI scanning a pull request's whole merged history with the base's settings")
	fl.BoolVar(&opt.AllowEmpty, "allow-empty", false, "treat a range with no commits as a clean scan instead of an error")
	fl.StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the scan to `FILE` (for measuring the history reader)")
	fl.MarkHidden("cpuprofile")
	return cmd
}

// startCPUProfile writes a pprof CPU profile to path until stop is called.
func startCPUProfile(path string) (stop func(), err error) {
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(out); err != nil {
		out.Close()
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		out.Close()
	}, nil
}

// historySource scans the history opt selects; git and pre-push share it.
func historySource(opt githistory.Options) source {
	return func(ctx context.Context, sc *content.Scanner, so scanopt.Common) ([]detectors.Finding, detectors.Stats, error) {
		o := opt
		o.Common = so
		return githistory.Scan(ctx, sc, o)
	}
}

// parseDate accepts a day or a full RFC 3339 time.
func parseDate(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("cannot parse %q: want 2006-01-02 or 2006-01-02T15:04:05Z07:00", s)
}
