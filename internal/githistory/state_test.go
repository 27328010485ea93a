package githistory

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/gittest"
	"github.com/keyward/scan/internal/scanstate"
)

// history is a repository built step by step with commit dates that
// advance, as real pushes do.
type history struct {
	t   *testing.T
	dir string
	n   int
}

func (h *history) git(args ...string) string {
	h.t.Helper()
	gittest.NeedGit(h.t)
	h.n++
	when := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(h.n) * time.Minute).Format(time.RFC3339)
	cmd := exec.Command("git", append([]string{"-c", "core.hooksPath=/dev/null", "-c", "init.defaultBranch=main"}, args...)...)
	cmd.Dir = h.dir
	cmd.Env = append(gittest.Env(), "GIT_AUTHOR_DATE="+when, "GIT_COMMITTER_DATE="+when)
	out, err := cmd.CombinedOutput()
	if err != nil {
		h.t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func (h *history) commit(msg string, files map[string]string) {
	h.t.Helper()
	for p, c := range files {
		if c == "" {
			os.Remove(filepath.Join(h.dir, p))
			continue
		}
		write(h.t, h.dir, p, c)
	}
	h.git("add", "-A")
	h.git("commit", "-q", "--allow-empty", "-m", msg)
}

type locKeyT struct{ path, rule, secret string }

func keyOf(f detectors.Finding) locKeyT { return locKeyT{f.Path, f.RuleID, f.Secret} }

// describe lists findings as path rule commit, sorted, for comparison.
func describe(fs []detectors.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s %s %s %.12s", f.Path, f.RuleID, detectors.Redact(f.Secret), f.Commit.SHA))
	}
	sort.Strings(out)
	return out
}

// TestIncrementalEqualsFull replays a history in steps — merges with a
// conflict resolution, a rebased branch, a deleted branch, a force push, a
// rename, a secret removed and added back, a step with nothing new — and
// checks after each step that the incremental scan reports exactly what a
// full scan reports minus what earlier incremental scans already reported,
// at the same commits, and that together they cover the full scan.
func TestIncrementalEqualsFull(t *testing.T) {
	h := &history{t: t, dir: newRepo(t)}
	statePath := filepath.Join(t.TempDir(), "state")
	var digest scanstate.Digest
	digest[0] = 1
	reported := map[locKeyT]bool{}

	steps := []struct {
		name string
		do   func()
	}{
		{"first commits", func() {
			h.commit("init", map[string]string{"README": "hello\n", "conf/a.cfg": secretLine("A")})
			h.commit("docs", map[string]string{"docs/x.md": "plain text\n"})
		}},
		{"merge with a conflict resolved by adding a secret", func() {
			h.commit("shared", map[string]string{"conf/shared.cfg": "x = 0\n"})
			h.git("checkout", "-q", "-b", "feat")
			h.commit("feat", map[string]string{"conf/shared.cfg": "x = 1\n", "feat.cfg": secretLine("B")})
			h.git("checkout", "-q", "main")
			h.commit("main side", map[string]string{"conf/shared.cfg": "x = 2\n"})
			h.git("merge", "-q", "feat", "-m", "merge feat", "--no-ff", "-s", "ours")
			h.commit("resolve", map[string]string{"conf/shared.cfg": "x = 3\n" + secretLine("C")})
			// A true conflict resolution inside the merge commit.
			h.git("checkout", "-q", "-b", "feat2", "HEAD~1")
			h.commit("feat2", map[string]string{"conf/shared.cfg": "x = 4\n"})
			h.git("checkout", "-q", "main")
			cmd := exec.Command("git", "-c", "core.hooksPath=/dev/null", "merge", "-q", "feat2")
			cmd.Dir, cmd.Env = h.dir, gittest.Env()
			cmd.Run() // conflicts, resolved below
			write(t, h.dir, "conf/shared.cfg", "x = 5\n"+secretLine("C2"))
			h.git("add", "-A")
			h.git("commit", "-q", "--no-edit")
		}},
		{"topic branch, then rebased", func() {
			h.git("checkout", "-q", "-b", "topic", "main~2")
			h.commit("topic 1", map[string]string{"topic.cfg": secretLine("D")})
			h.commit("topic 2", map[string]string{"topic.cfg": secretLine("D") + secretLine("D2")})
			h.git("checkout", "-q", "main")
			h.commit("main moves", map[string]string{"README": "hello again\n"})
			h.git("checkout", "-q", "topic")
			h.git("rebase", "-q", "main")
			h.git("checkout", "-q", "main")
		}},
		{"nothing new", func() {}},
		{"topic deleted, its secret lands on main", func() {
			h.git("branch", "-q", "-D", "topic")
			h.git("reflog", "expire", "--expire=now", "--all")
			h.git("gc", "-q", "--prune=now")
			h.commit("land topic", map[string]string{"topic.cfg": secretLine("D2") + secretLine("D3"), "main.cfg": secretLine("D")})
		}},
		{"force push over a commit", func() {
			h.commit("oops", map[string]string{"oops.cfg": secretLine("E")})
			h.git("reset", "-q", "--hard", "HEAD~1")
			h.commit("instead", map[string]string{"fixed.cfg": secretLine("F")})
		}},
		{"rename, copy and a secret added back", func() {
			h.git("mv", "conf/a.cfg", "conf/b.cfg")
			h.commit("rename", map[string]string{"docs/y.md": "plain text\n"})
			h.commit("drop", map[string]string{"fixed.cfg": ""})
			h.commit("add back", map[string]string{"fixed.cfg": secretLine("F")})
			h.git("tag", "v1")
		}},
		{"annotated tag with a key in its message", func() {
			h.git("tag", "-a", "v2", "-m", "release v2\n\n"+secretLine("T"))
		}},
		{"a commit after the tag", func() {
			h.commit("after v2", map[string]string{"docs/z.md": "plain text\n"})
		}},
	}
	for i, step := range steps {
		step.do()
		full, fst := scan(t, Options{Path: h.dir})
		if fst.Incomplete {
			t.Fatalf("step %d: full scan incomplete: %+v", i, fst.Warnings)
		}

		st, err := scanstate.Open(statePath)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		inc, ist, err := Scan(context.Background(), newScanner(t), Options{Path: h.dir, State: st, StateDigest: digest})
		if err != nil {
			t.Fatalf("step %d (%s): incremental: %v", i, step.name, err)
		}
		if st.Incremental() != (i > 0) {
			t.Errorf("step %d: incremental = %v", i, st.Incremental())
		}
		st.Commit()
		if err := st.Save(); err != nil {
			t.Fatal(err)
		}

		var want []detectors.Finding
		for _, f := range full {
			if !reported[keyOf(f)] {
				want = append(want, f)
			}
		}
		got, exp := describe(inc), describe(want)
		if strings.Join(got, "\n") != strings.Join(exp, "\n") {
			t.Errorf("step %d (%s):\nincremental:\n  %s\nfull minus reported:\n  %s", i, step.name, strings.Join(got, "\n  "), strings.Join(exp, "\n  "))
		}
		for _, f := range inc {
			reported[keyOf(f)] = true
		}
		for _, f := range full {
			if !reported[keyOf(f)] {
				t.Errorf("step %d: full scan's %s never reported incrementally", i, describe([]detectors.Finding{f}))
			}
		}
		if i > 0 && ist.Files >= fst.Files && fst.Files > 2 {
			t.Errorf("step %d: incremental read %d files, full %d: nothing was skipped", i, ist.Files, fst.Files)
		}
		if step.name == "nothing new" && (ist.Commits != 0 || len(inc) != 0) {
			t.Errorf("nothing new: %d commits, %d findings", ist.Commits, len(inc))
		}
	}
	if len(reported) < 8 {
		t.Errorf("only %d locations reported over the replay; the history lost its secrets", len(reported))
	}
}

// TestStateChangedDigestScansEverything: a different rule set or setting
// makes the state's scan a full one that reports everything again.
func TestStateChangedDigestScansEverything(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "a.cfg", secretLine("dg"))
	commit(t, dir, "a")
	p := filepath.Join(t.TempDir(), "state")
	for i, d := range []byte{1, 1, 2} {
		st, err := scanstate.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		fs, _, err := Scan(context.Background(), newScanner(t), Options{Path: dir, State: st, StateDigest: scanstate.Digest{d}})
		if err != nil {
			t.Fatal(err)
		}
		wantInc, wantN := i == 1, 1
		if i == 1 {
			wantN = 0
		}
		if st.Incremental() != wantInc || len(fs) != wantN {
			t.Errorf("run %d: incremental=%v (%s) findings=%d", i, st.Incremental(), st.Reason(), len(fs))
		}
		st.Commit()
		if err := st.Save(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestStateRemembersMissingBlobs: a blob absent from the clone is named by
// every later incremental scan, and its arrival makes the next scan full.
func TestStateRemembersMissingBlobs(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "a.cfg", secretLine("miss"))
	commit(t, dir, "a")
	blob := run(t, dir, "rev-parse", "HEAD:a.cfg")
	obj := filepath.Join(dir, ".git", "objects", blob[:2], blob[2:])
	data, err := os.ReadFile(obj)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(obj)
	p := filepath.Join(t.TempDir(), "state")
	for i := range 3 {
		if i == 2 {
			os.WriteFile(obj, data, 0o444)
		}
		st, err := scanstate.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		fs, stats, err := Scan(context.Background(), newScanner(t), Options{Path: dir, State: st})
		if err != nil {
			t.Fatal(err)
		}
		named := false
		for _, w := range stats.Warnings {
			named = named || strings.Contains(w.Message, blob)
		}
		switch i {
		case 0, 1:
			if !stats.Incomplete || !named || st.Blocked() != "" {
				t.Errorf("run %d: incomplete=%v named=%v blocked=%q", i, stats.Incomplete, named, st.Blocked())
			}
			if i == 1 && !st.Incremental() {
				t.Errorf("run 1 not incremental: %s", st.Reason())
			}
		case 2:
			if st.Incremental() || !strings.Contains(st.Reason(), "present now") || len(fs) != 1 || stats.Incomplete {
				t.Errorf("run 2: incremental=%v (%s) findings=%d incomplete=%v", st.Incremental(), st.Reason(), len(fs), stats.Incomplete)
			}
		}
		st.Commit()
		if err := st.Save(); err != nil {
			t.Fatal(err)
		}
	}
}
