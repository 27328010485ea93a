package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The hooks load and work in the pre-commit framework as Debian packages
// it (3.0.4, which predates the pre-commit/pre-push stage names): the
// framework builds scan from the manifest with "go install", a staged key
// stops the commit, so does a key that "git commit -a" would add (the hook
// then sees a temporary index), a clean commit passes, the push hook does nothing at
// commit time and stops a push of a commit holding a key.
func TestPreCommitFramework(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds scan through the pre-commit framework")
	}
	for _, tool := range []string{"pre-commit", "git", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (Debian: apt-get install pre-commit)", tool)
		}
	}
	modCache := goEnv(t, "GOMODCACHE")
	env := append(os.Environ(),
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"PRE_COMMIT_HOME="+t.TempDir(),
		// Build from the modules already here, offline. -trimpath keeps
		// the copy's temporary path out of the build cache's keys, so a
		// later run reuses this one's packages instead of compiling the
		// module again (most of this test's time).
		"GOMODCACHE="+modCache, "GOPROXY=off", "GOFLAGS=-mod=mod -trimpath", "GOTOOLCHAIN=local",
	)
	sh := func(dir string, name string, args ...string) (string, error) {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	must := func(dir string, name string, args ...string) string {
		t.Helper()
		out, err := sh(dir, name, args...)
		if err != nil {
			t.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
		return out
	}

	// The hook repository: this module's sources, committed.
	hooks := t.TempDir()
	copyModule(t, filepath.Join("..", ".."), hooks)
	must(hooks, "git", "init", "-q", "-b", "main")
	must(hooks, "git", "add", "-A")
	must(hooks, "git", "-c", "user.email=dev@example.com", "-c", "user.name=Dev", "commit", "-q", "-m", "hooks")
	rev := strings.TrimSpace(must(hooks, "git", "rev-parse", "HEAD"))

	project := t.TempDir()
	must(project, "git", "init", "-q", "-b", "main")
	must(project, "git", "config", "user.email", "dev@example.com")
	must(project, "git", "config", "user.name", "Dev")
	config := "repos:\n- repo: " + hooks + "\n  rev: " + rev + "\n  hooks:\n  - id: keyward-scan\n  - id: keyward-scan-pre-push\n"
	os.WriteFile(filepath.Join(project, ".pre-commit-config.yaml"), []byte(config), 0o644)
	must(project, "pre-commit", "install", "--hook-type", "pre-commit", "--hook-type", "pre-push")

	// A clean commit passes (and builds the hook environment).
	os.WriteFile(filepath.Join(project, "README.md"), []byte("# bot\n"), 0o644)
	must(project, "git", "add", "-A")
	if out, err := sh(project, "git", "commit", "-q", "-m", "clean"); err != nil {
		t.Fatalf("clean commit refused: %v\n%s", err, out)
	}

	// A staged key stops the commit.
	creds := "[default]\naws_access_key_id = " + awsKeyID + "\naws_secret_access_key = " + awsSecret + "\n"
	os.WriteFile(filepath.Join(project, "credentials"), []byte(creds), 0o644)
	must(project, "git", "add", "credentials")
	out, err := sh(project, "git", "commit", "-q", "-m", "add credentials")
	if err == nil {
		t.Fatalf("commit with a staged key went through:\n%s", out)
	}
	if !strings.Contains(out, "aws-secret-access-key") || strings.Contains(out, awsSecret) {
		t.Errorf("refusal does not name the rule, or prints the secret:\n%s", out)
	}
	must(project, "git", "rm", "-q", "--cached", "credentials")
	os.Remove(filepath.Join(project, "credentials"))

	t.Run("commit -a", func(t *testing.T) {
		os.WriteFile(filepath.Join(project, "README.md"), []byte("# bot\n"+creds), 0o644)
		defer os.WriteFile(filepath.Join(project, "README.md"), []byte("# bot\n"), 0o644)
		if out, err := sh(project, "git", "commit", "-a", "-q", "-m", "edit"); err == nil {
			t.Errorf("git commit -a with a key went through:\n%s", out)
		}
	})

	// A key committed past the hook is stopped at push.
	remote := t.TempDir()
	must(remote, "git", "init", "-q", "--bare")
	must(project, "git", "remote", "add", "origin", remote)
	os.WriteFile(filepath.Join(project, "credentials"), []byte(creds), 0o644)
	must(project, "git", "add", "credentials")
	must(project, "git", "commit", "-q", "--no-verify", "-m", "add credentials")
	out, err = sh(project, "git", "push", "-q", "origin", "main")
	if err == nil {
		t.Fatalf("push of a commit holding a key went through:\n%s", out)
	}
	if !strings.Contains(out, "aws-secret-access-key") {
		t.Errorf("push refusal does not name the rule:\n%s", out)
	}
}

func goEnv(t *testing.T, name string) string {
	t.Helper()
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		t.Fatalf("go env %s: %v", name, err)
	}
	return strings.TrimSpace(string(out))
}

// copyModule copies what building scan needs (sources, go.mod, go.sum and
// the hook manifest) from the module at src to dst, without tests.
func copyModule(t *testing.T, src, dst string) {
	t.Helper()
	for _, f := range []string{"go.mod", "go.sum", ".pre-commit-hooks.yaml"} {
		copyFile(t, filepath.Join(src, f), filepath.Join(dst, f))
	}
	for _, dir := range []string{"cmd", "detectors", "internal", "report"} {
		err := filepath.WalkDir(filepath.Join(src, dir), func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Name() == "testdata" {
				return filepath.SkipDir
			}
			if d.IsDir() || strings.HasSuffix(p, "_test.go") {
				return nil
			}
			rel, _ := filepath.Rel(src, p)
			return copyFile(t, p, filepath.Join(dst, rel))
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func copyFile(t *testing.T, from, to string) error {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	os.MkdirAll(filepath.Dir(to), 0o755)
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	_, err = io.Copy(out, in)
	return err
}
