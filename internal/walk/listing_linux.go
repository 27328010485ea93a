package walk

import (
	"encoding/binary"
	"errors"
	"io/fs"
	"os"
	"strings"
	"syscall"

	"github.com/keyward/scan/internal/regularfile"
)

// openDir opens a directory to be listed. O_DIRECTORY makes whatever
// else now stands at the path (a FIFO swapped in since its parent was
// listed) fail the open instead of blocking it.
//
// raw: the directory is known to lie on a local disk (walker.rawChild),
// and its system calls are made raw, as regularfile reads files there.
// Made otherwise, each entered the scheduler's system-call state, and
// whenever the scheduler's monitor found one in progress it handed the
// walker's processor to another thread, which kept the monitor polling
// every 20 us for the whole scan (strace on the Go tree: ~9k nanosleeps,
// ~500 with raw calls).
func openDir(abs string, raw bool) (int, error) {
	const flags = syscall.O_RDONLY | syscall.O_CLOEXEC | syscall.O_DIRECTORY | syscall.O_NONBLOCK
	for {
		var fd int
		var err error
		if raw {
			fd, err = regularfile.RawOpen(abs, flags)
		} else {
			fd, err = syscall.Open(abs, flags, 0)
		}
		if err != syscall.EINTR {
			return fd, err
		}
	}
}

// identifyFD names an open directory by device and inode.
func identifyFD(fd int, raw bool) (fileID, bool) {
	var st syscall.Stat_t
	var err error
	if raw {
		err = regularfile.RawFstat(fd, &st)
	} else {
		err = syscall.Fstat(fd, &st)
	}
	if err != nil {
		return fileID{}, false
	}
	return fileID{uint64(st.Dev), uint64(st.Ino)}, true
}

func closeDir(fd int, raw bool) {
	if raw {
		regularfile.RawClose(fd)
		return
	}
	syscall.Close(fd)
}

// read lists the open directory fd, at abs, into l, sorted by name, and
// closes fd; raw: the directory lies on a local disk. It keeps os.ReadDir's rules: "." and "..", and entries of
// inode 0, are left out; an entry whose type the file system does not
// give is lstat'ed, and left out if it is gone by then.
func (l *listing) read(fd int, abs string, raw bool) error {
	defer closeDir(fd, raw)
	l.reset()
	if l.buf == nil {
		l.buf = make([]byte, 32<<10)
	}
	for {
		var n int
		var err error
		if raw {
			n, err = rawGetdents(fd, l.buf)
		} else {
			n, err = syscall.Getdents(fd, l.buf)
		}
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return &fs.PathError{Op: "readdirent", Path: abs, Err: err}
		}
		if n <= 0 {
			break
		}
		if err := l.parse(l.buf[:n], abs); err != nil {
			return err
		}
	}
	l.sort()
	return nil
}

// The layout of struct linux_dirent64.
const (
	direntIno    = 0
	direntReclen = 16
	direntType   = 18
	direntName   = 19
)

var errBadDirent = errors.New("malformed directory entry")

func (l *listing) parse(b []byte, abs string) error {
	for len(b) > 0 {
		if len(b) < direntName {
			return &fs.PathError{Op: "readdirent", Path: abs, Err: errBadDirent}
		}
		reclen := int(binary.NativeEndian.Uint16(b[direntReclen:]))
		if reclen < direntName || reclen > len(b) {
			return &fs.PathError{Op: "readdirent", Path: abs, Err: errBadDirent}
		}
		rec := b[:reclen]
		b = b[reclen:]
		if binary.NativeEndian.Uint64(rec[direntIno:]) == 0 {
			continue
		}
		name := rec[direntName:]
		for i, c := range name {
			if c == 0 {
				name = name[:i]
				break
			}
		}
		if len(name) == 0 || (name[0] == '.' && (len(name) == 1 || len(name) == 2 && name[1] == '.')) {
			continue
		}
		typ, known := direntMode(rec[direntType])
		if !known {
			info, err := os.Lstat(joinName(abs, string(name)))
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				return err
			}
			typ = info.Mode().Type()
		}
		l.add(name, typ)
	}
	return nil
}

// direntMode is the type bits of a d_type, as os.ReadDir gives them;
// known is false for DT_UNKNOWN (and anything else not a type).
func direntMode(t byte) (fs.FileMode, bool) {
	switch t {
	case syscall.DT_BLK:
		return fs.ModeDevice, true
	case syscall.DT_CHR:
		return fs.ModeDevice | fs.ModeCharDevice, true
	case syscall.DT_DIR:
		return fs.ModeDir, true
	case syscall.DT_FIFO:
		return fs.ModeNamedPipe, true
	case syscall.DT_LNK:
		return fs.ModeSymlink, true
	case syscall.DT_REG:
		return 0, true
	case syscall.DT_SOCK:
		return fs.ModeSocket, true
	}
	return 0, false
}

// mountPoints returns the paths where a file system is mounted, from
// /proc/self/mountinfo, or nil if it cannot be read.
func mountPoints() map[string]bool {
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return nil
	}
	return parseMountInfo(data)
}

// parseMountInfo takes the mount points (the fifth field, with spaces,
// tabs, newlines and backslashes escaped as octal) from mountinfo lines.
func parseMountInfo(data []byte) map[string]bool {
	out := map[string]bool{}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 5 {
			continue
		}
		out[unescapeMount(f[4])] = true
	}
	return out
}

func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && isOctal(s[i+1]) && isOctal(s[i+2]) && isOctal(s[i+3]) {
			b.WriteByte((s[i+1]-'0')<<6 | (s[i+2]-'0')<<3 | (s[i+3] - '0'))
			i += 3
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isOctal(c byte) bool { return '0' <= c && c <= '7' }
