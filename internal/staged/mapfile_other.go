//go:build !unix

package staged

import (
	"fmt"

	"github.com/keyward/scan/internal/regularfile"
)

// mapIndex reads the index file whole (see mapfile_unix.go).
func mapIndex(path string) ([]byte, func(), error) {
	data, err := regularfile.ReadFile(path, maxIndexFile)
	if err != nil {
		return nil, nil, fmt.Errorf("read index: %w", err)
	}
	return data, func() {}, nil
}
