//go:build unix

package walk

import (
	"io/fs"
	"os"
	"syscall"
)

// identify names a directory by device and inode, so a symlink loop is
// seen whatever path reaches it.
func identify(p string) (fileID, bool) {
	info, err := os.Stat(p)
	if err != nil {
		return fileID{}, false
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return fileID{}, false
	}
	return fileID{uint64(st.Dev), uint64(st.Ino)}, true
}

// device is the device a stat'ed file lies on.
func device(info fs.FileInfo) (uint64, bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return uint64(st.Dev), true
}
