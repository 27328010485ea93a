package githistory

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

func TestCatFileReadsBlobs(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git binary")
	}
	dir := newRepo(t)
	write(t, dir, "a.cfg", secretLine("cat"))
	commit(t, dir, "one")
	blob := strings.TrimSpace(run(t, dir, "rev-parse", "HEAD:a.cfg"))

	c, err := startCatFile(context.Background(), filepath.Join(dir, ".git"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	data, size, err := c.read(plumbing.NewHash(blob), 1<<20, nil)
	if err != nil || string(data) != secretLine("cat") || size != int64(len(data)) {
		t.Fatalf("read: %q, %d, %v", data, size, err)
	}
	// Too large: the size comes back, the content is skipped, and the
	// stream stays in step for the next request.
	if data, size, err := c.read(plumbing.NewHash(blob), 4, nil); data != nil || size == 0 || err != nil {
		t.Fatalf("over the limit: %q, %d, %v", data, size, err)
	}
	if _, _, err := c.read(plumbing.NewHash(strings.Repeat("ab", 20)), 1<<20, nil); !errors.Is(err, errMissingBlob) {
		t.Fatalf("missing blob: %v", err)
	}
	if data, _, err := c.read(plumbing.NewHash(blob), 1<<20, nil); err != nil || string(data) != secretLine("cat") {
		t.Fatalf("read after skip: %q, %v", data, err)
	}
}

func TestHardenedEnvDropsGitVariables(t *testing.T) {
	t.Setenv("GIT_DIR", "/elsewhere")
	t.Setenv("GIT_CONFIG_PARAMETERS", "'core.fsmonitor'='touch /tmp/x'")
	env := strings.Join(hardenedEnv(), "\n")
	if strings.Contains(env, "/elsewhere") || strings.Contains(env, "touch") {
		t.Fatalf("hardened environment keeps redirections:\n%s", env)
	}
	for _, want := range []string{"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_NO_REPLACE_OBJECTS=1"} {
		if !strings.Contains(env, want) {
			t.Errorf("missing %s", want)
		}
	}
}

// Both blob readers must give the same findings.
func TestBlobReadersAgree(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "a.cfg", secretLine("one"))
	commit(t, dir, "one")
	write(t, dir, "b.cfg", secretLine("two"))
	run(t, dir, "rm", "-q", "a.cfg")
	commit(t, dir, "two")
	viaGit := mustScan(t, Options{Path: dir})
	viaGoGit := mustScan(t, Options{Path: dir, goGitOnly: true})
	if len(viaGit) != 2 || len(viaGoGit) != len(viaGit) {
		t.Fatalf("git reader: %d findings, go-git reader: %d", len(viaGit), len(viaGoGit))
	}
	for i := range viaGit {
		if viaGit[i].Fingerprint != viaGoGit[i].Fingerprint || viaGit[i].Location != viaGoGit[i].Location {
			t.Errorf("finding %d differs: %+v vs %+v", i, viaGit[i], viaGoGit[i])
		}
	}
}
