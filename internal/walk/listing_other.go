//go:build !linux

package walk

import "os"

// Outside Linux the listing is os.ReadDir's: the directory is opened by
// it, and identified by path.

func openDir(string) (int, error) { return -1, nil }

func identifyFD(int) (fileID, bool) { return fileID{}, false }

func closeDir(int) {}

func (l *listing) read(_ int, abs string) error {
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
