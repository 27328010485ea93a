// Package engine turns chunks of text into findings. It is a pure function
// of (rules, chunk): sources feed it, filters and reports consume what it
// returns, and it keeps no state between calls, so one Engine serves every
// worker goroutine at once.
//
// The cost model: one pass of a keyword search over every byte (an
// automaton, once the engine has scanned enough to pay for building one),
// then regular expressions only inside small windows around keyword hits.
// Rules without keywords run over the whole chunk and must be few and cheap.
package engine

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"regexp/syntax"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/assign"
)

// Chunk is a piece of one file (or one blob) to scan.
type Chunk struct {
	// Path is relative to the scanned root and '/'-separated.
	Path string
	Data []byte
	// Line and Column (1-based, Column in characters) locate Data[0] in the
	// file; a chunk that starts mid-line (inside a huge minified line) has
	// Column > 1.
	Line, Column int
	// Offset is the byte offset of Data[0] in the file.
	Offset int64
}

// Suppression records a candidate that a filter dropped, for --verbose.
type Suppression struct {
	Path   string
	Line   int
	RuleID string
	Reason string
	// Redacted is the candidate as it may be logged.
	Redacted string
}

// Options tune an Engine.
type Options struct {
	// OnSuppress, if set, is called for every dropped candidate. It is
	// called from the scanning goroutines and must be safe for concurrent
	// use.
	OnSuppress func(Suppression)
	// Allow, if set, is asked about every finding before the parts of
	// credentials are linked, with its line and the line above; a finding
	// it allows (an allow comment, see internal/allow) is dropped and
	// reported to OnSuppress with the reason it gives. Dropping here,
	// not after the scan, matters for history: a secret whose allow
	// comment a later commit removes is then introduced by that commit.
	// It must be safe for concurrent use.
	Allow func(*detectors.Finding) (reason string, ok bool)
	// LinkLines is how far apart (in lines) the parts of one credential may
	// stand and still be linked. Zero means 12.
	LinkLines int
	// SlowRule is how long one rule may take on one chunk before
	// ScanContext names it; zero means 10 seconds.
	SlowRule time.Duration
}

// Engine matches a fixed rule set. It is safe for concurrent use.
type Engine struct {
	rules     []compiledRule
	keywords  *keywordSearch
	byKeyword [][]int // keyword id -> indexes into rules
	pathRules []int   // rules with path keywords
	// pathKeywords finds every rule's path keywords in a lowercased path
	// in one pass; byPathKeyword maps its keyword ids to rules.
	pathKeywords  *keywordSearch
	byPathKeyword [][]int
	anyPath       []int // rules with an empty path keyword, which every path holds
	always        []int // rules with neither keywords nor path keywords
	// lineKeyword marks the keyword ids that are some rule's line keyword;
	// their hits, shared by every line-keyed rule, say which lines may
	// hold a labelled value.
	lineKeyword []bool
	// fileKeyword maps the keyword ids that are some rule's file keyword
	// to those rules: a hit makes the whole chunk their window.
	fileKeyword [][]int
	// lineStart are the keywords that begin with a newline ("\ngate:"),
	// without it, to be matched at a chunk's first byte too.
	lineStart []lineStartKeyword
	scanAll   []int // rules with a whole-chunk finder
	opt       Options
	// decodeDepth is how many decodings deep this copy of the engine scans
	// (see decode.go); it bounds the recursion.
	decodeDepth int
	// scratch pools the per-call work of ScanContext (*scratch); the
	// copies scanDecoded makes share it.
	scratch *sync.Pool
}

type compiledRule struct {
	detectors.Rule
	// re compiles the pattern on first use: most rules' keywords never
	// hit in a small scan (a commit hook's), and compiling all of them
	// cost more than the scan.
	re func() *regexp.Regexp
	// secretIdx lists every group named "secret": a pattern may offer
	// alternatives (labelled value | self-identifying value), each with
	// its own group.
	secretIdx []int
	// required are literals every match of the pattern contains (the
	// "://" and "@" of a URL with credentials): a window without one of
	// them cannot match, and is not given to the regular expression.
	required [][]byte
}

// requiredLiterals appends the literals that every match of re contains:
// those of its top-level sequence, looking into groups and repetitions of
// at least one. Case-folded literals and alternatives are left out; what
// is returned is a necessary condition, not a complete one.
func requiredLiterals(re *syntax.Regexp, out [][]byte) [][]byte {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase == 0 && len(re.Rune) > 0 {
			out = append(out, []byte(string(re.Rune)))
		}
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			out = requiredLiterals(sub, out)
		}
	case syntax.OpCapture, syntax.OpPlus:
		out = requiredLiterals(re.Sub[0], out)
	case syntax.OpRepeat:
		if re.Min >= 1 {
			out = requiredLiterals(re.Sub[0], out)
		}
	}
	return out
}

// maxWindowSide bounds how far a window reaches into a very long line on
// each side of a keyword hit, so a 50 MB minified line costs windows of a
// few KiB, not the whole line per hit.
const maxWindowSide = 2048

func (opt Options) withDefaults() Options {
	if opt.LinkLines == 0 {
		opt.LinkLines = 12
	}
	if opt.SlowRule == 0 {
		opt.SlowRule = 10 * time.Second
	}
	return opt
}

// WithOptions returns an engine of e's rules with opt instead of e's
// options. Compiling the rules is New's cost; a command may start it
// before it knows its options (a commit hook builds the built-in rules'
// engine while git starts).
func (e *Engine) WithOptions(opt Options) *Engine {
	c := *e
	c.opt = opt.withDefaults()
	return &c
}

// Prepare starts building, on a goroutine of its own, what the engine
// otherwise builds once it has scanned enough to need it (the keyword
// automaton), so that it is ready by the time a large scan has listed and
// read its first files. A command about to scan a tree or a history calls
// it; a commit hook's few kilobytes never need it.
func (e *Engine) Prepare() { e.keywords.build() }

// New compiles rules. Rule ids must be unique and every pattern must have a
// "secret" group.
func New(rules []detectors.Rule, opt Options) (*Engine, error) {
	e := &Engine{opt: opt.withDefaults(), scratch: &sync.Pool{New: func() any { return new(scratch) }}}
	// A compiledRule holds a whole Rule: growing the slice by appends
	// copied them over and over.
	e.rules = make([]compiledRule, 0, len(rules))
	seen := map[string]bool{}
	var kws keywordSet
	// keywordID numbers each distinct keyword once, whichever rules and
	// roles (window or line keyword) share it.
	keywordID := func(kw string) int {
		id, added := kws.id(strings.ToLower(kw))
		if added {
			e.byKeyword = append(e.byKeyword, nil)
		}
		return id
	}
	for _, r := range rules {
		if r.ID == "" {
			return nil, fmt.Errorf("rule %q: empty id", r.Title)
		}
		if seen[r.ID] {
			return nil, fmt.Errorf("rule %s: duplicate id", r.ID)
		}
		seen[r.ID] = true
		if r.WholeFile {
			continue
		}
		var re func() *regexp.Regexp
		var idx []int
		var required [][]byte
		if r.Finder == nil || r.Pattern != "" {
			// Parsing finds every error Compile would and names the
			// groups; the compilation itself waits for a window.
			parsed, err := syntax.Parse(r.Pattern, syntax.Perl)
			if err != nil {
				return nil, fmt.Errorf("rule %s: %w", r.ID, err)
			}
			for i, name := range parsed.CapNames() {
				if name == "secret" {
					idx = append(idx, i)
				}
			}
			if len(idx) == 0 {
				return nil, fmt.Errorf("rule %s: pattern has no (?P<secret>...) group", r.ID)
			}
			re = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(r.Pattern) })
			required = requiredLiterals(parsed, nil)
		}
		ri := len(e.rules)
		e.rules = append(e.rules, compiledRule{Rule: r, re: re, secretIdx: idx, required: required})
		for _, kw := range r.Keywords {
			id := keywordID(kw)
			e.byKeyword[id] = append(e.byKeyword[id], ri)
		}
		for _, kw := range r.LineKeywords {
			id := keywordID(kw)
			for len(e.lineKeyword) <= id {
				e.lineKeyword = append(e.lineKeyword, false)
			}
			e.lineKeyword[id] = true
		}
		for _, kw := range r.FileKeywords {
			id := keywordID(kw)
			for len(e.fileKeyword) <= id {
				e.fileKeyword = append(e.fileKeyword, nil)
			}
			if !slices.Contains(e.fileKeyword[id], ri) {
				e.fileKeyword[id] = append(e.fileKeyword[id], ri)
			}
		}
		if len(r.PathKeywords) > 0 {
			e.pathRules = append(e.pathRules, ri)
		}
		if r.ScanAll != nil {
			e.scanAll = append(e.scanAll, ri)
		}
		if len(r.Keywords) == 0 && len(r.PathKeywords) == 0 && len(r.FileKeywords) == 0 && r.ScanAll == nil {
			e.always = append(e.always, ri)
		}
	}
	for len(e.lineKeyword) < len(kws.list) {
		e.lineKeyword = append(e.lineKeyword, false)
	}
	for len(e.fileKeyword) < len(kws.list) {
		e.fileKeyword = append(e.fileKeyword, nil)
	}
	e.keywords = newKeywordSearch(kws.list)
	for id, kw := range kws.list {
		if len(kw) > 1 && kw[0] == '\n' {
			e.lineStart = append(e.lineStart, lineStartKeyword{int32(id), []byte(kw[1:])})
		}
	}
	e.indexPathKeywords()
	return e, nil
}

// PathClass names what a scan of a file takes from its path:
// detectors.PathClass, and which rules the path's words open the whole
// file to. Equal classes mean equal findings from equal bytes.
func (e *Engine) PathClass(p string) string {
	class := detectors.PathClass(p)
	if e.pathKeywords == nil {
		return class
	}
	var rules []int
	e.pathKeywords.scan([]byte(strings.ToLower(p)), func(kw int32, _ int) {
		for _, ri := range e.byPathKeyword[kw] {
			if !slices.Contains(rules, ri) {
				rules = append(rules, ri)
			}
		}
	})
	slices.Sort(rules)
	for _, ri := range rules {
		class += "|" + strconv.Itoa(ri)
	}
	return class
}

// indexPathKeywords builds the matcher of the rules' path keywords. They
// are compared with the lowercased path, so one with an upper-case letter
// never matches and is left out.
func (e *Engine) indexPathKeywords() {
	var kws keywordSet
	for _, ri := range e.pathRules {
		for _, pk := range e.rules[ri].PathKeywords {
			if pk == "" {
				e.anyPath = append(e.anyPath, ri)
				continue
			}
			if strings.ToLower(pk) != pk {
				continue
			}
			id, added := kws.id(pk)
			if added {
				e.byPathKeyword = append(e.byPathKeyword, nil)
			}
			if !slices.Contains(e.byPathKeyword[id], ri) {
				e.byPathKeyword[id] = append(e.byPathKeyword[id], ri)
			}
		}
	}
	if len(kws.list) > 0 {
		e.pathKeywords = newKeywordSearch(kws.list)
	}
}

// keywordSet numbers distinct keywords in the order they are first seen.
type keywordSet struct {
	ids  map[string]int
	list []string
}

// id returns kw's number, and whether kw was new.
func (k *keywordSet) id(kw string) (int, bool) {
	if id, ok := k.ids[kw]; ok {
		return id, false
	}
	if k.ids == nil {
		k.ids = map[string]int{}
	}
	k.ids[kw] = len(k.list)
	k.list = append(k.list, kw)
	return len(k.list) - 1, true
}

// Rules returns the rules the engine was built with, in order.
func (e *Engine) Rules() []detectors.Rule {
	out := make([]detectors.Rule, len(e.rules))
	for i, r := range e.rules {
		out[i] = r.Rule
	}
	return out
}

type span struct{ start, end int }

type lineStartKeyword struct {
	id   int32
	rest []byte
}

// scratch is one ScanContext call's per-rule work, kept for the next call.
type scratch struct {
	work    []ruleWork // by rule index; valid where on is set
	on      []bool
	touched []int
	// windows are the finders' windows of the call by span: rules whose
	// hits fall on the same lines share one and what it parsed.
	windows map[span]*detectors.Window
	made    []*detectors.Window // what windows holds, to recycle
	spare   []*detectors.Window
	// lineHits are the call's line-keyword hits (see Engine.lineKeyword).
	lineHits []int
	// later holds the keyword automaton's later streams' hits.
	later laterHits
}

// window returns the Window over data[s.start:s.end] for this call.
func (s *scratch) window(data []byte, at span) *detectors.Window {
	if w, ok := s.windows[at]; ok {
		return w
	}
	var w *detectors.Window
	if n := len(s.spare); n > 0 {
		w, s.spare = s.spare[n-1], s.spare[:n-1]
		w.Reset(data[at.start:at.end])
	} else {
		w = detectors.NewWindow(data[at.start:at.end])
	}
	if s.windows == nil {
		s.windows = map[span]*detectors.Window{}
	}
	s.windows[at] = w
	s.made = append(s.made, w)
	return w
}

// maxKeptWindows is the most windows a scratch's map may have held and
// still be kept for the next call.
const maxKeptWindows = 64

// release forgets the call's rules and returns the scratch to the pool.
// Windows of a whole large chunk are not kept: a scratch holds what a
// typical chunk needs.
func (s *scratch) release(pool *sync.Pool) {
	for _, ri := range s.touched {
		s.on[ri] = false
		if w := &s.work[ri]; cap(w.windows) > 1<<10 || cap(w.hits) > 1<<12 {
			*w = ruleWork{}
		}
	}
	s.touched = s.touched[:0]
	for k := range s.later {
		if cap(s.later[k]) > 1<<12 {
			s.later[k] = nil
		}
	}
	for _, w := range s.made {
		if len(s.spare) < 256 {
			w.Reset(nil)
			s.spare = append(s.spare, w)
		}
	}
	clear(s.made)
	s.made = s.made[:0]
	// A map keeps the room it once grew to, and ranging over it or
	// clearing it costs that room, not what it holds: after one chunk
	// with thousands of windows, every later chunk paid for them (0.3 s
	// of hummingbot's history). Such a map is dropped.
	if len(s.windows) > maxKeptWindows {
		s.windows = nil
	} else {
		clear(s.windows)
	}
	pool.Put(s)
}

// ruleWork collects, per rule, the windows to search and the keyword hits
// that opened them (used to choose between rules that claim one value).
type ruleWork struct {
	windows []span
	hits    []int
	// whole is set by a hit of one of the rule's file keywords.
	whole bool
}

// candidate is one regex match before it becomes a Finding.
type candidate struct {
	rule     int
	start    int // byte offsets of the secret in the chunk
	end      int
	severity detectors.Severity
	notes    []string
	keyDist  int // distance to the nearest keyword hit of its rule
	named    bool
}

// MaxMatchesPerRule bounds how many matches of one rule one chunk is
// checked for. Past it the rule stops in that chunk and ScanContext says so:
// a rule that matches every letter of a 3 MB file would otherwise cost
// millions of candidates, each with its filters and validator.
const MaxMatchesPerRule = 10000

// Capped names a rule that met a limit in a chunk: with Matches set, it
// stopped at MaxMatchesPerRule and the rest of the chunk was not checked
// for it; with Took set, it ran longer than Options.SlowRule (it finished;
// the user learns which rule to fix).
type Capped struct {
	RuleID  string
	Matches int
	Took    time.Duration
}

// Scan returns the findings in one chunk, ordered by position. It is
// ScanContext without cancellation, for callers whose input is small.
func (e *Engine) Scan(c Chunk) []detectors.Finding {
	fs, _, _ := e.ScanContext(context.Background(), c)
	return fs
}

// ScanContext returns the findings in one chunk, ordered by position, and
// the rules that stopped at MaxMatchesPerRule. The context is checked
// between windows and candidates, so a chunk full of keyword hits can be
// interrupted; on cancellation it returns ctx.Err() and no findings.
func (e *Engine) ScanContext(ctx context.Context, c Chunk) ([]detectors.Finding, []Capped, error) {
	data := c.Data
	if len(data) == 0 {
		return nil, nil, nil
	}
	sc := &chunkScan{e: e, ctx: ctx, c: c}
	// work is indexed by rule: a map lookup per keyword hit and rule
	// cost more than the automaton's step on a tree full of "key".
	// The table and the windows' slices are reused from chunk to chunk
	// (a scratch per goroutine at a time): allocated per chunk they were
	// most of the engine's garbage.
	scr := e.scratch.Get().(*scratch)
	defer scr.release(e.scratch)
	if len(scr.work) < len(e.rules) {
		scr.work = make([]ruleWork, len(e.rules))
		scr.on = make([]bool, len(e.rules))
	}
	work, on := scr.work, scr.on
	get := func(ri int) *ruleWork {
		w := &work[ri]
		if !on[ri] {
			on[ri] = true
			w.windows, w.hits, w.whole = w.windows[:0], w.hits[:0], false
			scr.touched = append(scr.touched, ri)
		}
		return w
	}
	lineHits := scr.lineHits[:0]
	defer func() {
		if cap(lineHits) <= 1<<12 {
			scr.lineHits = lineHits[:0]
		}
	}()
	// Rules that share a keyword usually share window sizes too, and hits
	// come in runs on one line (api_key = self._api_key): a window
	// depends only on its hit's line and its sizes, so it is computed once
	// per line and size. A line too long to be read whole is keyed by the
	// hit's offset alone.
	type cachedWindow struct{ from, to, before, after, s, t int }
	var wcache [4]cachedWindow
	nc, next := 0, 0
	windowAt := func(at, before, after int) (int, int) {
		for i := 0; i < nc; i++ {
			if c := &wcache[i]; c.from <= at && at <= c.to && c.before == before && c.after == after {
				return c.s, c.t
			}
		}
		s, t, ls, le := lineWindow(data, at, before, after)
		from, to := at, at
		if le >= 0 && le-ls < maxWindowSide {
			from, to = ls, le
		}
		wcache[next] = cachedWindow{from, to, before, after, s, t}
		next = (next + 1) % len(wcache)
		nc = min(nc+1, len(wcache))
		return s, t
	}
	onHit := func(kw int32, end int) {
		if e.lineKeyword[kw] {
			lineHits = append(lineHits, end)
		}
		for _, ri := range e.fileKeyword[kw] {
			get(ri).whole = true
		}
		for _, ri := range e.byKeyword[kw] {
			r := &e.rules[ri]
			w := get(ri)
			w.hits = append(w.hits, end)
			if n := len(w.windows); n > 0 {
				last := &w.windows[n-1]
				// Most hits land in a window already opened by an
				// earlier hit on the same lines.
				if end <= last.end && r.WindowAfter == 0 {
					continue
				}
			}
			s, t := windowAt(end-1, r.WindowBefore, r.WindowAfter)
			addWindow(&w.windows, s, t)
		}
	}
	if c.Column <= 1 {
		// The chunk starts a line, as if after a newline: a keyword
		// written "\ngate:" is also at the top of the file.
		for _, k := range e.lineStart {
			if len(data) >= len(k.rest) && bytes.EqualFold(data[:len(k.rest)], k.rest) {
				onHit(k.id, len(k.rest))
			}
		}
	}
	e.keywords.scanWith(data, &scr.later, onHit)
	if strings.HasSuffix(strings.ToLower(c.Path), ".ipynb") {
		// A notebook is one program cut into cells, with lines of JSON
		// between them: ccxt.binance( in one cell names the exchange of
		// the api_key two cells up. An exchange named anywhere in it is
		// the context of all of it.
		for _, ri := range scr.touched {
			if w := &work[ri]; e.rules[ri].Exchange != "" && len(w.windows) > 0 {
				w.windows = []span{{0, len(data)}}
			}
		}
	}
	for _, ri := range scr.touched {
		if w := &work[ri]; w.whole {
			w.windows = []span{{0, len(data)}}
		}
	}
	if e.pathKeywords != nil {
		e.pathKeywords.scan([]byte(strings.ToLower(c.Path)), func(kw int32, _ int) {
			for _, ri := range e.byPathKeyword[kw] {
				get(ri).windows = []span{{0, len(data)}}
			}
		})
	}
	for _, ri := range e.anyPath {
		get(ri).windows = []span{{0, len(data)}}
	}
	for _, ri := range e.always {
		get(ri).windows = []span{{0, len(data)}}
	}

	var cands []candidate
	ruleIdx := scr.touched
	sort.Ints(ruleIdx)
	for _, ri := range ruleIdx {
		w := &work[ri]
		if len(e.rules[ri].LineKeywords) > 0 {
			w.windows = labelLines(data, w.windows, lineHits, e.rules[ri].MultilineValue, e.rules[ri].WindowAfter)
		}
		start := time.Now()
		cands = sc.matchRule(ri, w, scr, cands)
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		if took := time.Since(start); took > e.opt.SlowRule {
			sc.capped = append(sc.capped, Capped{RuleID: e.rules[ri].ID, Took: took})
		}
	}
	for _, ri := range e.scanAll {
		ms := e.rules[ri].ScanAll(c.Path, data)
		if len(ms) > MaxMatchesPerRule {
			ms = ms[:MaxMatchesPerRule]
			sc.cap(ri)
		}
		for i, m := range ms {
			if i%256 == 255 && ctx.Err() != nil {
				return nil, nil, ctx.Err()
			}
			cands = sc.check(ri, m[0], m[1], "", nil, cands)
		}
	}
	cands = resolveOverlaps(e.rules, cands)
	findings := sc.build(cands)
	concealRejected(c, findings, sc.rejected)
	findings, err := sc.scanDecoded(findings)
	if err != nil {
		return nil, nil, err
	}
	return findings, sc.capped, nil
}

// chunkScan is the state of one ScanContext call.
type chunkScan struct {
	e   *Engine
	ctx context.Context
	c   Chunk
	// rejected are values a validator turned down after they passed the
	// shape, entropy and placeholder filters — mostly for want of context
	// (a label that names no credential). They may still be secrets, so
	// reports must not print them beside a finding on the same line.
	rejected []span
	capped   []Capped
	// newlines holds the offsets of the chunk's line ends, built on the
	// first suppression that needs a line number: counting from the start
	// of the chunk for each would cost a pass per suppressed candidate.
	newlines []int
	indexed  bool
}

func (sc *chunkScan) cap(ri int) {
	sc.capped = append(sc.capped, Capped{RuleID: sc.e.rules[ri].ID, Matches: MaxMatchesPerRule})
}

// lineOf returns the line number of offset at in the chunk.
func (sc *chunkScan) lineOf(at int) int {
	if !sc.indexed {
		sc.indexed = true
		for i, b := range sc.c.Data {
			if b == '\n' {
				sc.newlines = append(sc.newlines, i)
			}
		}
	}
	n, _ := slices.BinarySearch(sc.newlines, at)
	return sc.c.Line + n
}

// window returns the byte span of the lines around data[at], before lines
// above and after lines below, clipped on very long lines.
func window(data []byte, at, before, after int) (int, int) {
	s, t, _, _ := lineWindow(data, at, before, after)
	return s, t
}

// lineWindow is window that also returns where the line of data[at]
// starts and ends (its newline, or the end of data); le is -1 when the line
// runs past maxWindowSide after at. For every offset of a line shorter
// than maxWindowSide, window answers the same.
func lineWindow(data []byte, at, before, after int) (s, t, ls, le int) {
	// Every search for a line end is bounded by maxWindowSide, so a hit
	// inside a huge line (minified JSON) costs the same as one in a short
	// line; such a line is its own window and no lines around it are added.
	s = lastLineStart(data, max(0, at-maxWindowSide), at)
	ls = s
	for i := 0; i < before && s > 0 && data[s-1] == '\n'; i++ {
		s = lastLineStart(data, max(0, s-1-maxWindowSide), s-1)
	}
	t, le = linesBelow(data, at, after)
	return s, t, ls, le
}

// linesBelow returns where a window that reaches after lines below
// data[at] ends, and the end of at's own line as lineWindow gives it.
func linesBelow(data []byte, at, after int) (t, le int) {
	t, le = at, -1
	for i := 0; i <= after; i++ {
		stop := min(len(data), t+maxWindowSide)
		n := bytes.IndexByte(data[t:stop], '\n')
		if n < 0 {
			if i == 0 && stop == len(data) {
				le = len(data)
			}
			t = stop
			break
		}
		t += n
		if i == 0 {
			le = t
		}
		if i < after {
			t++
		}
	}
	return openValueEnd(data, t), le
}

// openValueEnd extends a window that ends at data[t] (a line end) by the
// next non-blank line when its last line opens a value below it: an XML
// opening tag (<apiKey>) or a YAML block scalar (api_key: |); and by the
// next two when it opens a call's arguments (Client(). Otherwise it
// returns t.
func openValueEnd(data []byte, t int) int {
	if t >= len(data) || data[t] != '\n' {
		return t
	}
	e := t
	for e > 0 && (data[e-1] == ' ' || data[e-1] == '\t' || data[e-1] == '\r') {
		e--
	}
	if e == 0 {
		return t
	}
	lines := 1
	switch c := data[e-1]; {
	case c == '=' && e > 1 && data[e-2] != '=' && data[e-2] != '!':
		// An assignment whose literal a formatter wrapped onto the next
		// line: const apiKey =\n  '…'.
	case assign.LabelPhrase(data[lastLineStart(data, max(0, e-64), e):e]):
		// A label alone on its line ("API Key", "Secret Key:"), as an
		// exchange's API page reads when pasted into a note: the value
		// is on the next line.
	case c == '(':
		// A call wrapped one argument per line (black, prettier):
		// Client(\n "key",\n "secret",\n) — its first two arguments.
		lines = 2
	case c == '>':
		j := e - 1
		for j > 0 && e-j < 64 && isNameByte(data[j-1]) {
			j--
		}
		if j == e-1 || j == 0 || data[j-1] != '<' {
			return t
		}
	default:
		j := e
		for j > 0 && e-j < 3 && (data[j-1] == '-' || data[j-1] == '+' || '1' <= data[j-1] && data[j-1] <= '9') {
			j--
		}
		if j == 0 || data[j-1] != '|' && data[j-1] != '>' {
			return t
		}
		j--
		for j > 0 && (data[j-1] == ' ' || data[j-1] == '\t') {
			j--
		}
		if j == 0 || data[j-1] != ':' {
			return t
		}
	}
	for ; lines > 0; lines-- {
		k := t + 1
		for k < len(data) && k-t < maxWindowSide && (data[k] == ' ' || data[k] == '\t' || data[k] == '\r' || data[k] == '\n') {
			k++
		}
		stop := min(len(data), k+maxWindowSide)
		n := bytes.IndexByte(data[k:stop], '\n')
		if n < 0 {
			return stop
		}
		t = k + n
	}
	return t
}

func isNameByte(c byte) bool {
	return c == '_' || c == '-' || c == '.' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}

// lineAbove returns the nearest non-blank line above the line holding
// data[at], at most two lines up, bounded like lineAt.
func lineAbove(data []byte, at int) []byte {
	s := lastLineStart(data, max(0, at-maxWindowSide), at)
	for range 3 {
		if s == 0 || data[s-1] != '\n' {
			return nil
		}
		e := s - 1
		s = lastLineStart(data, max(0, e-400), e)
		if len(bytes.TrimSpace(data[s:e])) > 0 {
			return data[s:e]
		}
	}
	return nil
}

// lineBefore returns the line above the one holding offset at, cut like
// lineAt, or nil when that line starts the chunk (or is too long to look
// past: a minified file's one line would cost a scan back per finding).
func lineBefore(data []byte, at int) []byte {
	lo := max(0, at-maxWindowSide)
	ls := lastLineStart(data, lo, at)
	if ls == 0 || (ls == lo && (lo == 0 || data[lo-1] != '\n')) {
		return nil
	}
	end := ls - 1 // the '\n' ending the line before
	if end > 0 && data[end-1] == '\r' {
		end--
	}
	start := lastLineStart(data, max(0, end-contextBefore), end)
	for start < end && !utf8.RuneStart(data[start]) {
		start++
	}
	return data[start:end]
}

// lastLineStart returns the start of the line containing data[at], or limit
// if the line starts before limit.
func lastLineStart(data []byte, limit, at int) int {
	return limit + lastNewline(data[limit:at]) + 1
}

// labelLines narrows windows to the lines that hold a line-keyword hit
// (sorted offsets). With multiline, each narrowed window runs from its line
// to the end of the original window, or, in a window that holds no PEM
// block, at most after lines below its line.
func labelLines(data []byte, windows []span, hits []int, multiline bool, after int) []span {
	var out []span
	h := 0
	for _, w := range windows {
		for h < len(hits) && hits[h] <= w.start {
			h++
		}
		// Only a PEM block runs on far below its label's line. Without
		// one, a label's reach is the rule's window below it: run to the
		// window's end from the first label, a file whose path names the
		// exchange (one window, the whole file) was parsed whole, most of
		// a history scan's time in a trading bot's connector code.
		pem := multiline && bytes.Contains(data[w.start:w.end], pemBegin)
		var line labelCursor
		for ; h < len(hits) && hits[h] <= w.end; h++ {
			at := hits[h] - 1
			ls := line.start(data, max(w.start, at-maxWindowSide), at)
			le := w.end
			if multiline && !pem {
				// The line's start is ls already; only the reach below
				// is needed.
				t, _ := linesBelow(data, at, after)
				le = min(w.end, t)
			}
			if !multiline {
				// Bounded like window: a hit in a huge line looks no
				// further than maxWindowSide for its line's end.
				stop := min(w.end, at+maxWindowSide)
				if nl := line.end(data, at, stop); nl >= 0 {
					le = min(w.end, openValueEnd(data, nl))
				} else {
					le = stop
				}
			}
			addWindow(&out, ls, le)
		}
	}
	return out
}

// labelCursor answers lastLineStart and the search for the next newline for
// the rising offsets of one window's hits, each from what the last answer
// saw: the hits on one line of minified JSON (thousands of "key"s) each
// looked up to maxWindowSide bytes back and ahead again.
type labelCursor struct {
	used bool
	at   int // the last offset start was asked about
	ls   int // its answer
	// No newline stands in [from, to); nl is the first at or after to,
	// or -1 if it was not looked for past to.
	from, to, nl int
}

// start returns lastLineStart(data, limit, at). Offsets must not fall.
func (c *labelCursor) start(data []byte, limit, at int) int {
	if !c.used || at < c.at {
		c.used, c.from, c.to, c.nl = true, at, at, -1
		c.at, c.ls = at, lastLineStart(data, limit, at)
		return c.ls
	}
	from := max(c.at, limit)
	ls := limit
	if k := lastNewline(data[from:at]); k >= 0 {
		ls = from + k + 1
	} else if c.ls > limit && data[c.ls-1] == '\n' {
		// The last answer's newline, and none since.
		ls = c.ls
	}
	c.at, c.ls = at, ls
	return ls
}

// end returns the offset of the first newline in data[at:stop], or -1.
func (c *labelCursor) end(data []byte, at, stop int) int {
	from := at
	switch {
	case at < c.from:
		c.from = at
	case c.nl >= at:
		// No newline from c.from to c.nl, so none from at.
		if c.nl < stop {
			return c.nl
		}
		return -1
	case c.nl < 0 && at <= c.to:
		from = c.to
	default:
		c.from = at
	}
	if from < stop {
		if n := bytes.IndexByte(data[from:stop], '\n'); n >= 0 {
			c.to, c.nl = from+n, from+n
			return from + n
		}
	}
	c.to, c.nl = max(from, stop), -1
	return -1
}

// pemBegin starts every PEM block, the only value a MultilineValue rule
// reads past its label's line.
var pemBegin = []byte("-----BEGIN")

func addWindow(ws *[]span, s, t int) {
	if n := len(*ws); n > 0 {
		last := &(*ws)[n-1]
		if s <= last.end+1 {
			if t > last.end {
				last.end = t
			}
			if s < last.start {
				last.start = s
			}
			return
		}
	}
	*ws = append(*ws, span{s, t})
}

// maxValidatorWindow is the largest window a validator is given whole.
// Windows merge, so on a line full of keyword hits one window spans the
// line; each candidate in a larger window gets its own lines within
// maxWindowSide either side instead, which keeps the cost per candidate
// fixed and the whole scan linear in the bytes.
const maxValidatorWindow = 16 << 10

func (sc *chunkScan) matchRule(ri int, w *ruleWork, scr *scratch, out []candidate) []candidate {
	r := &sc.e.rules[ri]
	data := sc.c.Data
	matches := 0
	for _, win := range w.windows {
		if sc.ctx.Err() != nil {
			return out
		}
		text := data[win.start:win.end]
		var spans [][2]int
		if r.Finder != nil {
			spans = r.Finder(scr.window(data, win))
		} else {
			spans = r.spans(text, MaxMatchesPerRule-matches+1)
		}
		if matches+len(spans) > MaxMatchesPerRule {
			spans = spans[:MaxMatchesPerRule-matches]
			sc.cap(ri)
		}
		matches += len(spans)
		var whole string // the window as a string, made once and only if asked for
		for i, m := range spans {
			if i%256 == 255 && sc.ctx.Err() != nil {
				return out
			}
			start, end := win.start+m[0], win.start+m[1]
			var ws string
			switch {
			case r.Validate == nil:
			case len(text) <= maxValidatorWindow:
				if whole == "" {
					whole = string(text)
				}
				ws = whole
			default:
				ws = string(candidateWindow(data, win, start, end))
			}
			out = sc.check(ri, start, end, ws, w.hits, out)
		}
		if matches >= MaxMatchesPerRule {
			break
		}
	}
	return out
}

// candidateWindow returns the whole lines of win within maxWindowSide of
// data[start:end] (a longer line is cut at that distance).
func candidateWindow(data []byte, win span, start, end int) []byte {
	s := max(win.start, start-maxWindowSide)
	if s > win.start {
		if n := bytes.IndexByte(data[s:start], '\n'); n >= 0 {
			s += n + 1
		}
	}
	t := min(win.end, end+maxWindowSide)
	if t < win.end {
		if n := bytes.LastIndexByte(data[end:t], '\n'); n >= 0 {
			t = end + n
		}
	}
	return data[s:t]
}

// check runs the filters and the validator on one candidate span; a span
// the validator rejects is added to sc.rejected.
func (sc *chunkScan) check(ri, start, end int, window string, hits []int, out []candidate) []candidate {
	e, c := sc.e, sc.c
	r := &e.rules[ri]
	data := c.Data
	secret := string(data[start:end])
	line := lineAt(data, start, contextBefore)
	if reason, drop := e.filter(r, secret); drop {
		sc.suppress(start, r.ID, reason, secret)
		return out
	}
	if reason, public := detectors.PublicValue(secret, string(line)); public {
		sc.suppress(start, r.ID, reason, secret)
		return out
	}
	cd := candidate{rule: ri, start: start, end: end, severity: r.Severity, keyDist: nearest(hits, start)}
	if r.Validate != nil {
		v := r.Validate(secret, detectors.Candidate{
			Path:   c.Path,
			Line:   string(line),
			Window: window,
			Above:  string(lineAbove(data, start)),
		})
		if v.Reject {
			sc.suppress(start, r.ID, v.Reason, secret)
			sc.rejected = append(sc.rejected, span{start, end})
			return out
		}
		if v.Severity != detectors.SeverityUnset {
			cd.severity = v.Severity
		}
		if v.Note != "" {
			cd.notes = append(cd.notes, v.Note)
		}
		cd.named = v.Named
	}
	if sev, note, ok := detectors.TestMaterial(c.Path, string(line), cd.severity); ok {
		cd.severity = sev
		cd.notes = append(cd.notes, note)
	}
	return append(out, cd)
}

// concealRejected lists in each finding's Conceal the rejected values that
// stand on its first line, other than its own secret.
func concealRejected(c Chunk, findings []detectors.Finding, rejected []span) {
	if len(rejected) == 0 {
		return
	}
	// Sorted, each finding looks only at the values on its own line: a
	// line of thousands of candidates costs no pass over all of them per
	// finding.
	slices.SortFunc(rejected, func(a, b span) int { return a.start - b.start })
	for i := range findings {
		f := &findings[i]
		at := int(f.Offset - c.Offset)
		if at < 0 || at > len(c.Data) {
			continue
		}
		// Rejected values stand within a window of the finding, so the
		// line is looked at no further than a window either side.
		ls := lastLineStart(c.Data, max(0, at-maxWindowSide), at)
		le := min(len(c.Data), at+maxWindowSide)
		if n := bytes.IndexByte(c.Data[at:le], '\n'); n >= 0 {
			le = at + n
		}
		k, _ := slices.BinarySearchFunc(rejected, ls, func(r span, at int) int { return r.start - at })
		for _, r := range rejected[k:] {
			if r.start > le {
				break
			}
			if r.end > le {
				continue
			}
			v := string(c.Data[r.start:r.end])
			if v != f.Secret && !slices.Contains(f.Conceal, v) {
				f.Conceal = append(f.Conceal, v)
			}
		}
	}
}

// spans returns the [start, end) offsets of the first n matches of the
// rule's pattern in text.
func (r *compiledRule) spans(text []byte, n int) [][2]int {
	for _, lit := range r.required {
		if !bytes.Contains(text, lit) {
			return nil
		}
	}
	if r.Gate != nil && !r.Gate(text) {
		return nil
	}
	var out [][2]int
	for _, m := range r.re().FindAllSubmatchIndex(text, n) {
		for _, i := range r.secretIdx {
			if m[2*i] >= 0 && m[2*i+1] > m[2*i] {
				out = append(out, [2]int{m[2*i], m[2*i+1]})
				break
			}
		}
	}
	return out
}

func (e *Engine) filter(r *compiledRule, secret string) (string, bool) {
	if why, ok := detectors.KnownExample(secret); ok {
		return why, true
	}
	if !r.KeepPlaceholders {
		if ok, why := detectors.Placeholder(secret); ok {
			return why, true
		}
	}
	if r.Entropy > 0 {
		if ratio := detectors.EntropyRatio(secret); ratio < r.Entropy {
			return fmt.Sprintf("entropy %.2f of random below %.2f", ratio, r.Entropy), true
		}
	}
	return "", false
}

func (sc *chunkScan) suppress(at int, rule, reason, secret string) {
	if sc.e.opt.OnSuppress == nil {
		return
	}
	sc.e.opt.OnSuppress(Suppression{
		Path:     sc.c.Path,
		Line:     sc.lineOf(at),
		RuleID:   rule,
		Reason:   reason,
		Redacted: detectors.Redact(secret),
	})
}

// nearest returns the distance from at to the nearest of hits (sorted),
// a keyword after the value counting double: it is weaker evidence than
// one before it. Only the hits either side of at can be nearest.
func nearest(hits []int, at int) int {
	best := int(^uint(0) >> 1)
	i, _ := slices.BinarySearch(hits, at+1)
	if i > 0 {
		best = at - hits[i-1]
	}
	if i < len(hits) {
		best = min(best, (hits[i]-at)*2)
	}
	return best
}

// Validators see up to 200 bytes before a secret on its line (labels,
// an SDK call's opening parenthesis); reports show 60, so that the secret
// stands within the 160 characters a report prints.
const (
	contextBefore = 200
	displayBefore = 60
)

func lineAt(data []byte, at, before int) []byte {
	// The line is context for a person, not data: a very long line is cut
	// around the secret, and the search for its ends is bounded likewise.
	const after = 400
	lo := at - before
	if lo < 0 {
		lo = 0
	}
	s := lastLineStart(data, lo, at)
	for s < at && !utf8.RuneStart(data[s]) {
		s++
	}
	hi := at + after
	if hi > len(data) {
		hi = len(data)
	}
	t := hi
	if n := bytes.IndexByte(data[at:hi], '\n'); n >= 0 {
		t = at + n
	}
	for t > at && t < len(data) && !utf8.RuneStart(data[t]) {
		t--
	}
	if t > s && data[t-1] == '\r' {
		t--
	}
	return data[s:t]
}

// resolveOverlaps keeps one candidate per value: a specific rule beats a
// generic one, and between specific rules the one whose keyword stands
// nearest (before the value, preferably) wins.
func resolveOverlaps(rules []compiledRule, cands []candidate) []candidate {
	if len(cands) < 2 {
		return cands
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].start != cands[j].start {
			return cands[i].start < cands[j].start
		}
		return cands[i].rule < cands[j].rule
	})
	better := func(a, b candidate) bool {
		ga, gb := rules[a.rule].Generic, rules[b.rule].Generic
		if ga != gb {
			return !ga
		}
		if a.named != b.named {
			return a.named
		}
		if (a.end - a.start) != (b.end - b.start) {
			return a.end-a.start > b.end-b.start
		}
		if a.keyDist != b.keyDist {
			return a.keyDist < b.keyDist
		}
		return a.rule < b.rule
	}
	out := cands[:0:0]
	for _, cd := range cands {
		if n := len(out); n > 0 && cd.start < out[n-1].end {
			if better(cd, out[n-1]) {
				out[n-1] = cd
			}
			continue
		}
		out = append(out, cd)
	}
	return out
}
