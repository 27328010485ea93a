package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/keyward/scan/internal/gittest"
)

// pipelineFixture is a tree every door of the pipeline can scan: four
// secrets, each meant for one step. accepted/.env is in the baseline,
// allowed/.env is in the config's allowlist, copied/app.cfg repeats the
// sample in docs/setup.md (rated as documentation, then dropped by
// --min-severity medium; a .env would keep its own rating), and new/.env
// is a leak no step may hide.
func pipelineFixture(t *testing.T) (dir, base string) {
	t.Helper()
	tok := func(seed string) string { return "GITHUB_TOKEN=" + gittest.FakeToken(seed) + "\n" }
	dir = gittest.NewRepo(t)
	for rel, body := range map[string]string{
		"accepted/.env":  tok("accepted"),
		"allowed/.env":   tok("allowed"),
		"copied/app.cfg": tok("sample"),
		"docs/setup.md":  "Set your token:\n\n    " + tok("sample"),
		"new/.env":       tok("new"),
		".keyward.toml":  "[[allowlist]]\ndescription = \"a fixture\"\npaths = [\"allowed/**\"]\n",
	} {
		gittest.Write(t, dir, rel, body)
		// Private files: the home audit raises what others can read.
		os.Chmod(filepath.Join(dir, rel), 0o600)
	}
	// The baseline accepts the first secret wherever it stands.
	other := t.TempDir()
	gittest.Write(t, other, "old.env", tok("accepted"))
	base = filepath.Join(t.TempDir(), "baseline.json")
	if code, _, errOut := runCLI(t, "baseline", "create", other, "--output", base); code != 0 {
		t.Fatalf("baseline create: exit %d: %s", code, errOut)
	}
	return dir, base
}

// TestEveryDoorRunsThePipeline runs every scanning command on the same
// tree with a baseline, a config allowlist and a documentation sample:
// each must apply all three, so that the next command cannot forget one.
func TestEveryDoorRunsThePipeline(t *testing.T) {
	t.Parallel()
	gittest.NeedGit(t)
	dir, base := pipelineFixture(t)
	gittest.Git(t, dir, "add", "-A")
	staged := []string{"staged", dir}

	gittest.Commit(t, dir, "add the bot")
	doors := []struct {
		name string
		args []string
	}{
		{"dir", []string{"dir", dir}},
		{"git", []string{"git", dir}},
		{"pre-push", []string{"pre-push", dir}},
		{"home", []string{"home", dir, "--no-progress"}},
	}
	// staged needs the index before the commit: run it on a clone whose
	// changes are staged, not committed.
	clone := gittest.NewRepo(t)
	for _, rel := range []string{"accepted/.env", "allowed/.env", "copied/app.cfg", "docs/setup.md", "new/.env", ".keyward.toml"} {
		data, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		gittest.Write(t, clone, rel, string(data))
		os.Chmod(filepath.Join(clone, rel), 0o600)
	}
	gittest.Git(t, clone, "add", "-A")
	staged[1] = clone
	doors = append(doors, struct {
		name string
		args []string
	}{"staged", staged})

	for _, d := range doors {
		t.Run(d.name, func(t *testing.T) {
			args := append(d.args, "--baseline", base, "--min-severity", "medium", "--format", "json")
			code, out, errOut := runCLI(t, args...)
			if code != 1 {
				t.Fatalf("exit %d, want 1: %s", code, errOut)
			}
			var rep struct {
				Findings []struct {
					Path string `json:"path"`
				} `json:"findings"`
				Stats struct {
					Suppressed map[string]int `json:"suppressed"`
				} `json:"stats"`
			}
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			var paths []string
			for _, f := range rep.Findings {
				paths = append(paths, f.Path)
			}
			if got := strings.Join(paths, " "); got != "new/.env" {
				t.Errorf("findings at %q, want only new/.env (baseline, allowlist and documentation value applied)", got)
			}
			for _, filter := range []string{"baseline", "config"} {
				if rep.Stats.Suppressed[filter] == 0 {
					t.Errorf("nothing counted as suppressed by %s: %v", filter, rep.Stats.Suppressed)
				}
			}
		})
	}

	t.Run("baseline", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "b.json")
		if code, _, errOut := runCLI(t, "baseline", "create", dir, "--output", out, "--min-severity", "medium"); code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		var b struct {
			Entries []struct {
				Path string `json:"path"`
			} `json:"entries"`
		}
		if err := json.Unmarshal(data, &b); err != nil {
			t.Fatal(err)
		}
		var paths []string
		for _, e := range b.Entries {
			paths = append(paths, e.Path)
		}
		sort.Strings(paths)
		if got := strings.Join(paths, " "); got != "accepted/.env new/.env" {
			t.Errorf("baseline entries at %q, want accepted/.env new/.env (allowlist and documentation value applied)", got)
		}
	})
}

// TestMissingBaselineIsAnError: a baseline that is not there accepts
// nothing, and saying nothing would make every finding look new.
func TestMissingBaselineIsAnError(t *testing.T) {
	t.Parallel()
	dir := leakyDir(t)
	missing := filepath.Join(t.TempDir(), "nope.json")
	for _, cmd := range [][]string{{"dir", dir}, {"home", dir, "--no-progress"}} {
		code, _, errOut := runCLI(t, append(cmd, "--baseline", missing)...)
		if code != 2 || !strings.Contains(errOut, "nope.json") {
			t.Errorf("%s: exit %d, want 2 naming the file; stderr %q", cmd[0], code, errOut)
		}
	}
}
