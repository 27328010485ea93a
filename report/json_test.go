package report

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/keyward/scan/detectors"
)

func TestJSONEnvelope(t *testing.T) {
	out := write(t, "json", testFindings(), testStats(), testOptions())
	var r jsonReport
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		t.Fatal(err)
	}
	if r.SchemaVersion != "3" || r.Tool.Name != "keyward-scan" || r.Tool.Version != "0.3.0" || r.Command != "dir" {
		t.Errorf("envelope = %q %+v %q", r.SchemaVersion, r.Tool, r.Command)
	}
	if len(r.Findings) != 4 {
		t.Fatalf("%d findings, want 4", len(r.Findings))
	}
	f := r.Findings[1]
	if f.RuleID != "binance-api-secret" || f.Severity != "critical" || f.Exchange != "binance" ||
		f.StartLine != 4 || f.StartColumn != 15 || f.EndColumn != 79 ||
		f.Secret != "NhqP…" || !f.SecretRedacted || f.Line != `"secret": "NhqP…",` ||
		len(f.Parts) != 1 || f.Parts[0].Secret != "vmPU…" || f.Parts[0].StartLine != 3 ||
		!strings.Contains(f.Advice, "withdrawals disabled") {
		t.Errorf("binance finding = %+v", f)
	}
	if r.Stats.Files != 1204 || r.Stats.DurationMS != 2345 || r.Stats.Skipped["binary"] != 31 || r.Stats.Incomplete {
		t.Errorf("stats = %+v", r.Stats)
	}
}

// Consumers index into these; null would break them.
func TestJSONEmptyCollections(t *testing.T) {
	fs := testFindings()[2:3]
	fs[0].Notes = nil
	for _, tt := range []struct {
		name     string
		findings []detectors.Finding
		want     []string
	}{
		{"no findings", nil, []string{`"findings": []`, `"warnings": []`, `"skipped": {}`}},
		{"finding without parts", fs, []string{`"parts": []`, `"notes": []`, `"commit": null`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out := write(t, "json", tt.findings, detectors.Stats{}, Options{})
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %s:\n%s", w, out)
				}
			}
			if strings.Contains(out, "null") && tt.findings == nil {
				t.Errorf("null in output:\n%s", out)
			}
		})
	}
}

func TestJSONShowSecretsFlag(t *testing.T) {
	opt := testOptions()
	opt.ShowSecrets = true
	var r jsonReport
	if err := json.Unmarshal([]byte(write(t, "json", testFindings(), testStats(), opt)), &r); err != nil {
		t.Fatal(err)
	}
	f := r.Findings[1]
	if f.SecretRedacted || f.Secret != binanceSecret || f.Parts[0].Secret != binanceKey {
		t.Errorf("with ShowSecrets: secret_redacted=%v secret=%q part=%q", f.SecretRedacted, f.Secret, f.Parts[0].Secret)
	}
}

// A path that is not UTF-8 cannot travel in a JSON string byte for byte:
// path_bytes carries it, for findings, parts and warnings.
func TestJSONPathBytes(t *testing.T) {
	raw := "conf/caf\xe9.env" // Latin-1 é
	fs := testFindings()[1:2]
	fs[0].Path = raw
	fs[0].Parts[0].Location.Path = raw
	st := testStats()
	st.Warnings = []detectors.Warning{{Kind: detectors.WarnUnreadable, Path: raw, Message: "cannot read: permission denied"},
		{Kind: detectors.WarnUnreadable, Path: "ok.txt", Message: "permission denied"}}
	out := write(t, "json", fs, st, testOptions())
	var r jsonReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	want := base64.StdEncoding.EncodeToString([]byte(raw))
	f := r.Findings[0]
	if f.PathBytes != want || f.Parts[0].PathBytes != want || r.Stats.Warnings[0].PathBytes != want {
		t.Errorf("path_bytes = %q, %q, %q; want %q", f.PathBytes, f.Parts[0].PathBytes, r.Stats.Warnings[0].PathBytes, want)
	}
	if strings.Contains(out, `"path_bytes": "b2sudHh0"`) || strings.Count(out, `"path_bytes"`) != 3 {
		t.Errorf("path_bytes written for a UTF-8 path:\n%s", out)
	}
	w := r.Stats.Warnings[1]
	if w.Kind != "unreadable" || w.Path != "ok.txt" || w.Message != "permission denied" {
		t.Errorf("warning = %+v", w)
	}
}
