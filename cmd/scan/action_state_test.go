package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// sarifFindings lists a SARIF's results as rule, place and fingerprints,
// sorted: what code scanning matches alerts on.
func sarifFindings(t *testing.T, sarif string) []string {
	t.Helper()
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID string `json:"id"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleIndex           *int            `json:"ruleIndex"`
				RuleID              string          `json:"ruleId"`
				PartialFingerprints json.RawMessage `json:"partialFingerprints"`
				Locations           []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine int }
					}
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(sarif), &log); err != nil {
		t.Fatalf("SARIF: %v", err)
	}
	var out []string
	rules := log.Runs[0].Tool.Driver.Rules
	for _, r := range log.Runs[0].Results {
		if r.RuleIndex != nil && (*r.RuleIndex < 0 || *r.RuleIndex >= len(rules) || rules[*r.RuleIndex].ID != r.RuleID) {
			t.Errorf("result of %s has ruleIndex %d, not its rule's", r.RuleID, *r.RuleIndex)
		}
		l := r.Locations[0].PhysicalLocation
		out = append(out, fmt.Sprintf("%s %s:%d %s", r.RuleID, l.ArtifactLocation.URI, l.Region.StartLine, r.PartialFingerprints))
	}
	sort.Strings(out)
	return out
}

var commitsRead = regexp.MustCompile(`file version\(s\) in (\d+) commit\(s\)`)

func summaryCommits(t *testing.T, r actionRun) int {
	t.Helper()
	m := commitsRead.FindStringSubmatch(r.summary)
	if m == nil {
		t.Fatalf("no commit count in the summary: %s", r)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// The Action's history scan with a cached state: after one new commit it
// reads that commit only, and reports and uploads what a full scan does
// (the findings of earlier runs come from the cache, not from nowhere).
// A damaged state is named and the history scanned again in full.
func TestActionIncrementalHistory(t *testing.T) {
	t.Parallel()
	o := newOrigin(t)
	ev := o.pushEvent(t, "main", o.rev(t, "main~1"))
	dir := o.checkout(t, ev, 0)
	cache := t.TempDir()
	first := runAction(t, dir, ev, "INPUT_STATE_DIR="+cache)
	if first.code != 1 || !sameSet(sarifPaths(t, first.sarif), "settings.env") {
		t.Fatalf("first run: %s", first)
	}
	if _, err := os.Stat(filepath.Join(cache, "history.state")); err != nil {
		t.Fatalf("no state saved: %v", err)
	}

	key, sec := randomSecret(), randomSecret()
	if err := os.WriteFile(filepath.Join(dir, "new.env"), []byte("BINANCE_API_KEY="+key+"\nBINANCE_API_SECRET="+sec+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	gitIn(t, dir, "add", "new.env")
	gitIn(t, dir, "-c", "user.name=Dev", "-c", "user.email=dev@example.com", "commit", "-q", "-m", "new env")

	inc := runAction(t, dir, ev, "INPUT_STATE_DIR="+cache)
	full := runAction(t, dir, ev, "INPUT_STATE_DIR="+t.TempDir())
	off := runAction(t, dir, ev, "INPUT_STATE_DIR="+t.TempDir(), "INPUT_INCREMENTAL=false")
	for name, r := range map[string]actionRun{"incremental": inc, "full": full, "incremental=false": off} {
		if r.code != 1 || !r.uploads || !sameSet(sarifPaths(t, r.sarif), "settings.env", "new.env") {
			t.Errorf("%s: %s", name, r)
		}
		if strings.Contains(r.sarif+r.summary+r.log, key) || strings.Contains(r.sarif+r.summary+r.log, sec[:12]) {
			t.Errorf("%s: a secret is printed", name)
		}
	}
	for _, name := range []string{"history.json", "history.sarif", "history.state"} {
		data, err := os.ReadFile(filepath.Join(cache, name))
		if err != nil || strings.Contains(string(data), key) || strings.Contains(string(data), sec[:12]) || strings.Contains(string(data), o.secrets["OLD_SEC"][:12]) {
			t.Errorf("cached %s: a secret is stored, or %v", name, err)
		}
	}
	if a, b := sarifFindings(t, inc.sarif), sarifFindings(t, full.sarif); strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Errorf("incremental SARIF results\n%s\nwant the full scan's\n%s", strings.Join(a, "\n"), strings.Join(b, "\n"))
	}
	if inc.outputs["findings"] != full.outputs["findings"] || strings.Count(inc.summary, "| high |")+strings.Count(inc.summary, "| critical |") !=
		strings.Count(full.summary, "| high |")+strings.Count(full.summary, "| critical |") {
		t.Errorf("incremental reports %s finding(s), the full scan %s:\n%s\n%s", inc.outputs["findings"], full.outputs["findings"], inc.summary, full.summary)
	}
	if n, all := summaryCommits(t, inc), summaryCommits(t, full); n != 1 || all <= n {
		t.Errorf("incremental run read %d commit(s), full %d: want 1 and more", n, all)
	}
	if !strings.Contains(inc.summary, "incremental history scan") {
		t.Errorf("the summary must say the scan was incremental:\n%s", inc.summary)
	}

	// A damaged state: named, deleted, the history scanned in full.
	if err := os.WriteFile(filepath.Join(cache, "history.state"), []byte("not a state"), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := runAction(t, dir, ev, "INPUT_STATE_DIR="+cache)
	if bad.code != 1 || !strings.Contains(bad.summary, "could not be read") || summaryCommits(t, bad) != summaryCommits(t, full) {
		t.Errorf("damaged state: %s", bad)
	}
	if a, b := sarifFindings(t, bad.sarif), sarifFindings(t, full.sarif); strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Errorf("after a damaged state, SARIF results %v, want %v", a, b)
	}
	// A state without the findings it reported would hide them: not used.
	if err := os.Remove(filepath.Join(cache, "history.json")); err != nil {
		t.Fatal(err)
	}
	lost := runAction(t, dir, ev, "INPUT_STATE_DIR="+cache)
	if lost.code != 1 || summaryCommits(t, lost) != summaryCommits(t, full) || !sameSet(sarifPaths(t, lost.sarif), "settings.env", "new.env") {
		t.Errorf("state without findings: %s", lost)
	}
}

// A pull request's gate is a range scan: the state never touches it. Its
// upload scan (the history reachable from the merge commit) starts from
// the default branch's state and uploads what a full scan would.
func TestActionIncrementalPullRequestUpload(t *testing.T) {
	t.Parallel()
	o := newOrigin(t)
	push := o.pushEvent(t, "main", o.rev(t, "main~1"))
	cache := t.TempDir()
	if r := runAction(t, o.checkout(t, push, 0), push, "INPUT_STATE_DIR="+cache); r.code != 1 {
		t.Fatalf("push: %s", r)
	}
	ev := o.prEvent(t, "pull_request", 1, "acme/bot")
	inc := runAction(t, o.checkout(t, ev, 1), ev, "INPUT_STATE_DIR="+cache)
	full := runAction(t, o.checkout(t, ev, 1), ev, "INPUT_STATE_DIR="+t.TempDir())
	for name, r := range map[string]actionRun{"with state": inc, "without": full} {
		if r.code != 1 || !r.uploads || !strings.Contains(r.summary, "`prod.env:2`") || strings.Contains(r.summary, "`settings.env") {
			t.Errorf("%s: the gate must be the pull request's commits: %s", name, r)
		}
	}
	if a, b := sarifFindings(t, inc.sarif), sarifFindings(t, full.sarif); strings.Join(a, "\n") != strings.Join(b, "\n") || len(a) == 0 {
		t.Errorf("uploaded SARIF with state\n%v\nwant\n%v", a, b)
	}
	uploaded := regexp.MustCompile(`merge commit \((\d+) commit\(s\)`)
	mi, mf := uploaded.FindStringSubmatch(inc.summary), uploaded.FindStringSubmatch(full.summary)
	if mi == nil || mf == nil {
		t.Fatalf("no upload counts:\n%s\n%s", inc.summary, full.summary)
	}
	if ni, nf := mi[1], mf[1]; len(ni) == 0 || ni >= nf && len(ni) >= len(nf) {
		t.Errorf("upload scan read %s commit(s) with the state, %s without", ni, nf)
	}
}
