package report

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// File is a report being written to a path. Nothing at the path changes
// until Commit: the report goes to a new file beside it, created
// exclusively (O_EXCL, so no existing file or symlink is opened) with mode
// 0600, and Commit renames it into place. A symlink at the path is
// replaced, never followed; a file hard-linked elsewhere keeps its old
// content under its other names. A scan that fails or is interrupted
// before Commit leaves the previous report as it was.
//
// Character devices and named pipes (/dev/null, a FIFO read by another
// process), also through a symlink (/dev/stdout links to /proc/self/fd/1),
// must not be replaced by renaming: they are written directly, without
// truncating or changing their permissions.
type File struct {
	f    *os.File
	tmp  string // "" when writing to a device directly
	path string
	done bool
}

// Create starts a report at path; see File.
func Create(path string) (*File, error) {
	info, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("report %s: %w", path, err)
	case info.IsDir():
		return nil, fmt.Errorf("report %s: is a directory", path)
	case isStream(info.Mode()):
		return openStream(path)
	case info.Mode()&fs.ModeSymlink != 0:
		if target, err := os.Stat(path); err == nil && isStream(target.Mode()) {
			return openStream(path)
		}
		// Any other link is replaced by the report, never followed.
	case !info.Mode().IsRegular():
		return nil, fmt.Errorf("report %s: not a regular file", path)
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	// CreateTemp opens with O_CREATE|O_EXCL and mode 0600.
	f, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("report %s: %w", path, err)
	}
	return &File{f: f, tmp: f.Name(), path: path}, nil
}

// isStream is true for what is written to rather than replaced.
func isStream(m fs.FileMode) bool {
	return m&fs.ModeCharDevice != 0 || m&fs.ModeNamedPipe != 0
}

// openStream opens a character device or pipe for writing, and checks what
// was opened: a link switched to a regular file meanwhile must not be
// overwritten in place.
func openStream(path string) (*File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return nil, fmt.Errorf("report %s: %w", path, err)
	}
	if info, err := f.Stat(); err != nil || !isStream(info.Mode()) {
		f.Close()
		return nil, fmt.Errorf("report %s: changed while being opened", path)
	}
	return &File{f: f, path: path}, nil
}

// Write writes to the report.
func (r *File) Write(p []byte) (int, error) { return r.f.Write(p) }

// Commit makes the report visible at its path, replacing what was there.
func (r *File) Commit() error {
	if r.done {
		return errors.New("report already closed")
	}
	r.done = true
	if r.tmp == "" {
		return r.f.Close()
	}
	if err := r.f.Sync(); err != nil {
		r.f.Close()
		os.Remove(r.tmp)
		return fmt.Errorf("report %s: %w", r.path, err)
	}
	if err := r.f.Close(); err != nil {
		os.Remove(r.tmp)
		return fmt.Errorf("report %s: %w", r.path, err)
	}
	if err := os.Rename(r.tmp, r.path); err != nil {
		os.Remove(r.tmp)
		return fmt.Errorf("report %s: %w", r.path, err)
	}
	return nil
}

// Close abandons a report that was not committed, removing its temporary
// file; after Commit it does nothing. Defer it right after Create.
func (r *File) Close() error {
	if r.done {
		return nil
	}
	r.done = true
	err := r.f.Close()
	if r.tmp != "" {
		if rerr := os.Remove(r.tmp); err == nil {
			err = rerr
		}
	}
	return err
}
