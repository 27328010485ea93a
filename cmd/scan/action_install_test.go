package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The Action's Install step (.github/action/install.sh) against a local
// stand-in for GitHub's release host: a directory of release assets served
// over HTTP, laid out as releases/download/<tag>/<asset>.

// releaseArchive is a tar.gz holding an executable "scan" that prints want.
func releaseArchive(t *testing.T, want string) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	body := []byte("#!/bin/sh\necho " + want + "\n")
	for _, f := range []struct {
		name string
		body []byte
		mode int64
	}{{"README.md", []byte("# scan\n"), 0o644}, {"scan", body, 0o755}} {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: f.mode, Size: int64(len(f.body))}); err != nil {
			t.Fatal(err)
		}
		tw.Write(f.body)
	}
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

type installRun struct {
	code    int
	log     string
	scanBin string
}

func runInstall(t *testing.T, releaseURL, ref string, env ...string) installRun {
	t.Helper()
	for _, tool := range []string{"bash", "curl", "tar"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the Install step needs %s", tool)
		}
	}
	script, err := filepath.Abs("../../.github/action/install.sh")
	if err != nil {
		t.Fatal(err)
	}
	root, _ := filepath.Abs("../..")
	tmp := t.TempDir()
	envFile := filepath.Join(tmp, "github_env")
	cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", script)
	cmd.Env = append(os.Environ(), "ACTION_REF="+ref, "KEYWARD_RELEASE_URL="+releaseURL,
		"RUNNER_TEMP="+tmp, "RUNNER_OS=Linux", "RUNNER_ARCH=X64", "GITHUB_ENV="+envFile, "GITHUB_ACTION_PATH="+root)
	cmd.Env = append(cmd.Env, env...)
	out, _ := cmd.CombinedOutput()
	r := installRun{code: cmd.ProcessState.ExitCode(), log: string(out)}
	data, _ := os.ReadFile(envFile)
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "SCAN_BIN="); ok {
			r.scanBin = v
		}
	}
	return r
}

func TestActionInstallVerifiesRelease(t *testing.T) {
	t.Parallel()
	good := releaseArchive(t, "release-binary-v1.4.0")
	sum := sha256.Sum256(good)
	assets := map[string][]byte{
		"/v1.4.0/keyward-scan_1.4.0_linux_amd64.tar.gz": good,
		"/v1.4.0/checksums.txt":                         []byte(fmt.Sprintf("%x  keyward-scan_1.4.0_linux_amd64.tar.gz\n%x  keyward-scan_1.4.0_darwin_arm64.tar.gz\n", sum, sha256.Sum256([]byte("other")))),
		// The same release with one byte of the archive changed after
		// checksums.txt was made.
		"/v1.4.1/keyward-scan_1.4.1_linux_amd64.tar.gz": append(append([]byte(nil), good[:len(good)-1]...), good[len(good)-1]^1),
		"/v1.4.1/checksums.txt":                         []byte(fmt.Sprintf("%x  keyward-scan_1.4.1_linux_amd64.tar.gz\n", sum)),
		// checksums.txt that does not list this runner's archive.
		"/v1.4.2/keyward-scan_1.4.2_linux_amd64.tar.gz": good,
		"/v1.4.2/checksums.txt":                         []byte(fmt.Sprintf("%x  keyward-scan_1.4.2_darwin_arm64.tar.gz\n", sum)),
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := assets[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write(body)
	}))
	defer srv.Close()

	r := runInstall(t, srv.URL, "v1.4.0")
	if r.code != 0 || r.scanBin == "" {
		t.Fatalf("good release: exit %d\n%s", r.code, r.log)
	}
	out, err := exec.Command(r.scanBin).Output()
	if err != nil || strings.TrimSpace(string(out)) != "release-binary-v1.4.0" {
		t.Errorf("SCAN_BIN %s runs %q, %v: not the release's binary", r.scanBin, out, err)
	}
	if !strings.Contains(r.log, "matches checksums.txt") {
		t.Errorf("the log does not say the binary was verified:\n%s", r.log)
	}

	r = runInstall(t, srv.URL, "v1.4.1")
	if r.code == 0 || r.scanBin != "" || !strings.Contains(r.log, "does not match checksums.txt of release v1.4.1") || !strings.Contains(r.log, "::error") {
		t.Errorf("tampered archive: exit %d, SCAN_BIN %q\n%s", r.code, r.scanBin, r.log)
	}
	r = runInstall(t, srv.URL, "v1.4.2")
	if r.code == 0 || r.scanBin != "" || !strings.Contains(r.log, "does not list keyward-scan_1.4.2_linux_amd64.tar.gz") {
		t.Errorf("archive missing from checksums.txt: exit %d, SCAN_BIN %q\n%s", r.code, r.scanBin, r.log)
	}
}

// A ref with no release is built from source, whatever Go settings the
// user's job has (GOFLAGS=-mod=vendor with no vendor directory would
// break a plain go build), and without Go the step says what to do.
func TestActionInstallBuildsWithoutRelease(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the scanner")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go on PATH")
	}
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	r := runInstall(t, srv.URL, "v9.9.9", "GOFLAGS=-mod=vendor", "GOOS=windows")
	if r.code != 0 || r.scanBin == "" || !strings.Contains(r.log, "no release v9.9.9 found") {
		t.Fatalf("no release: exit %d\n%s", r.code, r.log)
	}
	out, err := exec.Command(r.scanBin, "version").Output()
	if err != nil || !strings.Contains(string(out), "v9.9.9") {
		t.Errorf("built scan version: %q, %v", out, err)
	}

	// Without Go: a sentence saying how to get a binary.
	r = runInstall(t, srv.URL, "main", "PATH=/usr/bin:/bin")
	if _, err := os.Stat("/usr/bin/go"); err == nil {
		t.Skip("go in /usr/bin")
	}
	if r.code == 0 || !strings.Contains(r.log, "pin the Action to a release tag") {
		t.Errorf("no Go: exit %d\n%s", r.code, r.log)
	}
}
