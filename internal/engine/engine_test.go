package engine

import (
	"strings"
	"testing"

	"github.com/keyward/scan/detectors"
)

func testRules() []detectors.Rule {
	return []detectors.Rule{
		{
			ID: "demo-key", Title: "demo key", Severity: detectors.Medium, Service: "demo", Part: detectors.PartKey,
			Keywords: []string{"demo"}, WindowAfter: 2,
			Pattern: `(?i)key\s*[:=]\s*"?(?P<secret>[A-Za-z0-9]{16})\b`,
		},
		{
			ID: "demo-secret", Title: "demo secret", Severity: detectors.High, Service: "demo", Part: detectors.PartSecret,
			Keywords: []string{"demo"}, WindowAfter: 2,
			Pattern: `(?i)secret\s*[:=]\s*"?(?P<secret>[A-Za-z0-9]{24})\b`,
		},
		{
			ID: "tok", Title: "token", Severity: detectors.High, Service: "tok",
			Keywords: []string{"tok_"},
			Pattern:  `\b(?P<secret>tok_[a-z0-9]{10})\b`,
		},
		{
			ID: "generic", Title: "generic", Severity: detectors.Low, Service: "generic", Generic: true,
			Keywords: []string{"token"},
			Pattern:  `token\s*=\s*"(?P<secret>[^"]+)"`,
		},
	}
}

func mustEngine(t *testing.T, opt Options) *Engine {
	t.Helper()
	e, err := New(testRules(), opt)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestScanPositions(t *testing.T) {
	e := mustEngine(t, Options{})
	tests := []struct {
		name, text                 string
		line, col, endLine, endCol int
	}{
		{"first line", `x tok_a1b2c3d4e5`, 1, 3, 1, 17},
		{"after lines", "a\nb\n  tok_a1b2c3d4e5\n", 3, 3, 3, 17},
		{"crlf", "a\r\nb\r\n\ttok_a1b2c3d4e5\r\n", 3, 2, 3, 16},
		// Columns count characters, not bytes.
		{"unicode before", "café ünïcødé = tok_a1b2c3d4e5", 1, 16, 1, 30},
	}
	for _, tt := range tests {
		fs := e.Scan(Chunk{Path: "f", Data: []byte(tt.text), Line: 1, Column: 1})
		if len(fs) != 1 {
			t.Fatalf("%s: got %d findings, want 1", tt.name, len(fs))
		}
		f := fs[0]
		if f.StartLine != tt.line || f.StartColumn != tt.col || f.EndLine != tt.endLine || f.EndColumn != tt.endCol {
			t.Errorf("%s: got %d:%d-%d:%d, want %d:%d-%d:%d", tt.name, f.StartLine, f.StartColumn, f.EndLine, f.EndColumn, tt.line, tt.col, tt.endLine, tt.endCol)
		}
	}
}

func TestScanChunkOffsetShiftsFirstLineOnly(t *testing.T) {
	e := mustEngine(t, Options{})
	fs := e.Scan(Chunk{Path: "f", Data: []byte("ab tok_a1b2c3d4e5\ntok_zzzzzzzzz9"), Line: 40, Column: 101})
	if len(fs) != 2 {
		t.Fatalf("got %d findings", len(fs))
	}
	if fs[0].StartLine != 40 || fs[0].StartColumn != 104 {
		t.Errorf("first: %d:%d, want 40:104", fs[0].StartLine, fs[0].StartColumn)
	}
	if fs[1].StartLine != 41 || fs[1].StartColumn != 1 {
		t.Errorf("second: %d:%d, want 41:1", fs[1].StartLine, fs[1].StartColumn)
	}
}

func TestSpecificRuleBeatsGeneric(t *testing.T) {
	e := mustEngine(t, Options{})
	fs := e.Scan(Chunk{Path: "f", Data: []byte(`token = "tok_a1b2c3d4e5"`), Line: 1, Column: 1})
	if len(fs) != 1 || fs[0].RuleID != "tok" {
		t.Fatalf("got %+v, want one tok finding", fs)
	}
}

func TestPartsAreLinked(t *testing.T) {
	e := mustEngine(t, Options{})
	text := "# demo exchange\nkey = \"AbCdEf0193456782\"\nsecret = \"ZyXwVuTsRqPoNmLkJiHgFeDc\"\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n# demo again\nsecret: ZyXwVuTsRqPoNmLkJiHgFe99\n"
	fs := e.Scan(Chunk{Path: "f", Data: []byte(text), Line: 1, Column: 1})
	if len(fs) != 2 {
		t.Fatalf("got %d findings, want 2: %+v", len(fs), fs)
	}
	if fs[0].RuleID != "demo-secret" || len(fs[0].Parts) != 1 || fs[0].Parts[0].Location.StartLine != 2 {
		t.Errorf("first secret should carry the key from line 2: %+v", fs[0])
	}
	if fs[0].Severity != detectors.Critical {
		t.Errorf("secret with key: severity %v, want critical", fs[0].Severity)
	}
	if len(fs[1].Parts) != 0 || fs[1].Severity != detectors.High {
		t.Errorf("lone secret: %+v", fs[1])
	}
}

func TestSuppressionsAreReported(t *testing.T) {
	var got []Suppression
	rules := []detectors.Rule{{
		ID: "r", Title: "r", Severity: detectors.High, Keywords: []string{"pw"},
		Pattern: `pw=(?P<secret>\S+)`, Entropy: 0.8,
	}}
	e, err := New(rules, Options{OnSuppress: func(s Suppression) { got = append(got, s) }})
	if err != nil {
		t.Fatal(err)
	}
	fs := e.Scan(Chunk{Path: "f", Data: []byte("pw=your_password_here\npw=aaaaaaaaaaaaaaaaaaaa\n"), Line: 1, Column: 1})
	if len(fs) != 0 || len(got) != 2 {
		t.Fatalf("findings %d, suppressions %+v", len(fs), got)
	}
	if got[1].Line != 2 || strings.Contains(got[1].Redacted, "aaaaaaaa") {
		t.Errorf("suppression must carry the line and a redacted value: %+v", got[1])
	}
}

func TestHugeLineStaysBounded(t *testing.T) {
	e := mustEngine(t, Options{})
	var b strings.Builder
	for b.Len() < 5<<20 {
		b.WriteString(`var token=1;function demo(){return "x"};`)
	}
	b.WriteString(" tok_a1b2c3d4e5 ")
	fs := e.Scan(Chunk{Path: "min.js", Data: []byte(b.String()), Line: 1, Column: 1})
	if len(fs) != 1 || fs[0].RuleID != "tok" {
		t.Fatalf("got %d findings", len(fs))
	}
	if len(fs[0].Line) > 1000 {
		t.Errorf("context line is %d bytes; it must be cut around the secret", len(fs[0].Line))
	}
}

func TestNewRejectsBadRules(t *testing.T) {
	bad := [][]detectors.Rule{
		{{ID: "", Pattern: `(?P<secret>x)`}},
		{{ID: "a", Pattern: `x`}},
		{{ID: "a", Pattern: `(?P<secret>x`}},
		{{ID: "a", Pattern: `(?P<secret>x)`}, {ID: "a", Pattern: `(?P<secret>y)`}},
	}
	for i, rs := range bad {
		if _, err := New(rs, Options{}); err == nil {
			t.Errorf("case %d: New accepted a bad rule set", i)
		}
	}
}

// Allow comments (internal/allow) need the secret's line and the line
// above it on the finding.
func TestFindingCarriesItsLines(t *testing.T) {
	e := mustEngine(t, Options{})
	data := "# keyward:allow-next-line\r\na tok_a1b2c3d4e5 # keyward:allow\nb tok_a1b2c3d4e6\n"
	fs := e.Scan(Chunk{Path: "f", Data: []byte(data), Line: 1, Column: 1})
	if len(fs) != 2 {
		t.Fatalf("the engine must not drop allowed tokens itself: got %+v", fs)
	}
	if fs[0].LineBefore != "# keyward:allow-next-line" || !strings.Contains(fs[0].Line, "# keyward:allow") {
		t.Errorf("first finding: line %q, line before %q", fs[0].Line, fs[0].LineBefore)
	}
	if fs[1].LineBefore != "a tok_a1b2c3d4e5 # keyward:allow" {
		t.Errorf("second finding: line before %q", fs[1].LineBefore)
	}
	fs = e.Scan(Chunk{Path: "f", Data: []byte("tok_a1b2c3d4e5\n"), Line: 1, Column: 1})
	if len(fs) != 1 || fs[0].LineBefore != "" {
		t.Errorf("a chunk's first line has no line before: %+v", fs)
	}
}

func TestAllowHook(t *testing.T) {
	var got []Suppression
	e := mustEngine(t, Options{
		OnSuppress: func(s Suppression) { got = append(got, s) },
		Allow: func(f *detectors.Finding) (string, bool) {
			return "allowed inline (test)", strings.Contains(f.Line, "# ok")
		},
	})
	fs := e.Scan(Chunk{Path: "f", Data: []byte("a tok_a1b2c3d4e5 # ok\nb tok_a1b2c3d4e6\n"), Line: 1, Column: 1})
	if len(fs) != 1 || fs[0].StartLine != 2 {
		t.Fatalf("want only the second line's token, got %+v", fs)
	}
	if len(got) != 1 || got[0].Reason != "allowed inline (test)" || got[0].Line != 1 {
		t.Errorf("the allowed token must be reported as suppressed: %+v", got)
	}
}

// A rule with path keywords reads the whole of a file whose lowercased path
// holds one of them, keywords or not; a path keyword with an upper-case
// letter can never be found in a lowercased path, and an empty one is in
// every path.
func TestPathKeywordsOpenTheWholeFile(t *testing.T) {
	ids := []string{"byname", "upper", "empty", "other", "shared"}
	rule := func(id string, pks ...string) detectors.Rule {
		return detectors.Rule{
			ID: id, Title: id, Severity: detectors.High, Service: id,
			Keywords:     []string{"never-in-the-text"},
			PathKeywords: pks,
			Pattern:      `(?P<secret>` + id + `_[a-z0-9]{12})`,
		}
	}
	e, err := New([]detectors.Rule{
		rule("byname", "electrum", "id.json"),
		rule("upper", "Wallets"),
		rule("empty", ""),
		rule("other", "keystore"),
		rule("shared", "keystore", "electrum"),
	}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var text string
	for _, id := range ids {
		text += "v = " + id + "_a1b2c3d4e5f6\n"
	}
	tests := []struct {
		path string
		want []string
	}{
		{"home/Wallets/ELECTRUM/default_wallet", []string{"byname", "empty", "shared"}},
		{"deploy/ID.JSON", []string{"byname", "empty"}},
		{"src/main.go", []string{"empty"}},
		{"a/keystore/electrum.txt", []string{"byname", "empty", "other", "shared"}},
	}
	for _, tt := range tests {
		var got []string
		for _, f := range e.Scan(Chunk{Path: tt.path, Data: []byte(text), Line: 1, Column: 1}) {
			got = append(got, f.RuleID)
		}
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("%s: rules that read the file: %v, want %v", tt.path, got, tt.want)
		}
	}
}

// A file keyword anywhere in a chunk makes the whole chunk its rule's
// window, however far it stands from the value; an ordinary keyword as far
// away opens only the lines around it, and a file keyword of another rule
// opens nothing for this one.
func TestFileKeywordsOpenTheWholeChunk(t *testing.T) {
	e, err := New([]detectors.Rule{{
		ID: "hdr", Title: "header-signed key", Severity: detectors.High, Service: "demo",
		Keywords: []string{"demo-name"}, FileKeywords: []string{"x-demo-apikey"},
		WindowBefore: 2, WindowAfter: 2,
		Pattern: `KEY = "(?P<secret>[a-z0-9]{16})"`,
	}, {
		ID: "other", Title: "another service", Severity: detectors.High, Service: "other",
		Keywords: []string{"never-in-the-text"}, FileKeywords: []string{"x-other-key"},
		Pattern: `(?P<secret>zz[a-z0-9]{16})`,
	}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	filler := strings.Repeat("    pass  # unrelated line\n", 40)
	top := "KEY = \"a1b2c3d4e5f6a7b8\"\n"
	tests := []struct {
		name, text string
		want       int
	}{
		{"header far below", top + filler + "headers = {\"X-DEMO-APIKEY\": KEY}\n", 1},
		{"header far above", "headers = {\"x-demo-apikey\": KEY}\n" + filler + top, 1},
		{"name far below", top + filler + "# talks to demo-name\n", 0},
		{"name beside it", top + "# talks to demo-name\n", 1},
		{"another rule's header", top + filler + "h = {\"X-Other-Key\": k}\n", 0},
		{"neither", top + filler, 0},
	}
	for _, tt := range tests {
		got := 0
		for _, f := range e.Scan(Chunk{Path: "bot.py", Data: []byte(tt.text), Line: 1, Column: 1}) {
			if f.RuleID == "hdr" {
				got++
			}
		}
		if got != tt.want {
			t.Errorf("%s: %d findings of the header rule, want %d", tt.name, got, tt.want)
		}
	}
}

// A keyword written after a newline ("\ngate:", a YAML section) also stands
// at a chunk's first byte when the chunk starts a line: a config file that
// opens with the section was missed.
func TestLineStartKeywordAtChunkStart(t *testing.T) {
	e, err := New([]detectors.Rule{{
		ID: "sect", Title: "section key", Severity: detectors.High, Service: "demo",
		Keywords: []string{"\nmyex:"}, WindowAfter: 2,
		Pattern: `key:\s*(?P<secret>[a-z0-9]{12})`,
	}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		text string
		col  int
		want int
	}{
		{"at the top of a file", "myex:\n  key: a1b2c3d4e5f6\n", 1, 1},
		{"upper case at the top", "MYEX:\n  key: a1b2c3d4e5f6\n", 1, 1},
		{"after a newline", "other: 1\nmyex:\n  key: a1b2c3d4e5f6\n", 1, 1},
		{"inside a word", "summyex:\n  key: a1b2c3d4e5f6\n", 1, 0},
		{"a chunk that starts mid-line", "myex:\n  key: a1b2c3d4e5f6\n", 7, 0},
	}
	for _, tt := range tests {
		fs := e.Scan(Chunk{Path: "config.yaml", Data: []byte(tt.text), Line: 1, Column: tt.col})
		if len(fs) != tt.want {
			t.Errorf("%s: %d findings, want %d", tt.name, len(fs), tt.want)
		}
	}
}

// An engine given other options by WithOptions scans as one built with
// them, and leaves the engine it came from as it was.
func TestWithOptionsScansAsNew(t *testing.T) {
	rules := detectors.Default()
	plain, err := New(rules, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var allowed int
	opt := Options{Allow: func(*detectors.Finding) (string, bool) { allowed++; return "test", true }}
	built, err := New(rules, opt)
	if err != nil {
		t.Fatal(err)
	}
	derived := plain.WithOptions(opt)
	var texts []string
	for _, r := range rules {
		examples, _ := r.Samples()
		texts = append(texts, examples...)
	}
	found := 0
	for _, text := range texts {
		c := Chunk{Path: "config.env", Data: []byte(text), Line: 1, Column: 1}
		found += len(plain.Scan(c))
		if fs := derived.Scan(c); len(fs) != len(built.Scan(c)) || len(fs) != 0 {
			t.Fatalf("derived engine kept %d findings, the engine built with the options %d; want none (all allowed)", len(fs), len(built.Scan(c)))
		}
	}
	if found == 0 || allowed == 0 {
		t.Fatalf("found %d with the plain engine, %d allowed: the test compared nothing", found, allowed)
	}
	if plain.opt.Allow != nil || derived.opt.LinkLines != 12 {
		t.Fatal("WithOptions changed the engine it came from, or lost the defaults")
	}
}

// A MultilineValue rule reads on below its label's line to the end of its
// window only for a PEM block; any other value stands within the rule's
// WindowAfter lines of a label. In a file whose path names the rule (one
// window, the whole file) the label's reach was the end of the file.
func TestMultilineLabelReach(t *testing.T) {
	e, err := New([]detectors.Rule{{
		ID: "vault-secret", Title: "vault secret", Severity: detectors.High, Service: "vault", Part: detectors.PartSecret,
		Keywords: []string{"vault"}, PathKeywords: []string{"vault"}, LineKeywords: []string{"secret"},
		MultilineValue: true, WindowAfter: 3,
		Pattern: `(?P<secret>-----BEGIN PRIVATE KEY-----[A-Za-z0-9+/=\s]{40,}?-----END PRIVATE KEY-----|zz_[a-z0-9]{12})`,
	}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	filler := func(n int) string { return strings.Repeat("x = 1\n", n) }
	pem := "-----BEGIN PRIVATE KEY-----\n" + strings.Repeat("MC4CAQAwBQYDK2VwBCIEIGhVqRlqZCm0Zt3Z5kXa\n", 30) + "-----END PRIVATE KEY-----"
	tests := []struct {
		name, path, text string
		want             int
	}{
		{"on the label's line", "vault/conf.py", filler(20) + "secret = 'zz_a1b2c3d4e5f6'\n" + filler(20), 1},
		{"within the window below", "vault/conf.py", filler(20) + "secret = (\n\n  'zz_a1b2c3d4e5f6')\n" + filler(20), 1},
		{"far below the label", "vault/conf.py", "secret = None\n" + filler(12) + "other = 'zz_a1b2c3d4e5f6'\n", 0},
		{"far below, keyword window", "src/conf.py", "# vault\nsecret = None\n" + filler(12) + "other = 'zz_a1b2c3d4e5f6'\n", 0},
		{"a PEM block runs on", "vault/conf.py", filler(5) + "secret = \"\"\"\n" + pem + "\"\"\"\n" + filler(5), 1},
	}
	for _, tt := range tests {
		got := e.Scan(Chunk{Path: tt.path, Data: []byte(tt.text), Line: 1, Column: 1})
		if len(got) != tt.want {
			t.Errorf("%s: %d finding(s), want %d", tt.name, len(got), tt.want)
		}
	}
}

// A window the rule's Gate turns down is not searched.
func TestGateSkipsTheSearch(t *testing.T) {
	for _, open := range []bool{true, false} {
		e, err := New([]detectors.Rule{{
			ID: "tok", Title: "token", Severity: detectors.High, Service: "tok",
			Keywords: []string{"tok_"},
			Pattern:  `\b(?P<secret>tok_[a-z0-9]{10})\b`,
			Gate:     func([]byte) bool { return open },
		}}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		got := e.Scan(Chunk{Path: "a.env", Data: []byte("T=tok_a1b2c3d4e5\n"), Line: 1, Column: 1})
		if want := map[bool]int{true: 1, false: 0}[open]; len(got) != want {
			t.Errorf("gate %v: %d finding(s), want %d", open, len(got), want)
		}
	}
}
