package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/config"
)

func newConfigCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Work with " + config.FileName + " (check it, import a gitleaks config)",
	}
	cmd.AddCommand(newConfigCheckCmd(), newConfigImportGitleaksCmd())
	return cmd
}

func newConfigCheckCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "check [FILE]",
		Short: "Load a config and report its first error (default ./" + config.FileName + ")",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := config.FileName
			if len(args) == 1 {
				path = args[0]
			}
			c, err := config.Load(path, detectors.Default())
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: %d custom rule(s), %d disabled, %d severity override(s), %d allowlist(s)\n",
				path, len(c.Rules), len(c.Disable), len(c.Severity), len(c.Allowlists))
			return nil
		},
	}
}

func newConfigImportGitleaksCmd() *cobra.Command {
	var output string
	var force bool
	cmd := &cobra.Command{
		Use:   "import-gitleaks FILE",
		Short: "Convert a gitleaks config's rules and allowlists into " + config.FileName,
		Long: `Convert a gitleaks config (.gitleaks.toml): its rules become custom rules, its
allowlists allowlists (path regexes, regexes on the secret or the line,
stopwords). What has no keyward equivalent is listed on standard error and
in a comment at the top of the result, never approximated in a way that
would hide more than gitleaks did: AND allowlists, commit allowlists (use a
baseline), rule path filters, entropy in bits, extended configs.
keyward's built-in rules stay on. gitleaks:allow comments are honoured as
they are.`,
		Example: `  scan config import-gitleaks .gitleaks.toml --output .keyward.toml`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := os.ReadFile(args[0])
			if err != nil {
				return fmt.Errorf("read gitleaks config: %w", err)
			}
			imp, err := config.ImportGitleaks(args[0], data, detectors.Default())
			if err != nil {
				return err
			}
			stderr := cmd.ErrOrStderr()
			for _, s := range imp.Skipped {
				fmt.Fprintf(stderr, "not converted: %s\n", s)
			}
			if output == "" {
				_, err = cmd.OutOrStdout().Write(imp.TOML)
			} else {
				flag := os.O_WRONLY | os.O_CREATE | os.O_EXCL
				if force {
					flag = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
				}
				var f *os.File
				if f, err = os.OpenFile(output, flag, 0o644); err != nil {
					return fmt.Errorf("write %s: %w (--force replaces it)", output, err)
				}
				_, err = f.Write(imp.TOML)
				if cerr := f.Close(); err == nil {
					err = cerr
				}
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(stderr, "scan config: converted %d rule(s) and %d allowlist(s); %d item(s) not converted\n", imp.Rules, imp.Allowlists, len(imp.Skipped))
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to `FILE` instead of standard output")
	cmd.Flags().BoolVar(&force, "force", false, "replace an existing output file")
	return cmd
}
