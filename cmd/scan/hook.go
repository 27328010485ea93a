package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/keyward/scan/internal/gitrepo"
)

// hookMarker identifies hooks this command wrote, so re-installing is not
// mistaken for overwriting someone else's hook.
const hookMarker = "# installed by keyward/scan: scan install-hook"

// hookScript is the hook for stage ("pre-commit" or "pre-push"), running
// subcommand with the scan binary at bin (an absolute path). A chained
// hook (the one that was there before) runs first and can stop the commit
// on its own; pre-push input is given to both.
//
// The hook runs the binary it was installed with, never whatever "scan"
// a PATH happens to hold (a GUI client's PATH is minimal) and never "go
// run …@latest" (which needs the module proxy, and so blocks every commit
// offline). When that binary is gone it stops and says how to reinstall.
func hookScript(stage, subcommand, bin string) string {
	reinstall := "scan install-hook"
	args := ""
	if stage == "pre-push" {
		reinstall += " --pre-push"
		// git names the destination remote in the first argument.
		args = ` --remote "$1"`
	}
	return `#!/bin/sh
` + hookMarker + `
# Stops a ` + strings.TrimPrefix(stage, "pre-") + ` that would add a secret. Skip once with --no-verify.
scan_bin=` + shellQuote(bin) + `
hook_dir=$(dirname "$0")
input=
if [ "` + stage + `" = pre-push ]; then input=$(cat); fi
if [ -x "$hook_dir/` + stage + `.local" ]; then
	printf '%s\n' "$input" | "$hook_dir/` + stage + `.local" "$@" || exit $?
fi
if [ ! -x "$scan_bin" ]; then
	echo "keyward/scan hook: $scan_bin, the scan this hook was installed with, is gone." >&2
	echo "Install scan again (see its README), then run \"` + reinstall + `\" in this repository to point the hook at it; or remove $0. Skip once with --no-verify." >&2
	exit 2
fi
printf '%s\n' "$input" | "$scan_bin" ` + subcommand + args + `
`
}

// shellQuote quotes s for a POSIX shell. Not display.Shell: that quotes for
// a person pasting into bash and may write $'…', which the hook's /bin/sh
// (dash on Debian) does not read; a path in a hook needs only plain quotes.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// hookBinary is the absolute path of the scan binary a hook will run: bin
// if given, else this very executable. A temporary build ("go run") is
// refused: it is deleted when the command ends.
func hookBinary(bin string) (string, error) {
	if bin == "" {
		exe, err := os.Executable()
		if err != nil {
			return "", fmt.Errorf("find this scan binary: %w (name one with --binary)", err)
		}
		if strings.Contains(exe, string(filepath.Separator)+"go-build") {
			return "", errors.New(`scan is running from a temporary "go run" build, which a hook cannot run later: install scan first (a release binary, or "go install ./cmd/scan" in a clone) and run its install-hook, or name a binary with --binary`)
		}
		bin = exe
		// os.Executable resolves links; the name the user ran (a package
		// manager's bin/scan link) survives upgrades, so prefer it when it
		// is the same file.
		if named, err := exec.LookPath(os.Args[0]); err == nil && sameFile(named, exe) {
			bin = named
		}
	}
	abs, err := filepath.Abs(bin)
	if err != nil {
		return "", err
	}
	// A symlink is kept as it is (a package manager's bin/scan link keeps
	// pointing at the upgraded binary).
	info, err := os.Stat(abs)
	if err != nil {
		return "", fmt.Errorf("--binary: %w", err)
	}
	if info.IsDir() || info.Mode()&0o111 == 0 {
		return "", fmt.Errorf("--binary: %s is not an executable file", abs)
	}
	return abs, nil
}

func newInstallHookCmd() *cobra.Command {
	var prePush, force, chain bool
	var bin string
	cmd := &cobra.Command{
		Use:   "install-hook [REPO]",
		Short: "Install a git pre-commit hook (or pre-push with --pre-push) that runs scan",
		Long: `Write the pre-commit hook so that every commit runs "scan staged" and stops
when it would add a secret (with --pre-push: the pre-push hook, running
"scan pre-push"). The hook runs this scan binary by its absolute path (or the
one --binary names), so it works from GUI clients with a minimal PATH and
never needs the network; if that binary is removed, the hook stops every
commit with a message saying how to reinstall (skip once with --no-verify).

The hook goes where git looks for it: .git/hooks, or the directory
core.hooksPath names (resolved as git resolves it, relative to the working
tree). Under husky, add "scan staged" to .husky/pre-commit instead.

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
			exe, err := hookBinary(bin)
			if err != nil {
				return err
			}
			return installHook(cmd.OutOrStdout(), path, stage, sub, exe, force, chain)
		},
	}
	cmd.Flags().BoolVar(&prePush, "pre-push", false, "install a pre-push hook running \"scan pre-push\" instead")
	cmd.Flags().BoolVar(&force, "force", false, "replace an existing hook")
	cmd.Flags().BoolVar(&chain, "chain", false, "keep an existing hook as <hook>.local and run it first")
	cmd.Flags().StringVar(&bin, "binary", "", "the scan binary the hook runs (default: this one)")
	return cmd
}

// hooksDir returns the directory git runs hooks from in the repository at
// path, and the core.hooksPath setting when one is configured (husky, a
// shared hooks directory). It asks git, which resolves a relative
// core.hooksPath against the working tree and expands ~ as it does when
// running hooks; without git it falls back to the repository's hooks
// directory, which is all go-git can know.
func hooksDir(path string) (dir, configured string, err error) {
	repo, err := gitrepo.Open(path)
	if err != nil {
		return "", "", err
	}
	gitDir := repo.Filesystem().Root()
	repo.Close()
	if _, lookErr := exec.LookPath("git"); lookErr != nil {
		return filepath.Join(gitDir, "hooks"), "", nil
	}
	out, err := gitOutput(path, "rev-parse", "--git-path", "hooks")
	if err != nil {
		return "", "", fmt.Errorf("find the hooks directory: %w", err)
	}
	dir = out
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(path, dir)
	}
	// "git config" exits 1 when the key is not set.
	configured, _ = gitOutput(path, "config", "--get", "core.hooksPath")
	return dir, configured, nil
}

// gitOutput runs a read-only git command in dir and returns its trimmed
// standard output.
func gitOutput(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(string(out)), nil
}

func installHook(out io.Writer, path, stage, sub, bin string, force, chain bool) error {
	dir, configured, err := hooksDir(path)
	if err != nil {
		return err
	}
	name := filepath.Join(dir, stage)
	shown := name
	if rel, err := filepath.Rel(".", name); err == nil && !strings.HasPrefix(rel, "..") {
		shown = rel
	}
	if configured != "" {
		fmt.Fprintf(out, "core.hooksPath is set to %q: git runs hooks from %s\n", configured, dir)
	}
	script := []byte(hookScript(stage, sub, bin))
	old, err := os.ReadFile(name)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return fmt.Errorf("read existing hook: %w", err)
	case bytes.Equal(old, script):
		fmt.Fprintf(out, "%s hook already installed in %s\n", stage, shown)
		return nil
	case bytes.Contains(old, []byte(hookMarker)):
		// An older version of ours: replace it.
	case chain:
		local := name + ".local"
		if _, err := os.Lstat(local); err == nil {
			return fmt.Errorf("cannot chain: %s already exists", local)
		}
		if err := os.Rename(name, local); err != nil {
			return fmt.Errorf("keep existing hook: %w", err)
		}
		fmt.Fprintf(out, "kept the existing hook as %s.local; it runs first\n", shown)
	case force:
		fmt.Fprintf(out, "replacing the existing %s hook\n", stage)
	case configured != "":
		return fmt.Errorf("%s exists and was not written by scan (core.hooksPath is %q, which husky and shared hook setups use): "+
			"add \"scan %s\" to that hook yourself, or use --chain to keep it and run it first, or --force to replace it", shown, configured, sub)
	default:
		return fmt.Errorf("%s exists and was not written by scan: use --chain to keep it and run it first, or --force to replace it", shown)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create hooks directory: %w", err)
	}
	// Written beside the hook and renamed over it, so a hook is never
	// half-written and a symlink in its place is replaced, not followed.
	tmp, err := os.CreateTemp(dir, "."+stage+".*.tmp")
	if err != nil {
		return fmt.Errorf("write hook: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(script); err != nil {
		tmp.Close()
		return fmt.Errorf("write hook: %w", err)
	}
	if err := tmp.Chmod(0o755); err != nil {
		tmp.Close()
		return fmt.Errorf("make hook executable: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write hook: %w", err)
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		return fmt.Errorf("write hook: %w", err)
	}
	fmt.Fprintf(out, "installed %s: it runs \"%s %s\"\n", shown, bin, sub)
	return nil
}
