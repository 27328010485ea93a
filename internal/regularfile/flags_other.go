//go:build !unix

package regularfile

import (
	"fmt"
	"os"
)

// Windows has neither O_NOFOLLOW nor FIFOs that block an open; the type
// check after the open still refuses devices.
const (
	nonBlock     = 0
	noFollowFlag = 0
)

// refuseSymlink refuses a symlink before the open. Without O_NOFOLLOW a
// rename between this check and the open can slip one past; the
// scanner's release builds for Windows accept that.
func refuseSymlink(path string) error {
	info, err := os.Lstat(path)
	if err != nil {
		return err
	}
	if info.Mode()&os.ModeSymlink != 0 {
		return fmt.Errorf("%s: a symlink: %w", path, ErrNotRegular)
	}
	return nil
}
