package baseline

import (
	"strings"
	"testing"

	"github.com/keyward/scan/detectors"
)

func TestGitleaksIgnoreImport(t *testing.T) {
	sha := "3f6c1e2a9b8d7c6e5f4a3b2c1d0e9f8a7b6c5d4e"
	file := "# reviewed 2025-03\n\n" +
		sha + ":config/app.env:generic-api-key:3\n" +
		"deploy/k8s:prod.yaml:github-pat:12\n" +
		"gone.env:aws-access-token:1\n" +
		"not a fingerprint\n" +
		"a.env:rule:zero\n"
	entries, bad := ParseGitleaksIgnore([]byte(file))
	if len(entries) != 3 || len(bad) != 2 {
		t.Fatalf("entries %+v, bad %q", entries, bad)
	}
	if e := entries[1]; e.Commit != "" || e.File != "deploy/k8s:prod.yaml" || e.Rule != "github-pat" || e.Line != 12 {
		t.Errorf("a file name with ':' is read from the right: %+v", e)
	}
	fs := []detectors.Finding{
		{RuleID: "generic-secret", Location: detectors.Location{Path: "config/app.env", StartLine: 3}, Commit: &detectors.Commit{SHA: sha}},
		{RuleID: "github-token", Location: detectors.Location{Path: "deploy/k8s:prod.yaml", StartLine: 12}},
		{RuleID: "github-token", Location: detectors.Location{Path: "deploy/k8s:prod.yaml", StartLine: 13}},
		{RuleID: "generic-secret", Location: detectors.Location{Path: "config/app.env", StartLine: 3}, Commit: &detectors.Commit{SHA: "0000000000000000000000000000000000000000"}},
	}
	matched, unmatched := MatchIgnore(entries, fs)
	if len(matched) != 2 || matched[0].Commit == nil || matched[1].StartLine != 12 {
		t.Errorf("matched %+v", matched)
	}
	if len(unmatched) != 1 || !strings.Contains(unmatched[0], "line 5: gone.env:aws-access-token:1: no finding") {
		t.Errorf("unmatched %q", unmatched)
	}
}
