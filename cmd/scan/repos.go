package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"

	"github.com/spf13/cobra"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/content"
	"github.com/keyward/scan/internal/githistory"
	"github.com/keyward/scan/internal/githubapi"
	"github.com/keyward/scan/internal/gitrepo"
	"github.com/keyward/scan/internal/repos"
	"github.com/keyward/scan/internal/scanopt"
	"github.com/keyward/scan/internal/scanstate"
	"github.com/keyward/scan/report"
)

type reposFlags struct {
	list              string
	org, user, apiURL string
	forks, archived   bool
	cache, stateDir   string
	noState           bool
	shard             string
	cloneJobs         int
	listOnly          bool
}

func newReposCmd() *cobra.Command {
	var f scanFlags
	var rf reposFlags
	cmd := &cobra.Command{
		Use:   "repos [DIR]",
		Short: "Scan the histories of many repositories: a directory of them, a list, a GitHub organisation or user",
		Long: `Scan the full history of every repository in a set, incrementally:

  DIR                  every repository below DIR (working trees and bare
                       repositories; symbolic links are not followed)
  --list FILE          clone URLs or paths, one a line (# comments)
  --github-org ORG     the repositories of a GitHub organisation, or
  --github-user USER   of a user, through the REST API (GITHUB_TOKEN from
                       the environment for private repositories and a higher
                       rate limit; --github-api-url for GitHub Enterprise;
                       forks and archived repositories with --forks,
                       --archived)

Remote repositories are mirror-cloned into --cache and fetched, not cloned
again, on the next run; every git call is hardened (nothing from a fetched
repository's config runs, no credential helper, no ext:: transport), and
the token travels as an HTTP header, never in a URL or a file. Each
repository keeps its own incremental state (see scan git --state) in
--state-dir, so a second run reads only what is new.

Every finding names its repository (name and clone URL without
credentials) in every format; SARIF has one run per repository. A
repository that cannot be cloned or read is named in a warning and the
scan goes on with the others, but is incomplete (exit 2 when nothing was
found). --shard K/N scans one deterministic part of the set, for a CI
matrix; "scan merge" joins the shards' reports.`,
		Example: `  scan repos ~/src
  scan repos --list repos.txt --format json -o all.json
  GITHUB_TOKEN=... scan repos --github-org acme --format sarif -o acme.sarif
  scan repos --github-org acme --shard 3/8 --format json -o shard-3.json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := ""
			if len(args) == 1 {
				dir = args[0]
			}
			set, err := rf.collect(cmd.Context(), dir, cmd.ErrOrStderr(), f.quiet)
			if err != nil {
				return err
			}
			if rf.listOnly {
				for _, r := range set {
					fmt.Fprintf(cmd.OutOrStdout(), "%s\t%s\n", r.Name, r.URL)
				}
				return nil
			}
			if os.Getenv("GOMEMLIMIT") == "" {
				debug.SetMemoryLimit(historyMemoryLimit)
			}
			run := &reposRun{flags: &rf, scan: &f, set: set, stderr: cmd.ErrOrStderr()}
			f.root = dir
			err = f.run(cmd, "repos", run.source, door{report: run.report})
			return run.finish(err)
		},
	}
	addScanFlags(cmd, &f, "text")
	addVerifyFlags(cmd, &f.verify)
	fl := cmd.Flags()
	fl.StringVar(&rf.list, "list", "", "scan the repositories listed in `FILE` (clone URLs or paths, one a line)")
	fl.StringVar(&rf.org, "github-org", "", "scan the repositories of GitHub organisation `ORG`")
	fl.StringVar(&rf.user, "github-user", "", "scan the repositories of GitHub user `USER`")
	fl.StringVar(&rf.apiURL, "github-api-url", "", "GitHub REST API base `URL` (GitHub Enterprise: https://HOST/api/v3)")
	fl.BoolVar(&rf.forks, "forks", false, "include forks (GitHub)")
	fl.BoolVar(&rf.archived, "archived", false, "include archived repositories (GitHub)")
	fl.StringVar(&rf.cache, "cache", defaultCacheDir(), "keep mirror clones in `DIR`")
	fl.StringVar(&rf.stateDir, "state-dir", "", "keep each repository's incremental state in `DIR` (default: CACHE/state)")
	fl.BoolVar(&rf.noState, "no-state", false, "scan every history in full and keep no state")
	fl.StringVar(&rf.shard, "shard", "", "scan only shard `K/N` of the repositories (stable: rendezvous hashing on the name)")
	fl.IntVar(&rf.cloneJobs, "clone-jobs", 4, "clone or fetch up to `N` repositories at once")
	fl.BoolVar(&rf.listOnly, "list-only", false, "print the repositories (after --shard) and scan nothing")
	return cmd
}

func defaultCacheDir() string {
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "keyward-scan", "repos")
	}
	return ".keyward-cache"
}

// collect finds the set of repositories the flags name, sorted and
// sharded.
func (rf *reposFlags) collect(ctx context.Context, dir string, stderr io.Writer, quiet bool) ([]repos.Repo, error) {
	var set []repos.Repo
	sources := 0
	if dir != "" {
		sources++
		rs, err := repos.FromDir(dir)
		if err != nil {
			return nil, err
		}
		if len(rs) == 0 {
			return nil, fmt.Errorf("no git repository below %s", dir)
		}
		set = append(set, rs...)
	}
	if rf.list != "" {
		sources++
		rs, err := repos.FromList(rf.list)
		if err != nil {
			return nil, err
		}
		set = append(set, rs...)
	}
	if rf.org != "" || rf.user != "" {
		sources++
		if rf.org != "" && rf.user != "" {
			return nil, errors.New("--github-org and --github-user: name one")
		}
		opt := githubapi.Options{APIURL: rf.apiURL, Token: os.Getenv("GITHUB_TOKEN"), Org: rf.org, User: rf.user,
			Forks: rf.forks, Archived: rf.archived, Log: func(s string) {
				if !quiet {
					fmt.Fprintf(stderr, "scan: %s\n", s)
				}
			}}
		if opt.Token == "" && !quiet {
			fmt.Fprintln(stderr, "scan: warning: GITHUB_TOKEN is not set: only public repositories are listed, at a low rate limit")
		}
		rs, err := githubapi.List(ctx, opt)
		if err != nil {
			return nil, err
		}
		set = append(set, rs...)
	}
	if sources == 0 {
		return nil, errors.New("name the repositories: a DIR, --list FILE, --github-org ORG or --github-user USER")
	}
	// The same name from two sources is one repository.
	repos.Sort(set)
	uniq := set[:0]
	for i, r := range set {
		if i > 0 && r.Name == set[i-1].Name {
			continue
		}
		uniq = append(uniq, r)
	}
	set = uniq
	if rf.shard != "" {
		sh, err := repos.ParseShard(rf.shard)
		if err != nil {
			return nil, fmt.Errorf("--shard: %w", err)
		}
		set = sh.Select(set)
	}
	if rf.cloneJobs < 1 {
		return nil, errors.New("--clone-jobs must be at least 1")
	}
	return set, nil
}

// tokenHost is the git host GITHUB_TOKEN is sent to.
func (rf *reposFlags) tokenHost() string {
	if rf.apiURL == "" {
		return "github.com"
	}
	if u, err := url.Parse(rf.apiURL); err == nil {
		return u.Hostname()
	}
	return ""
}

// reposRun scans a set of repositories one at a time, each with all the
// scan threads — so memory is bounded by the largest one — while up to
// --clone-jobs others are cloned or fetched ahead of it.
type reposRun struct {
	flags  *reposFlags
	scan   *scanFlags
	set    []repos.Repo
	stderr io.Writer

	runs   []report.RepositoryRun
	states []*stateRun
}

type ready struct {
	i      int
	gitDir string
	err    error
}

func (rr *reposRun) source(ctx context.Context, sc *content.Scanner, so scanopt.Common) ([]detectors.Finding, detectors.Stats, error) {
	var total detectors.Stats
	var all []detectors.Finding
	var digest scanstate.Digest
	if !rr.flags.noState {
		d, err := rr.scan.stateDigest()
		if err != nil {
			return nil, total, err
		}
		digest = d
	}
	stateDir := rr.flags.stateDir
	if stateDir == "" {
		stateDir = filepath.Join(rr.flags.cache, "state")
	}
	cache := repos.Cache{Dir: rr.flags.cache, Token: os.Getenv("GITHUB_TOKEN"), TokenHost: rr.flags.tokenHost()}

	out := make(chan ready, len(rr.set))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range rr.flags.cloneJobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				r := rr.set[i]
				if r.Path != "" {
					out <- ready{i: i, gitDir: r.Path}
					continue
				}
				dir, err := cache.Sync(ctx, r)
				out <- ready{i: i, gitDir: dir, err: err}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for i := range rr.set {
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(out) }()

	runs := make([]report.RepositoryRun, len(rr.set))
	for i, r := range rr.set {
		runs[i].Name, runs[i].URL = r.Name, r.URL
	}
	for got := range out {
		if ctx.Err() != nil {
			total.Interrupt()
			continue
		}
		r := rr.set[got.i]
		var st detectors.Stats
		var fs []detectors.Finding
		if got.err != nil {
			st.Incomplete = true
			st.Warn(detectors.WarnOther, "", fmt.Sprintf("not scanned: %v", got.err))
		} else {
			fs, st = rr.scanOne(ctx, sc, so, r, got.gitDir, stateDir, digest)
			runs[got.i].Revision = headOf(got.gitDir)
		}
		for i := range st.Warnings {
			st.Warnings[i].Message = r.Name + ": " + st.Warnings[i].Message
		}
		for i := range fs {
			fs[i].Repository = r.Name
		}
		if !rr.scan.quiet {
			fmt.Fprintf(rr.stderr, "scan: %s: %d finding(s), %d commit(s)%s\n", r.Name, len(fs), st.Commits, incompleteMark(st))
		}
		runs[got.i].Stats = st
		all = append(all, fs...)
		total.Merge(st)
	}
	rr.runs = runs
	return all, total, nil
}

func incompleteMark(st detectors.Stats) string {
	if st.Incomplete {
		return ", INCOMPLETE"
	}
	return ""
}

// scanOne scans one repository's history with its own state.
func (rr *reposRun) scanOne(ctx context.Context, sc *content.Scanner, so scanopt.Common, r repos.Repo, gitDir, stateDir string, digest scanstate.Digest) ([]detectors.Finding, detectors.Stats) {
	var st detectors.Stats
	opt := githistory.Options{Path: gitDir, Common: so, AllowEmpty: true}
	if !rr.flags.noState {
		sr, err := openStateRun(repos.StateFile(stateDir, r))
		if err != nil {
			st.Incomplete = true
			st.Warn(detectors.WarnOther, "", err.Error())
			return nil, st
		}
		opt.State, opt.StateDigest = sr.st, digest
		defer func() {
			sr.complete = !st.Interrupted && sr.st.Blocked() == ""
			rr.states = append(rr.states, sr)
		}()
	}
	fs, st, err := githistory.Scan(ctx, sc, opt)
	if err != nil {
		st.Incomplete = true
		st.Warn(detectors.WarnOther, "", err.Error())
		if opt.State != nil {
			opt.State.Block(err.Error())
		}
	}
	return fs, st
}

func headOf(gitDir string) string {
	repo, err := gitrepo.Open(gitDir)
	if err != nil {
		return ""
	}
	defer repo.Close()
	h, err := repo.Resolve("HEAD")
	if err != nil {
		return ""
	}
	return h.String()
}

func (rr *reposRun) report(o *report.Options, _ []detectors.Finding) {
	o.Repositories = rr.runs
	o.Root, o.Repository, o.Revision, o.Branch = "", "", "", ""
}

// finish saves every repository's state once the report is written.
func (rr *reposRun) finish(runErr error) error {
	for _, sr := range rr.states {
		if err := sr.finish(runErr, rr.stderr, true); err != nil && !errors.Is(err, runErr) {
			return err
		}
	}
	return runErr
}
