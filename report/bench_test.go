package report

import (
	"fmt"
	"io"
	"testing"

	"github.com/keyward/scan/detectors"
)

// A history-sized report: 5,000 findings with distinct secrets, so the
// redaction of every secret in every printed line is measured at scale.
func BenchmarkWrite(b *testing.B) {
	base := goldenFindings()
	var fs []detectors.Finding
	for i := 0; len(fs) < 5000; i++ {
		f := base[i%len(base)]
		f.Secret = fmt.Sprintf("%s%06d", f.Secret[:min(len(f.Secret), 30)], i)
		f.Line = "KEY=" + f.Secret + " # and " + fmt.Sprintf("%040d", i)
		f.Path = fmt.Sprintf("dir%03d/%s", i%500, f.Path)
		fs = append(fs, f)
	}
	for _, ft := range Formats() {
		b.Run(ft.Name, func(b *testing.B) {
			for b.Loop() {
				if err := ft.Write(io.Discard, fs, testStats(), goldenOptions("git")); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
