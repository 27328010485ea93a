// Package regularfile opens files that must be regular files: ignore files,
// repository metadata, files a walker found. A FIFO opened for reading
// blocks until a writer appears, and a device can be read without end; a
// scanner that opens paths it did not create must never do either.
//
// Open uses O_NONBLOCK, so opening a FIFO returns at once, then checks the
// type of what was actually opened (not of what a stat saw before, which a
// rename can change).
package regularfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ErrNotRegular is wrapped by errors for paths that are not regular files.
var ErrNotRegular = errors.New("not a regular file")

// ErrTooLarge is wrapped by ReadFile's error for files over its limit.
var ErrTooLarge = errors.New("file too large")

// Open opens path for reading if it is a regular file. Symlinks are
// followed unless noFollow is set.
func Open(path string, noFollow bool) (*os.File, fs.FileInfo, error) {
	flags := os.O_RDONLY | nonBlock
	if noFollow {
		if err := refuseSymlink(path); err != nil {
			return nil, nil, err
		}
		flags |= noFollowFlag
	}
	f, err := os.OpenFile(path, flags, 0)
	if err != nil {
		return nil, nil, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !info.Mode().IsRegular() {
		f.Close()
		return nil, info, fmt.Errorf("%s: %w", path, ErrNotRegular)
	}
	// O_NONBLOCK changes nothing for a regular file (its reads never
	// block), so it is left set: clearing it would cost two more system
	// calls per file.
	return f, info, nil
}

// ReadFile reads a regular file of at most max bytes.
func ReadFile(path string, max int64) ([]byte, error) {
	f, info, err := Open(path, false)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if info.Size() > max {
		return nil, fmt.Errorf("%s: %d bytes: %w (limit %d)", path, info.Size(), ErrTooLarge, max)
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s: grew past %d bytes: %w", path, max, ErrTooLarge)
	}
	return data, nil
}

// ReadAtCloser is what OpenReader returns: archives are read at offsets.
type ReadAtCloser interface {
	io.ReadCloser
	io.ReaderAt
}
