package engine

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/keyward/scan/detectors"
)

// hitLine is one line of keyword hits, each with a value: the shape that
// made every candidate's validator see the whole line.
func hitLine(n int) string {
	var sb strings.Builder
	for i := 0; sb.Len() < n; i++ {
		fmt.Fprintf(&sb, "password=Zq%08dXv7Lp2Rk ", i)
	}
	return sb.String()
}

// A validator sees a bounded window around its candidate, however long the
// line and however many hits merged its windows: otherwise each candidate
// costs the whole line and a line of hits costs its length squared.
func TestValidatorWindowIsBoundedOnAHitLine(t *testing.T) {
	var widest atomic.Int64
	var calls atomic.Int64
	rule := detectors.Rule{
		ID: "pw", Title: "pw", Severity: detectors.Medium, Service: "pw",
		Keywords: []string{"password"},
		Pattern:  `password=(?P<secret>[A-Za-z0-9]{18})`,
		Validate: func(secret string, c detectors.Candidate) detectors.Verdict {
			calls.Add(1)
			if n := int64(len(c.Window)); n > widest.Load() {
				widest.Store(n)
			}
			if !strings.Contains(c.Window, secret) {
				return detectors.Verdict{Reject: true, Reason: "window misses the value"}
			}
			return detectors.Verdict{}
		},
	}
	e, err := New([]detectors.Rule{rule}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		text string
		max  int64
	}{
		// A small file keeps its whole window, as before.
		{"short lines", "a\npassword=Zq00000001Xv7Lp2Rk\nb\n", 64},
		{"one long line", hitLine(1 << 20), maxValidatorWindow},
	}
	for _, tt := range tests {
		widest.Store(0)
		calls.Store(0)
		fs := e.Scan(Chunk{Path: "a.env", Data: []byte(tt.text), Line: 1, Column: 1})
		if len(fs) == 0 || int64(len(fs)) != calls.Load() {
			t.Errorf("%s: %d findings for %d candidates; every candidate's window must hold its value", tt.name, len(fs), calls.Load())
		}
		if widest.Load() > tt.max {
			t.Errorf("%s: a validator saw a window of %d bytes, want at most %d", tt.name, widest.Load(), tt.max)
		}
	}
}

// A rule that matches everywhere stops at MaxMatchesPerRule in a chunk and
// says so, by its id; other rules still run over the whole chunk.
func TestRuleStopsAtMatchCap(t *testing.T) {
	rules := []detectors.Rule{
		{ID: "every-letter", Title: "x", Severity: detectors.Low, Service: "x", Pattern: `(?P<secret>[a-z])`, KeepPlaceholders: true},
		{ID: "tok", Title: "token", Severity: detectors.High, Service: "tok", Keywords: []string{"tok_"}, Pattern: `\b(?P<secret>tok_[a-z0-9]{10})\b`},
	}
	e, err := New(rules, Options{})
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Repeat("abcdefghij ", 3<<20/11) + "\ntok_a1b2c3d4e5\n"
	fs, capped, err := e.ScanContext(context.Background(), Chunk{Path: "big.txt", Data: []byte(text), Line: 1, Column: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(capped) != 1 || capped[0].RuleID != "every-letter" || capped[0].Matches != MaxMatchesPerRule {
		t.Fatalf("capped = %+v, want every-letter at %d", capped, MaxMatchesPerRule)
	}
	var letters, toks int
	for _, f := range fs {
		switch f.RuleID {
		case "every-letter":
			letters++
		case "tok":
			toks++
		}
	}
	if letters > MaxMatchesPerRule || toks != 1 {
		t.Errorf("%d every-letter findings (cap %d), %d tok findings (want 1)", letters, MaxMatchesPerRule, toks)
	}
}

// Cancelling stops the scan inside a chunk, between candidates, not after
// the chunk: one chunk of a huge line must not hold Ctrl-C or SIGTERM.
func TestCancelInsideAChunk(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var calls atomic.Int64
	rule := detectors.Rule{
		ID: "pw", Title: "pw", Severity: detectors.Medium, Service: "pw",
		Keywords: []string{"password"},
		Pattern:  `password=(?P<secret>[A-Za-z0-9]{18})`,
		Validate: func(string, detectors.Candidate) detectors.Verdict {
			if calls.Add(1) == 10 {
				cancel()
			}
			return detectors.Verdict{}
		},
	}
	e, err := New([]detectors.Rule{rule}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	fs, _, err := e.ScanContext(ctx, Chunk{Path: "a.env", Data: []byte(hitLine(1 << 20)), Line: 1, Column: 1})
	if err == nil || len(fs) != 0 {
		t.Fatalf("err = %v with %d findings, want the context's error and none", err, len(fs))
	}
	if n := calls.Load(); n > 10+256 {
		t.Errorf("%d candidates checked after cancelling at the 10th", n)
	}
}

// A rule slower than Options.SlowRule on a chunk is named, with its time.
func TestSlowRuleIsNamed(t *testing.T) {
	rules := []detectors.Rule{{ID: "tok", Title: "token", Severity: detectors.High, Service: "tok", Keywords: []string{"tok_"}, Pattern: `\b(?P<secret>tok_[a-z0-9]{10})\b`}}
	e, err := New(rules, Options{SlowRule: time.Nanosecond})
	if err != nil {
		t.Fatal(err)
	}
	_, capped, err := e.ScanContext(context.Background(), Chunk{Path: "a", Data: []byte("x tok_a1b2c3d4e5\n"), Line: 1, Column: 1})
	if err != nil || len(capped) != 1 || capped[0].RuleID != "tok" || capped[0].Took <= 0 || capped[0].Matches != 0 {
		t.Fatalf("capped %+v, err %v; want tok named as slow", capped, err)
	}
	e, _ = New(rules, Options{})
	if _, capped, _ := e.ScanContext(context.Background(), Chunk{Path: "a", Data: []byte("x tok_a1b2c3d4e5\n"), Line: 1, Column: 1}); len(capped) != 0 {
		t.Errorf("a fast rule was named: %+v", capped)
	}
}
