package main

import (
	"context"
	"crypto/sha256"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/config"
	"github.com/keyward/scan/internal/content"
	"github.com/keyward/scan/internal/githistory"
	"github.com/keyward/scan/internal/scanopt"
	"github.com/keyward/scan/internal/scanstate"
)

// stateDigest identifies everything outside the repository that decides
// what a history scan reports: this program (its rules and code), the
// config, the baseline and the flags that change findings. Any change
// makes the next scan with the state a full one.
func (f *scanFlags) stateDigest() (scanstate.Digest, error) {
	h := sha256.New()
	fmt.Fprintf(h, "version=%s\x00", version)
	if err := hashProgram(h); err != nil {
		return scanstate.Digest{}, fmt.Errorf("digest of this program: %w", err)
	}
	fmt.Fprintf(h, "include=%q exclude=%q maxsize=%q noignore=%v noarchives=%v noinline=%v minsev=%q\x00",
		f.include, f.exclude, f.maxFileSize, f.noIgnoreFile, f.noArchives, f.noInlineAllow, f.minSeverity)
	// The config and baseline count by what they hold, not by how their
	// path is spelled: "scan git repo" and "scan git /abs/repo" (or a path
	// through macOS's /tmp symlink) read the same files and must find the
	// same state usable.
	for i, p := range []string{cfgPath(f), f.baseline} {
		fmt.Fprintf(h, "file %d\x00", i)
		if p == "" {
			continue
		}
		if err := hashFile(h, p); errors.Is(err, os.ErrNotExist) {
			fmt.Fprint(h, "absent\x00")
		} else if err != nil {
			return scanstate.Digest{}, err
		}
	}
	var d scanstate.Digest
	copy(d[:], h.Sum(nil))
	return d, nil
}

// cfgPath is the config the scan reads: --config, else the scanned root's.
func cfgPath(f *scanFlags) string {
	if f.config != "" {
		return f.config
	}
	root := f.root
	if root == "" {
		root = "."
	}
	if st, err := os.Stat(root); err == nil && !st.IsDir() {
		root = filepath.Dir(root)
	}
	return filepath.Join(root, config.FileName)
}

// hashProgram writes this program's identity: the Go build ID, which
// changes with any change to the code or its rules, read from the ELF note
// in a few reads; elsewhere the whole executable.
func hashProgram(w io.Writer) error {
	p, err := os.Executable()
	if err != nil {
		return err
	}
	if f, err := elf.Open(p); err == nil {
		defer f.Close()
		if sec := f.Section(".note.go.buildid"); sec != nil {
			if data, err := sec.Data(); err == nil && len(data) > 16 {
				_, err = w.Write(data)
				return err
			}
		}
	}
	return hashFile(w, p)
}

func hashFile(w io.Writer, path string) error {
	if path == "" {
		return errors.New("path unknown")
	}
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	_, err = io.Copy(w, file)
	return err
}

// stateRun is a history scan with --state: it opens the state first (a
// corrupt or foreign file stops the scan before anything is read) and
// saves it only after a scan whose report was written, and that read
// every commit and tree (blobs missing from the clone are remembered and
// named again by every later scan).
type stateRun struct {
	path     string
	st       *scanstate.State
	complete bool
}

func openStateRun(path string) (*stateRun, error) {
	st, err := scanstate.Open(path)
	if err != nil {
		return nil, err
	}
	return &stateRun{path: path, st: st}, nil
}

// source wraps a history source so that it scans with the state.
func (r *stateRun) source(f *scanFlags, opt githistory.Options, stderr io.Writer) source {
	return func(ctx context.Context, sc *content.Scanner, so scanopt.Common) ([]detectors.Finding, detectors.Stats, error) {
		d, err := f.stateDigest()
		if err != nil {
			return nil, detectors.Stats{}, err
		}
		o := opt
		o.Common = so
		o.State, o.StateDigest = r.st, d
		fs, stats, err := githistory.Scan(ctx, sc, o)
		if err != nil {
			return fs, stats, err
		}
		if !f.quiet {
			if r.st.Incremental() {
				fmt.Fprintf(stderr, "scan: state %s: incremental scan, %d new commit(s)\n", r.path, stats.Commits)
			} else {
				fmt.Fprintf(stderr, "scan: state %s: full scan (%s)\n", r.path, r.st.Reason())
			}
		}
		r.complete = !stats.Interrupted && r.st.Blocked() == ""
		return fs, stats, nil
	}
}

// finish saves the state when the scan ended with a written report.
// runErr is what the scan returned.
func (r *stateRun) finish(runErr error, stderr io.Writer, quiet bool) error {
	var code exitCode
	var inc incompleteError
	ok := runErr == nil || (errors.As(runErr, &code) && code == 1) || errors.As(runErr, &inc)
	if !ok || !r.complete {
		why := "the scan did not complete"
		if b := r.st.Blocked(); b != "" {
			why = b
		}
		fmt.Fprintf(stderr, "scan: state %s not updated: %s\n", r.path, why)
		return runErr
	}
	r.st.Commit()
	if err := r.st.Save(); err != nil {
		return err
	}
	return runErr
}

func addStateFlag(cmd *cobra.Command, p *string) {
	cmd.Flags().StringVar(p, "state", "", "remember what was scanned in `FILE` and scan only new commits and blobs next time (a changed rule set, config or flag means a full scan)")
}
