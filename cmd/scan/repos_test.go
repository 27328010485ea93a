package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/keyward/scan/internal/gittest"
)

type reposJSON struct {
	Findings []struct {
		Path          string `json:"path"`
		RuleID        string `json:"rule_id"`
		Repository    string `json:"repository"`
		RepositoryURL string `json:"repository_url"`
		Commit        struct {
			SHA string `json:"sha"`
		} `json:"commit"`
	} `json:"findings"`
	Stats struct {
		Incomplete bool `json:"incomplete"`
		Warnings   []struct {
			Message string `json:"message"`
		} `json:"warnings"`
	} `json:"stats"`
	Repositories []struct {
		Name     string `json:"name"`
		URL      string `json:"url"`
		Findings int    `json:"findings"`
	} `json:"repositories"`
}

func readReposJSON(t *testing.T, path string) reposJSON {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r reposJSON
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return r
}

// where lists findings as "repo:path", sorted.
func (r reposJSON) where() []string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, f.Repository+":"+f.Path)
	}
	sort.Strings(out)
	return out
}

// manyRepos lays out 20 repositories under one directory: 15 working
// trees and 5 bare ones, every third with a secret, plus a symbolic link
// to a repository outside (not to be followed). It returns the directory
// and the "repo:path" of every secret.
func manyRepos(t *testing.T) (string, []string) {
	t.Helper()
	root := t.TempDir()
	var want []string
	for i := range 20 {
		name := fmt.Sprintf("team%d/svc-%02d", i%3, i)
		dir := filepath.Join(root, name)
		if i >= 15 {
			dir = filepath.Join(t.TempDir(), "src")
		}
		os.MkdirAll(dir, 0o755)
		gittest.Git(t, dir, "init", "-q")
		gittest.Write(t, dir, "README.md", "service "+name+"\n")
		if i%3 == 0 {
			gittest.Write(t, dir, "deploy/app.cfg", gittest.SecretLine("repo-"+name))
		}
		gittest.Commit(t, dir, "init")
		if i >= 15 {
			name += ".git"
			gittest.Git(t, root, "clone", "-q", "--bare", dir, filepath.Join(root, name))
		}
		if i%3 == 0 {
			want = append(want, name+":deploy/app.cfg")
		}
	}
	outside := gittest.NewRepo(t)
	gittest.Write(t, outside, "x.cfg", gittest.SecretLine("outside"))
	gittest.Commit(t, outside, "x")
	if err := os.Symlink(outside, filepath.Join(root, "linked")); err != nil {
		t.Fatal(err)
	}
	sort.Strings(want)
	return root, want
}

func TestReposDirectoryAndIncremental(t *testing.T) {
	t.Parallel()
	root, want := manyRepos(t)
	cache := t.TempDir()
	out := filepath.Join(t.TempDir(), "r.json")
	code, _, errOut := runCLI(t, "repos", root, "--cache", cache, "--format", "json", "-o", out)
	if code != 1 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	r := readReposJSON(t, out)
	if len(r.Repositories) != 20 {
		t.Errorf("%d repositories, want 20: %+v", len(r.Repositories), r.Repositories)
	}
	if got := r.where(); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("findings\n got %v\nwant %v", got, want)
	}
	for _, f := range r.Findings {
		if f.Repository == "" || !strings.HasPrefix(f.RepositoryURL, "file:///") {
			t.Errorf("finding without its repository's URL: %+v", f)
		}
	}
	// A second run reads nothing new and reports nothing again.
	code, _, errOut = runCLI(t, "repos", root, "--cache", cache, "--format", "json", "-o", out)
	if r := readReposJSON(t, out); code != 0 || len(r.Findings) != 0 {
		t.Fatalf("second run: exit %d, %d findings: %s", code, len(r.Findings), errOut)
	}
	// One new secret in one repository: only it is reported.
	dir := filepath.Join(root, "team1/svc-04")
	gittest.Write(t, dir, "new.cfg", gittest.SecretLine("late"))
	gittest.Commit(t, dir, "late")
	code, _, errOut = runCLI(t, "repos", root, "--cache", cache, "--format", "json", "-o", out)
	if got := readReposJSON(t, out).where(); code != 1 || strings.Join(got, " ") != "team1/svc-04:new.cfg" {
		t.Fatalf("third run: exit %d, %v: %s", code, got, errOut)
	}

	// Text: the repository before the path, a line per repository, then
	// totals.
	code, text, _ := runCLI(t, "repos", root, "--no-state", "--cache", cache)
	if code != 1 || !strings.Contains(text, "team0/svc-00: deploy/app.cfg") || !strings.Contains(text, "team0/svc-03: 1 finding") || !strings.Contains(text, "total: scanned") {
		t.Errorf("text report:\n%s", text)
	}
	// SARIF: one run per repository, each with its provenance.
	sarif := filepath.Join(t.TempDir(), "r.sarif")
	runCLI(t, "repos", root, "--no-state", "--cache", cache, "--format", "sarif", "-o", sarif)
	var log struct {
		Runs []struct {
			VersionControl []struct {
				RepositoryURI string `json:"repositoryUri"`
			} `json:"versionControlProvenance"`
			Results []json.RawMessage `json:"results"`
		} `json:"runs"`
	}
	data, _ := os.ReadFile(sarif)
	if err := json.Unmarshal(data, &log); err != nil || len(log.Runs) != 20 {
		t.Fatalf("SARIF: %v, %d runs", err, len(log.Runs))
	}
	results := 0
	for _, run := range log.Runs {
		if len(run.VersionControl) != 1 || !strings.HasPrefix(run.VersionControl[0].RepositoryURI, "file:///") {
			t.Errorf("run without provenance: %+v", run.VersionControl)
		}
		results += len(run.Results)
	}
	if results != len(want)+1 { // and the late one
		t.Errorf("SARIF has %d results, want %d", results, len(want)+1)
	}
}

// fakeOrg serves GitHub's list of an organisation's repositories, one per
// page, whose clone URLs are local bare repositories; the private one is
// listed only to the token.
func fakeOrg(t *testing.T, token string, repos map[string]string, private string) string {
	t.Helper()
	var names []string
	for n := range repos {
		names = append(names, n)
	}
	sort.Strings(names)
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/orgs/acme/repos" {
			http.NotFound(w, r)
			return
		}
		var visible []string
		for _, n := range names {
			if n != private || r.Header.Get("Authorization") == "Bearer "+token {
				visible = append(visible, n)
			}
		}
		page := 1
		fmt.Sscan(r.URL.Query().Get("page"), &page)
		if page < len(visible) {
			w.Header().Set("Link", fmt.Sprintf(`<%s/orgs/acme/repos?page=%d>; rel="next"`, srv.URL, page+1))
		}
		var body []map[string]any
		if page >= 1 && page <= len(visible) {
			n := visible[page-1]
			body = append(body, map[string]any{"full_name": "acme/" + n, "clone_url": repos[n], "private": n == private})
		}
		json.NewEncoder(w).Encode(body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func bareRepo(t *testing.T, secret bool) string {
	t.Helper()
	src := gittest.NewRepo(t)
	gittest.Write(t, src, "README.md", "hi\n")
	if secret {
		gittest.Write(t, src, "conf.cfg", gittest.SecretLine("org-"+src))
	}
	gittest.Commit(t, src, "init")
	bare := filepath.Join(t.TempDir(), "r.git")
	gittest.Git(t, src, "clone", "-q", "--bare", src, bare)
	return "file://" + bare
}

func TestReposGitHubOrg(t *testing.T) {
	const token = "test-token-not-a-secret"
	api := fakeOrg(t, token, map[string]string{
		"api":    bareRepo(t, false),
		"bot":    bareRepo(t, true),
		"broken": "file://" + filepath.Join(t.TempDir(), "gone.git"),
		"infra":  bareRepo(t, true),
	}, "infra")
	cache := t.TempDir()
	out := filepath.Join(t.TempDir(), "org.json")

	t.Setenv("GITHUB_TOKEN", "")
	code, _, errOut := runCLI(t, "repos", "--github-org", "acme", "--github-api-url", api, "--cache", cache, "--format", "json", "-o", out)
	r := readReposJSON(t, out)
	if code != 1 || strings.Join(r.where(), " ") != "acme/bot:conf.cfg" || !strings.Contains(errOut, "GITHUB_TOKEN is not set") {
		t.Fatalf("without token: exit %d, %v: %s", code, r.where(), errOut)
	}
	named := false
	for _, w := range r.Stats.Warnings {
		named = named || strings.Contains(w.Message, "acme/broken")
	}
	if !r.Stats.Incomplete || !named || len(r.Repositories) != 3 {
		t.Errorf("a failed clone must be named and make the scan incomplete: %+v", r.Stats)
	}
	// A mirror already in the cache is fetched, not cloned again.
	var mirror string
	entries, _ := os.ReadDir(cache)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "acme_bot-") {
			mirror = filepath.Join(cache, e.Name())
		}
	}
	marker := filepath.Join(mirror, "kept")
	if err := os.WriteFile(marker, nil, 0o600); err != nil {
		t.Fatal(err)
	}

	t.Setenv("GITHUB_TOKEN", token)
	code, _, errOut = runCLI(t, "repos", "--github-org", "acme", "--github-api-url", api, "--cache", cache, "--format", "json", "-o", out)
	r = readReposJSON(t, out)
	if code != 1 || strings.Join(r.where(), " ") != "acme/infra:conf.cfg" || len(r.Repositories) != 4 {
		t.Fatalf("with token: exit %d, %v, %d repositories: %s", code, r.where(), len(r.Repositories), errOut)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Errorf("the mirror was cloned again: %v", err)
	}
	// Only the broken one left: nothing found, incomplete, exit 2.
	code, _, _ = runCLI(t, "repos", "--github-org", "acme", "--github-api-url", api, "--cache", cache, "--format", "json", "-o", out)
	if code != 2 {
		t.Errorf("incomplete clean scan: exit %d, want 2", code)
	}
}

// TestShardsThenMergeEqualOneRun: the shards of a set partition it, and
// merging their reports gives what one unsharded run reports, in JSON and
// in SARIF.
func TestShardsThenMergeEqualOneRun(t *testing.T) {
	t.Parallel()
	root, _ := manyRepos(t)
	cache, tmp := t.TempDir(), t.TempDir()
	scanTo := func(format, out string, extra ...string) {
		t.Helper()
		args := append([]string{"repos", root, "--no-state", "--cache", cache, "--format", format, "-o", out}, extra...)
		if code, _, errOut := runCLI(t, args...); code != 1 && code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
	}
	const n = 3
	for _, format := range []string{"json", "sarif"} {
		whole := filepath.Join(tmp, "whole."+format)
		scanTo(format, whole)
		var shards []string
		for k := 1; k <= n; k++ {
			p := filepath.Join(tmp, fmt.Sprintf("shard-%d.%s", k, format))
			scanTo(format, p, "--shard", fmt.Sprintf("%d/%d", k, n))
			shards = append(shards, p)
		}
		merged := filepath.Join(tmp, "merged."+format)
		// A shard given twice must not count twice.
		args := append([]string{"merge", "-o", merged}, append(shards, shards[0])...)
		if code, _, errOut := runCLI(t, args...); code != 1 {
			t.Fatalf("merge: exit %d: %s", code, errOut)
		}
		if a, b := comparable(t, format, whole), comparable(t, format, merged); a != b {
			t.Errorf("%s: merged shards differ from one run:\n%s\n---\n%s", format, b, a)
		}
	}
	// Every repository is in exactly one shard.
	owner := map[string]int{}
	for k := 1; k <= n; k++ {
		_, list, _ := runCLI(t, "repos", root, "--list-only", "--shard", fmt.Sprintf("%d/%d", k, n))
		for _, line := range strings.Split(strings.TrimSpace(list), "\n") {
			if line == "" {
				continue
			}
			name, _, _ := strings.Cut(line, "\t")
			if owner[name] != 0 {
				t.Errorf("%s in shards %d and %d", name, owner[name], k)
			}
			owner[name] = k
		}
	}
	if len(owner) != 20 {
		t.Errorf("shards cover %d of 20 repositories", len(owner))
	}
}

// comparable is a report without what differs between runs (durations).
func comparable(t *testing.T, format, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	if format == "json" {
		delete(v["stats"].(map[string]any), "duration_ms")
	} else {
		for _, r := range v["runs"].([]any) {
			run := r.(map[string]any)
			for _, inv := range run["invocations"].([]any) {
				m := inv.(map[string]any)
				delete(m, "startTimeUtc")
				delete(m, "endTimeUtc")
			}
			if p, ok := run["properties"].(map[string]any); ok {
				delete(p, "durationMs")
				delete(p, "duration_ms")
			}
		}
	}
	out, _ := json.MarshalIndent(v, "", " ")
	return string(out)
}
