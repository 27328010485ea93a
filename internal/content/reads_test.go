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

// A worker's buffer starts small and becomes a chunk the first time a file
// needs more, whether its size was measured or it arrives as a stream; a
// file larger than a chunk is read in chunks through it. What is found is
// the same, and the buffer never outgrows a chunk: it keeps that size for
// the next file. A small file leaves the smallest buffer as it is.
func TestBufferBecomesAChunkWhenAFileNeedsMore(t *testing.T) {
	tiny, tinyLine := largeFile("tiny", 20<<10)
	small, smallLine := largeFile("small", 600<<10)
	big, bigLine := largeFile("big", 3<<20)
	for _, tc := range []struct {
		name    string
		data    []byte
		line    int
		size    int64
		wantCap int
	}{
		{"measured, small", tiny, tinyLine, int64(len(tiny)), minBuf},
		{"a stream, small", tiny, tinyLine, -1, minBuf},
		{"measured, under a chunk", small, smallLine, int64(len(small)), defaultChunkSize},
		{"measured, over a chunk", big, bigLine, int64(len(big)), defaultChunkSize},
		{"a stream under a chunk", small, smallLine, -1, defaultChunkSize},
		{"a stream over a chunk", big, bigLine, -1, defaultChunkSize},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newScanner(t, Options{})
			r := s.NewReader()
			var st detectors.Stats
			fs, err := r.Scan(context.Background(), "gen.txt", bytes.NewReader(tc.data), tc.size, &st)
			if err != nil {
				t.Fatal(err)
			}
			if len(fs) != 1 || fs[0].StartLine != tc.line {
				t.Fatalf("findings %+v, want one on line %d", fs, tc.line)
			}
			if st.Bytes != int64(len(tc.data)) {
				t.Errorf("%d bytes counted, want %d", st.Bytes, len(tc.data))
			}
			if got := cap(r.buf); got != tc.wantCap {
				t.Errorf("buffer of %d bytes, want %d", got, tc.wantCap)
			}
		})
	}
}

// largeFile is a file of about size bytes with a token on its last line,
// and that line's number.
func largeFile(name string, size int) ([]byte, int) {
	line := "# a long generated file, line after line\n"
	pad := strings.Repeat(line, size/len(line))
	return []byte(pad + "GITHUB_TOKEN=" + gittest.FakeToken(name) + "\n"), strings.Count(pad, "\n") + 1
}

// A file that grows or shrinks between its stat and its read is read as it
// is: the bytes that arrive are scanned, counted once, and a secret at the
// end keeps its line, through a buffer no larger than a chunk.
func TestFileReadAsItIsWhenItsSizeChanged(t *testing.T) {
	data, line := largeFile("changed", 3<<20)
	for _, tc := range []struct {
		name  string
		size  int64
		chunk int
	}{
		{"grew after its stat", 3 << 19, 0},
		{"shrank after its stat", 5 << 20, 0},
		{"grew past a chunk", 1 << 20, 2 << 20},
		{"grew within a chunk", 3 << 19, 8 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newScanner(t, Options{ChunkSize: tc.chunk})
			r := s.NewReader()
			var st detectors.Stats
			fs, err := r.Scan(context.Background(), "changed.log", bytes.NewReader(data), tc.size, &st)
			if err != nil {
				t.Fatal(err)
			}
			if len(fs) != 1 || fs[0].StartLine != line {
				t.Fatalf("findings %+v, want one on line %d", fs, line)
			}
			if st.Bytes != int64(len(data)) || st.Files != 1 {
				t.Errorf("%d bytes in %d files, want %d in 1", st.Bytes, st.Files, len(data))
			}
			chunk := tc.chunk
			if chunk == 0 {
				chunk = defaultChunkSize
			}
			if got := cap(r.buf); got > chunk {
				t.Errorf("buffer of %d bytes for a %d-byte file, chunks of %d", got, len(data), chunk)
			}
		})
	}
}
