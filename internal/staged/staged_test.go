package staged

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/content"
	"github.com/keyward/scan/internal/content/contenttest"
	"github.com/keyward/scan/internal/gitrepo"
	"github.com/keyward/scan/internal/gittest"
)

var (
	token      = gittest.FakeToken
	secretLine = gittest.SecretLine
	run        = gittest.Git
	write      = gittest.Write
	newRepo    = gittest.NewRepo
)

func newScanner(t testing.TB) *content.Scanner { return contenttest.Scanner(t, content.Options{}) }

// scan scans with both readers (git processes and go-git) and checks that
// they agree.
func scan(t testing.TB, dir string) ([]detectors.Finding, detectors.Stats) {
	t.Helper()
	return scanOpt(t, Options{Path: dir})
}

func scanOpt(t testing.TB, opt Options) ([]detectors.Finding, detectors.Stats) {
	t.Helper()
	fs, st, err := Scan(context.Background(), newScanner(t), opt)
	if err != nil {
		t.Fatal(err)
	}
	opt.goGitOnly = true
	fs2, _, err := Scan(context.Background(), newScanner(t), opt)
	if err != nil {
		t.Fatalf("go-git reader: %v", err)
	}
	if len(fs2) != len(fs) {
		t.Errorf("git reader found %d, go-git reader %d", len(fs), len(fs2))
	}
	// With git's own comparison of the index with HEAD, which the scan
	// otherwise makes in this process.
	opt.goGitOnly = false
	opt.gitDiff = true
	fs3, _, err := Scan(context.Background(), newScanner(t), opt)
	if err != nil {
		t.Fatalf("with git's diff-index: %v", err)
	}
	if !reflect.DeepEqual(fs3, fs) {
		t.Errorf("with git's diff-index: %+v\nin process: %+v", fs3, fs)
	}
	// With the repository and object reader opened by the caller, as the
	// hook does.
	opt.gitDiff = false
	fs4, _, err := Scan(context.Background(), newScanner(t), withHookReaders(t, opt))
	if err != nil {
		t.Fatalf("with the hook's readers: %v", err)
	}
	if !reflect.DeepEqual(fs4, fs) {
		t.Errorf("with the hook's readers: %+v\nwithout: %+v", fs4, fs)
	}
	// With the comparison prepared ahead, as the hook does.
	fs5, _, err := Scan(context.Background(), newScanner(t), Prepare(withHookReaders(t, opt)))
	if err != nil {
		t.Fatalf("prepared: %v", err)
	}
	if !reflect.DeepEqual(fs5, fs) {
		t.Errorf("prepared: %+v\nwithout: %+v", fs5, fs)
	}
	return fs, st
}

// withHookReaders opens opt's repository and an object reader on it, as
// "scan staged" does before it reads the settings.
func withHookReaders(t testing.TB, opt Options) Options {
	t.Helper()
	repo, err := gitrepo.OpenIn(opt.Path, opt.GitDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { repo.Close() })
	opt.Repo = repo
	opt.Objects = gitrepo.NewObjectReader(context.Background(), repo.GitDir())
	t.Cleanup(func() { opt.Objects.Close() })
	return opt
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
	write(t, dir, "blob.bin", "\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00>\x00\x01\x00\x00\x00"+secretLine("bin"))
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

// The ignore file is HEAD's: a commit that also stages an ignore file of
// "*" cannot silence itself; the staged change is named (a warning and an
// info finding) and applies from the next commit on.
func TestIgnoreFileFromHead(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "README", "hello\n")
	write(t, dir, ".keywardignore", "fixtures/\n")
	run(t, dir, "add", ".")
	run(t, dir, "commit", "-q", "-m", "init")

	write(t, dir, "fixtures/x.cfg", secretLine("fx"))
	run(t, dir, "add", ".")
	if fs, _ := scan(t, dir); len(fs) != 0 {
		t.Errorf("path ignored at HEAD reported: %+v", fs)
	}

	write(t, dir, ".keywardignore", "*\n")
	write(t, dir, "app.cfg", secretLine("app"))
	run(t, dir, "add", ".")
	fs, st := scan(t, dir)
	var leak, changed bool
	for _, f := range fs {
		leak = leak || f.Path == "app.cfg"
		changed = changed || f.RuleID == detectors.IgnoreFileChangedRuleID
	}
	if !leak || !changed {
		t.Errorf("a staged ignore file of * silenced the commit or was not named: %+v", fs)
	}
	if !strings.Contains(fmt.Sprint(st.Warnings), "ignore file of HEAD") {
		t.Errorf("no warning about the staged ignore file: %v", st.Warnings)
	}
	if st.Files == 0 {
		t.Errorf("nothing scanned: %+v", st)
	}
}

func TestUnreadableIndexIsAnError(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "a.txt", "a\n")
	run(t, dir, "add", ".")
	run(t, dir, "commit", "-q", "-m", "init")
	write(t, dir, ".git/index", "garbage")
	for _, goGitOnly := range []bool{false, true} {
		if _, _, err := Scan(context.Background(), newScanner(t), Options{Path: dir, goGitOnly: goGitOnly}); err == nil {
			t.Errorf("corrupt index (goGitOnly=%v): want an error", goGitOnly)
		}
	}
	os.Remove(filepath.Join(dir, ".git/index"))
	if _, _, err := Scan(context.Background(), newScanner(t), Options{Path: dir}); err == nil {
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
	sc := newScanner(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, st, err := Scan(context.Background(), sc, Options{Path: dir})
		if err != nil || st.Files != 3 {
			b.Fatalf("err=%v files=%d", err, st.Files)
		}
	}
}

// git commit -a and git commit <paths> run the hook with a temporary index
// in GIT_INDEX_FILE; that index, not .git/index, is what gets committed.
func TestAlternateIndex(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "app.cfg", "a = 1\n")
	run(t, dir, "add", ".")
	run(t, dir, "commit", "-q", "-m", "init")
	write(t, dir, "app.cfg", "a = 1\n"+secretLine("alt"))
	alt := filepath.Join(t.TempDir(), "next-index.lock")
	cmd := exec.Command("git", "add", "app.cfg")
	cmd.Dir = dir
	cmd.Env = append(gittest.Env(), "GIT_INDEX_FILE="+alt)
	if err := copyFile(filepath.Join(dir, ".git/index"), alt); err != nil {
		t.Fatal(err)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git add with an alternate index: %v\n%s", err, out)
	}
	if fs, _ := scan(t, dir); len(fs) != 0 {
		t.Fatalf(".git/index has nothing staged, got %+v", fs)
	}
	fs, _ := scanOpt(t, Options{Path: dir, IndexFile: alt})
	if len(fs) != 1 || fs[0].Secret != token("alt") || fs[0].StartLine != 2 {
		t.Fatalf("alternate index: %+v", fs)
	}
	// A comparison prepared on .git/index is not the alternate index's.
	opt := Prepare(withHookReaders(t, Options{Path: dir}))
	if opt.prepared == nil {
		t.Fatal("nothing prepared")
	}
	opt.IndexFile = alt
	fs, _, err := Scan(context.Background(), newScanner(t), opt)
	if err != nil || len(fs) != 1 || fs[0].Secret != token("alt") {
		t.Fatalf("alternate index with .git/index's comparison prepared: %+v, %v", fs, err)
	}
}

func copyFile(src, dst string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, data, 0o644)
}

// git mv a.env b.env plus one appended line: only that line is new.
func TestRenameWithEditReportsOnlyAddedLines(t *testing.T) {
	dir := newRepo(t)
	var body strings.Builder
	for i := 0; i < 20; i++ {
		fmt.Fprintf(&body, "SETTING_%d=%d\n", i, i)
	}
	write(t, dir, "a.env", body.String()+secretLine("old"))
	run(t, dir, "add", ".")
	run(t, dir, "commit", "-q", "-m", "init")
	if err := os.MkdirAll(filepath.Join(dir, "config"), 0o755); err != nil {
		t.Fatal(err)
	}
	run(t, dir, "mv", "a.env", "config/b.env")
	write(t, dir, "config/b.env", body.String()+secretLine("old")+secretLine("new"))
	run(t, dir, "add", ".")
	fs, _ := scanOpt(t, Options{Path: dir})
	if len(fs) != 1 || fs[0].Secret != token("new") || fs[0].Path != "config/b.env" {
		t.Fatalf("want only the added line's secret, got %+v", fs)
	}
}

// A split index, which go-git cannot read, is read through git; a SHA-256
// repository stops the hook with one sentence naming the setting.
func TestSplitIndexAndSHA256(t *testing.T) {
	split := newRepo(t)
	write(t, split, "a.txt", "a\n")
	run(t, split, "add", ".")
	run(t, split, "commit", "-q", "-m", "init")
	run(t, split, "config", "core.splitIndex", "true")
	write(t, split, "k.cfg", secretLine("split"))
	run(t, split, "update-index", "--split-index", "--add", "k.cfg")

	sha := t.TempDir()
	run(t, sha, "init", "-q", "--object-format=sha256")
	write(t, sha, "k.cfg", secretLine("sha"))
	run(t, sha, "add", ".")

	fs, _, err := Scan(context.Background(), newScanner(t), Options{Path: split})
	if err != nil || len(fs) != 1 || fs[0].Secret != token("split") {
		t.Errorf("split index: findings %+v, err %v", fs, err)
	}
	// Without git: one clear sentence naming the setting.
	_, _, err = Scan(context.Background(), newScanner(t), Options{Path: split, goGitOnly: true})
	if err == nil || !strings.Contains(err.Error(), "core.splitIndex") {
		t.Errorf("split index via go-git: err = %v", err)
	}
	_, _, err = Scan(context.Background(), newScanner(t), Options{Path: sha})
	if err == nil || !strings.Contains(err.Error(), "extensions.objectFormat = sha256") {
		t.Errorf("SHA-256: err = %v", err)
	}
}

func TestStagedWalletDatIsFound(t *testing.T) {
	dir := newRepo(t)
	wallet := append([]byte("SQLite format 3\x00"), make([]byte, 300)...)
	wallet = append(wallet, []byte("\x00\x10walletdescriptor\x00walletdescriptorkey\x00")...)
	write(t, dir, "wallet.dat", string(wallet))
	run(t, dir, "add", ".")
	fs, _ := scan(t, dir)
	if len(fs) != 1 || fs[0].RuleID != detectors.WalletDatRuleID {
		t.Fatalf("findings %+v", fs)
	}
}

// extensions.worktreeConfig (sparse checkout, per-worktree config) makes
// go-git refuse the repository; it changes nothing about objects, so the
// hook reads past it.
func TestWorktreeConfigExtension(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "a.txt", "a\n")
	run(t, dir, "add", ".")
	run(t, dir, "commit", "-q", "-m", "init")
	run(t, dir, "config", "core.repositoryformatversion", "1")
	run(t, dir, "config", "extensions.worktreeConfig", "true")
	write(t, dir, "k.cfg", secretLine("wtc"))
	run(t, dir, "add", ".")
	fs, _ := scanOpt(t, Options{Path: dir})
	if len(fs) != 1 || fs[0].Secret != token("wtc") {
		t.Fatalf("findings %+v", fs)
	}
}

// A staged symlink's target string is what the commit publishes.
func TestStagedSymlinkTargetIsScanned(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "README", "hello\n")
	run(t, dir, "add", ".")
	run(t, dir, "commit", "-q", "-m", "init")
	if err := os.Symlink(token("link"), filepath.Join(dir, "current-key")); err != nil {
		t.Skip(err)
	}
	run(t, dir, "add", "current-key")
	fs, _ := scan(t, dir)
	if len(fs) != 1 || fs[0].Path != "current-key" || fs[0].Secret != token("link") {
		t.Errorf("symlink target not reported: %+v", fs)
	}
}

// A file whose head is binary (a history with a block of NULs a crash
// left) is diffed like any other: the secret it already had in HEAD is not
// reported again, the one added is.
func TestBinaryHeadReportsOnlyAddedLines(t *testing.T) {
	dir := newRepo(t)
	zeros := strings.Repeat("\x00", 8<<10)
	write(t, dir, "notes/.bash_history", zeros+"\nls\n"+secretLine("old"))
	run(t, dir, "add", ".")
	run(t, dir, "commit", "-q", "-m", "init")
	write(t, dir, "notes/.bash_history", zeros+"\nls\n"+secretLine("old")+"cd /srv\n"+secretLine("new"))
	run(t, dir, "add", ".")
	fs, _ := scanOpt(t, Options{Path: dir})
	if len(fs) != 1 || fs[0].Secret != token("new") {
		t.Fatalf("want only the added line's secret, got %d findings: %+v", len(fs), fs)
	}
}
