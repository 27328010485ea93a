package main

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The Action, run as a runner runs it: .github/action/run.sh gets the event
// payload in GITHUB_EVENT_PATH, the GITHUB_* variables, a checkout made the
// way actions/checkout@v7 makes it for the event (depth 1 by default, or
// fetch-depth: 0) from a bare "origin" with GitHub's refs/pull/N/head and
// refs/pull/N/merge, and this test binary standing in for the scan binary.
// The upload step's `if:` is evaluated from the step's outputs. (TestMain,
// in hook_commit_test.go, runs scan when KEYWARD_TEST_AS_SCAN=1.)

// ghOrigin is the bare repository testdata/action/origin.sh builds, with
// the fake secrets it holds.
type ghOrigin struct {
	dir     string
	secrets map[string]string
}

var (
	originOnce sync.Once
	originDir  string
	originSecs map[string]string
	originErr  error
)

// randomSecret is a fake credential value, new each run: 64 letters and
// digits, as an exchange issues them.
func randomSecret() string {
	const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 64)
	for i := range b {
		n, _ := rand.Int(rand.Reader, big.NewInt(int64(len(chars))))
		b[i] = chars[n.Int64()]
	}
	return string(b)
}

// newOrigin builds the origin once per test binary: checkouts only read it.
func newOrigin(t *testing.T) ghOrigin {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the Action's script end to end (slow)")
	}
	for _, tool := range []string{"bash", "jq", "git"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the Action needs %s", tool)
		}
	}
	originOnce.Do(func() {
		dir, err := os.MkdirTemp(sharedDir, "action-origin-")
		if err != nil {
			originErr = err
			return
		}
		originDir = dir
		originSecs = map[string]string{}
		script, _ := filepath.Abs("testdata/action/origin.sh")
		cmd := exec.Command("bash", script, dir)
		cmd.Env = os.Environ()
		for _, k := range []string{"OLD_KEY", "OLD_SEC", "BR_KEY", "BR_SEC", "PR_KEY", "PR_SEC", "FORK_KEY", "FORK_SEC"} {
			originSecs[k] = randomSecret()
			cmd.Env = append(cmd.Env, k+"="+originSecs[k])
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			originErr = fmt.Errorf("origin.sh: %v\n%s", err, out)
		}
	})
	if originErr != nil {
		t.Fatal(originErr)
	}
	return ghOrigin{dir: filepath.Join(originDir, "origin.git"), secrets: originSecs}
}

func (o ghOrigin) rev(t *testing.T, rev string) string {
	t.Helper()
	out, err := exec.Command("git", "--git-dir", o.dir, "rev-parse", rev).Output()
	if err != nil {
		t.Fatalf("rev-parse %s: %v", rev, err)
	}
	return strings.TrimSpace(string(out))
}

// event is one GitHub event as the runner presents it.
type event struct {
	name    string // GITHUB_EVENT_NAME
	ref     string // GITHUB_REF
	sha     string // GITHUB_SHA
	payload map[string]any
	// checkoutRef is what actions/checkout fetches and checks out; for
	// pull_request that is refs/pull/N/merge, for pull_request_target and
	// pushes the branch.
	checkoutRef string
	branch      string // the local branch checkout creates ("" = detached)
}

var repoPayload = map[string]any{"default_branch": "main", "full_name": "acme/bot"}

// prEvent builds a pull_request (or pull_request_target) event for PR n,
// whose head is in headRepo; base.sha is stale (main~1), as it often is.
func (o ghOrigin) prEvent(t *testing.T, name string, n int, headRepo string) event {
	num := fmt.Sprintf("%d", n)
	payload := map[string]any{
		"action": "synchronize", "number": n, "repository": repoPayload,
		"pull_request": map[string]any{
			"number": n,
			"base":   map[string]any{"ref": "main", "sha": o.rev(t, "main~1"), "repo": map[string]any{"full_name": "acme/bot"}},
			"head":   map[string]any{"ref": "pr" + num, "sha": o.rev(t, "refs/pull/"+num+"/head"), "repo": map[string]any{"full_name": headRepo}},
		},
	}
	if name == "pull_request_target" {
		return event{name: name, ref: "refs/heads/main", sha: o.rev(t, "main"), payload: payload, checkoutRef: "refs/heads/main", branch: "main"}
	}
	merge := "refs/pull/" + num + "/merge"
	return event{name: name, ref: merge, sha: o.rev(t, merge), payload: payload, checkoutRef: merge}
}

func (o ghOrigin) pushEvent(t *testing.T, branch, before string) event {
	ref := "refs/heads/" + branch
	sha := o.rev(t, ref)
	return event{name: "push", ref: ref, sha: sha, checkoutRef: ref, branch: branch, payload: map[string]any{
		"ref": ref, "before": before, "after": sha, "repository": repoPayload,
		"commits": []any{map[string]any{"id": sha}}, "head_commit": map[string]any{"id": sha},
	}}
}

func (o ghOrigin) scheduleEvent(t *testing.T) event {
	return event{name: "schedule", ref: "refs/heads/main", sha: o.rev(t, "main"), checkoutRef: "refs/heads/main", branch: "main",
		payload: map[string]any{"schedule": "17 3 * * *"}}
}

// checkout does what actions/checkout@v7 does: depth 0 fetches every
// branch and tag plus the event's ref, depth N fetches only the event's
// commit N deep; then it checks out that commit (a branch for pushes).
func (o ghOrigin) checkout(t *testing.T, ev event, depth int) string {
	t.Helper()
	dir := t.TempDir()
	gitIn(t, dir, "init", "-q")
	gitIn(t, dir, "remote", "add", "origin", "file://"+o.dir)
	local := "refs/remotes/origin/" + strings.TrimPrefix(ev.checkoutRef, "refs/heads/")
	if strings.HasPrefix(ev.checkoutRef, "refs/pull/") {
		local = "refs/remotes/pull/" + strings.TrimPrefix(ev.checkoutRef, "refs/pull/")
	}
	if depth == 0 {
		specs := []string{"+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"}
		if strings.HasPrefix(ev.checkoutRef, "refs/pull/") {
			specs = append(specs, "+"+ev.sha+":"+local)
		}
		gitIn(t, dir, append([]string{"fetch", "-q", "--prune", "origin"}, specs...)...)
	} else {
		gitIn(t, dir, "fetch", "-q", "--no-tags", "--prune", fmt.Sprintf("--depth=%d", depth), "origin", "+"+ev.sha+":"+local)
	}
	if ev.branch != "" {
		gitIn(t, dir, "checkout", "-q", "--force", "-B", ev.branch, local)
	} else {
		gitIn(t, dir, "checkout", "-q", "--force", "--detach", local)
	}
	return dir
}

type actionRun struct {
	code    int
	log     string
	summary string
	outputs map[string]string
	sarif   string
	// uploads is the upload step's if: (upload == 'true' && sarif-file != '').
	uploads bool
}

// runAction runs the Action's Scan step in dir as the runner does for ev,
// with env as the inputs (INPUT_X=…).
func runAction(t *testing.T, dir string, ev event, env ...string) actionRun {
	t.Helper()
	script, err := filepath.Abs("../../.github/action/run.sh")
	if err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	eventPath := filepath.Join(tmp, "event.json")
	data, _ := json.Marshal(ev.payload)
	if err := os.WriteFile(eventPath, data, 0o644); err != nil {
		t.Fatal(err)
	}
	outPath, sumPath := filepath.Join(tmp, "output"), filepath.Join(tmp, "summary.md")

	cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"KEYWARD_TEST_AS_SCAN=1", "SCAN_BIN="+self,
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"RUNNER_TEMP="+tmp, "GITHUB_EVENT_NAME="+ev.name, "GITHUB_EVENT_PATH="+eventPath,
		"GITHUB_REF="+ev.ref, "GITHUB_SHA="+ev.sha, "GITHUB_REPOSITORY=acme/bot", "GITHUB_WORKSPACE="+dir,
		"GITHUB_OUTPUT="+outPath, "GITHUB_STEP_SUMMARY="+sumPath, "GITHUB_ACTIONS=true", "CI=true",
	)
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	r := actionRun{code: cmd.ProcessState.ExitCode(), log: string(out), outputs: map[string]string{}}
	if err != nil && r.code < 0 {
		t.Fatalf("run.sh: %v\n%s", err, out)
	}
	sum, _ := os.ReadFile(sumPath)
	r.summary = string(sum)
	outs, _ := os.ReadFile(outPath)
	for _, line := range strings.Split(string(outs), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			r.outputs[k] = v
		}
	}
	if p := r.outputs["sarif-file"]; p != "" {
		s, err := os.ReadFile(p)
		if err != nil {
			t.Errorf("sarif-file %s does not exist: %v", p, err)
		}
		r.sarif = string(s)
	}
	r.uploads = r.outputs["upload"] == "true" && r.outputs["sarif-file"] != ""
	return r
}

func (r actionRun) String() string {
	return fmt.Sprintf("exit %d, outputs %v\n--- summary\n%s\n--- log\n%s", r.code, r.outputs, r.summary, r.log)
}

// sarifPaths lists the files the SARIF's results point at.
func sarifPaths(t *testing.T, sarif string) []string {
	t.Helper()
	var log struct {
		Runs []struct {
			Results []struct {
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
					}
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(sarif), &log); err != nil {
		t.Fatalf("SARIF: %v", err)
	}
	seen := map[string]bool{}
	var out []string
	for _, r := range log.Runs[0].Results {
		u := r.Locations[0].PhysicalLocation.ArtifactLocation.URI
		if !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	return out
}

func executionSuccessful(t *testing.T, sarif string) bool {
	var log struct {
		Runs []struct {
			Invocations []struct {
				ExecutionSuccessful bool `json:"executionSuccessful"`
			}
		}
	}
	if err := json.Unmarshal([]byte(sarif), &log); err != nil {
		t.Fatalf("SARIF: %v", err)
	}
	return log.Runs[0].Invocations[0].ExecutionSuccessful
}

func (o ghOrigin) noSecretIn(t *testing.T, what, text string) {
	t.Helper()
	for k, s := range o.secrets {
		if strings.Contains(text, s) || strings.Contains(text, s[:12]) {
			t.Errorf("%s holds %s", what, k)
		}
	}
}

func sameSet(got []string, want ...string) bool {
	if len(got) != len(want) {
		return false
	}
	m := map[string]bool{}
	for _, g := range got {
		m[g] = true
	}
	for _, w := range want {
		if !m[w] {
			return false
		}
	}
	return true
}

// Hole 1: a push to the default branch scans the history reachable from
// that branch, not the other branches and pull requests in the clone.
func TestActionPushToDefaultScansItsHistory(t *testing.T) {
	t.Parallel()
	o := newOrigin(t)
	ev := o.pushEvent(t, "main", o.rev(t, "main~1"))
	for _, depth := range []int{0, 1} {
		r := runAction(t, o.checkout(t, ev, depth), ev)
		if r.code != 1 || r.outputs["category"] != "keyward-scan/history" || !r.uploads {
			t.Fatalf("depth %d: %s", depth, r)
		}
		if got := sarifPaths(t, r.sarif); !sameSet(got, "settings.env") {
			t.Errorf("depth %d: SARIF points at %v, want only main's settings.env (not the branch's exchange_keys.py, the pull requests' prod.env, deploy.env)", depth, got)
		}
		if !strings.Contains(r.sarif, "removed since, but still in history") {
			t.Errorf("depth %d: settings.env was removed from main: the message must say so", depth)
		}
		o.noSecretIn(t, "SARIF", r.sarif)
		o.noSecretIn(t, "summary", r.summary)
		o.noSecretIn(t, "log", r.log)
	}

	// The audit of every ref is asked for, under its own category.
	r := runAction(t, o.checkout(t, ev, 0), ev, "INPUT_MODE=all-refs")
	if r.code != 1 || r.outputs["category"] != "keyward-scan/all-refs" {
		t.Fatalf("all-refs: %s", r)
	}
	if got := sarifPaths(t, r.sarif); !sameSet(got, "settings.env", "exchange_keys.py", "prod.env", "deploy.env") {
		t.Errorf("all-refs: SARIF points at %v", got)
	}
	// A schedule in mode auto scans the default branch's history too.
	sev := o.scheduleEvent(t)
	r = runAction(t, o.checkout(t, sev, 0), sev)
	if got := sarifPaths(t, r.sarif); r.outputs["category"] != "keyward-scan/history" || !sameSet(got, "settings.env") {
		t.Errorf("schedule: %v\n%s", got, r)
	}
}

// Hole 2: a shallow checkout whose origin cannot be reached never passes
// and never uploads; its SARIF says it did not run to completion.
func TestActionShallowUnreachableOriginFails(t *testing.T) {
	t.Parallel()
	o := newOrigin(t)
	for _, ev := range []event{o.pushEvent(t, "main", o.rev(t, "main~1")), o.scheduleEvent(t), o.prEvent(t, "pull_request", 2, "acme/bot"), o.pushEvent(t, "topic", strings.Repeat("0", 40))} {
		dir := o.checkout(t, ev, 1)
		gitIn(t, dir, "remote", "set-url", "origin", "file:///nonexistent/private.git")
		r := runAction(t, dir, ev)
		if r.code != 2 || r.uploads {
			t.Errorf("%s %s: want exit 2 and no upload: %s", ev.name, ev.ref, r)
			continue
		}
		if !strings.Contains(r.summary, "fetch-depth: 0") || !strings.Contains(r.log, "::error title=keyward scan: incomplete history::") {
			t.Errorf("%s %s: the summary and the log must say what to set:\n%s", ev.name, ev.ref, r)
		}
		if r.sarif != "" && executionSuccessful(t, r.sarif) {
			t.Errorf("%s %s: an incomplete SARIF says executionSuccessful: true", ev.name, ev.ref)
		}
	}
}

// Hole 3: pull_request_target checks out the base branch; the pull
// request's head is fetched by SHA and its commits are scanned.
func TestActionPullRequestTarget(t *testing.T) {
	t.Parallel()
	o := newOrigin(t)
	ev := o.prEvent(t, "pull_request_target", 1, "acme/bot")
	for _, depth := range []int{1, 0} {
		dir := o.checkout(t, ev, depth)
		r := runAction(t, dir, ev)
		if r.code != 1 || r.outputs["findings"] != "1" || !strings.Contains(r.summary, "prod.env") {
			t.Fatalf("depth %d: %s", depth, r)
		}
		if r.uploads || !strings.Contains(r.summary, "pull_request_target") {
			t.Errorf("depth %d: a pull_request_target run must not upload over the base branch's analysis:\n%s", depth, r)
		}
		if !strings.Contains(r.summary, "the pull request's 3 commit(s)") {
			t.Errorf("depth %d: summary does not say what was scanned:\n%s", depth, r.summary)
		}
		// Nothing from the pull request was checked out.
		if _, err := os.Stat(filepath.Join(dir, "prod.env")); err == nil {
			t.Errorf("depth %d: the pull request's files were checked out", depth)
		}
	}
}

// Hole 4: settings come from the base: the config input names a file the
// base lacks (an error that says so), and a pull request's own
// .keyward.toml and .keywardignore switch nothing off.
func TestActionConfigFromBase(t *testing.T) {
	t.Parallel()
	o := newOrigin(t)
	ev := o.prEvent(t, "pull_request", 7, "acme/bot")
	r := runAction(t, o.checkout(t, ev, 1), ev, "INPUT_CONFIG=ci/keyward.toml")
	if r.code != 2 || r.uploads || !strings.Contains(r.summary, "ci/keyward.toml: the file does not exist at") {
		t.Errorf("config the base lacks: %s", r)
	}
	r = runAction(t, o.checkout(t, ev, 1), ev)
	if r.code != 1 || !strings.Contains(r.summary, "deploy.env") {
		t.Errorf("a pull request's own .keyward.toml and .keywardignore must not hide its secret: %s", r)
	}
	if got := sarifPaths(t, r.sarif); !sameSet(got, "settings.env", "deploy.env") {
		t.Errorf("the uploaded history must use the base's settings too: %v", got)
	}
}

// Hole 5: args are split as a shell splits words, and report flags are
// refused however they are spelled.
func TestActionArgsShellWords(t *testing.T) {
	t.Parallel()
	o := newOrigin(t)
	ev := o.pushEvent(t, "main", o.rev(t, "main~1"))
	dir := o.checkout(t, ev, 0)
	r := runAction(t, dir, ev, `INPUT_ARGS=--exclude 'settings.env'`)
	if r.code != 0 || r.outputs["findings"] != "0" {
		t.Errorf("--exclude 'settings.env' must exclude it: %s", r)
	}
	r = runAction(t, dir, ev, `INPUT_ARGS=--include 'nothing/**'`)
	if r.code != 0 || !strings.Contains(r.summary, "0 files were scanned") || !strings.Contains(r.log, "::warning") {
		t.Errorf("a scan of 0 files must warn: %s", r)
	}
	for _, args := range []string{"-fjson", "--format=json", "-qfjson", "--show-secrets", "--report sarif=x", "--since-commit HEAD~1", "'unclosed"} {
		r = runAction(t, dir, ev, "INPUT_ARGS="+args)
		if r.code != 2 || r.uploads || !strings.Contains(r.log, "::error") {
			t.Errorf("args %q: want exit 2 with an error: %s", args, r)
		}
	}
}

func TestActionArgsParsing(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		command, in string
		want        []string
		err         string
	}{
		{"git", `--include 'src/**' --exclude "docs/**"`, []string{"--include", "src/**", "--exclude", "docs/**"}, ""},
		{"git", `--include src/a\ b.py -v`, []string{"--include", "src/a b.py", "-v"}, ""},
		{"git", ``, nil, ""},
		{"dir", `--follow-symlinks`, []string{"--follow-symlinks"}, ""},
		{"git", `--follow-symlinks`, nil, "unknown flag"},
		{"git", `-fjson`, nil, "--format"},
		{"git", `-qf sarif`, nil, "--format"},
		{"git", `--output=x`, nil, "--output"},
		{"git", `--show-secrets`, nil, "--show-secrets"},
		{"git", `--config x.toml`, nil, "config input"},
		{"git", `some/path`, nil, "not a flag"},
		{"git", `--include $HOME`, nil, "$HOME is not expanded"},
		{"git", `--include 'x`, nil, "quote"},
	} {
		got, err := actionArgs(tc.command, tc.in)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s %q: error %v, want one with %q", tc.command, tc.in, err, tc.err)
		case tc.err == "" && err != nil:
			t.Errorf("%s %q: %v", tc.command, tc.in, err)
		case tc.err == "" && strings.Join(got, "\x00") != strings.Join(tc.want, "\x00"):
			t.Errorf("%s %q = %q, want %q", tc.command, tc.in, got, tc.want)
		}
	}
}

// Hole 6: the summary says what was scanned and suppressed, links each
// finding's revoke page, and words warnings.
func TestActionSummaryIsAPage(t *testing.T) {
	t.Parallel()
	o := newOrigin(t)
	ev := o.prEvent(t, "pull_request", 1, "acme/bot")
	r := runAction(t, o.checkout(t, ev, 1), ev)
	for _, want := range []string{
		"**Scanned:** the pull request's 3 commit(s)",
		"**Suppressed:** nothing.",
		"`prod.env:2`",
		"(https://www.binance.com/en/my/settings/api-management)",
		"**What to do:**",
		"uploaded under `keyward-scan/history`",
	} {
		if !strings.Contains(r.summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, r.summary)
		}
	}
	// Warnings are sentences, not JSON.
	dir := o.checkout(t, ev, 1)
	gitIn(t, dir, "remote", "set-url", "origin", "file:///nonexistent/private.git")
	r = runAction(t, dir, ev)
	if strings.Contains(r.summary, `{"kind"`) || !strings.Contains(r.summary, "history is shallow") {
		t.Errorf("warnings must be words:\n%s", r.summary)
	}
	o.noSecretIn(t, "summary", r.summary)
}

// Hole 7: the upload step runs only when a SARIF exists.
func TestActionUploadsOnlyWhatExists(t *testing.T) {
	t.Parallel()
	o := newOrigin(t)
	ev := o.pushEvent(t, "main", o.rev(t, "main~1"))
	r := runAction(t, o.checkout(t, ev, 0), ev, "INPUT_ARGS=--max-file-size nonsense")
	if r.code != 2 || r.uploads || r.outputs["sarif-file"] != "" {
		t.Errorf("a scan that wrote no SARIF must not upload: %s", r)
	}
}

// Pull requests upload under the default branch's category with its
// scope (history reachable from the merge commit), while pass or fail is
// decided by the pull request's own commits; forks do not upload.
func TestActionPullRequestCategory(t *testing.T) {
	t.Parallel()
	o := newOrigin(t)
	for _, tc := range []struct {
		n         int
		headRepo  string
		code      int
		gate      string
		uploaded  []string
		uploads   bool
		forkWords bool
	}{
		{1, "acme/bot", 1, "prod.env", []string{"settings.env", "prod.env"}, true, false},
		{2, "acme/bot", 0, "", []string{"settings.env"}, true, false},
		{3, "forker/bot", 1, "fork.env", nil, false, true},
	} {
		ev := o.prEvent(t, "pull_request", tc.n, tc.headRepo)
		r := runAction(t, o.checkout(t, ev, 1), ev)
		if r.code != tc.code || r.outputs["category"] != "keyward-scan/history" || r.uploads != tc.uploads {
			t.Errorf("PR %d: %s", tc.n, r)
			continue
		}
		if tc.gate != "" && !strings.Contains(r.summary, "`"+tc.gate+":2`") || strings.Contains(r.summary, "`settings.env") {
			t.Errorf("PR %d: the summary must list the pull request's own findings only:\n%s", tc.n, r.summary)
		}
		if tc.uploads {
			if got := sarifPaths(t, r.sarif); !sameSet(got, tc.uploaded...) {
				t.Errorf("PR %d: uploaded SARIF points at %v, want %v", tc.n, got, tc.uploaded)
			}
		}
		if tc.forkWords && !strings.Contains(r.summary, "pull request from a fork") {
			t.Errorf("PR %d: summary must say why nothing is uploaded:\n%s", tc.n, r.summary)
		}
	}
}

// A push to another branch scans its commits not on the default branch.
func TestActionPushToBranch(t *testing.T) {
	t.Parallel()
	o := newOrigin(t)
	ev := o.pushEvent(t, "topic", strings.Repeat("0", 40))
	r := runAction(t, o.checkout(t, ev, 1), ev)
	if r.code != 1 || r.outputs["category"] != "keyward-scan/branch" || !strings.Contains(r.summary, "`exchange_keys.py:2`") || strings.Contains(r.summary, "settings.env") {
		t.Errorf("push to topic: %s", r)
	}
	// fail-on above the finding's severity reports without failing.
	r = runAction(t, o.checkout(t, ev, 0), ev, "INPUT_FAIL_ON=critical", "INPUT_MODE=dir")
	if r.outputs["category"] != "keyward-scan/tree" {
		t.Errorf("dir mode: %s", r)
	}
}
