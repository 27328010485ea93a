package regularfile

import (
	"errors"
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
	{"OpenLocalReader", OpenLocalReader},
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
