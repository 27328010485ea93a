package staged

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/engine"
)

// token builds a GitHub-token-shaped fake secret at run time.
func token(seed string) string {
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	sum := sha256.Sum256([]byte(seed))
	var b strings.Builder
	b.WriteString("gh" + "p_")
	for i := 0; i < 36; i++ {
		b.WriteByte(alnum[int(sum[i%32]^byte(i*7))%len(alnum)])
	}
	return b.String()
}

func secretLine(seed string) string { return "github_token = " + token(seed) + "\n" }

func run(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "core.hooksPath=/dev/null", "-c", "init.defaultBranch=main"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=Ada", "GIT_AUTHOR_EMAIL=ada@example.com", "GIT_AUTHOR_DATE=2024-01-02T03:04:05Z",
		"GIT_COMMITTER_NAME=Ada", "GIT_COMMITTER_EMAIL=ada@example.com", "GIT_COMMITTER_DATE=2024-01-02T03:04:05Z")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func write(t testing.TB, dir, rel, content string) {
	t.Helper()
	p := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func newRepo(t testing.TB) string {
	dir := t.TempDir()
	run(t, dir, "init", "-q")
	return dir
}

func scan(t testing.TB, dir string) ([]detectors.Finding, detectors.Stats) {
	t.Helper()
	eng, err := engine.New(detectors.Default(), engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fs, st, err := Scan(context.Background(), eng, Options{Path: dir})
	if err != nil {
		t.Fatal(err)
	}
	return fs, st
}

func TestFirstCommitWithoutHead(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "app.cfg", "a = 1\n"+secretLine("first"))
	run(t, dir, "add", "app.cfg")
	fs, st := scan(t, dir)
	if len(fs) != 1 || fs[0].Path != "app.cfg" || fs[0].StartLine != 2 {
		t.Fatalf("want app.cfg:2, got %+v", fs)
	}
	if st.Files != 1 {
		t.Errorf("files = %d", st.Files)
	}
}

func TestStagedNotWorkingTree(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "app.cfg", "a = 1\n"+secretLine("old"))
	run(t, dir, "add", ".")
	run(t, dir, "commit", "-q", "-m", "init")

	// An edit beside an old secret: the old one is not what this commit adds.
	write(t, dir, "app.cfg", "a = 2\n"+secretLine("old"))
	run(t, dir, "add", ".")
	if fs, _ := scan(t, dir); len(fs) != 0 {
		t.Errorf("old secret reported again: %+v", fs)
	}
	// An unstaged secret is not part of the commit.
	write(t, dir, "app.cfg", "a = 2\n"+secretLine("old")+secretLine("unstaged"))
	if fs, _ := scan(t, dir); len(fs) != 0 {
		t.Errorf("unstaged content reported: %+v", fs)
	}
	// Staged, it is, at its line in the new file.
	run(t, dir, "add", ".")
	fs, _ := scan(t, dir)
	if len(fs) != 1 || fs[0].StartLine != 3 || fs[0].Secret != token("unstaged") {
		t.Errorf("want the new secret at line 3, got %+v", fs)
	}
}

func TestRenamesDeletionsBinariesSubmodules(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "a.cfg", secretLine("a"))
	write(t, dir, "b.cfg", secretLine("b"))
	run(t, dir, "add", ".")
	run(t, dir, "commit", "-q", "-m", "init")
	run(t, dir, "mv", "a.cfg", "renamed.cfg")
	run(t, dir, "rm", "-q", "b.cfg")
	write(t, dir, "blob.bin", "\x00\x01"+secretLine("bin"))
	run(t, dir, "add", ".")
	// A gitlink entry: a submodule commit, not content.
	run(t, dir, "update-index", "--add", "--cacheinfo", "160000,"+run(t, dir, "rev-parse", "HEAD")+",sub")
	fs, st := scan(t, dir)
	if len(fs) != 0 {
		t.Errorf("want nothing new, got %+v", fs)
	}
	if st.Skipped["binary"] != 1 {
		t.Errorf("skipped = %v, want one binary", st.Skipped)
	}
}

func TestIgnoreFileFromIndex(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "fixtures/x.cfg", secretLine("fx"))
	write(t, dir, ".keywardignore", "fixtures/\n")
	run(t, dir, "add", ".")
	if fs, _ := scan(t, dir); len(fs) != 0 {
		t.Errorf("ignored path reported: %+v", fs)
	}
}

func TestUnreadableIndexIsAnError(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "a.txt", "a\n")
	run(t, dir, "add", ".")
	run(t, dir, "commit", "-q", "-m", "init")
	write(t, dir, ".git/index", "garbage")
	eng, _ := engine.New(detectors.Default(), engine.Options{})
	if _, _, err := Scan(context.Background(), eng, Options{Path: dir}); err == nil {
		t.Error("corrupt index: want an error")
	}
	os.Remove(filepath.Join(dir, ".git/index"))
	if _, _, err := Scan(context.Background(), eng, Options{Path: dir}); err == nil {
		t.Error("missing index with commits: want an error")
	}
}

// BenchmarkStagedSmallCommit stages a three-file change in a repository
// with a long history and many files.
func BenchmarkStagedSmallCommit(b *testing.B) {
	dir := b.TempDir()
	run(b, dir, "init", "-q")
	// fast-import builds 2,000 commits over 500 files in well under a second.
	var fi strings.Builder
	for c := 1; c <= 2000; c++ {
		fmt.Fprintf(&fi, "commit refs/heads/main\ncommitter Ada <ada@example.com> %d +0000\ndata 3\nc%d\n", 1700000000+c, c%10)
		for f := 0; f < 500; f++ {
			if c == 1 || f == c%500 {
				content := fmt.Sprintf("package p%d\n\nconst version = %d\n%s", f, c, strings.Repeat("// filler line of source code\n", 40))
				fmt.Fprintf(&fi, "M 100644 inline src/d%d/f%d.go\ndata %d\n%s\n", f%20, f, len(content), content)
			}
		}
	}
	cmd := exec.Command("git", "fast-import", "--quiet")
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(fi.String())
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("fast-import: %v\n%s", err, out)
	}
	run(b, dir, "reset", "-q", "--hard", "main")
	run(b, dir, "gc", "-q")
	for i := 0; i < 3; i++ {
		write(b, dir, fmt.Sprintf("src/d%d/f%d.go", i, i), "package p\n\nvar x = 1\n")
	}
	run(b, dir, "add", ".")
	eng, err := engine.New(detectors.Default(), engine.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, st, err := Scan(context.Background(), eng, Options{Path: dir})
		if err != nil || st.Files != 3 {
			b.Fatalf("err=%v files=%d", err, st.Files)
		}
	}
}
