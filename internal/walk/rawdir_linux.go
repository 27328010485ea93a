//go:build linux && (amd64 || arm64)

package walk

import (
	"syscall"
	"unsafe"
)

// rawGetdents is getdents64(2) made without entering the scheduler's
// system-call state, as regularfile's raw calls are (see openDir). Only for directories on a local disk.
func rawGetdents(fd int, buf []byte) (int, error) {
	r, _, e := syscall.RawSyscall(syscall.SYS_GETDENTS64, uintptr(fd), uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)))
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}
