package main

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"mvdan.cc/sh/v3/shell"
)

// The GitHub Action's `args:` input is one string a YAML author writes as
// they would on a command line (--include 'src/**'). Splitting it in bash
// keeps the quotes; splitting it here uses shell word rules and checks the
// result with the same flag parser the scan will use, so -fjson or
// --format=json cannot slip past a string comparison.

// actionForbidden are the flags the Action decides itself: the reports it
// writes and uploads, what is scanned, and where settings come from.
var actionForbidden = map[string]string{
	"format":        "the Action chooses the reports: its log, summary and SARIF are read by everyone who can see the run",
	"output":        "the Action chooses the reports: its log, summary and SARIF are read by everyone who can see the run",
	"report":        "the Action chooses the reports: its log, summary and SARIF are read by everyone who can see the run",
	"show-secrets":  "the Action's log, summary and SARIF are read by everyone who can see the run",
	"since-commit":  "the Action chooses the range from the event (see the mode input)",
	"branch":        "the Action chooses the range from the event (see the mode input)",
	"since":         "a history scan cut by date is not a complete result for its code-scanning category",
	"max-commits":   "a history scan cut short is not a complete result for its code-scanning category",
	"allow-empty":   "the Action chooses the range from the event (see the mode input)",
	"settings-from": "the Action reads settings from the trusted base itself",
	"config":        "use the Action's config input, which a range scan reads from the base",
	"baseline":      "use the Action's baseline input",
}

func newActionArgsCmd() *cobra.Command {
	var command string
	cmd := &cobra.Command{
		Use:    "action-args",
		Short:  "Split and check the GitHub Action's args input (from INPUT_ARGS)",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			words, err := actionArgs(command, os.Getenv("INPUT_ARGS"))
			if err != nil {
				return err
			}
			// NUL-separated: the one byte no argument can hold.
			for _, w := range words {
				fmt.Fprint(cmd.OutOrStdout(), w+"\x00")
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&command, "command", "git", "the scan command the arguments are for: git or dir")
	return cmd
}

// actionArgs splits s with shell word rules and checks the words against
// the flags of the scan command they will be passed to.
func actionArgs(command, s string) ([]string, error) {
	var unset []string
	words, err := shell.Fields(s, func(name string) string {
		// The expander itself asks for IFS (unset: the default
		// separators) and PWD; only names the user wrote are errors.
		if name != "IFS" && name != "PWD" {
			unset = append(unset, name)
		}
		return ""
	})
	if err != nil {
		return nil, fmt.Errorf("args: %w", err)
	}
	if len(unset) > 0 {
		sort.Strings(unset)
		return nil, fmt.Errorf("args: $%s is not expanded here: write the value itself, or pass it through the step's env and ${{ env.NAME }}", strings.Join(unset, ", $"))
	}
	var target *cobra.Command
	switch command {
	case "git":
		target = newGitCmd()
	case "dir":
		target = newDirCmd()
	default:
		return nil, fmt.Errorf("--command must be git or dir, not %q", command)
	}
	fl := target.Flags()
	fl.SetOutput(discard{})
	if err := fl.Parse(words); err != nil {
		return nil, fmt.Errorf("args %q: %w", s, err)
	}
	if rest := fl.Args(); len(rest) > 0 {
		return nil, fmt.Errorf("args: %q is not a flag: the Action chooses what to scan (use the path input)", rest[0])
	}
	var bad []string
	for name := range actionForbidden {
		if fl.Changed(name) {
			bad = append(bad, name)
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return nil, fmt.Errorf("args must not contain --%s: %s", bad[0], actionForbidden[bad[0]])
	}
	return words, nil
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
