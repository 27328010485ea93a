package content

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"math/rand"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/gittest"
	"github.com/keyward/scan/internal/mnemonic"
)

// matchCopies is a delta as a pack builds one, simplified: it indexes every
// 12-byte window of base and, walking data, copies the longest match it
// finds for the bytes ahead (anywhere in base, so blocks may be reordered
// or copied twice), inserting what it cannot match.
func matchCopies(base, data []byte) []Copy {
	const w = 12
	index := map[string][]int{}
	for i := 0; i+w <= len(base); i++ {
		k := string(base[i : i+w])
		if len(index[k]) < 8 {
			index[k] = append(index[k], i)
		}
	}
	var out []Copy
	for p := 0; p+w <= len(data); {
		best, bestLen := -1, 0
		for _, b := range index[string(data[p:p+w])] {
			n := w
			for p+n < len(data) && b+n < len(base) && data[p+n] == base[b+n] {
				n++
			}
			if n > bestLen {
				best, bestLen = b, n
			}
		}
		if best < 0 {
			p++
			continue
		}
		out = append(out, Copy{From: best, To: p, Len: bestLen})
		p += bestLen
	}
	return out
}

// revisionCase is one base and one new version of a file at a path.
type revisionCase struct {
	name       string
	path       string
	base, data []byte
	copies     []Copy // nil: matchCopies
	// withReach passes the base's reach from its scan (Revision.BaseReach);
	// without, the base's side of each cut is scanned.
	withReach bool
}

// checkRevision scans data whole and as a revision of base and fails on
// any difference. It returns whether the revision read took the partial
// path and the bytes it scanned.
func checkRevision(t *testing.T, s *Scanner, c revisionCase) (partial bool, scanned int64) {
	t.Helper()
	ctx := context.Background()
	r := s.NewReader()
	r.KeepReach()
	var bst detectors.Stats
	baseFs, err := r.Scan(ctx, c.path, bytes.NewReader(c.base), int64(len(c.base)), &bst)
	if err != nil {
		t.Fatal(err)
	}
	rev := &Revision{Base: c.base, BaseFindings: baseFs, BaseCapped: r.Capped(), Copies: c.copies}
	if c.withReach {
		rev.BaseReach = r.BaseReach()
	} else {
		// A history source may keep the base's findings after it set
		// their commit: that must not pass to the new version's.
		for i := range baseFs {
			baseFs[i].Commit = &detectors.Commit{SHA: "0123abcd"}
			baseFs[i].Repository = "elsewhere"
		}
	}
	if rev.Copies == nil {
		rev.Copies = matchCopies(c.base, c.data)
	}
	var wst, rst detectors.Stats
	want, err := r.Scan(ctx, c.path, bytes.NewReader(c.data), int64(len(c.data)), &wst)
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.ScanRevision(ctx, c.path, c.data, rev, &rst)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: ScanRevision differs from a whole scan (%v)\n got: %s\nwant: %s", c.name, rst.Noted, describe(got), describe(want))
		for i := 0; i < max(len(got), len(want)); i++ {
			if i < len(got) && i < len(want) && reflect.DeepEqual(got[i], want[i]) {
				continue
			}
			if i < len(got) {
				t.Logf("got[%d]  = %+v", i, got[i])
			}
			if i < len(want) {
				t.Logf("want[%d] = %+v", i, want[i])
			}
			break
		}
	}
	if rst.Files != 1 {
		t.Errorf("%s: counted %d files", c.name, rst.Files)
	}
	for k := range rst.Noted {
		if strings.HasPrefix(k, "revision") {
			reasons[k]++
		}
	}
	return rst.Noted["read as a revision"] == 1, rst.Bytes
}

var reasons = map[string]int{}

func describe(fs []detectors.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "[%s %d:%d @%d parts=%d] ", f.RuleID, f.StartLine, f.StartColumn, f.Offset, len(f.Parts))
	}
	return b.String()
}

// fileMaker builds realistic files: code, configs and notes around the
// rules' own examples and the credentials this project exists for, each
// fake and made from the seed.
type fileMaker struct {
	rng      *rand.Rand
	examples []string // the rules' examples, each finding something
	words    []string // the English BIP-39 list
}

func newFileMaker(seed int64) *fileMaker {
	m := &fileMaker{rng: rand.New(rand.NewSource(seed)), words: mnemonic.EnglishWords()}
	for _, r := range detectors.Default() {
		ex, _ := r.Samples()
		for _, e := range ex {
			if len(e) < 400 {
				m.examples = append(m.examples, e)
			}
		}
	}
	return m
}

func (m *fileMaker) alnum(n int) string {
	const set = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	for i := range b {
		b[i] = set[m.rng.Intn(len(set))]
	}
	return string(b)
}

func (m *fileMaker) phrase() []string {
	ent := make([]byte, 32)
	m.rng.Read(ent)
	return strings.Fields(mnemonic.Encode(ent, m.words))
}

var exchanges = []string{"binance", "kraken", "kucoin", "bybit", "okx", "gateio", "bitget", "coinbase"}

// filler is code and prose without secrets. A few of its lines hold the
// words rules look for (key, secret, token, seed), which open windows; most
// do not, as in real code.
var filler = []string{
	"def fetch_balance(self, params=None):",
	"    \"\"\"Return the account balance as reported by the exchange.\"\"\"",
	"    response = self.private_get_account(params or {})",
	"    return self.parse_balance(response)",
	"",
	"",
	"class Strategy(IStrategy):",
	"    minimal_roi = {\"0\": 0.04, \"60\": 0.02}",
	"    stoploss = -0.10",
	"    timeframe = '5m'",
	"for pair in self.dp.current_whitelist():",
	"        dataframe['rsi'] = ta.RSI(dataframe, timeperiod=14)",
	"        dataframe['ema'] = ta.EMA(dataframe, timeperiod=50)",
	"        if dataframe['rsi'].iloc[-1] < 30:",
	"            return True",
	"logger.info('order %s placed on %s', order_id, pair)",
	"    def populate_indicators(self, dataframe, metadata):",
	"        return dataframe",
	"import numpy as np",
	"from typing import Dict, List, Optional",
	"  \"dry_run\": true,",
	"  \"stake_currency\": \"USDT\",",
	"  - name: exchange",
	"    value: kraken",
	"# ------------------------------------------------------------------",
	"x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]",
	"    }",
	"}",
}

// keywordFiller are lines that hold words rules look for.
var keywordFiller = []string{
	"return the list of words abandon ability able about above absent",
	"    # the api key is read from the environment, never from this file",
	"    api_key = os.environ.get('API_KEY')",
	"    secret = os.getenv('API_SECRET')",
	"    token = config['telegram']['token']",
	"The wallet seed is kept offline; see docs/security.md for the procedure.",
	"signature = hmac.new(self.secret.encode(), msg, hashlib.sha256).hexdigest()",
}

// block returns one block of lines, a credential in most.
func (m *fileMaker) block() []string {
	ex := exchanges[m.rng.Intn(len(exchanges))]
	up := strings.ToUpper(ex)
	switch m.rng.Intn(20) {
	case 0, 1, 2:
		return strings.Split(m.examples[m.rng.Intn(len(m.examples))], "\n")
	case 3: // .env
		return []string{up + "_API_KEY=" + m.alnum(64), up + "_API_SECRET=" + m.alnum(64)}
	case 4: // freqtrade config
		return []string{`  "exchange": {`, `    "name": "` + ex + `",`, `    "key": "` + m.alnum(64) + `",`, `    "secret": "` + m.alnum(64) + `",`, `    "ccxt_config": {}`, `  },`}
	case 5: // ccxt in Python
		return []string{"exchange = ccxt." + ex + "({", "    'apiKey': '" + m.alnum(36) + "',", "    'secret': '" + m.alnum(48) + "',", "})"}
	case 6: // YAML
		return []string{ex + ":", "  api_key: " + m.alnum(40), "  api_secret: " + m.alnum(40)}
	case 7: // a seed phrase one word per line
		out := []string{"# seed phrase"}
		for i, w := range m.phrase() {
			out = append(out, fmt.Sprintf("%d. %s", i+1, w))
		}
		return out
	case 9: // base64 of a .env
		env := "AWS_ACCESS_KEY_ID=AKIA" + strings.ToUpper(m.alnum(16)) + "\nAWS_SECRET_ACCESS_KEY=" + m.alnum(40) + "\n"
		return []string{"data:", "  credentials: " + base64.StdEncoding.EncodeToString([]byte(env))}
	case 10: // an allow comment above a value
		return []string{"# keyward:allow test fixture", up + "_API_SECRET=" + m.alnum(64)}
	case 11, 13: // key and secret 11 lines apart
		if m.rng.Intn(2) == 0 {
			// Small windows (three lines): nothing but the link joins them.
			out := []string{"AWS_ACCESS_KEY_ID=AKIA" + strings.ToUpper(m.alnum(16))}
			for i := 0; i < 10; i++ {
				out = append(out, filler[m.rng.Intn(len(filler))])
			}
			return append(out, "AWS_SECRET_ACCESS_KEY="+m.alnum(40))
		}
		out := []string{ex + "_api_key = '" + m.alnum(64) + "'"}
		for i := 0; i < 10; i++ {
			out = append(out, m.fillerLine())
		}
		return append(out, ex+"_api_secret = '"+m.alnum(64)+"'")
	case 12: // a long base64 block, one line per row
		var out []string
		for i := 0; i < 6; i++ {
			out = append(out, base64.StdEncoding.EncodeToString([]byte(m.alnum(45))))
		}
		return out
	default: // code
		out := make([]string, 3+m.rng.Intn(8))
		for i := range out {
			out[i] = m.fillerLine()
		}
		return out
	}
}

// file returns about n lines: filler with a block every few dozen lines.
func (m *fileMaker) file(n int) []string {
	var out []string
	for len(out) < n {
		out = append(out, m.fillerLine())
		if m.rng.Intn(40) == 0 {
			out = append(out, m.block()...)
		}
	}
	return out
}

func (m *fileMaker) fillerLine() string {
	if m.rng.Intn(16) == 0 {
		return keywordFiller[m.rng.Intn(len(keywordFiller))]
	}
	return filler[m.rng.Intn(len(filler))]
}

// edit applies one random edit to lines, near a credential half the time.
func (m *fileMaker) edit(lines []string) []string {
	if len(lines) == 0 {
		return m.block()
	}
	at := m.rng.Intn(len(lines))
	if m.rng.Intn(2) == 0 {
		// Near something a rule finds: a line with a long value or a word
		// rules look for.
		for try := 0; try < 50; try++ {
			i := m.rng.Intn(len(lines))
			l := strings.ToLower(lines[i])
			if strings.Contains(l, "key") || strings.Contains(l, "secret") || strings.Contains(l, "seed") || len(l) > 60 {
				at = max(0, min(len(lines)-1, i+m.rng.Intn(7)-3))
				break
			}
		}
	}
	ins := func(i int, add ...string) []string {
		out := append([]string{}, lines[:i]...)
		out = append(out, add...)
		return append(out, lines[i:]...)
	}
	switch m.rng.Intn(11) {
	case 0: // insert a filler line
		return ins(at, m.fillerLine())
	case 1: // delete lines
		n := 1 + m.rng.Intn(3)
		return append(append([]string{}, lines[:at]...), lines[min(len(lines), at+n):]...)
	case 2: // replace a line
		out := append([]string{}, lines...)
		out[at] = m.fillerLine()
		return out
	case 3: // change bytes inside a line
		out := append([]string{}, lines...)
		l := []byte(out[at])
		switch k := m.rng.Intn(3); {
		case len(l) == 0 || k == 0:
			i := m.rng.Intn(len(l) + 1)
			l = append(l[:i], append([]byte(m.alnum(1+m.rng.Intn(4))), l[i:]...)...)
		case k == 1:
			i := m.rng.Intn(len(l))
			l = append(l[:i], l[min(len(l), i+1+m.rng.Intn(3)):]...)
		default:
			l[m.rng.Intn(len(l))] = m.alnum(1)[0]
		}
		out[at] = string(l)
		return out
	case 4: // add a credential
		return ins(at, m.block()...)
	case 5: // add or drop the keyword line above a value
		if strings.HasPrefix(lines[at], "# ") {
			return append(append([]string{}, lines[:at]...), lines[at+1:]...)
		}
		return ins(at, "# "+exchanges[m.rng.Intn(len(exchanges))]+" api key and secret")
	case 6: // an allow comment above
		return ins(at, "# keyward:allow")
	case 7: // move a block of lines
		n := 1 + m.rng.Intn(20)
		end := min(len(lines), at+n)
		blk := append([]string{}, lines[at:end]...)
		rest := append(append([]string{}, lines[:at]...), lines[end:]...)
		to := m.rng.Intn(len(rest) + 1)
		out := append([]string{}, rest[:to]...)
		out = append(out, blk...)
		return append(out, rest[to:]...)
	case 8: // join two lines
		if at+1 < len(lines) {
			out := append([]string{}, lines[:at]...)
			out = append(out, lines[at]+lines[at+1])
			return append(out, lines[at+2:]...)
		}
		return lines
	case 9: // a seed word line inside a run
		return ins(at, m.words[m.rng.Intn(len(m.words))])
	default: // a blank line
		return ins(at, "")
	}
}

var revisionPaths = []string{"strategies/sample_strategy.py", "user_data/config.json", ".env", "deploy/values.yaml", "notes/keys.txt", "src/main.go"}

// TestScanRevisionEqualsWholeScan is the contract: for many random edits
// of realistic files (credentials added, removed and moved, keyword lines
// and allow comments added above values, seed phrases one word a line,
// base64 blocks, a key eleven lines from its secret), reading the new
// version as a revision gives exactly what a whole scan gives.
func TestScanRevisionEqualsWholeScan(t *testing.T) {
	s := newScanner(t, Options{})
	m := newFileMaker(20)
	// KEYWARD_REVISION_CASES=5000 runs more (a few minutes).
	cases := 800
	if testing.Short() {
		cases = 100
	}
	if n, err := strconv.Atoi(os.Getenv("KEYWARD_REVISION_CASES")); err == nil {
		cases = n
	}
	partial := 0
	var scanned, total int64
	for i := 0; i < cases; i++ {
		path := revisionPaths[m.rng.Intn(len(revisionPaths))]
		lines := m.file(300 + m.rng.Intn(1200))
		base := strings.Join(lines, "\n") + "\n"
		for e := 1 + m.rng.Intn(4); e > 0; e-- {
			lines = m.edit(lines)
		}
		data := strings.Join(lines, "\n")
		if m.rng.Intn(4) > 0 {
			data += "\n"
		}
		c := revisionCase{name: fmt.Sprintf("case %d (%s)", i, path), path: path, base: []byte(base), data: []byte(data), withReach: i%2 == 0}
		p, n := checkRevision(t, s, c)
		if p {
			partial++
			scanned += n
			total += int64(len(data))
		}
		if t.Failed() {
			t.Fatalf("case %d failed; stopping", i)
		}
	}
	t.Logf("%v", reasons)
	t.Logf("%d of %d read as revisions, %d of their %d bytes scanned (%.1f%%)", partial, cases, scanned, total, 100*float64(scanned)/float64(max(total, 1)))
	// The test must exercise the partial read, not the fallback alone.
	if partial < cases/4 {
		t.Errorf("only %d of %d cases were read as revisions", partial, cases)
	}
}

// TestScanRevisionFallsBack: what local reasoning cannot handle is read
// whole, and says so; the answer is a whole scan's either way.
func TestScanRevisionFallsBack(t *testing.T) {
	s := newScanner(t, Options{})
	m := newFileMaker(7)
	text := func(n int) string { return strings.Join(m.file(n), "\n") + "\n" }
	base := text(1500)
	edited := func(b string) string {
		lines := strings.Split(b, "\n")
		lines[len(lines)/2] = "BINANCE_API_SECRET=" + m.alnum(64)
		return strings.Join(lines, "\n")
	}
	big := strings.Repeat(base, 1+(600<<10)/len(base))
	var uses []string
	for i := 0; i < 200; i++ {
		uses = append(uses, strings.TrimSuffix(gittest.SecretLine(fmt.Sprint("revision", i)), "\n"))
	}
	many := strings.Join(uses, "\n") + "\n" + base
	utf16 := string(utf16Bytes(base, binary.LittleEndian, true))
	binaryBase := strings.Repeat("\x00\x01\x02\x03", 4000) + base
	cases := []struct {
		name, path, base, data string
		copies                 []Copy
		capped                 bool
		why                    string
	}{
		{"binary", "data/blob.bin", binaryBase, edited(binaryBase), nil, false, "not plain text"},
		{"utf-16", "notes/keys.txt", utf16, utf16 + "x", nil, false, "not plain text"},
		{"archive", "backup/keys.tar", base, edited(base), nil, false, "archive"},
		{"notebook", "research/keys.ipynb", base, edited(base), nil, false, "read as one window"},
		{"path keyword", "connectors/binance/auth.py", base, edited(base), nil, false, "read as one window"},
		{"judged file", "home/.gnupg/secring.gpg", base, edited(base), nil, false, "not plain text"},
		{"larger than the long-phrase finder reads", "logs/big.txt", big, edited(big), nil, false, "large"},
		{"a rule capped in the base", "src/a.py", base, edited(base), nil, true, "a rule capped in the base"},
		{"many findings", "src/a.py", many, edited(many), nil, false, "many findings"},
		{"copies that do not copy", "src/a.py", base, edited(base), []Copy{{From: 0, To: 1, Len: 100}}, false, "copies do not match"},
		{"changed much", "src/a.py", base, text(1500), nil, false, "changed much"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			r := s.NewReader()
			r.KeepReach()
			var bst, wst, rst detectors.Stats
			baseFs, _ := r.Scan(ctx, c.path, strings.NewReader(c.base), int64(len(c.base)), &bst)
			rev := &Revision{Base: []byte(c.base), BaseFindings: baseFs, BaseCapped: c.capped || r.Capped(), Copies: c.copies}
			if rev.Copies == nil {
				rev.Copies = matchCopies(rev.Base, []byte(c.data))
			}
			want, _ := r.Scan(ctx, c.path, strings.NewReader(c.data), int64(len(c.data)), &wst)
			got, err := r.ScanRevision(ctx, c.path, []byte(c.data), rev, &rst)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("differs from a whole scan:\n got: %s\nwant: %s", describe(got), describe(want))
			}
			if rst.Noted["revision read whole: "+c.why] != 1 {
				t.Errorf("noted %v, want %q", rst.Noted, c.why)
			}
		})
	}
}

// BenchmarkScanRevision: a 200 KB Python file with one line edited in its
// middle, read whole and as a revision of the file before the edit.
func BenchmarkScanRevision(b *testing.B) {
	s := newScanner(b, Options{})
	m := newFileMaker(3)
	var lines []string
	for n := 0; n < 200<<10; {
		l := m.fillerLine()
		if m.rng.Intn(400) == 0 {
			// A credential now and then, as a bot's code holds: a ccxt
			// client with its key and secret.
			ex := exchanges[m.rng.Intn(len(exchanges))]
			l = "exchange = ccxt." + ex + "({'apiKey': '" + m.alnum(36) + "', 'secret': '" + m.alnum(48) + "'})"
		}
		lines = append(lines, l)
		n += len(l) + 1
	}
	base := []byte(strings.Join(lines, "\n") + "\n")
	lines[len(lines)/2] = "    timeout = self._config.get('timeout', 30)  # seconds"
	data := []byte(strings.Join(lines, "\n") + "\n")
	ctx := context.Background()
	r := s.NewReader()
	r.KeepReach()
	var st detectors.Stats
	baseFs, err := r.Scan(ctx, "strategies/big_strategy.py", bytes.NewReader(base), int64(len(base)), &st)
	if err != nil {
		b.Fatal(err)
	}
	rev := &Revision{Base: base, BaseFindings: baseFs, BaseCapped: r.Capped(), BaseReach: r.BaseReach(), Copies: matchCopies(base, data)}
	b.Run("whole", func(b *testing.B) {
		var st detectors.Stats
		for i := 0; i < b.N; i++ {
			if _, err := r.Scan(ctx, "strategies/big_strategy.py", bytes.NewReader(data), int64(len(data)), &st); err != nil {
				b.Fatal(err)
			}
		}
		b.SetBytes(int64(len(data)))
		b.ReportMetric(float64(st.Bytes)/float64(b.N), "scanned-bytes/op")
	})
	b.Run("revision", func(b *testing.B) {
		var st detectors.Stats
		for i := 0; i < b.N; i++ {
			if _, err := r.ScanRevision(ctx, "strategies/big_strategy.py", data, rev, &st); err != nil {
				b.Fatal(err)
			}
		}
		if st.Noted["read as a revision"] != int64(b.N) {
			b.Fatalf("not read as a revision: %v", st.Noted)
		}
		b.SetBytes(int64(len(data)))
		b.ReportMetric(float64(st.Bytes)/float64(b.N), "scanned-bytes/op")
	})
}

// A Reader keeps the base's reach only when asked: other sources do not
// pay for it, and a reach kept from another file is not used.
func TestBaseReachIsKeptWhenAsked(t *testing.T) {
	s := newScanner(t, Options{})
	text := "api_key = os.environ['API_KEY']\n"
	ctx := context.Background()
	var st detectors.Stats
	r := s.NewReader()
	if _, err := r.Scan(ctx, "a.py", strings.NewReader(text), int64(len(text)), &st); err != nil {
		t.Fatal(err)
	}
	if r.BaseReach() != nil {
		t.Error("a Reader that was not asked kept the reach")
	}
	r.KeepReach()
	if _, err := r.Scan(ctx, "a.py", strings.NewReader(text), int64(len(text)), &st); err != nil {
		t.Fatal(err)
	}
	br := r.BaseReach()
	if br == nil || len(br.spans) == 0 || br.size != len(text) {
		t.Fatalf("kept %+v", br)
	}
}
