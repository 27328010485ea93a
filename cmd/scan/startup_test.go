package main

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// Every run of scan — `scan version`, each commit's hook — pays for the
// package initialisation of everything linked in before main starts. A
// pattern compiled or a table built in a package-level variable costs that
// run whether or not it is ever used; they are built on first use
// (lazyRE, sync.OnceValue). The runtime's init trace counts what each
// package's initialisation allocates, which does not depend on the
// machine's load: a regular expression compiled at start-up allocates
// kilobytes, a table of fake examples or a map a few more, and either
// crosses these bounds.
const (
	maxInitBytesPerPackage = 12 << 10
	maxInitBytesTotal      = 36 << 10
)

func TestStartUpBuildsNothingItMayNotNeed(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, "version")
	cmd.Env = append(os.Environ(), "KEYWARD_TEST_AS_SCAN=1", "GODEBUG=inittrace=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("scan version: %v\n%s", err, out)
	}
	total, seen := 0, 0
	for _, line := range strings.Split(string(out), "\n") {
		// init github.com/keyward/scan/detectors @2.1 ms, 0.08 ms clock, 8200 bytes, 37 allocs
		f := strings.Fields(line)
		if len(f) < 10 || f[0] != "init" || f[8] != "bytes," || !strings.HasPrefix(f[1], "github.com/keyward/scan/") {
			continue
		}
		pkg := f[1]
		// This test binary's own package and the test helpers are not
		// in the scan binary.
		if pkg == "github.com/keyward/scan/cmd/scan" || strings.HasSuffix(pkg, "test") {
			continue
		}
		n, err := strconv.Atoi(f[7])
		if err != nil {
			t.Fatalf("init trace line %q: %v", line, err)
		}
		seen++
		total += n
		if n > maxInitBytesPerPackage {
			t.Errorf("%s allocates %d bytes at start-up (at most %d): build what it holds on first use", pkg, n, maxInitBytesPerPackage)
		}
	}
	if seen < 5 {
		t.Fatalf("the init trace named %d of scan's packages; its format changed?\n%s", seen, out)
	}
	if total > maxInitBytesTotal {
		t.Errorf("scan's packages allocate %d bytes at start-up (at most %d)", total, maxInitBytesTotal)
	}
}
