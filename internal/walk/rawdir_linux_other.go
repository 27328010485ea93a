//go:build linux && !(amd64 || arm64)

package walk

import "syscall"

// rawGetdents is the plain call where raw system calls are not written
// out.
func rawGetdents(fd int, buf []byte) (int, error) { return syscall.Getdents(fd, buf) }
