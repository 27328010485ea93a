// Package gittest builds git repositories for tests: fixed identities and
// dates, no hooks, no user or system config, and fake secrets generated at
// run time so that test sources hold no secret-shaped literal for our own
// scans to flag.
package gittest

import (
	"crypto/sha256"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// FakeToken builds a GitHub-token-shaped fake secret from seed.
func FakeToken(seed string) string {
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	sum := sha256.Sum256([]byte(seed))
	var b strings.Builder
	b.WriteString("gh" + "p_")
	for i := 0; i < 36; i++ {
		b.WriteByte(alnum[int(sum[i%32]^byte(i*7))%len(alnum)])
	}
	return b.String()
}

// SecretLine is a config line holding FakeToken(seed).
func SecretLine(seed string) string { return "github_token = " + FakeToken(seed) + "\n" }

// NeedGit skips the test when no git binary is installed.
func NeedGit(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git binary")
	}
}

// Env is the environment fixture commands run with: fixed identity and
// dates, no user or system config.
func Env() []string {
	return append(os.Environ(),
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=Ada", "GIT_AUTHOR_EMAIL=ada@example.com", "GIT_AUTHOR_DATE=2024-01-02T03:04:05Z",
		"GIT_COMMITTER_NAME=Ada", "GIT_COMMITTER_EMAIL=ada@example.com", "GIT_COMMITTER_DATE=2024-01-02T03:04:05Z")
}

// Git runs git in dir with no hooks and fails the test on error.
func Git(t testing.TB, dir string, args ...string) string {
	t.Helper()
	NeedGit(t)
	cmd := exec.Command("git", append([]string{"-c", "core.hooksPath=/dev/null", "-c", "init.defaultBranch=main", "-c", "protocol.file.allow=always"}, args...)...)
	cmd.Dir = dir
	cmd.Env = Env()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// Write writes content to dir/rel, creating directories.
func Write(t testing.TB, dir, rel, content string) {
	t.Helper()
	p := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Commit stages everything and commits it, returning the commit id.
func Commit(t testing.TB, dir, msg string) string {
	t.Helper()
	Git(t, dir, "add", "-A")
	Git(t, dir, "commit", "-q", "--allow-empty", "-m", msg)
	return Git(t, dir, "rev-parse", "HEAD")
}

// NewRepo initialises an empty repository in a temporary directory.
func NewRepo(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	Git(t, dir, "init", "-q")
	return dir
}
