package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The Action's self-test, reproduced locally: .github/action/run.sh runs
// against fixture repositories with the environment GitHub gives it (an
// event payload, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY) and this test binary
// standing in for the scan binary.

type actionRun struct {
	code    int
	log     string
	summary string
	outputs map[string]string
	sarif   string
}

// runAction runs the Action's script in dir for event, with payload as
// the event's JSON and env as the inputs.
func runAction(t *testing.T, dir, event, ref string, payload map[string]any, env ...string) actionRun {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the Action's script end to end (slow)")
	}
	for _, tool := range []string{"bash", "jq", "git"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the Action needs %s", tool)
		}
	}
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
	data, _ := json.Marshal(payload)
	os.WriteFile(eventPath, data, 0o644)
	outPath, sumPath := filepath.Join(tmp, "output"), filepath.Join(tmp, "summary.md")

	cmd := exec.Command("bash", script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"KEYWARD_TEST_AS_SCAN=1", "SCAN_BIN="+self,
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"RUNNER_TEMP="+tmp, "GITHUB_EVENT_NAME="+event, "GITHUB_EVENT_PATH="+eventPath,
		"GITHUB_REF="+ref, "GITHUB_REPOSITORY=acme/bot",
		"GITHUB_OUTPUT="+outPath, "GITHUB_STEP_SUMMARY="+sumPath,
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
		s, _ := os.ReadFile(p)
		r.sarif = string(s)
	}
	return r
}

// origin builds the "GitHub" repository: main with a clean history, and
// returns its path.
func origin(t *testing.T) string {
	dir := gitRepo(t)
	writeFiles(t, dir, map[string]string{"README.md": "# bot\n", "bot.py": "print('hello')\n"})
	gitIn(t, dir, "add", ".")
	gitIn(t, dir, "commit", "-q", "-m", "initial")
	return dir
}

// commitFile commits one file in dir.
func commitFile(t *testing.T, dir, name, body, msg string) {
	writeFiles(t, dir, map[string]string{name: body})
	gitIn(t, dir, "add", name)
	gitIn(t, dir, "commit", "-q", "-m", msg)
}

// shallowCheckout does what actions/checkout does by default: fetch one
// commit of ref at depth 1 and check it out.
func shallowCheckout(t *testing.T, origin, ref string) string {
	dir := t.TempDir()
	gitIn(t, dir, "init", "-q")
	gitIn(t, dir, "remote", "add", "origin", "file://"+origin)
	gitIn(t, dir, "fetch", "-q", "--no-tags", "--depth=1", "origin", "+"+ref+":refs/remotes/origin/checkout")
	gitIn(t, dir, "checkout", "-q", "--detach", "refs/remotes/origin/checkout")
	return dir
}

func noSecretIn(t *testing.T, what, text string) {
	t.Helper()
	for _, s := range []string{awsSecret, awsKeyID, githubToken, awsSecret[:10], githubToken[4:16]} {
		if strings.Contains(text, s) {
			t.Errorf("%s holds a secret (%.6s…)", what, s)
		}
	}
}

var repoPayload = map[string]any{"default_branch": "main", "full_name": "acme/bot"}

func TestActionCleanTreePasses(t *testing.T) {
	t.Parallel()
	o := origin(t)
	r := runAction(t, shallowCheckout(t, o, "refs/heads/main"), "schedule", "refs/heads/main",
		map[string]any{"repository": repoPayload})
	if r.code != 0 {
		t.Fatalf("clean repository: exit %d\n%s", r.code, r.log)
	}
	if r.outputs["findings"] != "0" || r.outputs["category"] != "keyward-scan/history" || r.outputs["upload"] != "true" {
		t.Errorf("outputs = %v", r.outputs)
	}
	if !strings.Contains(r.summary, "No secrets found") || !strings.Contains(r.summary, "the checkout was shallow") {
		t.Errorf("summary:\n%s", r.summary)
	}
	if !strings.Contains(r.sarif, `"results": []`) {
		t.Errorf("the SARIF of a clean scan must hold an empty results array:\n%.400s", r.sarif)
	}
}

func TestActionFailsOnPlantedKey(t *testing.T) {
	t.Parallel()
	o := origin(t)
	// A key committed and later removed: only the history has it.
	commitFile(t, o, "deploy/credentials", "aws_access_key_id = "+awsKeyID+"\naws_secret_access_key = "+awsSecret+"\n", "add deploy credentials")
	gitIn(t, o, "rm", "-q", "deploy/credentials")
	gitIn(t, o, "commit", "-q", "-m", "remove credentials")

	r := runAction(t, shallowCheckout(t, o, "refs/heads/main"), "push", "refs/heads/main",
		map[string]any{"repository": repoPayload, "before": strings.Repeat("0", 40)})
	if r.code != 1 {
		t.Fatalf("planted key: exit %d, want 1\n%s", r.code, r.log)
	}
	if r.outputs["findings"] != "1" || r.outputs["category"] != "keyward-scan/history" {
		t.Errorf("outputs = %v", r.outputs)
	}
	if !strings.Contains(r.summary, "| critical | aws-secret-access-key | deploy/credentials | 2 |") || !strings.Contains(r.summary, "`GRj3…`") {
		t.Errorf("summary table:\n%s", r.summary)
	}
	if !strings.Contains(r.log, "::error file=deploy/credentials,line=2") {
		t.Errorf("no annotation in the log:\n%s", r.log)
	}
	noSecretIn(t, "SARIF", r.sarif)
	noSecretIn(t, "summary", r.summary)
	noSecretIn(t, "log", r.log)
	if !strings.Contains(r.sarif, "removed since, but still in history") {
		t.Errorf("the SARIF does not say the key is only in history")
	}

	// fail-on at the finding's severity still fails.
	r = runAction(t, shallowCheckout(t, o, "refs/heads/main"), "schedule", "refs/heads/main",
		map[string]any{"repository": repoPayload}, "INPUT_FAIL_ON=critical", "INPUT_ARGS=--min-severity info")
	if r.code != 1 {
		t.Errorf("fail-on critical with a critical finding: exit %d", r.code)
	}
	// No report flags or --show-secrets through args.
	r = runAction(t, shallowCheckout(t, o, "refs/heads/main"), "schedule", "refs/heads/main",
		map[string]any{"repository": repoPayload}, "INPUT_ARGS=--show-secrets")
	if r.code != 2 {
		t.Errorf("args --show-secrets: exit %d, want 2", r.code)
	}
}

// prRepo returns an origin whose main already holds an old leak, and a
// pull request (refs/pull/1/head, refs/pull/1/merge) that adds a token.
func prRepo(t *testing.T) string {
	o := origin(t)
	commitFile(t, o, "legacy.env", "AWS_ACCESS_KEY_ID="+awsKeyID+"\nAWS_SECRET_ACCESS_KEY="+awsSecret+"\n", "legacy settings")
	gitIn(t, o, "checkout", "-q", "-b", "feature")
	commitFile(t, o, "ci/release.sh", "export GITHUB_TOKEN="+githubToken+"\n", "release script")
	commitFile(t, o, "ci/notes.md", "release notes\n", "notes")
	gitIn(t, o, "checkout", "-q", "main")
	commitFile(t, o, "CHANGELOG.md", "# changes\n", "main moves on")
	gitIn(t, o, "update-ref", "refs/pull/1/head", "feature")
	gitIn(t, o, "checkout", "-q", "--detach", "main")
	gitIn(t, o, "merge", "-q", "--no-ff", "-m", "Merge feature into main", "feature")
	gitIn(t, o, "update-ref", "refs/pull/1/merge", "HEAD")
	gitIn(t, o, "checkout", "-q", "main")
	return o
}

func TestActionPullRequestScansItsCommits(t *testing.T) {
	t.Parallel()
	o := prRepo(t)
	payload := map[string]any{
		"repository": repoPayload,
		"pull_request": map[string]any{
			"base": map[string]any{"ref": "main", "sha": "0123456789012345678901234567890123456789"},
			"head": map[string]any{"repo": map[string]any{"full_name": "acme/bot"}},
		},
	}
	r := runAction(t, shallowCheckout(t, o, "refs/pull/1/merge"), "pull_request", "refs/pull/1/merge", payload)
	if r.code != 1 {
		t.Fatalf("pull request adding a token: exit %d\n%s\n%s", r.code, r.log, r.summary)
	}
	if r.outputs["findings"] != "1" || !strings.Contains(r.summary, "ci/release.sh") || strings.Contains(r.summary, "legacy.env") {
		t.Errorf("a pull request scan must report its own commits only:\n%s", r.summary)
	}
	if r.outputs["category"] != "keyward-scan/pull-request" || r.outputs["upload"] != "true" {
		t.Errorf("outputs = %v", r.outputs)
	}
	if !strings.Contains(r.summary, "scanned the pull request's commits: 2 commit(s)") {
		t.Errorf("summary does not say what was scanned:\n%s", r.summary)
	}
	noSecretIn(t, "SARIF", r.sarif)

	// A workflow that checks out the pull request's head instead of the
	// test merge: the base comes from the payload (and the base branch).
	out, err := exec.Command("git", "-C", o, "rev-parse", "main").Output()
	if err != nil {
		t.Fatal(err)
	}
	payload["pull_request"].(map[string]any)["base"] = map[string]any{"ref": "main", "sha": strings.TrimSpace(string(out))}
	r = runAction(t, shallowCheckout(t, o, "refs/pull/1/head"), "pull_request", "refs/pull/1/merge", payload)
	if r.code != 1 || r.outputs["findings"] != "1" || !strings.Contains(r.summary, "scanned the pull request's commits: 2 commit(s)") {
		t.Errorf("head checkout: exit %d, outputs %v\n%s\n%s", r.code, r.outputs, r.summary, r.log)
	}

	// The same pull request from a fork: no upload, still a failure.
	payload["pull_request"].(map[string]any)["head"] = map[string]any{"repo": map[string]any{"full_name": "mallory/bot"}}
	r = runAction(t, shallowCheckout(t, o, "refs/pull/1/merge"), "pull_request", "refs/pull/1/merge", payload)
	if r.code != 1 || r.outputs["upload"] != "false" || !strings.Contains(r.summary, "pull request from a fork") {
		t.Errorf("fork: exit %d, outputs %v\n%s", r.code, r.outputs, r.summary)
	}
}

func TestActionPushToBranchScansCommitsNotOnDefault(t *testing.T) {
	t.Parallel()
	o := prRepo(t)
	r := runAction(t, shallowCheckout(t, o, "refs/heads/feature"), "push", "refs/heads/feature",
		map[string]any{"repository": repoPayload, "before": strings.Repeat("0", 40)})
	if r.code != 1 || r.outputs["category"] != "keyward-scan/branch" {
		t.Fatalf("push to a new branch: exit %d, outputs %v\n%s", r.code, r.outputs, r.log)
	}
	if !strings.Contains(r.summary, "ci/release.sh") || strings.Contains(r.summary, "legacy.env") {
		t.Errorf("a branch push must report the branch's own commits only:\n%s", r.summary)
	}
	if !strings.Contains(r.summary, "not on main: 2 commit(s)") {
		t.Errorf("summary:\n%s", r.summary)
	}

	// The token is high, below a fail-on of critical: reported, not failing.
	r = runAction(t, shallowCheckout(t, o, "refs/heads/feature"), "push", "refs/heads/feature",
		map[string]any{"repository": repoPayload, "before": strings.Repeat("0", 40)}, "INPUT_FAIL_ON=critical")
	if r.code != 0 || r.outputs["findings"] != "1" || !strings.Contains(r.summary, "0 at or above `critical`") {
		t.Errorf("fail-on critical with a high finding: exit %d, outputs %v\n%s", r.code, r.outputs, r.summary)
	}

	// mode dir scans the checked-out tree, under its own category.
	r = runAction(t, shallowCheckout(t, o, "refs/heads/main"), "push", "refs/heads/main",
		map[string]any{"repository": repoPayload}, "INPUT_MODE=dir")
	if r.code != 1 || r.outputs["category"] != "keyward-scan/tree" || !strings.Contains(r.summary, "legacy.env") {
		t.Errorf("dir mode: exit %d, outputs %v\n%s", r.code, r.outputs, r.summary)
	}
}
