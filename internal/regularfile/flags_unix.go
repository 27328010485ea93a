//go:build unix

package regularfile

import "syscall"

// The kernel refuses a symlink at open time (no window between a check and
// the open) and never blocks opening a FIFO.
const (
	nonBlock     = syscall.O_NONBLOCK
	noFollowFlag = syscall.O_NOFOLLOW
)

// refuseSymlink has nothing to do here: O_NOFOLLOW makes the open fail.
func refuseSymlink(string) error { return nil }
