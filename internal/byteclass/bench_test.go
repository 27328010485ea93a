package byteclass

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// The classes and lengths of the callers (decode's base64 runs, the
// mnemonic finder's phrase stretches, the wallet rules' hex keys), copied
// here so the benchmark needs no other package.
var benchClasses = []struct {
	name string
	c    *Set
	min  int
}{
	{"base64", New(func(c byte) bool {
		return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/' || c == '-' || c == '_'
	}), 27},
	{"phrase", New(func(c byte) bool {
		return 'a' <= c && c <= 'z' || c < 0x80 && (c >= '0' && c <= '9' || c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',' || c == '"' || c == '\'' || c == '`' || c == '[' || c == '|' || c == '.' || c == ')' || c == '-')
	}), 47},
	{"hex", hexSet, 64},
}

// BenchmarkRun finds every run in texts of the kinds a scan reads, by the
// byte loop ("skip", Run before the vector kernel) and by Run.
func BenchmarkRun(b *testing.B) {
	names, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(names) == 0 {
		b.Fatalf("no samples: %v", err)
	}
	for _, name := range names {
		sample, err := os.ReadFile(name)
		if err != nil {
			b.Fatal(err)
		}
		text := shuffled(sample, 256<<10)
		for _, cl := range benchClasses {
			for _, f := range []impl{
				{"skip", runSkip},
				{"Run", func(w []byte, c *Set, min, from int) (int, int) { return c.Run(w, min, from) }},
			} {
				b.Run(filepath.Base(name)+"/"+cl.name+"/impl="+f.name, func(b *testing.B) {
					b.SetBytes(int64(len(text)))
					for b.Loop() {
						for s, e := f.run(text, cl.c, cl.min, 0); s >= 0; s, e = f.run(text, cl.c, cl.min, e+1) {
						}
					}
				})
			}
		}
	}
}

// shuffled is size bytes of the sample's lines in a random order: one
// sample repeated would be learnt by the branch predictor, which a scan's
// text never is.
func shuffled(sample []byte, size int) []byte {
	lines := bytes.SplitAfter(sample, []byte("\n"))
	rng := rand.New(rand.NewPCG(1, 2))
	var out []byte
	for len(out) < size {
		out = append(out, lines[rng.IntN(len(lines))]...)
	}
	return out
}
