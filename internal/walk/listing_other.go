//go:build !linux

package walk

import "os"

// Outside Linux the listing is os.ReadDir's: the directory is opened by
// it, and identified by path.

func openDir(string, bool) (int, error) { return -1, nil }

func identifyFD(int, bool) (fileID, bool) { return fileID{}, false }

func closeDir(int, bool) {}

// mountPoints is not told here; directories are opened as on a disk that
// may stall.
func mountPoints() map[string]bool { return nil }

func (l *listing) read(_ int, abs string, _ bool) error {
	l.reset()
	entries, err := os.ReadDir(abs)
	if err != nil {
		return err
	}
	for _, e := range entries {
		l.add([]byte(e.Name()), e.Type())
	}
	return nil
}
