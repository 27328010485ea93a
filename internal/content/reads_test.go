package content

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/gittest"
)

// requests records the size of each Read asked of a file's bytes.
type requests struct {
	r    io.Reader
	asks []int
}

func (q *requests) Read(p []byte) (int, error) {
	q.asks = append(q.asks, len(p))
	return q.r.Read(p)
}

// A small file of known size is asked for whole in its first read (a head
// first and the rest after cost a second read for most files of a source
// tree); a file named like a binary one is asked only for its head, and a
// large one for a head and then chunks. What is found is the same either
// way: the secret at the end of each file, on its true line.
func TestReadsAFileOfKnownSizeWholeWhenSmall(t *testing.T) {
	s := newScanner(t, Options{})
	tok := gittest.FakeToken("reads")
	file := func(size int) []byte {
		tail := "\nGITHUB_TOKEN=" + tok + "\n"
		line := "# padding line of a config file\n"
		pad := strings.Repeat(line, (size-len(tail))/len(line)+1)[:size-len(tail)]
		return []byte(pad + tail)
	}
	tests := []struct {
		name      string
		path      string
		size      int
		firstAsk  int // the first read's size
		wantFound bool
	}{
		{"under the head", "a.env", 2000, sniffSize, true},
		{"just over the head", "b.env", sniffSize + 1, sniffSize + 2, true},
		{"a source file", "main.go", 30 << 10, 30<<10 + 1, true},
		{"just under the limit", "c.env", wholeAtOnce - 1, wholeAtOnce, true},
		{"at the limit: a head first", "d.env", wholeAtOnce, sniffSize, true},
		{"named like a binary file: the head only", "e.png", 30 << 10, sniffSize, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := file(tc.size)
			q := &requests{r: bytes.NewReader(data)}
			var st detectors.Stats
			fs, err := s.NewReader().Scan(context.Background(), tc.path, q, int64(len(data)), &st)
			if err != nil {
				t.Fatal(err)
			}
			if len(q.asks) == 0 || q.asks[0] != tc.firstAsk {
				t.Errorf("reads asked %v, want the first of %d", q.asks, tc.firstAsk)
			}
			wantLine := bytes.Count(data, []byte("\n"))
			if len(fs) != 1 || fs[0].StartLine != wantLine {
				t.Fatalf("findings %+v, want one on line %d", fs, wantLine)
			}
			if st.Bytes != int64(len(data)) {
				t.Errorf("bytes counted %d, want %d", st.Bytes, len(data))
			}
		})
	}
}

// A large file of measured size gets its buffer at once, of its size; one
// of unknown size (a stream) grows it by doubling as its bytes arrive. What
// is found is the same.
func TestBufferTakesAMeasuredSizeAtOnce(t *testing.T) {
	s := newScanner(t, Options{})
	tok := gittest.FakeToken("buffer")
	data := []byte(strings.Repeat("# a long generated file, line after line\n", (3<<20)/41) + "GITHUB_TOKEN=" + tok + "\n")
	for _, tc := range []struct {
		name    string
		size    int64
		wantCap int
	}{
		{"measured", int64(len(data)), len(data) + 1},
		{"a stream", -1, 4 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := s.NewReader()
			var st detectors.Stats
			fs, err := r.Scan(context.Background(), "gen.txt", bytes.NewReader(data), tc.size, &st)
			if err != nil {
				t.Fatal(err)
			}
			if len(fs) != 1 {
				t.Fatalf("%d findings, want 1", len(fs))
			}
			if cap(r.buf) != tc.wantCap {
				t.Errorf("buffer of %d bytes, want %d", cap(r.buf), tc.wantCap)
			}
		})
	}
}
