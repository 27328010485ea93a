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
// is found is the same. Past ownBuf the buffer is the Scanner's, lent for
// the file: the worker keeps only its own small one.
func TestBufferTakesAMeasuredSizeAtOnce(t *testing.T) {
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
			s := newScanner(t, Options{})
			r := s.NewReader()
			var st detectors.Stats
			fs, err := r.Scan(context.Background(), "gen.txt", bytes.NewReader(data), tc.size, &st)
			if err != nil {
				t.Fatal(err)
			}
			if len(fs) != 1 {
				t.Fatalf("%d findings, want 1", len(fs))
			}
			if cap(r.buf) > ownBuf || r.lent {
				t.Errorf("the worker kept a buffer of %d bytes (lent %v), want at most %d", cap(r.buf), r.lent, ownBuf)
			}
			if got := cap(takeLarge(s)); got != tc.wantCap {
				t.Errorf("large buffer of %d bytes, want %d", got, tc.wantCap)
			}
		})
	}
}

// takeLarge takes the Scanner's large buffer (nil if it holds none).
func takeLarge(s *Scanner) []byte {
	select {
	case b := <-s.large:
		return b
	default:
		return nil
	}
}

// largeFile is a file of about size bytes with a token on its last line,
// and that line's number.
func largeFile(name string, size int) ([]byte, int) {
	line := "# a long generated file, line after line\n"
	pad := strings.Repeat(line, size/len(line))
	return []byte(pad + "GITHUB_TOKEN=" + gittest.FakeToken(name) + "\n"), strings.Count(pad, "\n") + 1
}

// One large buffer serves every worker in turn: a large file borrows it,
// a larger one replaces it, and two large files read at once cost a
// second buffer only for as long as both are read; the larger of the two
// is kept. What is found is what a worker's own buffer found.
func TestLargeBufferIsSharedBetweenWorkers(t *testing.T) {
	s := newScanner(t, Options{})
	scan := func(r *Reader, name string, data []byte, size int64) {
		t.Helper()
		var st detectors.Stats
		fs, err := r.Scan(context.Background(), name, bytes.NewReader(data), size, &st)
		if err != nil {
			t.Fatal(err)
		}
		want := bytes.Count(data, []byte("\n"))
		if len(fs) != 1 || fs[0].StartLine != want {
			t.Fatalf("%s: findings %+v, want one on line %d", name, fs, want)
		}
		if st.Bytes != int64(len(data)) {
			t.Errorf("%s: %d bytes counted, want %d", name, st.Bytes, len(data))
		}
		if r.lent || cap(r.buf) > ownBuf {
			t.Errorf("%s: the worker kept a buffer of %d bytes (lent %v)", name, cap(r.buf), r.lent)
		}
	}
	two, _ := largeFile("two", 2<<20)
	three, _ := largeFile("three", 3<<20)
	a, b := s.NewReader(), s.NewReader()

	scan(a, "two.txt", two, int64(len(two)))
	first := takeLarge(s)
	if cap(first) != len(two)+1 {
		t.Fatalf("large buffer of %d bytes after a %d-byte file", cap(first), len(two))
	}
	s.large <- first
	// Another worker's smaller large file reads into the same buffer.
	one, _ := largeFile("one", 3<<19)
	scan(b, "one.txt", one, int64(len(one)))
	again := takeLarge(s)
	if cap(again) != cap(first) || &again[:1][0] != &first[:1][0] {
		t.Fatalf("a second large file allocated a buffer of %d bytes; the shared one has %d", cap(again), cap(first))
	}
	s.large <- again
	// A file larger than the buffer: a larger one replaces it.
	scan(b, "three.txt", three, int64(len(three)))
	if got := cap(takeLarge(s)); got < len(three)+1 {
		t.Fatalf("large buffer of %d bytes after a %d-byte file", got, len(three))
	}
	// Two at once: a holds the buffer (lent in the middle of a file)
	// while b reads a large file with a buffer of its own; both are given
	// back and the larger stays.
	s.large <- make([]byte, 0, 2<<20)
	a.reserve(ownBuf + 1)
	if !a.lent || cap(a.buf) != 2<<20 {
		t.Fatalf("a holds %d bytes (lent %v), want the shared 2 MiB", cap(a.buf), a.lent)
	}
	scan(b, "three.txt", three, int64(len(three)))
	a.giveBack()
	if got := cap(takeLarge(s)); got != len(three)+1 {
		t.Errorf("large buffer of %d bytes after both were given back, want the larger, %d", got, len(three)+1)
	}
	if a.lent || cap(a.buf) > ownBuf {
		t.Errorf("a kept %d bytes (lent %v) after giving back", cap(a.buf), a.lent)
	}
}

// A file that grows or shrinks between its stat and its read is read as it
// is, through the shared buffer as through a worker's own: the bytes that
// arrive are scanned, counted once, and a secret at the end keeps its line.
func TestLargeFileReadAsItIsWhenItsSizeChanged(t *testing.T) {
	data, line := largeFile("changed", 3<<20)
	for _, tc := range []struct {
		name string
		size int64
	}{
		{"grew after its stat", 3 << 19},
		{"shrank after its stat", 5 << 20},
		{"grew past a chunk", 1 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opt := Options{}
			if tc.name == "grew past a chunk" {
				opt.ChunkSize = 2 << 20
			}
			s := newScanner(t, opt)
			// A smaller large buffer first, so the file also outgrows it.
			s.large <- make([]byte, 0, ownBuf+ownBuf/2)
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
			if r.lent || cap(r.buf) > ownBuf {
				t.Errorf("the worker kept %d bytes (lent %v)", cap(r.buf), r.lent)
			}
			chunk := opt.ChunkSize
			if chunk == 0 {
				chunk = 8 << 20
			}
			if got := cap(takeLarge(s)); got == 0 || got > chunk {
				t.Errorf("large buffer of %d bytes for a %d-byte file, chunks of %d", got, len(data), chunk)
			}
		})
	}
}
