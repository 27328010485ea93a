//go:build darwin

package home

import (
	"io/fs"
	"syscall"
)

// sfDataless is SF_DATALESS from <sys/stat.h>: the file's data lives in the
// cloud (iCloud Drive, OneDrive and Dropbox File Provider) and reading it
// triggers a download.
const sfDataless = 0x40000000

// placeholder reports whether reading the file would download it: dataless
// files, and files with a size but no blocks on disk.
func placeholder(info fs.FileInfo) bool {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return false
	}
	return st.Flags&sfDataless != 0 || (st.Blocks == 0 && st.Size > 0)
}
