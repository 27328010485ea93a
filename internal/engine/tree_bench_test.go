package engine

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/keyward/scan/detectors"
)

// BenchmarkEngineTree scans every file under $KEYWARD_BENCH_TREE as one
// chunk each, with its own path: a checkout of a trading bot (hummingbot,
// freqtrade) mentions exchanges and "key" on most lines, which is what a
// history scan's blobs look like, unlike the Go tree of BenchmarkEngineScan.
func BenchmarkEngineTree(b *testing.B) {
	root := os.Getenv("KEYWARD_BENCH_TREE")
	if root == "" {
		b.Skip("set KEYWARD_BENCH_TREE to a directory (e.g. a checkout of a trading bot)")
	}
	type file struct {
		path string
		data []byte
	}
	var files []file
	total := 0
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil || len(data) > 4<<20 {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		files = append(files, file{rel, data})
		total += len(data)
		return nil
	})
	e, err := New(detectors.Default(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	// Measure the automaton, as a scan of a tree or a history uses it
	// from its first milliseconds, not the list that stands in while it
	// is built.
	e.keywords.built()
	b.SetBytes(int64(total))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, f := range files {
			e.Scan(Chunk{Path: f.path, Data: f.data, Line: 1, Column: 1})
		}
	}
}
