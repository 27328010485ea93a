//go:build unix

package regularfile

import (
	"fmt"
	"io"
	"io/fs"
	"syscall"
)

// OpenReader opens path for reading if it is a regular file, as Open does,
// and returns the file and its size. It is for readers of many files (a
// directory walk): the descriptor is used as it is, without the os.File
// around it, whose registration with the network poller (refused for a
// regular file) and finalizer cost a system call and an allocation per
// file for nothing.
func OpenReader(path string, noFollow bool) (ReadAtCloser, int64, error) {
	return openReader(path, noFollow, false)
}

// OpenLocalReader is OpenReader for a file on a local disk file system
// (LocalDisk says which). Its system calls do not tell the Go scheduler
// that they may block (see raw_linux.go), which saves it handing the
// worker's processor to another thread and back while a file is opened or
// read; on a file system that can stall for good (NFS, FUSE) that would
// hold up the whole program, so it is only for local disks.
//
// The file is not stat'ed when opened: its size is -1, and the file's
// Size method stats it and checks it is a regular file when asked. On a
// local disk a read shorter than asked is the end of a regular file, so a
// reader that reads a small file whole in one read never needs to ask;
// one read that fills what was asked for (a large file, or a device
// swapped in since the walk saw a file) must be followed by Size before
// more is read. A tree of small files is read with one system call less
// each.
func OpenLocalReader(path string, noFollow bool) (ReadAtCloser, int64, error) {
	return openReader(path, noFollow, true)
}

func openReader(path string, noFollow, raw bool) (ReadAtCloser, int64, error) {
	f := new(fdFile)
	if err := f.open(path, noFollow, raw); err != nil {
		return nil, 0, err
	}
	return f, f.size, nil
}

// Opener opens one file when asked, into itself: a walk that hands each
// file to a worker as an Opener allocates one value per file for the
// open file and the way to open it, where a closure and the file cost two.
type Opener struct {
	Path     string
	NoFollow bool
	// Local: open with OpenLocalReader, not OpenReader.
	Local bool
	f     fdFile
}

// Open opens o.Path as OpenReader (or OpenLocalReader) does. An Opener is
// opened once.
func (o *Opener) Open() (ReadAtCloser, int64, error) {
	if err := o.f.open(o.Path, o.NoFollow, o.Local); err != nil {
		return nil, 0, err
	}
	return &o.f, o.f.size, nil
}

// open opens path into f.
func (f *fdFile) open(path string, noFollow, raw bool) error {
	flags := syscall.O_RDONLY | syscall.O_CLOEXEC | nonBlock
	if noFollow {
		flags |= noFollowFlag
	}
	var fd int
	var err error
	for {
		if raw {
			fd, err = rawOpen(path, flags)
		} else {
			fd, err = syscall.Open(path, flags, 0)
		}
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return &fs.PathError{Op: "open", Path: path, Err: err}
	}
	*f = fdFile{fd: fd, raw: raw, path: path, size: -1}
	if raw {
		// Stat'ed when Size is asked (OpenLocalReader).
		return nil
	}
	if err := f.stat(); err != nil {
		f.Close()
		return err
	}
	return nil
}

// stat learns f's size, and that it is a regular file.
func (f *fdFile) stat() error {
	var st syscall.Stat_t
	var err error
	if f.raw {
		err = rawFstat(f.fd, &st)
	} else {
		err = syscall.Fstat(f.fd, &st)
	}
	if err != nil {
		return &fs.PathError{Op: "stat", Path: f.path, Err: err}
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		return fmt.Errorf("%s: %w", f.path, ErrNotRegular)
	}
	f.size = st.Size
	return nil
}

// Size returns the file's size when it was stat'ed, stat'ing it now if it
// was opened without (OpenLocalReader); an error wrapping ErrNotRegular
// says it is not a regular file.
func (f *fdFile) Size() (int64, error) {
	if f.size < 0 {
		if err := f.stat(); err != nil {
			return 0, err
		}
	}
	return f.size, nil
}

// fdFile reads a regular file's descriptor. Reads of a regular file never
// wait for a writer, so O_NONBLOCK (set to open a FIFO without blocking)
// changes nothing here.
type fdFile struct {
	fd   int
	path string
	// raw: the system calls are made raw (OpenLocalReader).
	raw bool
	// size is the file's size when stat'ed (-1 before: a local file is
	// stat'ed only when Size is asked), read what Read has read: a short
	// read that reaches size is the end, and asking again only to be told
	// so cost a system call per file.
	size, read int64
	ended      bool
}

func (f *fdFile) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if f.ended {
		return 0, io.EOF
	}
	for {
		var n int
		var err error
		if f.raw {
			n, err = rawRead(f.fd, p)
		} else {
			n, err = syscall.Read(f.fd, p)
		}
		switch {
		case err == syscall.EINTR:
			continue
		case err != nil:
			return 0, err
		case n == 0:
			return 0, io.EOF
		}
		f.read += int64(n)
		// Short of what was asked and at the size the file had: its
		// end. A short read before that size (a network or FUSE file
		// system may give one) asks again. Not stat'ed (a local disk),
		// a short read is the end unless it stops on a page boundary,
		// where a read cut short by a disk error stops too: that one
		// asks again, to be told of the error.
		if f.size < 0 {
			f.ended = n < len(p) && f.read%4096 != 0
		} else {
			f.ended = n < len(p) && f.read >= f.size
		}
		return n, nil
	}
}

// ReadAt reads len(p) bytes at off, or fewer and io.EOF at the end.
func (f *fdFile) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("negative offset %d", off)
	}
	done := 0
	for done < len(p) {
		var n int
		var err error
		if f.raw {
			n, err = rawPread(f.fd, p[done:], off+int64(done))
		} else {
			n, err = syscall.Pread(f.fd, p[done:], off+int64(done))
		}
		switch {
		case err == syscall.EINTR:
			continue
		case err != nil:
			return done, err
		case n == 0:
			return done, io.EOF
		}
		done += n
	}
	return done, nil
}

func (f *fdFile) Close() error {
	if f.fd < 0 {
		return syscall.EINVAL
	}
	var err error
	if f.raw {
		err = rawClose(f.fd)
	} else {
		err = syscall.Close(f.fd)
	}
	f.fd = -1
	return err
}
