//go:build linux && (amd64 || arm64)

package regularfile

import (
	"strings"
	"syscall"
	"unsafe"
)

// The raw calls make their system calls without entering the scheduler's
// system-call state. A goroutine in a system call gives up its processor
// when the call outlasts a tick of the scheduler's monitor (20 µs, or a
// moment of a loaded machine): another thread is woken to take the
// processor, and the goroutine, back from the kernel, has to wait for one.
// Reading a tree of small files, that happened thousands of times a scan
// (futex wake-ups and context switches, strace -f -c and perf stat);
// on a local disk the calls end soon whatever happens, so the processor is
// kept through them. Only for files LocalDisk vouches for: a call that
// never returns would hold up the garbage collector's stops, and so every
// goroutine.

func rawOpen(path string, flags int) (int, error) {
	// The path is made a C string on the stack: syscall.BytePtrFromString
	// allocates one per open, a tenth of a source tree scan's allocations.
	var buf [512]byte
	var p *byte
	if len(path) < len(buf) {
		if strings.IndexByte(path, 0) >= 0 {
			return -1, syscall.EINVAL
		}
		copy(buf[:], path)
		buf[len(path)] = 0
		p = &buf[0]
	} else {
		var err error
		if p, err = syscall.BytePtrFromString(path); err != nil {
			return -1, err
		}
	}
	r, _, e := syscall.RawSyscall6(syscall.SYS_OPENAT, atFDCWD, uintptr(unsafe.Pointer(p)), uintptr(flags), 0, 0, 0)
	if e != 0 {
		return -1, e
	}
	return int(r), nil
}

func rawFstat(fd int, st *syscall.Stat_t) error {
	if _, _, e := syscall.RawSyscall(syscall.SYS_FSTAT, uintptr(fd), uintptr(unsafe.Pointer(st)), 0); e != 0 {
		return e
	}
	return nil
}

func rawRead(fd int, p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	r, _, e := syscall.RawSyscall(syscall.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}

func rawPread(fd int, p []byte, off int64) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	r, _, e := syscall.RawSyscall6(syscall.SYS_PREAD64, uintptr(fd), uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)), uintptr(off), 0, 0)
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}

func rawClose(fd int) error {
	if _, _, e := syscall.RawSyscall(syscall.SYS_CLOSE, uintptr(fd), 0, 0); e != 0 {
		return e
	}
	return nil
}

// atFDCWD is AT_FDCWD (-100) as the system call takes it.
const atFDCWD = ^uintptr(99)
