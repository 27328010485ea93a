package engine

import (
	"testing"

	"github.com/keyward/scan/detectors"
)

// FuzzScan feeds arbitrary bytes through every rule, finder and validator:
// a scanner of untrusted files must never panic. go test runs the seeds;
// go test -fuzz FuzzScan explores further.
func FuzzScan(f *testing.F) {
	for _, r := range detectors.Default() {
		examples, _ := r.Samples()
		for _, ex := range examples {
			f.Add(ex)
		}
	}
	f.Add("key = \"")
	f.Add("(\"\", \"")
	f.Add("-----BEGIN PRIVATE KEY-----\\n")
	f.Add(":aa1234567890:")
	e, err := New(detectors.Default(), Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, f := range e.Scan(Chunk{Path: "f.env", Data: []byte(text), Line: 1, Column: 1}) {
			if f.StartLine < 1 || f.StartColumn < 1 || f.EndLine < f.StartLine {
				t.Fatalf("bad location %+v", f.Location)
			}
		}
	})
}
