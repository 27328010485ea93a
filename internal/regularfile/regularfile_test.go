package regularfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestReadFileRefusesWhatIsNotAFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("mkfifo:", err)
	}
	plain := filepath.Join(dir, "plain")
	if err := os.WriteFile(plain, []byte("0123456789"), 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := ReadFile(fifo, 100); done <- err }()
	select {
	case err := <-done:
		if !errors.Is(err, ErrNotRegular) {
			t.Errorf("FIFO: err = %v, want ErrNotRegular", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("reading a FIFO blocked")
	}
	if _, err := ReadFile(dir, 100); !errors.Is(err, ErrNotRegular) {
		t.Errorf("directory: err = %v, want ErrNotRegular", err)
	}
	if _, err := ReadFile(plain, 5); !errors.Is(err, ErrTooLarge) {
		t.Errorf("over the limit: err = %v, want ErrTooLarge", err)
	}
	if data, err := ReadFile(plain, 10); err != nil || string(data) != "0123456789" {
		t.Errorf("plain file: %q, %v", data, err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(plain, link); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Open(link, true); err == nil {
		t.Error("Open with noFollow opened a symlink")
	}
}

// Both readers refuse what is not a regular file and read what is; the
// local one with its own system calls.
func TestOpenReaderRefusesWhatIsNotAFileAndReadsWhatIs(t *testing.T) {
	for _, o := range openers {
		t.Run(o.name, func(t *testing.T) { refusesAndReads(t, o.open) })
	}
}

var openers = []struct {
	name string
	open func(string, bool) (ReadAtCloser, int64, error)
}{
	{"OpenReader", OpenReader},
	{"OpenLocalReader", sizedLater(OpenLocalReader)},
	{"Opener", func(p string, noFollow bool) (ReadAtCloser, int64, error) {
		return (&Opener{Path: p, NoFollow: noFollow}).Open()
	}},
	{"Opener, local", sizedLater(func(p string, noFollow bool) (ReadAtCloser, int64, error) {
		return (&Opener{Path: p, NoFollow: noFollow, Local: true}).Open()
	})},
}

// sizedLater opens with open and, for a file opened without a stat (size
// -1, OpenLocalReader where it stats lazily), asks its size, as a reader
// of a file that may be large does before it reads past its first read.
func sizedLater(open func(string, bool) (ReadAtCloser, int64, error)) func(string, bool) (ReadAtCloser, int64, error) {
	return func(p string, noFollow bool) (ReadAtCloser, int64, error) {
		f, size, err := open(p, noFollow)
		if err != nil || size >= 0 {
			return f, size, err
		}
		sz, ok := f.(interface{ Size() (int64, error) })
		if !ok {
			f.Close()
			return nil, 0, fmt.Errorf("%s: size -1 and no Size method", p)
		}
		if size, err = sz.Size(); err != nil {
			f.Close()
			return nil, 0, err
		}
		return f, size, nil
	}
}

// A path is opened whatever its length: the raw open copies one shorter
// than its stack buffer (512 bytes) and allocates for a longer one. A path
// holding a NUL is refused, never cut short at it.
func TestOpenPathsAroundTheStackBuffer(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain")
	if err := os.WriteFile(plain, []byte("0123456789"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A path of exactly n bytes: directories of 100-byte names, then a
	// file named to make up the rest.
	pathOf := func(n int) string {
		p := dir
		for n-len(p) > 200 {
			p = filepath.Join(p, strings.Repeat("d", 99))
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		p = filepath.Join(p, strings.Repeat("f", n-len(p)-1))
		if err := os.WriteFile(p, []byte("0123456789"), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name string
		path string
		ok   bool
	}{
		{"short", plain, true},
		{"510 bytes", pathOf(510), true},
		{"511 bytes, the longest on the stack", pathOf(511), true},
		{"512 bytes", pathOf(512), true},
		{"513 bytes", pathOf(513), true},
		{"3000 bytes", pathOf(3000), true},
		{"a NUL inside", plain + "\x00/etc/passwd", false},
		{"a NUL at the end", plain + "\x00", false},
	}
	for _, o := range openers {
		for _, tc := range tests {
			t.Run(o.name+"/"+tc.name, func(t *testing.T) {
				f, size, err := o.open(tc.path, true)
				if !tc.ok {
					if err == nil {
						f.Close()
						t.Fatal("opened")
					}
					return
				}
				if err != nil {
					t.Fatalf("%d-byte path: %v", len(tc.path), err)
				}
				defer f.Close()
				all, err := io.ReadAll(f)
				if err != nil || string(all) != "0123456789" || size != 10 {
					t.Errorf("read %q (%v), size %d", all, err, size)
				}
			})
		}
	}
}

func refusesAndReads(t *testing.T, open func(string, bool) (ReadAtCloser, int64, error)) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("mkfifo:", err)
	}
	plain := filepath.Join(dir, "plain")
	if err := os.WriteFile(plain, []byte("0123456789"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(plain, link); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, _, err := open(fifo, true); done <- err }()
	select {
	case err := <-done:
		if !errors.Is(err, ErrNotRegular) {
			t.Errorf("FIFO: err = %v, want ErrNotRegular", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("opening a FIFO blocked")
	}
	if _, _, err := open(dir, false); !errors.Is(err, ErrNotRegular) {
		t.Errorf("directory: err = %v, want ErrNotRegular", err)
	}
	if _, _, err := open(link, true); err == nil {
		t.Error("with noFollow, a symlink was opened")
	}
	if _, _, err := open(filepath.Join(dir, "missing"), false); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing: err = %v, want one that is os.ErrNotExist", err)
	}
	for _, p := range []string{plain, link} {
		f, size, err := open(p, false)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		all, err := io.ReadAll(f)
		if err != nil || string(all) != "0123456789" || size != 10 {
			t.Errorf("%s: read %q (%v), size %d", p, all, err, size)
		}
		buf := make([]byte, 4)
		if n, err := f.ReadAt(buf, 3); n != 4 || err != nil || string(buf) != "3456" {
			t.Errorf("%s: ReadAt(3) = %d %q %v", p, n, buf, err)
		}
		if n, err := f.ReadAt(buf, 8); n != 2 || err != io.EOF || string(buf[:2]) != "89" {
			t.Errorf("%s: ReadAt(8) = %d %q %v, want 2 \"89\" EOF", p, n, buf[:n], err)
		}
		if err := f.Close(); err != nil {
			t.Errorf("%s: close: %v", p, err)
		}
	}
}

// A reader ends a file on a short read at its size without asking again;
// whatever the reads' sizes, every byte is read, and one appended after
// the open is read too when it arrives before the end is reached.
func TestOpenReaderReadsEveryByteWhateverTheReadSize(t *testing.T) {
	for _, o := range openers {
		t.Run(o.name, func(t *testing.T) { readsEveryByte(t, o.open) })
	}
}

func readsEveryByte(t *testing.T, open func(string, bool) (ReadAtCloser, int64, error)) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.env")
	want := strings.Repeat("KEY=value0123456789\n", 500)
	if err := os.WriteFile(p, []byte(want), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, bufSize := range []int{1, 7, 4096, len(want) - 1, len(want), len(want) + 1, 1 << 20} {
		r, size, err := open(p, true)
		if err != nil {
			t.Fatal(err)
		}
		if size != int64(len(want)) {
			t.Fatalf("size %d, want %d", size, len(want))
		}
		var got []byte
		buf := make([]byte, bufSize)
		for {
			n, err := r.Read(buf)
			got = append(got, buf[:n]...)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		r.Close()
		if string(got) != want {
			t.Fatalf("buffer of %d: read %d bytes, want %d", bufSize, len(got), len(want))
		}
	}
	r, _, err := open(p, true)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("MORE=1\n")
	f.Close()
	got, err := io.ReadAll(r)
	if err != nil || string(got) != want+"MORE=1\n" {
		t.Fatalf("after an append: read %d bytes, %v; want %d", len(got), err, len(want)+7)
	}
}

// A local file is opened without a stat: its size is -1 until asked. A
// read shorter than asked is its end, except one that stops on a page
// boundary, which a read cut short by a disk error does too: that asks
// again. Asked, the size of what is no regular file (a device, a FIFO put
// where a file was listed) is an error wrapping ErrNotRegular.
func TestLocalReaderStatsOnlyWhenAsked(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		size      int
		endsShort bool
	}{
		{100, true},
		{8191, true},
		{8192, false}, // on a page boundary: asks again
		{3 * 4096, false},
	} {
		p := filepath.Join(dir, fmt.Sprintf("f%d", tc.size))
		if err := os.WriteFile(p, make([]byte, tc.size), 0o600); err != nil {
			t.Fatal(err)
		}
		r, size, err := OpenLocalReader(p, true)
		if err != nil {
			t.Fatal(err)
		}
		f, ok := r.(*fdFile)
		if !ok || !f.raw {
			r.Close()
			t.Skip("no raw local reader here")
		}
		if size != -1 {
			t.Errorf("%d bytes: size %d at open, want -1", tc.size, size)
		}
		n, err := r.Read(make([]byte, 64<<10))
		if n != tc.size || err != nil {
			t.Fatalf("%d bytes: read %d, %v", tc.size, n, err)
		}
		if f.ended != tc.endsShort {
			t.Errorf("%d bytes: ended after one short read = %v, want %v", tc.size, f.ended, tc.endsShort)
		}
		if n, err := r.Read(make([]byte, 10)); n != 0 || err != io.EOF {
			t.Errorf("%d bytes: second read %d, %v; want 0, EOF", tc.size, n, err)
		}
		if got, err := f.Size(); got != int64(tc.size) || err != nil {
			t.Errorf("%d bytes: Size() = %d, %v", tc.size, got, err)
		}
		r.Close()
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("mkfifo:", err)
	}
	for _, p := range []string{fifo, "/dev/zero"} {
		r, size, err := OpenLocalReader(p, true)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if size != -1 {
			t.Errorf("%s: size %d at open, want -1", p, size)
		}
		if _, err := r.(interface{ Size() (int64, error) }).Size(); !errors.Is(err, ErrNotRegular) {
			t.Errorf("%s: Size() error %v, want ErrNotRegular", p, err)
		}
		r.Close()
	}
}
