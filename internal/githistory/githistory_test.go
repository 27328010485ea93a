package githistory

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/content"
	"github.com/keyward/scan/internal/content/contenttest"
	"github.com/keyward/scan/internal/gitrepo"
	"github.com/keyward/scan/internal/gittest"
	"github.com/keyward/scan/internal/scanopt"
)

var (
	token      = gittest.FakeToken
	secretLine = gittest.SecretLine
	run        = gittest.Git
	write      = gittest.Write
	commit     = gittest.Commit
	newRepo    = gittest.NewRepo
)

func newScanner(t testing.TB) *content.Scanner { return contenttest.Scanner(t, content.Options{}) }

func scan(t *testing.T, opt Options) ([]detectors.Finding, detectors.Stats) {
	t.Helper()
	fs, st, err := Scan(context.Background(), newScanner(t), opt)
	if err != nil {
		t.Fatal(err)
	}
	return fs, st
}

// byPath indexes findings by path; each test expects at most one per path.
func byPath(t *testing.T, fs []detectors.Finding) map[string]detectors.Finding {
	t.Helper()
	m := map[string]detectors.Finding{}
	for _, f := range fs {
		if _, dup := m[f.Path]; dup {
			t.Errorf("two findings at %s: %+v", f.Path, fs)
		}
		m[f.Path] = f
	}
	return m
}

func TestAddThenDeleteIsReportedAtTheAddingCommit(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "README", "hello\n")
	commit(t, dir, "init")
	write(t, dir, "conf/app.cfg", "a = 1\n"+secretLine("del"))
	added := commit(t, dir, "add config")
	write(t, dir, "conf/app.cfg", "a = 2\n"+secretLine("del")) // edit elsewhere: not a new introduction
	commit(t, dir, "tweak config")
	os.Remove(filepath.Join(dir, "conf/app.cfg"))
	commit(t, dir, "remove config")

	fs, st := scan(t, Options{Path: dir})
	m := byPath(t, fs)
	f, ok := m["conf/app.cfg"]
	if !ok || len(fs) != 1 {
		t.Fatalf("want one finding in conf/app.cfg, got %+v", fs)
	}
	c := f.Commit
	if c.SHA != added || c.Subject != "add config" || c.Author != "Ada" || c.Email != "ada@example.com" || c.Date != "2024-01-02T03:04:05Z" {
		t.Errorf("commit = %+v, want %s 'add config' by Ada", c, added)
	}
	if c.AtHead || c.Pushed {
		t.Errorf("deleted, never pushed secret: AtHead=%v Pushed=%v", c.AtHead, c.Pushed)
	}
	if f.StartLine != 2 {
		t.Errorf("line = %d, want 2", f.StartLine)
	}
	if st.Commits != 4 || st.Incomplete {
		t.Errorf("stats = %+v", st)
	}
}

func TestRenameIsANewLocation(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "old.cfg", secretLine("ren"))
	first := commit(t, dir, "add")
	run(t, dir, "mv", "old.cfg", "new.cfg")
	renamed := commit(t, dir, "rename")

	m := byPath(t, mustScan(t, Options{Path: dir}))
	if m["old.cfg"].Commit == nil || m["old.cfg"].Commit.SHA != first {
		t.Errorf("old.cfg: %+v", m["old.cfg"])
	}
	if m["new.cfg"].Commit == nil || m["new.cfg"].Commit.SHA != renamed || !m["new.cfg"].Commit.AtHead {
		t.Errorf("new.cfg: want at %s and at HEAD, got %+v", renamed, m["new.cfg"].Commit)
	}
}

// A blob is read once, but what a rule makes of it depends on its path:
// moved out of a test fixture, or out of docs/, the same bytes are a live
// credential, and the other way round a copy into tests is test material.
func TestACopyUnderAnotherKindOfPathIsRatedThere(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "tests/fixtures/app.cfg", secretLine("fixture"))
	commit(t, dir, "fixture")
	run(t, dir, "mv", "tests/fixtures/app.cfg", "app.cfg")
	commit(t, dir, "use the fixture's config")
	write(t, dir, "config/prod.cfg", secretLine("prod"))
	commit(t, dir, "prod")
	write(t, dir, "tests/prod_copy.cfg", secretLine("prod"))
	commit(t, dir, "copy prod into tests")
	write(t, dir, "config/other.cfg", secretLine("prod"))
	commit(t, dir, "copy prod into another config")

	m := byPath(t, mustScan(t, Options{Path: dir}))
	for path, want := range map[string]detectors.Severity{
		"tests/fixtures/app.cfg": detectors.Low,
		"app.cfg":                detectors.High,
		"config/prod.cfg":        detectors.High,
		"tests/prod_copy.cfg":    detectors.Low,
		"config/other.cfg":       detectors.High,
	} {
		if f, ok := m[path]; !ok || f.Severity != want {
			t.Errorf("%s: severity %v (found %v), want %v", path, f.Severity, ok, want)
		}
	}
}

// One secret is one finding per path: when the words around an unchanged
// value change, another rule may claim it, and the history still holds
// one leak, named by the most specific rule, at the commit that added it.
func TestOneSecretOneFindingAcrossRules(t *testing.T) {
	// 64 characters of a Binance secret's shape, derived from a label.
	const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	var b strings.Builder
	for i := 0; b.Len() < 64; i++ {
		for _, c := range sha256.Sum256([]byte(fmt.Sprint("one finding ", i))) {
			if b.Len() < 64 {
				b.WriteByte(alnum[int(c)%len(alnum)])
			}
		}
	}
	secret := b.String()
	for _, tc := range []struct {
		name          string
		first, second string
	}{
		{"exchange first, generic later",
			"# binance bot\nBINANCE_API_SECRET=" + secret + "\n",
			"# bot\nAPI_SECRET=" + secret + "\n"},
		{"generic first, exchange later",
			"# bot\nAPI_SECRET=" + secret + "\n",
			"# binance bot\nBINANCE_API_SECRET=" + secret + "\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := newRepo(t)
			write(t, dir, ".env", tc.first)
			added := commit(t, dir, "add")
			write(t, dir, ".env", tc.second)
			commit(t, dir, "rename the variable")
			fs := mustScan(t, Options{Path: dir})
			if len(fs) != 1 {
				t.Fatalf("want one finding, got %d: %+v", len(fs), fs)
			}
			if fs[0].RuleID != "binance-api-secret" || fs[0].Commit.SHA != added {
				t.Errorf("finding = %s at %s, want binance-api-secret at %s", fs[0].RuleID, fs[0].Commit.SHA, added)
			}
		})
	}
}

// A value on several lines of a file is one finding; a test value copied
// into several test files is one finding with a note; the same value in
// two configuration files stays two findings (two copies to clean up).
func TestOneValueOneFindingInAFileAndAcrossTests(t *testing.T) {
	dir := newRepo(t)
	fixture := token("shared fixture")
	write(t, dir, "test/integration/test_market.py", "API_KEY = \""+fixture+"\"\n\n\ndef test_a():\n    auth(\""+fixture+"\")\n")
	write(t, dir, "test/integration/test_orders.py", "API_KEY = \""+fixture+"\"\n")
	write(t, dir, "test/connector/test_auth.py", "KEY = \""+fixture+"\"\n")
	write(t, dir, "conf/app.cfg", secretLine("copied"))
	write(t, dir, "conf/app.cfg.bak", secretLine("copied"))
	commit(t, dir, "add")

	fs := mustScan(t, Options{Path: dir})
	m := byPath(t, fs)
	if len(fs) != 3 {
		t.Fatalf("want 3 findings (one test value, two config copies), got %d: %+v", len(fs), fs)
	}
	f, ok := m["test/connector/test_auth.py"]
	if !ok {
		f, ok = m["test/integration/test_market.py"]
	}
	if !ok {
		t.Fatalf("no finding of the test value: %+v", fs)
	}
	if !strings.Contains(strings.Join(f.Notes, "; "), "2 more test file(s)") {
		t.Errorf("notes = %q, want the two other test files counted", f.Notes)
	}
	if _, ok := m["conf/app.cfg"]; !ok {
		t.Errorf("conf/app.cfg not reported: %+v", fs)
	}
	if _, ok := m["conf/app.cfg.bak"]; !ok {
		t.Errorf("conf/app.cfg.bak not reported: %+v", fs)
	}
}

func TestOneValueOnSeveralLinesIsOneFinding(t *testing.T) {
	dir := newRepo(t)
	v := token("twice")
	write(t, dir, "scripts/deploy.sh", "export GITHUB_TOKEN="+v+"\necho start\ncurl -H \"Authorization: token "+v+"\" https://api.github.com/user\n")
	commit(t, dir, "add")
	fs := mustScan(t, Options{Path: dir})
	if len(fs) != 1 || fs[0].StartLine != 1 {
		t.Fatalf("want one finding at line 1, got %+v", fs)
	}
	if !strings.Contains(strings.Join(fs[0].Notes, "; "), "1 more line(s)") {
		t.Errorf("notes = %q, want the other line counted", fs[0].Notes)
	}
}

func mustScan(t *testing.T, opt Options) []detectors.Finding {
	fs, _ := scan(t, opt)
	return fs
}

func TestMergeConflictResolutionIsScanned(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "settings.py", "mode = 'a'\n")
	commit(t, dir, "base")
	run(t, dir, "checkout", "-q", "-b", "side")
	write(t, dir, "settings.py", "mode = 'side'\n")
	commit(t, dir, "side change")
	run(t, dir, "checkout", "-q", "main")
	write(t, dir, "settings.py", "mode = 'main'\n")
	commit(t, dir, "main change")
	cmd := exec.Command("git", "-c", "core.hooksPath=/dev/null", "merge", "-q", "side")
	cmd.Dir = dir
	_ = cmd.Run() // conflicts, as intended
	write(t, dir, "settings.py", "mode = 'both'\n"+secretLine("merge"))
	merge := commit(t, dir, "merge side")

	fs := mustScan(t, Options{Path: dir})
	if len(fs) != 1 || fs[0].Commit.SHA != merge || !fs[0].Commit.AtHead {
		t.Fatalf("want the resolution's secret at merge %s, got %+v", merge, fs)
	}
}

func TestMergeKeepingOneSideReportsNothingNew(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "a.txt", "a\n")
	commit(t, dir, "base")
	run(t, dir, "checkout", "-q", "-b", "side")
	write(t, dir, "side.cfg", secretLine("side"))
	side := commit(t, dir, "side secret")
	run(t, dir, "checkout", "-q", "main")
	write(t, dir, "b.txt", "b\n")
	commit(t, dir, "main work")
	run(t, dir, "merge", "-q", "--no-edit", "side")

	fs := mustScan(t, Options{Path: dir})
	if len(fs) != 1 || fs[0].Commit.SHA != side {
		t.Fatalf("want one finding at the side commit %s, got %+v", side, fs)
	}
}

func TestTagsUnmergedBranchesAndStash(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "a.txt", "a\n")
	commit(t, dir, "base")
	// Only a tag keeps this commit alive.
	run(t, dir, "checkout", "-q", "-b", "tmp")
	write(t, dir, "tagged.cfg", secretLine("tag"))
	commit(t, dir, "tagged")
	run(t, dir, "tag", "-a", "-m", "release", "v1")
	run(t, dir, "checkout", "-q", "main")
	run(t, dir, "branch", "-D", "tmp")
	// An unmerged branch.
	run(t, dir, "checkout", "-q", "-b", "feature")
	write(t, dir, "feature.cfg", secretLine("feature"))
	commit(t, dir, "feature")
	run(t, dir, "checkout", "-q", "main")
	// A stash.
	write(t, dir, "a.txt", "a\n"+secretLine("stash"))
	run(t, dir, "stash", "-q")

	m := byPath(t, mustScan(t, Options{Path: dir}))
	for _, p := range []string{"tagged.cfg", "feature.cfg", "a.txt"} {
		if _, ok := m[p]; !ok {
			t.Errorf("nothing found in %s: %+v", p, m)
		}
	}
	// One branch only.
	m = byPath(t, mustScan(t, Options{Path: dir, Branch: "feature"}))
	if _, ok := m["feature.cfg"]; !ok || len(m) != 1 {
		t.Errorf("--branch feature: %+v", m)
	}
}

func TestRanges(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "old.cfg", secretLine("old"))
	base := commit(t, dir, "old secret")
	write(t, dir, "old.cfg", "x = 1\n"+secretLine("old")) // edit beside an old secret
	write(t, dir, "new.cfg", secretLine("new"))
	commit(t, dir, "new secret")

	m := byPath(t, mustScan(t, Options{Path: dir, SinceCommit: base}))
	if _, ok := m["new.cfg"]; !ok || len(m) != 1 {
		t.Errorf("--since-commit: want only new.cfg (old.cfg's secret predates the range), got %+v", m)
	}
	if fs := mustScan(t, Options{Path: dir, MaxCommits: 1}); len(fs) != 1 {
		t.Errorf("--max-commits 1: %+v", fs)
	}
	_, _, err := Scan(context.Background(), newScanner(t), Options{Path: dir, SinceCommit: "HEAD"})
	if !errors.Is(err, ErrEmptyRange) {
		t.Errorf("empty range: err = %v, want ErrEmptyRange", err)
	}
	if _, _, err := Scan(context.Background(), newScanner(t), Options{Path: dir, SinceCommit: "HEAD", AllowEmpty: true}); err != nil {
		t.Errorf("empty range with AllowEmpty: %v", err)
	}
}

func TestPushedAndLocal(t *testing.T) {
	remote := t.TempDir()
	run(t, remote, "init", "-q", "--bare")
	dir := newRepo(t)
	run(t, dir, "remote", "add", "origin", remote)
	write(t, dir, "pushed.cfg", secretLine("pushed"))
	commit(t, dir, "pushed")
	run(t, dir, "push", "-q", "origin", "main")
	write(t, dir, "local.cfg", secretLine("local"))
	commit(t, dir, "local")

	m := byPath(t, mustScan(t, Options{Path: dir}))
	if !m["pushed.cfg"].Commit.Pushed || m["local.cfg"].Commit.Pushed {
		t.Errorf("pushed=%v local=%v", m["pushed.cfg"].Commit, m["local.cfg"].Commit)
	}
	// The bare remote scans too.
	if fs := mustScan(t, Options{Path: remote}); len(fs) != 1 {
		t.Errorf("bare repository: %+v", fs)
	}
	// Pre-push with no hook input: the local commit only.
	m = byPath(t, mustScan(t, PushRange(Options{Path: dir}, nil, "")))
	if _, ok := m["local.cfg"]; !ok || len(m) != 1 {
		t.Errorf("pre-push fallback: %+v", m)
	}
	in := "refs/heads/main " + run(t, dir, "rev-parse", "HEAD") + " refs/heads/main " + run(t, dir, "rev-parse", "HEAD~1") + "\n"
	ups, err := ParsePrePush(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	m = byPath(t, mustScan(t, PushRange(Options{Path: dir}, ups, "origin")))
	if _, ok := m["local.cfg"]; !ok || len(m) != 1 {
		t.Errorf("pre-push: %+v", m)
	}
}

func TestShallowCloneWarns(t *testing.T) {
	src := newRepo(t)
	write(t, src, "a.cfg", secretLine("deep"))
	commit(t, src, "one")
	write(t, src, "b.cfg", secretLine("shallow"))
	commit(t, src, "two")
	dst := filepath.Join(t.TempDir(), "clone")
	run(t, t.TempDir(), "clone", "-q", "--depth", "1", "file://"+src, dst)

	fs, st := scan(t, Options{Path: dst})
	if len(fs) != 2 {
		t.Errorf("shallow clone: want both files of the one commit, got %+v", fs)
	}
	if !strings.Contains(fmt.Sprint(st.Warnings), "history is shallow") {
		t.Errorf("warnings %q lack the shallow notice", st.Warnings)
	}
}

func TestMissingObjectWarnsAndContinues(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "gone.txt", "this blob will vanish\n")
	write(t, dir, "kept.cfg", secretLine("kept"))
	commit(t, dir, "one")
	blob := run(t, dir, "rev-parse", "HEAD:gone.txt")
	if err := os.Remove(filepath.Join(dir, ".git", "objects", blob[:2], blob[2:])); err != nil {
		t.Fatal(err)
	}
	fs, st := scan(t, Options{Path: dir})
	if len(fs) != 1 {
		t.Errorf("want the readable secret, got %+v", fs)
	}
	if !st.Incomplete || !strings.Contains(fmt.Sprint(st.Warnings), blob) {
		t.Errorf("want Incomplete and a warning naming %s, got %+v", blob, st)
	}
}

func TestRepositoryConfigNeverRuns(t *testing.T) {
	dir := newRepo(t)
	marker := filepath.Join(t.TempDir(), "marker")
	write(t, dir, ".gitattributes", "*.cfg filter=evil diff=evil\n")
	write(t, dir, "a.cfg", secretLine("evil"))
	commit(t, dir, "one")
	// A second commit, so that the history is walked and diffed by git,
	// not only read.
	write(t, dir, "b.cfg", secretLine("evil2"))
	commit(t, dir, "two")
	cmdline := "touch " + marker
	run(t, dir, "config", "core.fsmonitor", cmdline)
	run(t, dir, "config", "filter.evil.clean", cmdline)
	run(t, dir, "config", "filter.evil.smudge", cmdline)
	run(t, dir, "config", "diff.evil.textconv", cmdline)
	run(t, dir, "config", "diff.external", cmdline)
	run(t, dir, "config", "log.showSignature", "true")
	run(t, dir, "config", "gpg.program", cmdline)
	run(t, dir, "config", "core.pager", cmdline)
	write(t, dir, ".git/hooks/post-checkout", "#!/bin/sh\n"+cmdline+"\n")
	os.Chmod(filepath.Join(dir, ".git/hooks/post-checkout"), 0o755)

	if fs := mustScan(t, Options{Path: dir}); len(fs) != 2 {
		t.Errorf("findings: %+v", fs)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("scanning ran a command from the repository's config")
	}
}

func TestNotARepository(t *testing.T) {
	_, _, err := Scan(context.Background(), newScanner(t), Options{Path: t.TempDir()})
	if !errors.Is(err, gitrepo.ErrNotRepository) {
		t.Errorf("err = %v, want ErrNotRepository", err)
	}
}

func TestWorktree(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "a.cfg", secretLine("wt"))
	commit(t, dir, "one")
	wt := filepath.Join(t.TempDir(), "wt")
	run(t, dir, "worktree", "add", "-q", "-b", "wt", wt)
	if fs := mustScan(t, Options{Path: filepath.Join(wt)}); len(fs) != 1 {
		t.Errorf("worktree: %+v", fs)
	}
}

func TestIgnoreFileAtHeadAppliesToHistory(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "fixtures/a.cfg", secretLine("ignored"))
	write(t, dir, "app.cfg", secretLine("kept"))
	commit(t, dir, "one")
	write(t, dir, ".keywardignore", "fixtures/\n")
	commit(t, dir, "ignore fixtures")
	fs := mustScan(t, Options{Path: dir})
	if len(fs) != 1 || fs[0].Path != "app.cfg" {
		t.Errorf("want only app.cfg, got %+v", fs)
	}
}

// A pull request cannot silence itself: in a range scan the ignore file
// comes from the base, and a change to it is named.
func TestRangeTakesIgnoreFileFromBase(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "README", "hi\n")
	base := commit(t, dir, "base")
	write(t, dir, ".keywardignore", "*\n")
	write(t, dir, "prod.env", secretLine("pr"))
	commit(t, dir, "add prod.env")
	fs, st := scan(t, Options{Path: dir, SinceCommit: base})
	m := map[string]string{}
	for _, f := range fs {
		m[f.Path] = f.RuleID
	}
	if len(fs) != 2 || m["prod.env"] == "" || m[".keywardignore"] != detectors.IgnoreFileChangedRuleID {
		t.Errorf("range scan: want prod.env and the ignore file change, got %+v", fs)
	}
	if !strings.Contains(fmt.Sprint(st.Warnings), ".keywardignore: changed in commit") {
		t.Errorf("warnings %v: want the ignore file change named", st.Warnings)
	}
	// A full audit takes HEAD's ignore file, as before; --no-ignore-file
	// turns it off.
	if fs, _ := scan(t, Options{Path: dir}); len(fs) != 0 {
		t.Errorf("full scan with HEAD's ignore file: %+v", fs)
	}
	if fs, st := scan(t, Options{Path: dir, Common: scanopt.Common{NoIgnoreFile: true}}); len(fs) != 1 || st.Skipped["ignored"] != 0 {
		t.Errorf("--no-ignore-file: %+v %v", fs, st.Skipped)
	}
}

// A branch whose tip object is gone is named, not hidden behind "the range
// contains no commits".
func TestMissingTipIsNamed(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "a.txt", "a\n")
	tip := commit(t, dir, "one")
	obj := filepath.Join(dir, ".git", "objects", tip[:2], tip[2:])
	if err := os.Remove(obj); err != nil {
		t.Fatal(err)
	}
	_, _, err := Scan(context.Background(), newScanner(t), Options{Path: dir})
	if err == nil || !strings.Contains(err.Error(), tip) || errors.Is(err, ErrEmptyRange) {
		t.Errorf("err = %v, want the missing tip %s named", err, tip)
	}
}

// A FIFO among the repository's metadata is refused at once, not read.
func TestFIFOMetadataIsRefused(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "a.txt", "a\n")
	commit(t, dir, "one")
	if err := syscall.Mkfifo(filepath.Join(dir, ".git", "packed-refs"), 0o644); err != nil {
		t.Skip(err)
	}
	done := make(chan error, 1)
	go func() {
		_, _, err := Scan(context.Background(), newScanner(t), Options{Path: dir})
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "FIFO") {
			t.Errorf("err = %v, want a FIFO refusal", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("scan blocked on a FIFO")
	}
}

func TestSubmodulesAreNamed(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "a.txt", "a\n")
	head := commit(t, dir, "one")
	run(t, dir, "update-index", "--add", "--cacheinfo", "160000,"+head+",vendor/lib")
	run(t, dir, "commit", "-q", "-m", "add submodule")
	_, st := scan(t, Options{Path: dir})
	if !strings.Contains(fmt.Sprint(st.Warnings), "submodule history is not scanned: vendor/lib") {
		t.Errorf("warnings %v", st.Warnings)
	}
}

// Ctrl-C before the history is read: nothing claimed, interrupted said.
func TestCancelledHistoryIsInterrupted(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "a.cfg", secretLine("c"))
	commit(t, dir, "one")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, st, err := Scan(ctx, newScanner(t), Options{Path: dir})
	if err != nil || !st.Interrupted {
		t.Errorf("err %v, stats %+v", err, st)
	}
	for _, w := range st.Warnings {
		if strings.Contains(w.String(), "missing") {
			t.Errorf("a cancel named an object missing: %s", w)
		}
	}
}

// The content layer judges wallet.dat for every source: history too.
func TestCommittedWalletDatIsFound(t *testing.T) {
	dir := newRepo(t)
	wallet := append([]byte("SQLite format 3\x00"), make([]byte, 300)...)
	wallet = append(wallet, []byte("\x00\x10walletdescriptor\x00walletdescriptorkey\x00")...)
	write(t, dir, "backup/wallet.dat", string(wallet))
	commit(t, dir, "backup")
	run(t, dir, "rm", "-q", "backup/wallet.dat")
	commit(t, dir, "remove backup")
	fs := mustScan(t, Options{Path: dir})
	if len(fs) != 1 || fs[0].RuleID != detectors.WalletDatRuleID || fs[0].Path != "backup/wallet.dat" || fs[0].Commit == nil {
		t.Fatalf("findings %+v", fs)
	}
}

// Archives are read in history as in a directory: a committed backup.zip's
// members are content of their own.
func TestCommittedArchiveMembersAreScanned(t *testing.T) {
	dir := newRepo(t)
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.Create("bot/.env")
	w.Write([]byte("EXCHANGE=kraken\n" + secretLine("zip")))
	zw.Close()
	write(t, dir, "backup.zip", b.String())
	commit(t, dir, "backup")
	fs := mustScan(t, Options{Path: dir})
	if len(fs) != 1 || fs[0].Path != "backup.zip!bot/.env" || fs[0].Archive != "backup.zip" || fs[0].StartLine != 2 {
		t.Fatalf("findings %+v", fs)
	}
}

// Blobs are read by one git process per two workers, at least one, and no
// more than the cap.
func TestBlobProcesses(t *testing.T) {
	defer func(n int) { maxGitProcesses = n }(maxGitProcesses)
	maxGitProcesses = 8
	for _, tt := range []struct{ threads, want int }{{1, 1}, {2, 1}, {3, 1}, {4, 2}, {8, 4}, {16, 8}, {64, 8}} {
		s := &scanner{opt: Options{}}
		s.opt.Threads = tt.threads
		if got := s.blobProcesses(); got != tt.want {
			t.Errorf("%d workers: %d processes, want %d", tt.threads, got, tt.want)
		}
	}
}
