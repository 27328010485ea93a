//go:build !darwin && !windows

package home

import "io/fs"

// placeholder reports whether reading the file would download it. Linux has
// no OS-level placeholders: online-only files of OneDrive or Dropbox clients
// live on FUSE mounts, which the one-filesystem rule keeps out of the walk.
func placeholder(fs.FileInfo) bool { return false }
