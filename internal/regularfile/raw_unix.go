//go:build unix

package regularfile

import "syscall"

// RawOpen, RawFstat and RawClose are open(2), fstat(2) and close(2) made
// as OpenLocalReader makes them, without entering the scheduler's
// system-call state (see raw_linux.go), for callers that open what they
// know lies on a local disk (LocalDisk): a walk's directories.
func RawOpen(path string, flags int) (int, error) { return rawOpen(path, flags) }
func RawFstat(fd int, st *syscall.Stat_t) error   { return rawFstat(fd, st) }
func RawClose(fd int) error                       { return rawClose(fd) }
