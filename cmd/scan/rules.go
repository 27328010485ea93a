package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/engine"
)

func newRulesCmd() *cobra.Command {
	var verbose bool
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List every rule: its kind, service, severity and an example of what it matches",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			rules := detectors.Default()
			eng, err := engine.New(rules, engine.Options{})
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tKIND\tSERVICE\tSEVERITY\tFINDS\tEXAMPLE (REDACTED)")
			for _, r := range rules {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Kind, r.Name, r.Severity, r.Title, exampleOf(eng, r))
				if verbose {
					_, negatives := r.Samples()
					for _, n := range negatives {
						fmt.Fprintf(tw, "\t\tnot: %s\t\n", oneLine(n))
					}
				}
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "also show each rule's negative examples")
	return cmd
}

// exampleOf shows the line of the rule's first example on which the rule
// fires, with the secret redacted: the shape, never a usable value.
func exampleOf(eng *engine.Engine, r detectors.Rule) string {
	examples, _ := r.Samples()
	for _, ex := range examples {
		for _, f := range eng.Scan(engine.Chunk{Path: "example", Data: []byte(ex), Line: 1, Column: 1}) {
			if f.RuleID == r.ID {
				return f.RedactedLine()
			}
		}
	}
	if len(examples) > 0 {
		return detectors.Redact(oneLine(examples[0]))
	}
	return ""
}

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i] + " …"
	}
	if len(s) > 100 {
		s = s[:100] + "…"
	}
	return s
}
