package gitrepo

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/keyward/scan/internal/gittest"
)

func TestCatFileStreamsBlobs(t *testing.T) {
	dir := gittest.NewRepo(t)
	gittest.Write(t, dir, "a.cfg", gittest.SecretLine("cat"))
	gittest.Write(t, dir, "b.cfg", strings.Repeat("x", 100000))
	gittest.Commit(t, dir, "one")
	a := plumbing.NewHash(gittest.Git(t, dir, "rev-parse", "HEAD:a.cfg"))
	b := plumbing.NewHash(gittest.Git(t, dir, "rev-parse", "HEAD:b.cfg"))

	c, err := StartCatFile(context.Background(), filepath.Join(dir, ".git"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	rd, size, err := c.Open(a)
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(rd)
	if err != nil || string(data) != gittest.SecretLine("cat") || size != int64(len(data)) {
		t.Fatalf("read: %q, %d, %v", data, size, err)
	}
	// A blob read only in part: the rest is skipped and the stream stays
	// in step for the next request.
	rd, size, err = c.Open(b)
	if err != nil || size != 100000 {
		t.Fatalf("open b: %d, %v", size, err)
	}
	if _, err := io.ReadFull(rd, make([]byte, 10)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Open(plumbing.NewHash(strings.Repeat("ab", 20))); !errors.Is(err, ErrMissingBlob) {
		t.Fatalf("missing blob: %v", err)
	}
	rd, _, err = c.Open(a)
	if err != nil {
		t.Fatal(err)
	}
	if data, err := io.ReadAll(rd); err != nil || string(data) != gittest.SecretLine("cat") {
		t.Fatalf("read after partial read: %q, %v", data, err)
	}
}

func TestBlobReadersAgree(t *testing.T) {
	dir := gittest.NewRepo(t)
	gittest.Write(t, dir, "a.cfg", gittest.SecretLine("one"))
	gittest.Commit(t, dir, "one")
	h := plumbing.NewHash(gittest.Git(t, dir, "rev-parse", "HEAD:a.cfg"))
	repo, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	for _, goGitOnly := range []bool{false, true} {
		br := repo.NewBlobReader(context.Background(), goGitOnly)
		rd, size, err := br.Open(h)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rd)
		if string(data) != gittest.SecretLine("one") || size != int64(len(data)) {
			t.Errorf("goGitOnly=%v: %q (%d)", goGitOnly, data, size)
		}
		if _, _, err := br.Open(plumbing.NewHash(strings.Repeat("cd", 20))); !errors.Is(err, ErrMissingBlob) {
			t.Errorf("goGitOnly=%v: missing blob: %v", goGitOnly, err)
		}
		br.Close()
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

// A caller that stops reading a large blob (a size limit, an error) and
// closes the reader must not wait forever on a git that is blocked writing
// the rest of the blob into a full pipe.
func TestCatFileCloseWithUnreadBlob(t *testing.T) {
	dir := gittest.NewRepo(t)
	gittest.Write(t, dir, "big.cfg", strings.Repeat("y", 4<<20))
	gittest.Commit(t, dir, "big")
	big := plumbing.NewHash(gittest.Git(t, dir, "rev-parse", "HEAD:big.cfg"))

	c, err := StartCatFile(context.Background(), filepath.Join(dir, ".git"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Open(big); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- c.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("close: %v", err)
		}
	case <-time.After(30 * time.Second):
		c.cmd.Process.Kill()
		t.Fatal("Close did not return with a blob left unread")
	}
}

// go-git reads .git/config while it locates a repository: a FIFO there
// must be refused before, not block Open forever.
func TestOpenRefusesFIFOConfig(t *testing.T) {
	dir, fifo := gittest.FIFOConfigRepo(t)
	done := make(chan error, 1)
	go func() {
		_, err := Open(filepath.Join(dir))
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "FIFO") {
			t.Errorf("Open = %v, want a refusal naming the FIFO", err)
		}
	case <-time.After(30 * time.Second):
		os.WriteFile(fifo, nil, 0) // free the blocked reader
		t.Fatal("Open blocked on a FIFO .git/config")
	}
}

// A FIFO among the refs or the packs is refused too, by the type the
// directory listing gives, before anything reads it.
func TestOpenRefusesFIFORefAndPack(t *testing.T) {
	for _, name := range []string{"refs/tags/v1", "refs/heads/feature/x", "objects/pack/pack-0.idx"} {
		dir := gittest.NewRepo(t)
		gittest.Write(t, dir, "a.txt", "hello\n")
		gittest.Commit(t, dir, "one")
		p := filepath.Join(dir, ".git", name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			t.Skip(err)
		}
		if _, err := OpenIn(dir, ""); err == nil || !strings.Contains(err.Error(), "FIFO") {
			t.Errorf("%s: OpenIn = %v, want a refusal naming the FIFO", name, err)
		}
	}
}
