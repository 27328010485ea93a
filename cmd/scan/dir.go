package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"sync"

	"github.com/spf13/cobra"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/content"
	"github.com/keyward/scan/internal/home"
	"github.com/keyward/scan/internal/mask"
	"github.com/keyward/scan/internal/scanopt"
	"github.com/keyward/scan/internal/walk"
	"github.com/keyward/scan/report"
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
			own := &ownBackups{}
			return f.run(cmd, "dir", dirSource(walk.Options{
				Roots:            args,
				FollowSymlinks:   follow,
				RespectGitignore: gitignore,
				SkipDir:          own.skip,
			}), door{report: func(opt *report.Options, _ []detectors.Finding) {
				opt.OwnBackups = own.note()
			}})
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

// ownBackups recognises the folders keyward's own --mask wrote (the
// originals of masked files) during a walk, so that scanning a home with
// "scan dir" does not report them as new leaks, as "scan home" does not:
// they are passed over and what they held is said once.
type ownBackups struct {
	mu   sync.Mutex
	runs map[string]mask.OwnRun
}

// skip is walk.Options.SkipDir. A root is checked with its parents too: a
// root inside a backup (its files/ folder, a file in it) is in it.
func (o *ownBackups) skip(abs string, root bool) string {
	check := []string{abs}
	for p := filepath.Dir(abs); root && p != filepath.Dir(p); p = filepath.Dir(p) {
		check = append(check, p)
	}
	for _, d := range check {
		if run, ok := mask.BackupRun(d); ok {
			o.mu.Lock()
			if o.runs == nil {
				o.runs = map[string]mask.OwnRun{}
			}
			o.runs[run.Dir] = run
			o.mu.Unlock()
			return home.ReasonOwnBackups
		}
	}
	return ""
}

// note sums what the backups held; with runs of several homes it names
// the first folder and home.
func (o *ownBackups) note() *report.OwnBackups {
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.runs) == 0 {
		return nil
	}
	dirs := make([]string, 0, len(o.runs))
	for d := range o.runs {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	first := o.runs[dirs[0]]
	n := &report.OwnBackups{Folder: first.Folder, Root: first.Root}
	for _, d := range dirs {
		n.Findings += o.runs[d].Findings
	}
	return n
}
