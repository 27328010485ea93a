package engine

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/keyward/scan/detectors"
)

// goFiles returns the files of the Go source tree, up to n bytes in all,
// each as it would reach the engine: most are a few kilobytes, so the
// per-chunk costs count as they do in a scan of a tree.
func goFiles(b *testing.B, n int) [][]byte {
	var out [][]byte
	total := 0
	filepath.Walk(filepath.Join(runtime.GOROOT(), "src"), func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || total >= n || !info.Mode().IsRegular() {
			return nil
		}
		data, _ := os.ReadFile(p)
		if len(data) == 0 || len(data) > 1<<20 {
			return nil
		}
		out = append(out, data)
		total += len(data)
		return nil
	})
	if len(out) == 0 {
		b.Skip("no Go source tree")
	}
	return out
}

func benchFiles(b *testing.B, files [][]byte, scan func([]byte)) {
	n := 0
	for _, f := range files {
		n += len(f)
	}
	b.SetBytes(int64(n))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, f := range files {
			scan(f)
		}
	}
}

// goSource returns up to n bytes of the Go source tree, a realistic mix of
// code, comments and test data.
func goSource(b *testing.B, n int) []byte {
	var out []byte
	filepath.Walk(filepath.Join(runtime.GOROOT(), "src"), func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || len(out) >= n || filepath.Ext(p) != ".go" {
			return nil
		}
		data, _ := os.ReadFile(p)
		out = append(out, data...)
		return nil
	})
	if len(out) == 0 {
		b.Skip("no Go source tree")
	}
	return out
}

func BenchmarkKeywordAutomaton(b *testing.B) {
	data := goSource(b, 16<<20)
	var kws []string
	for _, r := range detectors.Default() {
		kws = append(kws, r.Keywords...)
	}
	m := newKeywordMatcher(kws)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	hits := 0
	for i := 0; i < b.N; i++ {
		m.scan(data, func(int32, int) { hits++ })
	}
}

func BenchmarkEngineScan(b *testing.B) {
	data := goSource(b, 16<<20)
	e, err := New(detectors.Default(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	const chunk = 64 << 10
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for off := 0; off < len(data); off += chunk {
			end := min(off+chunk, len(data))
			e.Scan(Chunk{Path: "src.go", Data: data[off:end], Line: 1, Column: 1})
		}
	}
}

func BenchmarkKeywordAutomatonFiles(b *testing.B) {
	files := goFiles(b, 16<<20)
	var kws []string
	for _, r := range detectors.Default() {
		kws = append(kws, r.Keywords...)
	}
	m := newKeywordMatcher(kws)
	hits := 0
	benchFiles(b, files, func(data []byte) { m.scan(data, func(int32, int) { hits++ }) })
}

// BenchmarkEngineScanFiles scans the Go tree file by file, as scan dir does.
func BenchmarkEngineScanFiles(b *testing.B) {
	files := goFiles(b, 16<<20)
	e, err := New(detectors.Default(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	benchFiles(b, files, func(data []byte) {
		e.Scan(Chunk{Path: "src.go", Data: data, Line: 1, Column: 1})
	})
}
