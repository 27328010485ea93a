package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/content"
	"github.com/keyward/scan/internal/engine"
	"github.com/keyward/scan/internal/pathfilter"
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
	threads      int
	quiet        bool
	noColor      bool
	verbose      bool
	minSeverity  string
	verify       verifyFlags
}

func addScanFlags(cmd *cobra.Command, f *scanFlags) {
	fl := cmd.Flags()
	fl.StringVarP(&f.format, "format", "f", "text", "report format: text, json or sarif")
	fl.StringVarP(&f.output, "output", "o", "", "write the report to `FILE` (created with mode 0600) instead of standard output")
	fl.BoolVar(&f.showSecrets, "show-secrets", false, "print secrets in full (by default they are redacted in every format)")
	fl.StringArrayVar(&f.include, "include", nil, "scan only paths matching this doublestar `GLOB` (repeatable)")
	fl.StringArrayVar(&f.exclude, "exclude", nil, "skip paths matching this doublestar `GLOB` (repeatable)")
	fl.StringVar(&f.maxFileSize, "max-file-size", "", "skip files larger than `SIZE` (e.g. 512KiB, 10MiB, 1GB), with a warning; by default none is skipped (files are streamed in bounded chunks)")
	fl.BoolVar(&f.noIgnoreFile, "no-ignore-file", false, "do not apply .keywardignore files (for audits)")
	fl.IntVar(&f.threads, "threads", runtime.NumCPU(), "number of files scanned in parallel")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "print nothing but findings and errors")
	fl.BoolVar(&f.noColor, "no-color", false, "never colour the text report")
	fl.BoolVarP(&f.verbose, "verbose", "v", false, "log every suppressed candidate with its reason, and list all warnings")
	fl.StringVar(&f.minSeverity, "min-severity", "low", "report only findings of at least this `LEVEL`: info, low, medium, high, critical (info is known test material such as documentation keys)")
}

// sourceOptions are what every source takes from the shared flags.
type sourceOptions struct {
	// Keep filters paths by --include and --exclude.
	Keep         pathfilter.Keep
	Threads      int
	NoIgnoreFile bool
}

// sourceFunc produces findings from one kind of input, reading file
// contents through sc.
type sourceFunc func(ctx context.Context, sc *content.Scanner, opt sourceOptions) ([]detectors.Finding, detectors.Stats, error)

// run is the pipeline every scan command shares: rules → engine → source →
// filters → report → exit code.
func (f *scanFlags) run(cmd *cobra.Command, command string, source sourceFunc) error {
	format := strings.ToLower(f.format)
	switch format {
	case "text", "json", "sarif":
	default:
		return fmt.Errorf("--format %q: want text, json or sarif", f.format)
	}
	st, err := f.setup(cmd)
	if err != nil {
		return err
	}
	rules, minSev := st.rules, st.minSev
	stderr := cmd.ErrOrStderr()
	verifier, err := f.verify.checker(stderr)
	if err != nil {
		return err
	}

	start := time.Now()
	findings, stats, err := st.runSource(cmd.Context(), source)
	if err != nil {
		return err
	}
	stats.Duration = time.Since(start)
	verifyFindings(cmd.Context(), verifier, findings, stderr, f.quiet)
	findings = filterSeverity(findings, minSev)

	var out io.Writer = cmd.OutOrStdout()
	color := false
	if f.output != "" {
		file, err := report.Create(f.output)
		if err != nil {
			return fmt.Errorf("create report: %w", err)
		}
		defer file.Close()
		out = file
	} else if format == "text" && !f.noColor && os.Getenv("NO_COLOR") == "" {
		if file, ok := out.(*os.File); ok && term.IsTerminal(int(file.Fd())) {
			color = true
		}
	}
	if f.quiet && format == "text" && len(findings) == 0 && !stats.Incomplete && f.output == "" {
		// Quiet and clean: the exit code says it all.
	} else {
		err = report.Write(out, format, findings, stats, report.Options{
			ShowSecrets: f.showSecrets,
			Color:       color,
			Version:     version,
			Command:     command,
			Rules:       rules,
			Verbose:     f.verbose,
		})
		if err != nil {
			return fmt.Errorf("write report: %w", err)
		}
	}
	if f.output != "" || format != "text" {
		if !f.quiet {
			fmt.Fprintln(stderr, summaryLine(findings, stats, f.output))
		}
	}

	return exitFor(stderr, findings, stats)
}

// exitFor decides the exit code of every scan: 130 interrupted, 1 findings,
// 2 incomplete with nothing found, 0 clean and complete.
func exitFor(stderr io.Writer, findings []detectors.Finding, stats detectors.Stats) error {
	switch {
	case stats.Interrupted:
		fmt.Fprintf(stderr, "scan: SCAN INCOMPLETE: interrupted; %d finding(s) in what was read before the interrupt\n", len(findings))
		return exitCode(130)
	case len(findings) > 0:
		return exitCode(1)
	case stats.Incomplete:
		return fmt.Errorf("scan incomplete: %d warning(s); nothing found in what could be read", len(stats.Warnings))
	}
	return nil
}

// scanSetup is what every scan command derives from the shared flags.
type scanSetup struct {
	rules   []detectors.Rule
	eng     *engine.Engine
	keep    pathfilter.Keep
	threads int
	noIgn   bool
	maxSize int64
	minSev  detectors.Severity
}

// setup checks the shared flags and builds the engine; with --verbose the
// engine logs every suppressed candidate, redacted, to standard error.
func (f *scanFlags) setup(cmd *cobra.Command) (scanSetup, error) {
	var st scanSetup
	var err error
	if f.maxFileSize != "" {
		if st.maxSize, err = parseSize(f.maxFileSize); err != nil {
			return st, fmt.Errorf("--max-file-size: %w", err)
		}
	}
	st.noIgn = f.noIgnoreFile
	if st.minSev, err = detectors.ParseSeverity(f.minSeverity); err != nil {
		return st, fmt.Errorf("--min-severity: %w", err)
	}
	if st.keep, err = pathfilter.Globs(f.include, f.exclude); err != nil {
		return st, err
	}
	if f.threads < 1 {
		return st, fmt.Errorf("--threads must be at least 1")
	}
	st.threads = f.threads
	opt := engine.Options{}
	if f.verbose {
		stderr := cmd.ErrOrStderr()
		var mu sync.Mutex
		opt.OnSuppress = func(s engine.Suppression) {
			mu.Lock()
			defer mu.Unlock()
			fmt.Fprintf(stderr, "suppressed %s:%d %s %s: %s\n", s.Path, s.Line, s.RuleID, s.Redacted, s.Reason)
		}
	}
	st.rules = detectors.Default()
	if st.eng, err = engine.New(st.rules, opt); err != nil {
		return st, fmt.Errorf("load rules: %w", err)
	}
	return st, nil
}

// runSource runs one source with the shared settings.
func (st scanSetup) runSource(ctx context.Context, source sourceFunc) ([]detectors.Finding, detectors.Stats, error) {
	sc := content.New(st.eng, content.Options{MaxFileSize: st.maxSize})
	return source(ctx, sc, sourceOptions{Keep: st.keep, Threads: st.threads, NoIgnoreFile: st.noIgn})
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
	if output != "" {
		fmt.Fprintf(&b, "; report written to %s", output)
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

// parseSize reads sizes such as 10MiB, 10MB, 10M, 512k or a plain byte count.
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(strings.ToLower(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{
		{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30},
		{"kb", 1000}, {"mb", 1000 * 1000}, {"gb", 1000 * 1000 * 1000},
		{"k", 1 << 10}, {"m", 1 << 20}, {"g", 1 << 30}, {"b", 1},
	} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseFloat(t, 64)
	if err != nil || n <= 0 {
		return 0, errors.New("want a positive size such as 512KiB or 10MiB, got " + strconv.Quote(s))
	}
	return int64(n * float64(mult)), nil
}
