//go:build !unix

package walk

import (
	"hash/fnv"
	"io/fs"
	"path/filepath"
)

// identify names a directory by its resolved path where the platform's
// stat has no inode (Windows): a symlink loop resolves to a directory
// already entered, so it is still seen. Every directory gets device 0, so
// --one-file-system cannot tell volumes apart there.
func identify(p string) (fileID, bool) {
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return fileID{}, false
	}
	abs, err := filepath.Abs(real)
	if err != nil {
		return fileID{}, false
	}
	h := fnv.New64a()
	h.Write([]byte(filepath.Clean(abs)))
	return fileID{0, h.Sum64()}, true
}

// device is not told here: files are read as on a disk that may stall.
func device(fs.FileInfo) (uint64, bool) { return 0, false }
