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

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/content"
	"github.com/keyward/scan/internal/regularfile"
	"github.com/keyward/scan/internal/scanopt"
	"github.com/keyward/scan/internal/source"
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
	// SkipDir, if set, is asked about every directory by its absolute
	// path, and about each root (root true, a file root too); a non-empty
	// reason skips it like Skip. It recognises what only the place on
	// disk tells (keyward's own --mask backups).
	SkipDir func(abs string, root bool) (reason string)
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
	// stream is set for a root read as a stream (stdin, a named pipe):
	// read to its end, with no size known.
	stream bool
	// local: the file lies on a local disk's file system, and is read
	// with regularfile.OpenLocalReader.
	local bool
}

// Scan walks the roots and returns every finding, unsorted (the pipeline
// sorts), with statistics. The error is non-nil only when the scan could
// not start (a missing root). A cancelled scan returns what it found so
// far, with the statistics marked interrupted.
func Scan(ctx context.Context, sc *content.Scanner, opt Options) ([]detectors.Finding, detectors.Stats, error) {
	src, err := NewSource(opt)
	if err != nil {
		return nil, detectors.Stats{}, err
	}
	return source.Scan(ctx, sc, src, source.Options{Workers: opt.Workers(), Done: opt.Progress})
}

// Source is the directory walk as a source.Source: it yields every regular
// file under the roots that the options keep.
type Source struct {
	opt   Options
	roots []root
}

// NewSource checks the roots; a missing one is ErrNoSuchRoot.
func NewSource(opt Options) (*Source, error) {
	roots, err := checkRoots(opt.Roots)
	if err != nil {
		return nil, err
	}
	return &Source{opt: opt, roots: roots}, nil
}

// Items walks the roots one after the other.
func (s *Source) Items(ctx context.Context, st *detectors.Stats, yield func(source.Item) bool) error {
	emit := func(j job) bool {
		if j.stream {
			return yield(source.Item{Path: j.rel, Open: s.streamOpener(j)})
		}
		// One value per file opens it and is the open file.
		o := &fileOpener{regularfile.Opener{Path: j.abs, NoFollow: !s.opt.FollowSymlinks, Local: j.local}}
		return yield(source.Item{Path: j.rel, Opener: o})
	}
	local := map[uint64]bool{}
	mounts := mountPoints()
	for _, root := range s.roots {
		if ctx.Err() != nil {
			break
		}
		w := walker{opt: &s.opt, root: root, emit: emit, stats: st, ctx: ctx, visited: map[fileID]bool{}, local: local, mounts: mounts}
		w.run()
	}
	return nil
}

// streamOpener opens a stream root (standard input, a named pipe), read
// to its end, as cat would.
func (s *Source) streamOpener(j job) func() (io.ReadCloser, int64, error) {
	return func() (io.ReadCloser, int64, error) {
		if j.abs == "-" {
			in := s.opt.Stdin
			if in == nil {
				in = os.Stdin
			}
			return io.NopCloser(in), -1, nil
		}
		f, err := os.Open(j.abs)
		if err != nil {
			return nil, 0, err
		}
		return f, -1, nil
	}
}

// fileOpener opens one file found by the walk. The file is opened without
// blocking and its type checked on the open descriptor: a file swapped
// for a FIFO after the walk saw it must not hang the scan. On a local disk
// the check waits for a first read that fills what it asked for
// (regularfile.OpenLocalReader); the content layer then asks, and passes
// over what is no regular file.
type fileOpener struct{ regularfile.Opener }

func (o *fileOpener) Open() (io.ReadCloser, int64, error) {
	f, size, err := o.Opener.Open()
	if err != nil {
		if errors.Is(err, regularfile.ErrNotRegular) {
			return nil, 0, &source.Skip{Reason: "not a regular file"}
		}
		return nil, 0, err
	}
	return f, size, nil
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

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func sameFile(info fs.FileInfo, f *os.File) bool {
	if f == nil {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&fs.ModeCharDevice == 0 && os.SameFile(info, fi)
}
