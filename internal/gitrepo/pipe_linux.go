package gitrepo

import (
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// pipeSize is what a git process's output pipe is grown to: a history's
// blobs are gigabytes, and every 64 KiB of the default pipe costs a wakeup
// of git and of the reader. 1 MiB is the most an unprivileged process may
// ask for by default (fs.pipe-max-size).
const pipeSize = 1 << 20

// GrowPipe enlarges the pipe r reads from, where the system allows it.
func GrowPipe(r io.Reader) {
	f, ok := r.(*os.File)
	if !ok {
		return
	}
	// Through the raw connection, not Fd(), which would switch the file
	// to blocking mode.
	if rc, err := f.SyscallConn(); err == nil {
		rc.Control(func(fd uintptr) {
			unix.FcntlInt(fd, unix.F_SETPIPE_SZ, pipeSize) // best effort
		})
	}
}
