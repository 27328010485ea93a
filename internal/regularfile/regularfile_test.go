package regularfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
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

func TestOpenReaderRefusesWhatIsNotAFileAndReadsWhatIs(t *testing.T) {
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
	go func() { _, _, err := OpenReader(fifo, true); done <- err }()
	select {
	case err := <-done:
		if !errors.Is(err, ErrNotRegular) {
			t.Errorf("FIFO: err = %v, want ErrNotRegular", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("opening a FIFO blocked")
	}
	if _, _, err := OpenReader(dir, false); !errors.Is(err, ErrNotRegular) {
		t.Errorf("directory: err = %v, want ErrNotRegular", err)
	}
	if _, _, err := OpenReader(link, true); err == nil {
		t.Error("OpenReader with noFollow opened a symlink")
	}
	if _, _, err := OpenReader(filepath.Join(dir, "missing"), false); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing: err = %v, want one that is os.ErrNotExist", err)
	}
	for _, p := range []string{plain, link} {
		f, size, err := OpenReader(p, false)
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
