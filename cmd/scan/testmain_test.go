package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// tempRootPrefix names the directory each run of this test binary keeps
// everything temporary in; the process id after it lets a later run tell
// a killed run's directory from a live one's.
const tempRootPrefix = "keyward-scan-test-"

var (
	// sharedDir holds the fixtures tests share for the whole run: binDir
	// and the Action's origin repository.
	sharedDir string
	// binDir holds "scan", a link to this test binary, for tests that
	// drive the command the way git and people do: as a hook found on
	// PATH, and with signals.
	binDir   string
	linkOnce sync.Once
	linkErr  error
)

// TestMain lets the test binary act as scan when it is run under that name
// (the link in binDir) or when the Action's script calls it
// (KEYWARD_TEST_AS_SCAN=1), so no test builds a binary of its own.
func TestMain(m *testing.M) {
	if filepath.Base(os.Args[0]) == "scan" || os.Getenv("KEYWARD_TEST_AS_SCAN") == "1" {
		os.Exit(runProcess())
	}
	os.Exit(runTests(m))
}

// runTests points TMPDIR into a directory of this run's own, so every
// t.TempDir, os.MkdirTemp and temporary file of the processes the tests
// start (scan, git, go build, pre-commit) lands there. What is still in it
// after the tests' own cleanups is a leak: the run fails and names it.
// Then the whole directory goes, shared fixtures included.
func runTests(m *testing.M) int {
	base := os.TempDir()
	sweepTempRoots(base)
	root, err := os.MkdirTemp(base, tempRootPrefix+strconv.Itoa(os.Getpid())+"-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer removeTree(root)
	tmp := filepath.Join(root, "tmp")
	sharedDir = filepath.Join(root, "shared")
	binDir = filepath.Join(sharedDir, "bin")
	for _, dir := range []string{tmp, binDir} {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
	}
	// Like /tmp: what tests put there is as reachable by other users as
	// it would be in /tmp (the home scan reports files others can read).
	if err := errors.Join(os.Chmod(root, 0o755), os.Chmod(tmp, os.ModeSticky|0o777)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	if err := os.Setenv("TMPDIR", tmp); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	code := m.Run()
	if left := leftovers(tmp); len(left) > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: the tests left %d entries in the temporary directory (an os.MkdirTemp or os.CreateTemp without removal, or a process's temporary files):\n\t%s\n",
			len(left), strings.Join(left, "\n\t"))
		if code == 0 {
			code = 1
		}
	}
	return code
}

// leftovers lists what is in dir.
func leftovers(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return []string{fmt.Sprintf("%s: %v", dir, err)}
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// sweepTempRoots removes the directories of earlier runs whose process is
// gone: a run stopped by -timeout, an interrupt or a kill never reaches
// its own cleanup.
func sweepTempRoots(base string) {
	entries, err := os.ReadDir(base)
	if err != nil {
		return
	}
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), tempRootPrefix)
		if !ok || !e.IsDir() {
			continue
		}
		digits, _, _ := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(digits)
		if err != nil || pid == os.Getpid() || !processGone(pid) {
			continue
		}
		removeTree(filepath.Join(base, e.Name()))
	}
}

// processGone reports whether no process pid exists; unsure means no.
func processGone(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	return errors.Is(p.Signal(syscall.Signal(0)), os.ErrProcessDone)
}

// removeTree removes dir even where a test or a tool left it unwritable
// (the Go module cache is read-only, and so may be a test's fixture).
func removeTree(dir string) {
	if os.RemoveAll(dir) == nil {
		return
	}
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			os.Chmod(path, 0o700)
		}
		return nil
	})
	os.RemoveAll(dir)
}

// scanBinary returns the path of a "scan" that is this test binary.
func scanBinary(t *testing.T) string {
	t.Helper()
	link := filepath.Join(binDir, "scan")
	linkOnce.Do(func() {
		self, err := os.Executable()
		if err == nil {
			err = os.Symlink(self, link)
		}
		linkErr = err
	})
	if linkErr != nil {
		t.Fatal(linkErr)
	}
	return link
}
