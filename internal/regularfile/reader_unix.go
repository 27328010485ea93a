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
	*f = fdFile{fd: fd, raw: raw}
	var st syscall.Stat_t
	if raw {
		err = rawFstat(fd, &st)
	} else {
		err = syscall.Fstat(fd, &st)
	}
	if err != nil {
		f.Close()
		return &fs.PathError{Op: "stat", Path: path, Err: err}
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		f.Close()
		return fmt.Errorf("%s: %w", path, ErrNotRegular)
	}
	f.size = st.Size
	return nil
}

// fdFile reads a regular file's descriptor. Reads of a regular file never
// wait for a writer, so O_NONBLOCK (set to open a FIFO without blocking)
// changes nothing here.
type fdFile struct {
	fd int
	// raw: the system calls are made raw (OpenLocalReader).
	raw bool
	// size is the file's size when opened, read what Read has read: a
	// short read that reaches size is the end, and asking again only to
	// be told so cost a system call per file.
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
		// system may give one) asks again.
		f.ended = n < len(p) && f.read >= f.size
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
