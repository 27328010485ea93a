//go:build windows

package home

import (
	"io/fs"
	"syscall"
)

// Attributes of files whose data is not on the disk (OneDrive Files On
// Demand, Dropbox online-only): reading them triggers a download.
const (
	fileAttributeOffline            = 0x1000
	fileAttributeRecallOnOpen       = 0x40000
	fileAttributeRecallOnDataAccess = 0x400000
)

func placeholder(info fs.FileInfo) bool {
	a, ok := info.Sys().(*syscall.Win32FileAttributeData)
	if !ok {
		return false
	}
	return a.FileAttributes&(fileAttributeOffline|fileAttributeRecallOnOpen|fileAttributeRecallOnDataAccess) != 0
}
