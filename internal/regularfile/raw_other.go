//go:build unix && !(linux && (amd64 || arm64))

package regularfile

import "syscall"

// The raw calls are the plain ones where raw system calls are not written
// out (their numbers and stat layouts differ).

func rawOpen(path string, flags int) (int, error)       { return syscall.Open(path, flags, 0) }
func rawFstat(fd int, st *syscall.Stat_t) error         { return syscall.Fstat(fd, st) }
func rawRead(fd int, p []byte) (int, error)             { return syscall.Read(fd, p) }
func rawPread(fd int, p []byte, off int64) (int, error) { return syscall.Pread(fd, p, off) }
func rawClose(fd int) error                             { return syscall.Close(fd) }
