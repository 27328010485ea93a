// Package walk is the directory source: it finds the files under one or more
// roots and hands each file's bytes to the content layer.
//
// It never follows a symlink unless asked (and then never twice into the same
// directory), never blocks on a FIFO or device, and turns every file it
// cannot read into a counted warning rather than an error: one unreadable
// file must not hide the secrets in all the others, but it does make the
// scan incomplete.
package walk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/content"
	"github.com/keyward/scan/internal/regularfile"
	"github.com/keyward/scan/internal/scanopt"
)

// Options configure a walk.
type Options struct {
	Roots []string
	scanopt.Common
	FollowSymlinks   bool
	RespectGitignore bool

	// Skip, if set, is asked about every directory entry (but .git, which
	// is never entered) before anything else; a non-empty reason skips the
	// entry (a directory is not entered) and is counted under that reason.
	// rel is slash-separated and relative to the root. Profiles such as the
	// home audit put their skip lists here.
	Skip func(rel string, d fs.DirEntry) (reason string)
	// OneFilesystem keeps the walk on the device of each root: network
	// mounts, /proc and removable disks below a root are not entered.
	OneFilesystem bool
	// Stdin is what a root of "-" reads (nil: os.Stdin).
	Stdin io.Reader
	// Progress, if set, is called by the workers after each file with its
	// display path, the bytes read and the findings in it. It must be safe
	// for concurrent use.
	Progress func(rel string, bytes int64, findings int)
}

// ErrNoSuchRoot reports a root that does not exist.
var ErrNoSuchRoot = errors.New("no such file or directory")

type job struct {
	abs, rel string
	size     int64
	// stream is set for a root read as a stream (stdin, a named pipe):
	// read to its end, with no size known.
	stream bool
}

// Scan walks the roots and returns every finding, sorted, with statistics.
// The error is non-nil only when the scan could not start (a missing root).
// A cancelled scan returns what it found so far, with the statistics
// marked interrupted.
func Scan(ctx context.Context, sc *content.Scanner, opt Options) ([]detectors.Finding, detectors.Stats, error) {
	opt.Threads = opt.Workers()
	roots, err := checkRoots(opt.Roots)
	if err != nil {
		return nil, detectors.Stats{}, err
	}

	jobs := make(chan job, 256)
	type result struct {
		findings []detectors.Finding
		stats    detectors.Stats
	}
	results := make([]result, opt.Threads)
	var wg sync.WaitGroup
	for w := 0; w < opt.Threads; w++ {
		wg.Add(1)
		go func(r *result) {
			defer wg.Done()
			rd := sc.NewReader()
			for j := range jobs {
				if ctx.Err() != nil {
					continue // drain
				}
				before := r.stats.Bytes
				found := scanFile(ctx, rd, j, &opt, &r.stats)
				r.findings = append(r.findings, found...)
				if opt.Progress != nil {
					opt.Progress(j.rel, r.stats.Bytes-before, len(found))
				}
			}
		}(&results[w])
	}

	var walkStats detectors.Stats
	for _, root := range roots {
		if ctx.Err() != nil {
			break
		}
		w := walker{opt: &opt, root: root, jobs: jobs, stats: &walkStats, ctx: ctx, visited: map[fileID]bool{}}
		w.run()
	}
	close(jobs)
	wg.Wait()

	var all []detectors.Finding
	stats := walkStats
	for i := range results {
		all = append(all, results[i].findings...)
		stats.Merge(results[i].stats)
	}
	if ctx.Err() != nil {
		stats.Interrupt()
	}
	sort.Slice(all, func(i, j int) bool { return detectors.Less(&all[i], &all[j]) })
	detectors.SortWarnings(stats.Warnings)
	sort.Strings(stats.Notes)
	return all, stats, nil
}

type root struct {
	abs     string
	display string // prefix for relative paths ("" for a single directory root)
	isDir   bool
	// stream: the root is "-" (standard input) or a pipe named on the
	// command line, read to its end as one file, as cat would.
	stream bool
}

// StdinName is how a root of "-" is shown.
const StdinName = "stdin"

func checkRoots(paths []string) ([]root, error) {
	if len(paths) == 0 {
		paths = []string{"."}
	}
	var out []root
	for _, p := range paths {
		if p == "-" {
			out = append(out, root{abs: "-", display: StdinName, stream: true})
			continue
		}
		info, err := os.Stat(p)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("%s: %w", p, ErrNoSuchRoot)
			}
			return nil, fmt.Errorf("scan root %s: %w", p, unwrapPath(err))
		}
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, fmt.Errorf("scan root %s: %w", p, err)
		}
		// A pipe named as a root is what the user asked to read
		// (/dev/stdin, a process substitution); below a root one is
		// passed over, since nothing may ever write to it.
		r := root{abs: abs, isDir: info.IsDir(), stream: info.Mode()&fs.ModeNamedPipe != 0 || sameFile(info, os.Stdin)}
		switch {
		case len(paths) > 1:
			r.display = filepath.ToSlash(filepath.Clean(p))
		case !r.isDir:
			r.display = filepath.Base(p)
		}
		out = append(out, r)
	}
	return out, nil
}

// scanFile opens one file found by the walk and hands it to the content
// layer. The file is opened without blocking and its type checked on the
// open descriptor: a file swapped for a FIFO after the walk saw it must not
// hang the scan.
func scanFile(ctx context.Context, rd *content.Reader, j job, opt *Options, st *detectors.Stats) []detectors.Finding {
	if j.stream {
		return scanStream(ctx, rd, j, opt, st)
	}
	follow := opt.FollowSymlinks
	f, info, err := regularfile.Open(j.abs, !follow)
	if err != nil {
		if errors.Is(err, regularfile.ErrNotRegular) {
			st.Skip("not a regular file")
			return nil
		}
		st.Skip("unreadable")
		st.Warn(detectors.WarnUnreadable, j.rel, fmt.Sprintf("cannot read: %v", unwrapPath(err)))
		st.Incomplete = true
		return nil
	}
	defer f.Close()
	found, _ := rd.Scan(ctx, j.rel, f, info.Size(), st)
	return found
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// scanStream reads a root that is a stream (standard input, a pipe) as one
// file of unknown size.
func scanStream(ctx context.Context, rd *content.Reader, j job, opt *Options, st *detectors.Stats) []detectors.Finding {
	var src io.Reader = opt.Stdin
	if j.abs != "-" {
		f, err := os.Open(j.abs)
		if err != nil {
			st.Skip("unreadable")
			st.Warn(detectors.WarnUnreadable, j.rel, fmt.Sprintf("cannot read: %v", unwrapPath(err)))
			st.Incomplete = true
			return nil
		}
		defer f.Close()
		src = f
	} else if src == nil {
		src = os.Stdin
	}
	found, _ := rd.Scan(ctx, j.rel, src, -1, st)
	return found
}

func sameFile(info fs.FileInfo, f *os.File) bool {
	if f == nil {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&fs.ModeCharDevice == 0 && os.SameFile(info, fi)
}
