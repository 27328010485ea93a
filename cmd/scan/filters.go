package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/baseline"
	"github.com/keyward/scan/internal/display"
)

// suppression is a finding a filter dropped and why.
type suppression struct {
	finding detectors.Finding
	// filter names the filter ("inline", "config", "baseline"); reason
	// says what in it matched.
	filter, reason string
}

// filter runs the filters between the engine and the report, in the order
// of the house plan: the config's allowlists, then the baseline. (Inline
// allow comments are applied inside the engine, see setup.) Each dropped
// finding is counted in stats.Suppressed and, with --verbose, listed with
// its reason on standard error.
func (p *pipeline) filter(cmd *cobra.Command, fs []detectors.Finding, stats *detectors.Stats) []detectors.Finding {
	var dropped []suppression
	if p.cfg != nil && len(p.cfg.Allowlists) > 0 {
		kept := fs[:0]
		for _, x := range fs {
			if why, ok := p.cfg.Allowed(&x); ok {
				dropped = append(dropped, suppression{finding: x, filter: "config", reason: why})
				continue
			}
			kept = append(kept, x)
		}
		fs = kept
	}
	if p.base != nil {
		var acc []baseline.Accepted
		fs, acc = p.base.Filter(fs)
		for _, a := range acc {
			why := "accepted in " + p.baseName
			if a.Entry.Note != "" {
				why += ": " + a.Entry.Note
			}
			dropped = append(dropped, suppression{finding: a.Finding, filter: "baseline", reason: why})
		}
	}
	for _, d := range dropped {
		stats.Suppress(d.filter)
		if p.flags.verbose {
			fmt.Fprintf(cmd.ErrOrStderr(), "suppressed %s:%d %s %s: %s\n",
				display.Text(d.finding.Path), d.finding.StartLine, d.finding.RuleID,
				display.Text(detectors.Redact(d.finding.Secret)), display.Text(d.reason))
		}
	}
	return fs
}

// loadBaseline reads --baseline, from the range's base when the command
// says so.
func (f *scanFlags) loadBaseline(cmd *cobra.Command) (*baseline.File, error) {
	if f.trusted == nil {
		return baseline.Load(f.baseline)
	}
	name, data, err := f.trusted.userFile(f.baseline)
	if err != nil {
		return nil, fmt.Errorf("read baseline: %w", err)
	}
	if data == nil {
		// The range adds the baseline: it accepts nothing yet.
		fmt.Fprintf(cmd.ErrOrStderr(), "scan: warning: %s does not exist at the range's base: no finding is accepted\n", f.baseline)
		return baseline.New()
	}
	return baseline.Parse(name, data)
}
