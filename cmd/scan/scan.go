package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/allow"
	"github.com/keyward/scan/internal/baseline"
	"github.com/keyward/scan/internal/config"
	"github.com/keyward/scan/internal/content"
	"github.com/keyward/scan/internal/display"
	"github.com/keyward/scan/internal/docvalue"
	"github.com/keyward/scan/internal/engine"
	"github.com/keyward/scan/internal/gitrepo"
	"github.com/keyward/scan/internal/pathfilter"
	"github.com/keyward/scan/internal/scanopt"
	"github.com/keyward/scan/internal/vendored"
	"github.com/keyward/scan/internal/verify"
	"github.com/keyward/scan/report"
)

// scanFlags are shared by every command that scans.
type scanFlags struct {
	format       string
	output       string
	showSecrets  bool
	include      []string
	exclude      []string
	maxFileSize  string
	noIgnoreFile bool
	noArchives   bool
	threads      int
	quiet        bool
	noColor      bool
	verbose      bool
	minSeverity  string
	verify       verifyFlags

	// root is the scanned root: where .keyward.toml is looked for, and
	// the provenance in SARIF reports. The command sets it.
	root string

	baseline      string
	config        string
	noInlineAllow bool
	// reports are extra FORMAT=FILE reports written from the same scan.
	reports []string
	// trusted, when set, is the commit settings are read from instead of
	// the disk (the base of a git range, HEAD for a commit): .keyward.toml,
	// and --config and --baseline files that lie inside the repository.
	trusted *repoRev
	// builtin, when set, yields the built-in rules and engine a command
	// started building before it waited on git (see startBuiltin).
	builtin func() builtinRules
}

// builtinRules are the built-in rules and their engine, built ahead.
type builtinRules struct {
	rules []detectors.Rule
	eng   *engine.Engine // nil if building it failed: setup builds again and says why
}

// startBuiltin builds the built-in rules and their engine on one goroutine
// while the command goes on to start git and read settings: a pre-commit
// scan of a small change spends most of its time on these two, and they
// need not wait for each other.
func (f *scanFlags) startBuiltin() {
	ch := make(chan builtinRules, 1)
	go func() {
		rules := detectors.Default()
		// And their engine: settings seldom change the rules, and then
		// setup need only give it its options.
		eng, err := engine.New(rules, engine.Options{})
		if err != nil {
			eng = nil
		}
		ch <- builtinRules{rules, eng}
	}()
	f.builtin = sync.OnceValue(func() builtinRules { return <-ch })
}

// addScanFlags adds the shared flags; defaultFormat is the report format
// used when --format is not given ("text", or "hook" for the hooks).
func addScanFlags(cmd *cobra.Command, f *scanFlags, defaultFormat string) {
	fl := cmd.Flags()
	var formats []string
	for _, ft := range report.Formats() {
		formats = append(formats, ft.Name+" ("+ft.Help+")")
	}
	fl.StringVarP(&f.format, "format", "f", defaultFormat, "report `FORMAT`: "+strings.Join(formats, "; "))
	fl.StringVarP(&f.output, "output", "o", "", "write the report to `FILE` (mode 0600; replaced only when the report is complete) instead of standard output")
	fl.BoolVar(&f.showSecrets, "show-secrets", false, "print secrets in full (by default they are redacted in every format; never in sarif or github)")
	fl.StringArrayVar(&f.reports, "report", nil, "also write a report in another format, as `FORMAT=FILE` (repeatable; e.g. sarif=results.sarif)")
	fl.StringVar(&f.baseline, "baseline", "", "report only findings not accepted in the baseline `FILE` (see scan baseline)")
	addSourceFlags(cmd, f)
}

// addSourceFlags adds the flags that choose what is scanned and which
// findings are kept: shared by scans and by the baseline commands.
func addSourceFlags(cmd *cobra.Command, f *scanFlags) {
	fl := cmd.Flags()
	fl.StringVar(&f.config, "config", "", "read settings from `FILE` instead of the scanned root's "+config.FileName)
	fl.BoolVar(&f.noInlineAllow, "no-inline-allow", false, "report findings that keyward:allow, gitleaks:allow or \"pragma: allowlist secret\" comments suppress (for audits)")
	fl.StringArrayVar(&f.include, "include", nil, "scan only paths matching this doublestar `GLOB` (repeatable)")
	fl.StringArrayVar(&f.exclude, "exclude", nil, "skip paths matching this doublestar `GLOB` (repeatable)")
	fl.StringVar(&f.maxFileSize, "max-file-size", "", "skip files larger than `SIZE` (e.g. 512KiB, 10MiB, 1GB; at most 1PiB), with a warning; by default none is skipped (files are streamed in bounded chunks)")
	fl.BoolVar(&f.noIgnoreFile, "no-ignore-file", false, "do not apply .keywardignore files (for audits)")
	fl.BoolVar(&f.noArchives, "no-archives", false, "do not read the members of .zip, .tar, .tar.gz and .gz files")
	fl.IntVar(&f.threads, "threads", runtime.NumCPU(), "number of files scanned in parallel (at most "+strconv.Itoa(threadsPerCore)+" per core)")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "print nothing but findings and errors")
	fl.BoolVar(&f.noColor, "no-color", false, "never colour the text report")
	fl.BoolVarP(&f.verbose, "verbose", "v", false, "log every suppressed candidate with its reason, and list all warnings")
	fl.StringVar(&f.minSeverity, "min-severity", "low", "report only findings of at least this `LEVEL`: info, low, medium, high, critical (info is known test material such as documentation keys)")
}

// source produces findings from one kind of input, reading file contents
// through sc.
type source func(ctx context.Context, sc *content.Scanner, opt scanopt.Common) ([]detectors.Finding, detectors.Stats, error)

// door is what one command adds to the shared pipeline: none of it may
// decide which filters run.
type door struct {
	// report, if set, adds to the options of every report of the scan once
	// the source has run (the audit's places).
	// It is given the findings the reports will hold (after filters and
	// the severity floor), so counts it adds agree with the reports'.
	report func(*report.Options, []detectors.Finding)
	// after, if set, runs once the reports are written, on the findings
	// they hold (scan home --mask); not after an interrupt.
	after func(cmd *cobra.Command, findings []detectors.Finding) error
	// byDanger orders the reports most dangerous first (critical before
	// high…), then by place: an audit is read top down and acted on.
	byDanger bool
	// small: the scan is a commit hook's or a push's, usually a few
	// kilobytes, which the engine searches without building its keyword
	// automaton.
	small bool
}

// run is the pipeline every scan command shares: format → setup (config,
// baseline, rules, engine) → source → filters → verify → severity floor →
// sort → reports → the door's last step → exit code.
func (f *scanFlags) run(cmd *cobra.Command, command string, src source, d door) error {
	// The object reader that read the trusted settings (a git process)
	// ends with the command.
	defer f.trusted.close()
	// The format is checked before anything is scanned.
	format, err := report.Lookup(f.format)
	if err != nil {
		return fmt.Errorf("--format: %w", err)
	}
	extra, err := parseExtraReports(f.reports)
	if err != nil {
		return err
	}
	if err := distinctReportFiles(f.output, extra); err != nil {
		return err
	}
	verifier, err := f.verify.checker(cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	p, err := f.setup(cmd)
	if err != nil {
		return err
	}
	if !d.small && runtime.NumCPU() > 1 {
		// A tree or a history needs the keyword automaton within its first
		// files; built on a spare core while the source starts, it is
		// there when they are read instead of keeping a worker waiting.
		p.eng.Prepare()
	}
	res, err := p.collect(cmd, src)
	if err != nil {
		return err
	}
	findings, stats := res.findings, res.stats
	// A config that turns rules off, excludes paths or allowlists makes
	// "nothing found" mean less than it says: every report names it.
	if p.cfg != nil {
		for _, line := range p.cfg.Narrowing(detectors.Default()) {
			stats.Warn(detectors.WarnConfig, p.cfg.Path, line)
		}
	}
	// Only what the filters kept is verified (an allowed or baselined key
	// is sent nowhere), and verification may change a severity, so the
	// floor comes after it.
	verifyFindings(cmd.Context(), verifier, findings, cmd.ErrOrStderr(), f.quiet)
	findings = filterSeverity(findings, p.minSev)
	// Reports promise this order, whatever order the source produced.
	sort.SliceStable(findings, func(i, j int) bool { return detectors.Less(&findings[i], &findings[j]) })
	if d.byDanger {
		sort.SliceStable(findings, func(i, j int) bool { return findings[i].Severity > findings[j].Severity })
	}
	opt := f.reportOptions(cmd, command, p.rules)
	if d.report != nil {
		d.report(&opt, findings)
	}
	if !stats.Interrupted {
		for _, x := range extra {
			if err := writeReportFile(x.path, x.format, findings, stats, opt); err != nil {
				return err
			}
		}
	}

	clean := len(findings) == 0 && !stats.Incomplete
	switch {
	case stats.Interrupted && f.output != "":
		// A partial report must not replace a complete one; what was
		// found is on standard error below.
		fmt.Fprintf(cmd.ErrOrStderr(), "scan: interrupted: %s left as it was\n", display.Text(f.output))
		for i := range findings {
			x := &findings[i]
			fmt.Fprintf(cmd.ErrOrStderr(), "  %s:%d  %s\n", display.Text(x.Path), x.StartLine, x.RuleID)
		}
	case !(f.quiet && format.ForPeople && clean && f.output == ""):
		if err := f.writeReport(cmd, format, opt, findings, stats); err != nil {
			return err
		}
	}
	if (f.output != "" || !format.ForPeople) && !f.quiet && !stats.Interrupted {
		fmt.Fprintln(cmd.ErrOrStderr(), summaryLine(findings, stats, f.output))
		if note := opt.OwnBackups.Note(); note != "" {
			fmt.Fprintln(cmd.ErrOrStderr(), "scan: "+note)
		}
	}
	if d.after != nil && len(findings) > 0 && !stats.Interrupted {
		if err := d.after(cmd, findings); err != nil {
			return err
		}
	}
	return exitFor(cmd.ErrOrStderr(), command, findings, stats)
}

// exitFor decides the exit code of every scan: 130 interrupted, 1 findings,
// 2 incomplete with nothing found, 0 clean and complete.
func exitFor(stderr io.Writer, command string, findings []detectors.Finding, stats detectors.Stats) error {
	switch {
	case stats.Interrupted:
		fmt.Fprintf(stderr, "scan: SCAN INCOMPLETE: interrupted; %d finding(s) in what was read before the interrupt\n", len(findings))
		return exitCode(130)
	case len(findings) > 0:
		return exitCode(1)
	case stats.Incomplete:
		return incompleteError(fmt.Sprintf("%s scan incomplete: %d warning(s); nothing found in what could be read", command, len(stats.Warnings)))
	}
	return nil
}

// incompleteError is the exit-2 error of a scan whose report was written.
type incompleteError string

func (e incompleteError) Error() string { return string(e) }

// writeReport writes the report to --output (atomically) or to standard
// output (coloured when it is a terminal and the format is for people).
func (f *scanFlags) writeReport(cmd *cobra.Command, format report.Format, opt report.Options, findings []detectors.Finding, stats detectors.Stats) error {
	if f.output == "" {
		out := cmd.OutOrStdout()
		if file, ok := out.(*os.File); ok && format.ForPeople && !f.noColor && os.Getenv("NO_COLOR") == "" {
			opt.Color = term.IsTerminal(int(file.Fd()))
		}
		if err := format.Write(out, findings, stats, opt); err != nil {
			return fmt.Errorf("write report: %w", err)
		}
		return nil
	}
	file, err := report.Create(f.output)
	if err != nil {
		return fmt.Errorf("create report: %w", err)
	}
	defer file.Close()
	if err := format.Write(file, findings, stats, opt); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return file.Commit()
}

// reportOptions are the options every report of one scan shares, with the
// provenance SARIF records.
func (f *scanFlags) reportOptions(cmd *cobra.Command, command string, rules []detectors.Rule) report.Options {
	stderr := cmd.ErrOrStderr()
	opt := report.Options{
		ShowSecrets: f.showSecrets,
		Version:     version,
		Command:     command,
		Rules:       rules,
		Verbose:     f.verbose,
		Brief:       f.quiet,
		Steps:       verify.Steps,
		Warn:        func(s string) { fmt.Fprintf(stderr, "scan: warning: %s\n", s) },
	}
	var opened *gitrepo.Repo
	if f.trusted != nil && f.trusted.repo == f.root {
		opened = f.trusted.opened
	}
	provenance(f.root, opened, &opt)
	return opt
}

type extraReport struct{ format, path string }

func parseExtraReports(specs []string) ([]extraReport, error) {
	var out []extraReport
	for _, s := range specs {
		format, path, ok := strings.Cut(s, "=")
		if !ok || path == "" {
			return nil, fmt.Errorf("--report %q: want FORMAT=FILE", s)
		}
		if _, err := report.Lookup(format); err != nil {
			return nil, fmt.Errorf("--report: %w", err)
		}
		out = append(out, extraReport{format, path})
	}
	return out, nil
}

// distinctReportFiles refuses two reports written to one file (--output
// and a --report, or two --report), however the paths spell it: relative,
// through a symbolic link, or a hard link. One would silently overwrite
// the other.
func distinctReportFiles(output string, extra []extraReport) error {
	type named struct{ flag, path string }
	var all []named
	if output != "" {
		all = append(all, named{"--output", output})
	}
	for _, r := range extra {
		all = append(all, named{"--report " + r.format + "=" + r.path, r.path})
	}
	for i := range all {
		for j := range i {
			if sameFile(all[i].path, all[j].path) {
				return fmt.Errorf("%s and %s name the same file; one report would overwrite the other", all[j].flag, all[i].flag)
			}
		}
	}
	return nil
}

// sameFile reports whether two paths name one file, existing or not.
func sameFile(a, b string) bool {
	if fileKey(a) == fileKey(b) {
		return true
	}
	ia, errA := os.Stat(a)
	ib, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(ia, ib)
}

// fileKey is a path made absolute and clean, with symbolic links resolved
// in it, or in its directory when the file does not exist yet.
func fileKey(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return filepath.Clean(p)
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		return r
	}
	dir, base := filepath.Split(abs)
	if r, err := filepath.EvalSymlinks(dir); err == nil {
		return filepath.Join(r, base)
	}
	return abs
}

// writeReportFile writes one more report of the same scan to a file only
// its owner can read.
func writeReportFile(path, format string, findings []detectors.Finding, stats detectors.Stats, opt report.Options) error {
	file, err := report.Create(path)
	if err != nil {
		return fmt.Errorf("create report: %w", err)
	}
	defer file.Close()
	if err := report.Write(file, format, findings, stats, opt); err != nil {
		return fmt.Errorf("write report %s: %w", path, err)
	}
	return file.Commit()
}

// collected is what a scan found once the filters ran. The severity floor
// is left to the caller, which may change severities first (--verify).
type collected struct {
	findings []detectors.Finding
	stats    detectors.Stats
}

// pipeline is one scan's path from a source to its findings, built once by
// setup from the shared flags. It owns everything that decides which
// findings survive — config, baseline, rules, engine, filters — so that no
// command can run a source without them.
type pipeline struct {
	flags *scanFlags
	// cfg is the loaded config (nil: none); base the baseline to filter
	// with (nil: no --baseline), loaded before anything is scanned.
	cfg      *config.Config
	base     *baseline.File
	baseName string
	rules    []detectors.Rule
	eng      *engine.Engine
	opt      scanopt.Common
	content  content.Options
	minSev   detectors.Severity
	// inlineAllowed counts findings allow comments dropped.
	inlineAllowed *atomic.Int64
}

// contentScanner is the content layer with the shared settings.
func (p *pipeline) contentScanner() *content.Scanner {
	return content.New(p.eng, p.content)
}

// collect runs one source through the pipeline: source → documentation
// values → filters. Reports and baselines take it from there.
func (p *pipeline) collect(cmd *cobra.Command, src source) (collected, error) {
	start := time.Now()
	findings, stats, err := src(cmd.Context(), p.contentScanner(), p.opt)
	if err != nil {
		return collected{}, err
	}
	stats.Duration = time.Since(start)
	// A value published in documentation is rated as documentation
	// wherever it appears, before any filter sees it.
	findings, _ = docvalue.Apply(findings, p.rules)
	// A committed virtualenv or node_modules is one line, not hundreds.
	findings = vendored.Fold(findings)
	if n := p.inlineAllowed.Load(); n > 0 {
		if stats.Suppressed == nil {
			stats.Suppressed = map[string]int64{}
		}
		stats.Suppressed["inline"] += n
	}
	findings = p.filter(cmd, findings, &stats)
	return collected{findings: findings, stats: stats}, nil
}

// threadsPerCore bounds --threads: past a few workers per core, more only
// cost memory (each holds a chunk buffer) and, in history scans, processes.
const threadsPerCore = 4

// setup checks the shared flags and builds the pipeline: the config, the
// baseline (a missing one is an error before anything is scanned), the
// rules and the engine. With --verbose the engine logs every suppressed
// candidate, redacted, to standard error.
func (f *scanFlags) setup(cmd *cobra.Command) (*pipeline, error) {
	st := &pipeline{flags: f}
	var builtin []detectors.Rule
	var prebuilt *engine.Engine
	if f.builtin != nil {
		b := f.builtin()
		builtin, prebuilt = b.rules, b.eng
	} else {
		builtin = detectors.Default()
	}
	cfg, err := f.loadConfig(cmd, builtin)
	if err != nil {
		return nil, err
	}
	st.cfg = cfg
	maxSize, minSev, exclude := f.maxFileSize, f.minSeverity, f.exclude
	if cfg != nil {
		// A flag given on the command line wins over the config's default.
		if s := cfg.Scan.MaxFileSize; s != "" && !cmd.Flags().Changed("max-file-size") {
			maxSize = s
		}
		if s := cfg.Scan.MinSeverity; s != detectors.SeverityUnset && !cmd.Flags().Changed("min-severity") {
			minSev = s.String()
		}
		exclude = append(append([]string(nil), exclude...), cfg.Scan.Exclude...)
	}
	if maxSize != "" {
		if st.content.MaxFileSize, err = parseSize(maxSize); err != nil {
			return nil, fmt.Errorf("--max-file-size: %w", err)
		}
	}
	st.opt.NoIgnoreFile = f.noIgnoreFile
	st.content.NoArchives = f.noArchives
	if st.minSev, err = detectors.ParseSeverity(minSev); err != nil {
		return nil, fmt.Errorf("--min-severity: %w", err)
	}
	if st.opt.Keep, err = pathfilter.Globs(f.include, exclude); err != nil {
		return nil, err
	}
	if st.opt.Threads, err = capThreads(f.threads, runtime.NumCPU(), cmd.ErrOrStderr()); err != nil {
		return nil, err
	}
	opt := engine.Options{}
	if f.verbose {
		stderr := cmd.ErrOrStderr()
		var mu sync.Mutex
		opt.OnSuppress = func(s engine.Suppression) {
			mu.Lock()
			defer mu.Unlock()
			fmt.Fprintf(stderr, "suppressed %s:%d %s %s: %s\n", display.Text(s.Path), s.Line, s.RuleID, display.Text(s.Redacted), display.Text(s.Reason))
		}
	}
	st.inlineAllowed = new(atomic.Int64)
	if !f.noInlineAllow {
		opt.Allow = func(x *detectors.Finding) (string, bool) {
			why, ok := allow.Allowed(x)
			if ok {
				st.inlineAllowed.Add(1)
			}
			return why, ok
		}
	}
	st.rules = cfg.Apply(builtin)
	if prebuilt != nil && cfg == nil {
		// No config: the rules are the built-in ones, compiled ahead.
		st.eng = prebuilt.WithOptions(opt)
	} else if st.eng, err = engine.New(st.rules, opt); err != nil {
		return nil, fmt.Errorf("load rules: %w", err)
	}
	if f.baseline != "" {
		if st.base, err = f.loadBaseline(cmd); err != nil {
			return nil, err
		}
		st.baseName = f.baseline
	}
	return st, nil
}

// capThreads checks --threads and caps it at threadsPerCore per core, with
// a warning: 100000 workers would take gigabytes and scan no faster.
func capThreads(n, cores int, warn io.Writer) (int, error) {
	if n < 1 {
		return 0, fmt.Errorf("--threads must be at least 1")
	}
	if limit := threadsPerCore * max(cores, 1); n > limit {
		fmt.Fprintf(warn, "scan: warning: --threads %d capped at %d (%d per core on %d core(s))\n", n, limit, threadsPerCore, cores)
		return limit, nil
	}
	return n, nil
}

func summaryLine(findings []detectors.Finding, stats detectors.Stats, output string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "scan: %d finding(s) in %d file(s)", len(findings), stats.Files)
	if stats.Commits > 0 {
		fmt.Fprintf(&b, ", %d commit(s)", stats.Commits)
	}
	if len(stats.Warnings) > 0 {
		fmt.Fprintf(&b, ", %d warning(s)", len(stats.Warnings))
	}
	if line := report.SuppressedSummary(stats); line != "" {
		fmt.Fprintf(&b, "; %s", line)
	}
	if output != "" {
		fmt.Fprintf(&b, "; report written to %s", display.Text(output))
	}
	return b.String()
}

func filterSeverity(fs []detectors.Finding, min detectors.Severity) []detectors.Finding {
	out := fs[:0]
	for _, f := range fs {
		if f.Severity >= min {
			out = append(out, f)
		}
	}
	return out
}

// maxSizeLimit is the largest --max-file-size accepted: 1 PiB is past
// any real file, and far enough from int64's end that no arithmetic on it
// overflows.
const maxSizeLimit int64 = 1 << 50

// parseSize reads sizes such as 10MiB, 10MB, 10M, 512k or a plain byte
// count. It rejects what cannot be a size in bytes: NaN, infinities,
// fractions of a byte, zero, negative and absurdly large values.
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(strings.ToLower(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{
		{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"tib", 1 << 40},
		{"kb", 1000}, {"mb", 1000 * 1000}, {"gb", 1000 * 1000 * 1000}, {"tb", 1000 * 1000 * 1000 * 1000},
		{"k", 1 << 10}, {"m", 1 << 20}, {"g", 1 << 30}, {"t", 1 << 40}, {"b", 1},
	} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	bad := func(why string) (int64, error) {
		return 0, fmt.Errorf("%q: %s; want a size such as 512KiB or 10MiB", s, why)
	}
	n, err := strconv.ParseFloat(t, 64)
	switch {
	case err != nil && errors.Is(err, strconv.ErrRange):
		return bad("too large")
	case err != nil || t == "" || strings.ContainsAny(t, "xp_"):
		// ParseFloat also takes hex floats and underscores; sizes are decimal.
		return bad("not a number")
	case math.IsNaN(n) || math.IsInf(n, 0):
		return bad("not a finite number")
	case n <= 0:
		return bad("must be positive")
	case n*float64(mult) > float64(maxSizeLimit):
		return bad("larger than 1PiB")
	}
	bytes := n * float64(mult)
	if bytes != math.Trunc(bytes) {
		return bad("not a whole number of bytes")
	}
	return int64(bytes), nil
}
