package byteclass

import (
	"bytes"
	"fmt"
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
				{"skip", runSkip, false},
				{"Run", func(w []byte, c *Set, min, from int) (int, int) { return c.Run(w, min, from) }, false},
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

// BenchmarkCount counts a class's bytes (content's control bytes, whose
// share tells binary from text) by the Go loop and by Count, in text
// and in random bytes.
func BenchmarkCount(b *testing.B) {
	control := New(func(c byte) bool {
		return c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' && c != 0x1b || c == 0x7f
	})
	sample, err := os.ReadFile("testdata/source.go.txt")
	if err != nil {
		b.Fatal(err)
	}
	random := make([]byte, 256<<10)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	for _, in := range []struct {
		name string
		text []byte
	}{{"source.go.txt", shuffled(sample, 256<<10)}, {"random", random}} {
		for _, size := range []int{4 << 10, 256 << 10} {
			for _, f := range []struct {
				name  string
				count func(*Set, []byte) int
			}{{"go", countGo}, {"Count", (*Set).Count}} {
				b.Run(fmt.Sprintf("%s/%dK/impl=%s", in.name, size>>10, f.name), func(b *testing.B) {
					b.SetBytes(int64(len(in.text)))
					for b.Loop() {
						for i := 0; i+size <= len(in.text); i += size {
							f.count(control, in.text[i:i+size])
						}
					}
				})
			}
		}
	}
}
