//go:build unix

package staged

import (
	"fmt"
	"syscall"

	"github.com/keyward/scan/internal/regularfile"
)

// mapIndex maps the index file read-only: a hook reads every byte of it
// once (to check its checksum), and mapping the page cache spares copying
// it into fresh memory, whose page faults cost more than the reading. git
// replaces an index by renaming a new file over it, never by rewriting it
// in place; a file cut short under the mapping anyway faults, which
// parseMapped turns into an error.
func mapIndex(path string) ([]byte, func(), error) {
	f, info, err := regularfile.Open(path, false)
	if err != nil {
		return nil, nil, fmt.Errorf("read index: %w", err)
	}
	defer f.Close()
	size := info.Size()
	if size > maxIndexFile {
		return nil, nil, fmt.Errorf("read index: %s: %d bytes: %w", path, size, regularfile.ErrTooLarge)
	}
	if size == 0 {
		return nil, func() {}, nil
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		// Some file systems cannot map files: read it instead.
		data, err := regularfile.ReadFile(path, maxIndexFile)
		return data, func() {}, err
	}
	return data, func() { syscall.Munmap(data) }, nil
}
