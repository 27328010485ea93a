package githistory

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A symlink's blob is its target string; git log -p and every clone show
// it. A secret pasted as a link target must be found like file content.
func TestSymlinkTargetIsScanned(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "README", "hello\n")
	commit(t, dir, "init")
	if err := os.Symlink(token("link"), filepath.Join(dir, "current-key")); err != nil {
		t.Skip(err)
	}
	c := commit(t, dir, "link the key")
	if mode := run(t, dir, "ls-tree", "HEAD", "current-key"); !strings.HasPrefix(mode, "120000") {
		t.Fatalf("fixture is not a symlink: %s", mode)
	}
	m := byPath(t, mustScan(t, Options{Path: dir}))
	f, ok := m["current-key"]
	if !ok || f.Secret != token("link") || f.Commit.SHA != c {
		t.Fatalf("symlink target not reported at its commit: %+v", m)
	}
	if !f.Commit.AtHead {
		t.Errorf("the link is still at HEAD: %+v", f.Commit)
	}
}

// Tokens pasted into commit and annotated-tag messages are found, located
// at their commit (or tag), and the subject every report prints is
// redacted at the source.
func TestMessagesAreScannedAndSubjectsRedacted(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "README", "hello\n")
	commit(t, dir, "init")
	write(t, dir, "app.cfg", "a = 1\n")
	leaky := commit(t, dir, "use token "+token("subject")+" for CI\n\nbody: "+token("body"))
	write(t, dir, "app.cfg", "a = 2\n"+secretLine("file"))
	commit(t, dir, "add key "+token("subject")) // same secret again: reported once
	run(t, dir, "tag", "-a", "-m", "release\n\nrelease token "+token("tag"), "v1")

	fs := mustScan(t, Options{Path: dir})
	got := map[string]string{} // secret -> path
	for _, f := range fs {
		got[f.Secret] = f.Path
		if strings.Contains(f.Commit.Subject, token("subject")) {
			t.Errorf("subject printed in full: %q", f.Commit.Subject)
		}
	}
	for _, want := range []struct{ secret, path string }{
		{token("subject"), MessagePath},
		{token("body"), MessagePath},
		{token("tag"), tagMessagePath("v1")},
		{token("file"), "app.cfg"},
	} {
		if got[want.secret] != want.path {
			t.Errorf("%s: found at %q, want %q (all: %v)", want.secret[:8], got[want.secret], want.path, got)
		}
	}
	if len(fs) != 4 {
		t.Errorf("want 4 findings (the repeated subject once), got %d: %v", len(fs), got)
	}
	for _, f := range fs {
		if f.Secret == token("subject") && f.Commit.SHA != leaky {
			t.Errorf("subject secret at %s, want the first commit with it %s", f.Commit.SHA, leaky)
		}
	}
	// A range reports the messages of its own commits only.
	fs = mustScan(t, Options{Path: dir, SinceCommit: leaky})
	for _, f := range fs {
		if f.Secret == token("body") || f.Secret == token("tag") {
			t.Errorf("range reported a message outside it: %+v", f)
		}
	}
}

// --branch scans what one branch reaches, and "still at HEAD" is judged
// at the tips the scan started from: a secret sitting at an unmerged
// branch's tip is not "removed since".
func TestBranchScopeAndTipPresence(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "README", "hello\n")
	commit(t, dir, "init")
	write(t, dir, "main.cfg", secretLine("main-old"))
	commit(t, dir, "main key")
	write(t, dir, "main.cfg", "rotated\n")
	commit(t, dir, "rotate")
	run(t, dir, "checkout", "-q", "-b", "feature")
	write(t, dir, "feature.cfg", secretLine("feature"))
	commit(t, dir, "feature key")
	run(t, dir, "checkout", "-q", "main")

	all := byPath(t, mustScan(t, Options{Path: dir}))
	if f, ok := all["feature.cfg"]; !ok || !f.Commit.AtHead {
		t.Errorf("all refs: a secret at feature's tip is called removed: %+v", all)
	}
	if f, ok := all["main.cfg"]; !ok || f.Commit.AtHead {
		t.Errorf("all refs: main.cfg's rotated key should be removed since: %+v", all)
	}
	m := byPath(t, mustScan(t, Options{Path: dir, Branch: "main"}))
	if _, ok := m["feature.cfg"]; ok || len(m) != 1 {
		t.Errorf("--branch main scanned another branch's commits: %+v", m)
	}
	m = byPath(t, mustScan(t, Options{Path: dir, Branch: "feature"}))
	if f := m["feature.cfg"]; f.Commit == nil || !f.Commit.AtHead {
		t.Errorf("--branch feature: the key at its tip is not at the tip: %+v", m)
	}
}

// One branch's history takes its ignore file from that branch's tip, not
// from whatever is checked out.
func TestBranchTakesIgnoreFileFromItsTip(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "README", "hello\n")
	commit(t, dir, "init")
	run(t, dir, "checkout", "-q", "-b", "feature")
	write(t, dir, "feature.cfg", secretLine("ign"))
	commit(t, dir, "feature key")
	run(t, dir, "checkout", "-q", "main")
	write(t, dir, ".keywardignore", "*.cfg\n")
	commit(t, dir, "ignore configs on main")

	m := byPath(t, mustScan(t, Options{Path: dir, Branch: "feature"}))
	if _, ok := m["feature.cfg"]; !ok {
		t.Errorf("main's ignore file silenced feature's history: %+v", m)
	}
}

// A new branch pushed to a second remote is checked against that remote's
// tracking refs only: commits another remote has are still news to it.
func TestPushRangeCountsOnlyTheDestinationsRefs(t *testing.T) {
	dir := newRepo(t)
	private, public := t.TempDir(), t.TempDir()
	run(t, private, "init", "-q", "--bare")
	run(t, public, "init", "-q", "--bare")
	run(t, dir, "remote", "add", "origin", private)
	run(t, dir, "remote", "add", "public", public)
	write(t, dir, "bot.cfg", secretLine("mirror"))
	tip := commit(t, dir, "key")
	run(t, dir, "push", "-q", "origin", "main")

	zero := strings.Repeat("0", 40)
	ups := []PushUpdate{{"refs/heads/main", tip, "refs/heads/main", zero}}
	if fs := mustScan(t, PushRange(Options{Path: dir}, ups, "public")); len(fs) != 1 {
		t.Errorf("push to public: want the key origin already has, got %+v", fs)
	}
	if fs := mustScan(t, PushRange(Options{Path: dir}, ups, "origin")); len(fs) != 0 {
		t.Errorf("push to origin, which has it: %+v", fs)
	}
}
