package content

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/gittest"
	"github.com/keyward/scan/internal/regularfile"
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

// lazyFile is a file opened without a stat (regularfile.OpenLocalReader):
// its size is had by asking, and asking may say it is no regular file.
type lazyFile struct {
	r          *bytes.Reader
	size       int64
	notRegular bool
	asks       []int
	sized      int
}

func (f *lazyFile) Read(p []byte) (int, error) {
	f.asks = append(f.asks, len(p))
	return f.r.Read(p)
}

func (f *lazyFile) Size() (int64, error) {
	f.sized++
	if f.notRegular {
		return 0, fmt.Errorf("dev/thing: %w", regularfile.ErrNotRegular)
	}
	return f.size, nil
}

// A file of unknown size that can be asked it is read whole in one read
// when small, and asked its size only when that read fills what was
// asked: then the size decides as a stat's would (too large, a chunk),
// and a file that is no regular file after all is passed over as the walk
// passes one over.
func TestFileOfUnknownSizeIsAskedOnlyWhenLarge(t *testing.T) {
	small, smallLine := largeFile("lazysmall", 10<<10)
	big, bigLine := largeFile("lazybig", 200<<10)
	for _, tc := range []struct {
		name       string
		data       []byte
		line       int
		max        int64
		notRegular bool
		wantSized  int
		wantSkip   string
	}{
		{name: "small", data: small, line: smallLine},
		{name: "large", data: big, line: bigLine, wantSized: 1},
		{name: "larger than --max-file-size", data: big, max: 16 << 10, wantSized: 1, wantSkip: "too large"},
		{name: "small under --max-file-size", data: small, line: smallLine, max: 16 << 10},
		{name: "no regular file", data: big, notRegular: true, wantSized: 1, wantSkip: "not a regular file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newScanner(t, Options{MaxFileSize: tc.max})
			f := &lazyFile{r: bytes.NewReader(tc.data), size: int64(len(tc.data)), notRegular: tc.notRegular}
			var st detectors.Stats
			fs, err := s.NewReader().Scan(context.Background(), "gen.txt", f, -1, &st)
			if err != nil {
				t.Fatal(err)
			}
			if f.sized != tc.wantSized {
				t.Errorf("size asked %d times, want %d", f.sized, tc.wantSized)
			}
			if tc.wantSkip != "" {
				if len(fs) != 0 || st.Skipped[tc.wantSkip] != 1 {
					t.Fatalf("findings %v, skipped %v; want it skipped as %q", fs, st.Skipped, tc.wantSkip)
				}
				if tc.wantSkip == "not a regular file" && (len(st.Warnings) != 0 || st.Incomplete) {
					t.Errorf("warnings %v, incomplete %v: a file swapped for a device is passed over, not failed", st.Warnings, st.Incomplete)
				}
				if tc.wantSkip == "too large" && (len(st.Warnings) != 1 || !strings.Contains(st.Warnings[0].String(), fmt.Sprint(len(tc.data)))) {
					t.Errorf("warnings %v, want one naming %d bytes", st.Warnings, len(tc.data))
				}
				return
			}
			if len(fs) != 1 || fs[0].StartLine != tc.line {
				t.Fatalf("findings %+v, want one on line %d", fs, tc.line)
			}
			if tc.name == "small" && (len(f.asks) != 2 || f.asks[0] != wholeAtOnce) {
				// One read of the whole buffer, then the EOF of bytes.Reader.
				t.Errorf("reads asked %v, want one of %d first", f.asks, wholeAtOnce)
			}
		})
	}
}
