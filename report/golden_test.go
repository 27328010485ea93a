package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/keyward/scan/detectors"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden from the current output")

// goldenOptions describe the fixture with the real rule registry, so the
// golden files show what users see: display names, kinds, advice.
func goldenOptions(command string) Options {
	return Options{Version: "1.2.3", Command: command}
}

// goldenFindings are the fixture findings, with rule ids from the registry.
func goldenFindings() []detectors.Finding {
	fs := testFindings()
	fs[2].RuleID, fs[2].Title, fs[2].Service = "private-key", "Private key (PEM)", "pem"
	fs[3].Service = "bip39"
	fs = append(fs, detectors.Finding{
		RuleID: "binanceus-api-key", Title: "Binance.US API key", Severity: detectors.Medium,
		Service: "binanceus", Exchange: "binanceus", Part: detectors.PartKey,
		Location: detectors.Location{Path: "config/us.env", StartLine: 1, StartColumn: 20, EndLine: 1, EndColumn: 84},
		Secret:   binanceKey,
		// The AWS secret of another finding stands on this line too.
		Line: "BINANCE_US_API_KEY=" + binanceKey + " # moved from " + awsSecret,
	})
	return fs
}

// Every format's output on a fixed fixture, byte for byte. Run
// "go test ./report -run Golden -update" after an intended change and
// review the diff.
func TestGolden(t *testing.T) {
	stats := incompleteStats()
	stats.Noted = map[string]int64{"not valid UTF-8": 2, "UTF-16": 1}
	stats.Notes = []string{"docs/caf\xe9.txt: not valid UTF-8; scanned as bytes"}
	for _, f := range Formats() {
		for _, tc := range []struct {
			name     string
			findings []detectors.Finding
			command  string
		}{
			{"findings", goldenFindings(), "git"},
			{"clean", nil, "dir"},
		} {
			t.Run(f.Name+"/"+tc.name, func(t *testing.T) {
				var b bytes.Buffer
				if err := f.Write(&b, tc.findings, stats, goldenOptions(tc.command)); err != nil {
					t.Fatal(err)
				}
				path := filepath.Join("testdata", "golden", tc.name+"."+f.Name)
				if *update {
					os.MkdirAll(filepath.Dir(path), 0o755)
					if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run with -update to create it)", err)
				}
				if !bytes.Equal(b.Bytes(), want) {
					t.Errorf("%s differs from the output (run with -update to accept):\n%s", path, b.String())
				}
				if f.Name == "sarif" {
					doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b.Bytes()))
					if err != nil {
						t.Fatal(err)
					}
					if err := compileSARIFSchema(t).Validate(doc); err != nil {
						t.Errorf("golden SARIF does not validate: %v", err)
					}
				}
				for _, s := range rawSecrets {
					if strings.Contains(b.String(), s) {
						t.Errorf("golden output holds a raw secret %.6s…", s)
					}
				}
			})
		}
	}
}

// Every rule of the registry, through every format: each output names the
// service as the rule does and gives the rule's own advice, never a
// fallback guessed from the id.
func TestEveryRuleInEveryFormat(t *testing.T) {
	for _, r := range detectors.Default() {
		f := detectors.Finding{
			RuleID: r.ID, Title: r.Title, Severity: r.Severity, Service: r.Service, Exchange: r.Exchange, Part: r.Part,
			Location: detectors.Location{Path: "x.env", StartLine: 1, StartColumn: 1, EndLine: 1, EndColumn: 20},
			Secret:   "Zq8XwV3nR7tY2mK9pL4s", Line: "VALUE=Zq8XwV3nR7tY2mK9pL4s",
			// As the engine fills it.
			Advice: r.Advice,
		}
		for _, ft := range Formats() {
			var b bytes.Buffer
			if err := ft.Write(&b, []detectors.Finding{f}, detectors.Stats{Files: 1}, Options{Command: "dir"}); err != nil {
				t.Fatalf("%s %s: %v", r.ID, ft.Name, err)
			}
			out := b.String()
			if ft.Name == "html" {
				out = html.UnescapeString(out)
			}
			if ft.Name != "hook" && !strings.Contains(out, firstWords(r.Advice)) {
				t.Errorf("%s %s: the rule's advice is missing", r.ID, ft.Name)
			}
			for _, fallback := range []string{"where it was issued", "whose issuer its shape does not tell"} {
				if r.Kind != detectors.KindGeneric && strings.Contains(out, fallback) {
					t.Errorf("%s %s: fallback text %q", r.ID, ft.Name, fallback)
				}
			}
		}
		var j struct {
			Findings []struct {
				Kind        string `json:"kind"`
				ServiceName string `json:"service_name"`
				AdviceURL   string `json:"advice_url"`
			} `json:"findings"`
		}
		var b bytes.Buffer
		writeJSON(&b, []detectors.Finding{f}, detectors.Stats{}, Options{})
		if err := json.Unmarshal(b.Bytes(), &j); err != nil {
			t.Fatal(err)
		}
		if got := j.Findings[0]; got.Kind != r.Kind.String() || got.ServiceName != r.Name || got.AdviceURL != r.AdviceURL {
			t.Errorf("%s json: kind %q name %q url %q; rule says %v %q %q", r.ID, got.Kind, got.ServiceName, got.AdviceURL, r.Kind, r.Name, r.AdviceURL)
		}
		b.Reset()
		writeSARIF(&b, []detectors.Finding{f}, detectors.Stats{}, Options{})
		log := decodeSARIF(t, b.String())
		rule := log.Runs[0].Tool.Driver.Rules[0]
		if r.Kind == detectors.KindExchange || r.Kind == detectors.KindCloud || r.Kind == detectors.KindSaaS {
			if !strings.Contains(rule.FullDescription.Text, " "+r.Name) {
				t.Errorf("%s sarif: description %q does not name %q", r.ID, rule.FullDescription.Text, r.Name)
			}
		}
	}
}

// firstWords is the start of a text, enough to recognise it after wrapping.
func firstWords(s string) string {
	w := strings.Fields(s)
	return strings.Join(w[:min(4, len(w))], " ")
}
