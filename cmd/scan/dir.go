package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/content"
	"github.com/keyward/scan/internal/scanopt"
	"github.com/keyward/scan/internal/walk"
)

func newDirCmd() *cobra.Command {
	var f scanFlags
	var follow, gitignore bool
	cmd := &cobra.Command{
		Use:   "dir [PATH...]",
		Short: "Scan files and directories (the working tree, a home directory)",
		Long: `Scan one or more files or directories (default: the current directory).

.git directories are skipped (use "scan git" for history). Binary files, FIFOs
and devices are skipped and counted; symlinks are not followed unless
--follow-symlinks. Paths matched by a .keywardignore file (gitignore syntax) at
a scan root are skipped; .gitignore is honoured only with --respect-gitignore,
because an ignored .env full of keys is exactly what an audit must find.
A PATH of "-" (or /dev/stdin, or a named pipe) is read as one file.`,
		Example: `  scan dir .
  scan dir ~ --format sarif --output home.sarif
  scan dir src config --exclude '**/testdata/**'
  kubectl get secret -o yaml | scan dir -`,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch len(args) {
			case 0:
				f.root = "."
			case 1:
				f.root = args[0]
			}
			return f.run(cmd, "dir", dirSource(walk.Options{
				Roots:            args,
				FollowSymlinks:   follow,
				RespectGitignore: gitignore,
			}), door{})
		},
	}
	addScanFlags(cmd, &f, "text")
	addVerifyFlags(cmd, &f.verify)
	cmd.Flags().BoolVar(&follow, "follow-symlinks", false, "follow symbolic links (each directory is entered once, so loops end)")
	cmd.Flags().BoolVar(&gitignore, "respect-gitignore", false, "also skip what .gitignore files ignore")
	return cmd
}

// dirSource scans the files and directories opt names; scan dir and scan
// baseline share it.
func dirSource(opt walk.Options) source {
	return func(ctx context.Context, sc *content.Scanner, so scanopt.Common) ([]detectors.Finding, detectors.Stats, error) {
		o := opt
		o.Common = so
		fs, st, err := walk.Scan(ctx, sc, o)
		if errors.Is(err, walk.ErrNoSuchRoot) {
			return nil, st, fmt.Errorf("cannot scan %w", err)
		}
		return fs, st, err
	}
}
