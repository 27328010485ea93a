package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/go-git/go-billy/v5/util"
	"github.com/keyward/scan/internal/gitrepo"
	"github.com/spf13/cobra"
)

// hookMarker identifies hooks this command wrote, so re-installing is not
// mistaken for overwriting someone else's hook.
const hookMarker = "# installed by keyward/scan: scan install-hook"

// hookScript is the hook for stage ("pre-commit" or "pre-push"), running
// subcommand. A chained hook (the one that was there before) runs first
// and can stop the commit on its own; pre-push input is given to both.
func hookScript(stage, subcommand string) string {
	return `#!/bin/sh
` + hookMarker + `
# Stops a ` + strings.TrimPrefix(stage, "pre-") + ` that would add a secret. Skip once with --no-verify.
hook_dir=$(dirname "$0")
input=
if [ "` + stage + `" = pre-push ]; then input=$(cat); fi
if [ -x "$hook_dir/` + stage + `.local" ]; then
	printf '%s\n' "$input" | "$hook_dir/` + stage + `.local" "$@" || exit $?
fi
if command -v scan >/dev/null 2>&1; then
	set -- scan ` + subcommand + `
elif command -v go >/dev/null 2>&1; then
	set -- go run github.com/keyward/scan/cmd/scan@latest ` + subcommand + `
else
	echo "keyward/scan hook: 'scan' is not on PATH and Go is not installed; install scan or remove .git/hooks/` + stage + `" >&2
	exit 2
fi
printf '%s\n' "$input" | "$@"
`
}

func newInstallHookCmd() *cobra.Command {
	var prePush, force, chain bool
	cmd := &cobra.Command{
		Use:   "install-hook [REPO]",
		Short: "Install a git pre-commit hook (or pre-push with --pre-push) that runs scan",
		Long: `Write .git/hooks/pre-commit so that every commit runs "scan staged" and stops
when it would add a secret (with --pre-push: .git/hooks/pre-push running
"scan pre-push"). The hook finds scan on PATH, or runs it with "go run".

An existing hook that scan did not write is left alone unless --force
(replace it) or --chain (keep it as pre-commit.local and run it first).
For the pre-commit framework, see .pre-commit-hooks.yaml instead.`,
		Example: `  scan install-hook
  scan install-hook --pre-push
  scan install-hook --chain      # keep the existing hook, run it first`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := "."
			if len(args) == 1 {
				path = args[0]
			}
			stage, sub := "pre-commit", "staged"
			if prePush {
				stage, sub = "pre-push", "pre-push"
			}
			if force && chain {
				return errors.New("--force and --chain exclude each other")
			}
			return installHook(cmd.OutOrStdout(), path, stage, sub, force, chain)
		},
	}
	cmd.Flags().BoolVar(&prePush, "pre-push", false, "install a pre-push hook running \"scan pre-push\" instead")
	cmd.Flags().BoolVar(&force, "force", false, "replace an existing hook")
	cmd.Flags().BoolVar(&chain, "chain", false, "keep an existing hook as <hook>.local and run it first")
	return cmd
}

func installHook(out io.Writer, path, stage, sub string, force, chain bool) error {
	repo, err := gitrepo.Open(path)
	if err != nil {
		return err
	}
	defer repo.Close()
	fs := repo.Filesystem()
	if cfg, err := repo.Config(); err == nil {
		if hp := cfg.Raw.Section("core").Option("hooksPath"); hp != "" {
			fmt.Fprintf(out, "warning: core.hooksPath is set to %q, so git will not run hooks from .git/hooks\n", hp)
		}
	}
	name := "hooks/" + stage
	script := []byte(hookScript(stage, sub))
	old, err := util.ReadFile(fs, name)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return fmt.Errorf("read existing hook: %w", err)
	case bytes.Equal(old, script):
		fmt.Fprintf(out, "%s hook already installed\n", stage)
		return nil
	case bytes.Contains(old, []byte(hookMarker)):
		// An older version of ours: replace it.
	case chain:
		local := name + ".local"
		if _, err := fs.Stat(local); err == nil {
			return fmt.Errorf("cannot chain: %s already exists", local)
		}
		if err := fs.Rename(name, local); err != nil {
			return fmt.Errorf("keep existing hook: %w", err)
		}
		fmt.Fprintf(out, "kept the existing hook as .git/%s; it runs first\n", local)
	case force:
		fmt.Fprintf(out, "replacing the existing %s hook\n", stage)
	default:
		return fmt.Errorf(".git/%s exists and was not written by scan: use --chain to keep it and run it first, or --force to replace it", name)
	}
	if err := fs.MkdirAll("hooks", 0o755); err != nil {
		return fmt.Errorf("create hooks directory: %w", err)
	}
	f, err := fs.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o755)
	if err != nil {
		return fmt.Errorf("write hook: %w", err)
	}
	if _, err := f.Write(script); err != nil {
		f.Close()
		return fmt.Errorf("write hook: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write hook: %w", err)
	}
	// OpenFile's mode applies only to new files; a replaced hook must be
	// executable too.
	if ch, ok := fs.(interface {
		Chmod(string, os.FileMode) error
	}); ok {
		if err := ch.Chmod(name, 0o755); err != nil {
			return fmt.Errorf("make hook executable: %w", err)
		}
	}
	fmt.Fprintf(out, "installed .git/%s: it runs \"scan %s\"\n", name, sub)
	return nil
}
