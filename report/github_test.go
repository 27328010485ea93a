package report

import (
	"fmt"
	"strings"
	"testing"

	"github.com/keyward/scan/detectors"
)

func TestGitHubEscaping(t *testing.T) {
	tests := []struct{ in, data, prop string }{
		{"plain", "plain", "plain"},
		{"100%", "100%25", "100%25"},
		{"a\r\nb", "a%0D%0Ab", "a%0D%0Ab"},
		{"c:/x,y", "c:/x,y", "c%3A/x%2Cy"},
		// '%' is escaped first, or the escapes themselves would be.
		{"%0A", "%250A", "%250A"},
	}
	for _, tt := range tests {
		if got := escapeData(tt.in); got != tt.data {
			t.Errorf("escapeData(%q) = %q, want %q", tt.in, got, tt.data)
		}
		if got := escapeProperty(tt.in); got != tt.prop {
			t.Errorf("escapeProperty(%q) = %q, want %q", tt.in, got, tt.prop)
		}
	}
}

func TestGitHubAnnotations(t *testing.T) {
	fs := testFindings()
	// A path that would end the property list unescaped.
	fs[1].Path = "config/bot,prod:eu.json"
	out := write(t, "github", fs, testStats(), testOptions())
	lines := strings.Split(out, "\n")
	want := "::error file=config/bot%2Cprod%3Aeu.json,line=4,col=15,endColumn=79,title=Binance API secret (critical)::Binance API secret NhqP…. "
	if !strings.HasPrefix(lines[1], want) {
		t.Errorf("second annotation:\n%s\nwant prefix\n%s", lines[1], want)
	}
	if !strings.Contains(out, "::error file=deploy/my keys/id_rsa,line=1,endLine=4,title=RSA private key (high)::") {
		t.Errorf("multi-line finding annotated without its end line:\n%s", out)
	}
	for _, l := range lines {
		if strings.HasPrefix(l, "::") && strings.Count(l, "::") != 2 {
			t.Errorf("annotation with a stray '::': %q", l)
		}
	}
}

func TestGitHubAnnotationLimits(t *testing.T) {
	var fs []detectors.Finding
	add := func(n int, sev detectors.Severity) {
		for i := range n {
			fs = append(fs, detectors.Finding{RuleID: "r-" + sev.String(), Title: "T", Severity: sev,
				Location: detectors.Location{Path: fmt.Sprintf("%s/%d.env", sev, i), StartLine: 1, StartColumn: 1, EndLine: 1, EndColumn: 20},
				Secret:   fmt.Sprintf("secretvalue-%s-%d", sev, i)})
		}
	}
	// Low first in input order: the writer must still annotate the
	// critical ones.
	add(15, detectors.Low)
	add(15, detectors.Medium)
	add(25, detectors.Critical)
	out := write(t, "github", fs, testStats(), testOptions())
	count := map[string]int{}
	firstType := ""
	for _, l := range strings.Split(out, "\n") {
		if typ, _, ok := strings.Cut(l, " "); ok && strings.HasPrefix(typ, "::") {
			count[typ]++
			if firstType == "" {
				firstType = typ
			}
		}
	}
	if firstType != "::error" {
		t.Errorf("first annotation is %s, want the most severe (::error)", firstType)
	}
	if count["::error"] != 10 || count["::warning"] != 10 || count["::notice"] != 10 {
		t.Errorf("annotations per type = %v, want 10 each", count)
	}
	if !strings.Contains(out, "scan: 55 finding(s); 30 annotated, 25 more not annotated") {
		t.Errorf("summary does not say how many were not annotated:\n%s", out[strings.LastIndex(out, "scan:"):])
	}
	// Every finding is still in the log.
	for _, f := range fs {
		if !strings.Contains(out, f.Path+":1") {
			t.Errorf("%s missing from the log", f.Path)
		}
	}
}

func TestGitHubLogCannotBeInjected(t *testing.T) {
	fs := testFindings()[:1]
	fs[0].Path = "x.env\n::add-mask::nothing\r\n::error::forged"
	out := write(t, "github", fs, testStats(), testOptions())
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "::add-mask::") || strings.HasPrefix(line, "::error::") {
			t.Errorf("a path started a workflow command: %q", line)
		}
	}
}
