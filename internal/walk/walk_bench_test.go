package walk

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/content"
	"github.com/keyward/scan/internal/engine"
)

// BenchmarkScanGoRoot scans the Go source tree with the default rules, the
// tree the README's speed comparison with gitleaks uses.
func BenchmarkScanGoRoot(b *testing.B) { benchGoRoot(b, detectors.Default()) }

// BenchmarkWalkGoRoot is BenchmarkScanGoRoot with an engine of no rules:
// what the walk, the opens and reads, and the content layer cost with
// little of the engine.
func BenchmarkWalkGoRoot(b *testing.B) { benchGoRoot(b, nil) }

func benchGoRoot(b *testing.B, rules []detectors.Rule) {
	root := filepath.Join(runtime.GOROOT(), "src")
	if _, err := os.Stat(root); err != nil {
		b.Skip("no Go source tree")
	}
	eng, err := engine.New(rules, engine.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var bytes int64
	for i := 0; i < b.N; i++ {
		_, st, err := Scan(context.Background(), content.New(eng, content.Options{}), Options{Roots: []string{root}})
		if err != nil {
			b.Fatal(err)
		}
		bytes = st.Bytes
	}
	b.SetBytes(bytes)
}
