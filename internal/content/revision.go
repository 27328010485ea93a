package content

import (
	"bytes"
	"context"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/archive"
	"github.com/keyward/scan/internal/engine"
	"github.com/keyward/scan/internal/mnemonic"
)

// Revision reads: most blobs of a history are a new version of another blob
// that differs by a few lines, and a pack stores them as a delta (copies of
// the old version and inserted bytes). ScanRevision finds a new version's
// findings by scanning only the neighbourhood of what the delta changed and
// carrying the old version's findings over for the rest, with the result a
// whole scan gives.
//
// The file is cut into zones: dirty zones around each inserted range and
// each junction of copies, scanned, and clean stretches between them, each
// inside one copy, whose findings are the base's moved. A cut is a line
// start where nothing the engine reads as a whole crosses, in the new
// version and in the base alike:
//
//   - no rule's search window (merged across nearby keyword hits, so of no
//     fixed size: a file dense with "key" may be one window), no finder
//     match of a whole-chunk finder, no lines decoded around an encoded run
//     (engine.Chunk.Reach reports them all);
//   - no part of a credential within engine.Reach.Link lines, so
//     linking never pairs parts across it;
//   - no run of BIP-39 words going on across it (the long-phrase finder
//     reads runs of any length, one word a line included).
//
// Whether a cut is clean is decided by scanning a region around it wide
// enough to hold every keyword hit whose window could reach it
// (engine.Reach.Above and Below lines, counted as non-blank lines because a
// window that opens a value skips blank lines) and every part that could
// link across it. A dirty cut moves away from its zone, and the zone is
// scanned again, until both sides are clean or the zones cover half the
// file (then a whole scan is cheaper).
//
// What makes local reasoning unsafe sends the file to a whole scan: content
// that is not plain UTF-8 text, a judged or archive path, a file or base
// larger than one chunk or than the long-phrase finder reads
// (detectors.LongMnemonicChunkLimit), a path some rule reads as one window
// (path keywords, notebooks), a base where a rule stopped at
// engine.MaxMatchesPerRule, and more base findings than linking looks at
// around a secret.
//
// Known differences from a whole scan, none of which changes a finding: the
// --verbose suppression log names the candidates of the scanned regions,
// not of the whole file; and the nearest-keyword tie-break between two
// specific rules claiming one value of the same length looks only inside
// the scanned region (a hit beyond its margin, nearer in bytes than the
// window's own hit, could decide otherwise).

// Copy says that data[To:To+Len] of a new version is base[From:From+Len]:
// a delta's copy instruction. Every byte of the new version outside the
// copies was inserted by the delta.
type Copy struct{ From, To, Len int }

// Revision is what ScanRevision knows of a new version's base: a file
// read whole under the same path by the same kind of Reader.
type Revision struct {
	Base []byte
	// BaseFindings are what Reader.Scan returned for Base, untouched by
	// filters (allowlists and baselines come after).
	BaseFindings []detectors.Finding
	// BaseCapped is Reader.Capped() right after Base was scanned: a rule
	// stopped at engine.MaxMatchesPerRule, so Base's findings are not all
	// it holds.
	BaseCapped bool
	// BaseReach, if set, is Reader.BaseReach() right after Base was
	// scanned: what the engine read as a whole in it. With it, the base's
	// side of each cut is known without scanning the base again.
	BaseReach *BaseReach
	Copies    []Copy
}

// BaseReach is what the engine read as a whole in a file (see
// engine.Chunk.Reach), kept from its scan for a revision read of its next
// version.
type BaseReach struct {
	spans []reachSpan
	size  int
}

// KeepReach makes r keep, from each file it scans, what BaseReach returns:
// a source that reads versions of files as revisions of one another (a
// history) turns it on; others do not pay for it.
func (r *Reader) KeepReach() { r.keepReach = true }

// BaseReach returns what the engine read as a whole in the file the last
// Scan read, for Revision.BaseReach; nil unless KeepReach was called, and
// when that file was not read as one chunk of text (a revision read of its
// next version reads it whole anyway).
func (r *Reader) BaseReach() *BaseReach {
	if !r.keepReach || r.reachChunks != 1 {
		return nil
	}
	return &BaseReach{spans: slices.Clone(r.reach), size: int(r.reachSize)}
}

const (
	// revisionPad is how many lines a dirty zone keeps around a changed
	// line at least: the engine reads up to three lines above a value
	// (the allow comment, a validator's label above), and a clean stretch
	// below a zone must start with those lines copied.
	revisionPad = 4
	// revisionMaxRounds bounds how often cuts move before the file is read
	// whole.
	revisionMaxRounds = 10
	// revisionMaxFindings keeps linking local: the engine links a secret
	// with parts among its 256 neighbours in the finding list, which a
	// region holding fewer findings would not reproduce.
	revisionMaxFindings = 128
)

// Capped reports whether a rule stopped at engine.MaxMatchesPerRule in the
// last file Scan read (Revision.BaseCapped).
func (r *Reader) Capped() bool { return r.capped }

// ScanRevision returns the findings of data, a new version of rev.Base at
// the same path, as r.Scan(ctx, path, bytes.NewReader(data), len(data), st)
// would, scanning only around what the delta changed when that is safe
// (see above). st counts the file once, the bytes actually scanned, and
// "read as a revision" (or why it was read whole).
func (r *Reader) ScanRevision(ctx context.Context, path string, data []byte, rev *Revision, st *detectors.Stats) ([]detectors.Finding, error) {
	whole := func(why string) ([]detectors.Finding, error) {
		st.Count("revision read whole: " + why)
		return r.Scan(ctx, path, bytes.NewReader(data), int64(len(data)), st)
	}
	if why := r.revisable(path, data, rev); why != "" {
		return whole(why)
	}
	copies, ok := normCopies(rev.Copies, data, rev.Base)
	if !ok {
		return whole("copies do not match")
	}
	rs := &revScan{
		r: r, ctx: ctx, path: path,
		n:      newLineIndex(data),
		b:      newLineIndex(rev.Base),
		copies: copies,
		base:   rev.BaseFindings,
	}
	if rev.BaseReach != nil && rev.BaseReach.size == len(rev.Base) {
		rs.baseReach = rev.BaseReach.spans
	}
	rs.init()
	fs, why, err := rs.run()
	st.Bytes += rs.scanned
	if err != nil {
		st.Interrupt()
		return nil, ErrInterrupted
	}
	if why != "" {
		return whole(why)
	}
	st.Files++
	st.Count("read as a revision")
	if st.Noted == nil {
		st.Noted = map[string]int64{}
	}
	st.Noted["revision bytes not read again"] += int64(len(data)) - rs.scanned
	return fs, nil
}

// revisable says why data cannot be read as a revision, or "".
func (r *Reader) revisable(path string, data []byte, rev *Revision) string {
	opt := r.s.opt
	lower := strings.ToLower(path)
	switch {
	case rev == nil:
		return "no base"
	case len(data) == 0 || len(rev.Base) == 0:
		return "empty"
	case !opt.NoArchives && archive.Kind(path) != "":
		return "archive"
	case opt.MaxFileSize > 0 && int64(len(data)) > opt.MaxFileSize:
		return "too large"
	case len(data) >= opt.ChunkSize || len(rev.Base) >= opt.ChunkSize,
		len(data) > detectors.LongMnemonicChunkLimit || len(rev.Base) > detectors.LongMnemonicChunkLimit:
		return "large"
	case rev.BaseCapped:
		return "a rule capped in the base"
	case len(rev.BaseFindings) > revisionMaxFindings:
		return "many findings"
	case binaryExtension(path) || !plainText(path, data) || !plainText(path, rev.Base):
		return "not plain text"
	case strings.HasSuffix(lower, ".ipynb") || r.s.eng.WholeChunk(path):
		return "read as one window"
	}
	return ""
}

// plainText reports whether b would be read as plain UTF-8 text, one chunk
// with no judge, decoding or text regions in the way.
func plainText(path string, b []byte) bool {
	head := b[:min(len(b), sniffSize)]
	k := sniff(head)
	return k == kindText && judgeFor(path, k) == nil && utf8.Valid(trimPartialRune(head))
}

// normCopies sorts copies by their place in data, checks that each copies
// what it says (a wrong delta must not give wrong findings) and joins
// copies that continue one another in both files.
func normCopies(cs []Copy, data, base []byte) ([]Copy, bool) {
	out := make([]Copy, 0, len(cs))
	for _, c := range cs {
		if c.Len == 0 {
			continue
		}
		if c.Len < 0 || c.From < 0 || c.To < 0 || c.From+c.Len > len(base) || c.To+c.Len > len(data) {
			return nil, false
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b Copy) int { return a.To - b.To })
	joined := out[:0]
	for _, c := range out {
		if !bytes.Equal(data[c.To:c.To+c.Len], base[c.From:c.From+c.Len]) {
			return nil, false
		}
		if n := len(joined); n > 0 {
			p := &joined[n-1]
			if c.To < p.To+p.Len {
				return nil, false
			}
			if e := p.From + p.Len; c.To > p.To+p.Len && c.From != e {
				// After inserted bytes, the copy that follows is looked
				// for just past where the copy before ended in the base
				// (the lines an edit replaced are short): found there,
				// it and what follows continue that copy, instead of
				// jumping to an earlier place where the same lines stand.
				want := data[c.To : c.To+c.Len]
				if j := bytes.Index(base[e:min(len(base), e+reanchorWithin+c.Len)], want[:min(len(want), 32)]); j >= 0 && e+j+c.Len <= len(base) && bytes.Equal(base[e+j:e+j+c.Len], want) {
					c.From = e + j
				}
			}
			if c.To == p.To+p.Len && c.From != p.From+p.Len {
				// A delta copies a repeated line from wherever it
				// finds it first; where the bytes also continue the
				// copy before, they are taken as its continuation, so
				// that the junction (a dirty point) goes away or moves
				// to where the versions really part.
				k := commonPrefix(data[c.To:c.To+c.Len], base[p.From+p.Len:])
				p.Len += k
				c.To, c.From, c.Len = c.To+k, c.From+k, c.Len-k
				if c.Len == 0 {
					continue
				}
			}
			if c.To == p.To+p.Len && c.From == p.From+p.Len {
				p.Len += c.Len
				continue
			}
		}
		joined = append(joined, c)
	}
	return joined, true
}

// regionSlack is how many lines a region reads past what was asked.
const regionSlack = 12

// reanchorWithin is how far past the end of a copy the next copy is
// looked for after inserted bytes.
const reanchorWithin = 4 << 10

// commonPrefix returns how many bytes a and b begin with alike.
func commonPrefix(a, b []byte) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// lineIndex is a file with the offsets of its line starts.
type lineIndex struct {
	data   []byte
	starts []int
}

func newLineIndex(data []byte) *lineIndex {
	starts := make([]int, 1, bytes.Count(data, []byte{'\n'})+1)
	for i := 0; ; {
		j := bytes.IndexByte(data[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		starts = append(starts, i)
	}
	return &lineIndex{data: data, starts: starts}
}

// index returns the 0-based line holding offset o.
func (l *lineIndex) index(o int) int {
	return sort.SearchInts(l.starts, o+1) - 1
}

// lineOf returns the 1-based line holding offset o.
func (l *lineIndex) lineOf(o int) int { return l.index(o) + 1 }

// startOf returns the start of the line holding offset o.
func (l *lineIndex) startOf(o int) int { return l.starts[l.index(o)] }

func (l *lineIndex) blank(i int) bool {
	end := len(l.data)
	if i+1 < len(l.starts) {
		end = l.starts[i+1]
	}
	return len(bytes.TrimSpace(l.data[l.starts[i]:end])) == 0
}

// up returns the start of the line k non-blank lines above the one holding o.
func (l *lineIndex) up(o, k int) int {
	i := l.index(o)
	for n := 0; i > 0 && n < k; {
		i--
		if !l.blank(i) {
			n++
		}
	}
	return l.starts[i]
}

// down returns the start of the line after k non-blank lines from the one
// holding o on, or the end of the file.
func (l *lineIndex) down(o, k int) int {
	if o >= len(l.data) {
		return len(l.data)
	}
	i := l.index(o)
	for n := 0; i < len(l.starts) && n < k; i++ {
		if !l.blank(i) {
			n++
		}
	}
	if i >= len(l.starts) {
		return len(l.data)
	}
	return l.starts[i]
}

// revScan is one ScanRevision.
type revScan struct {
	r      *Reader
	ctx    context.Context
	path   string
	n, b   *lineIndex
	copies []Copy
	base   []detectors.Finding
	// baseReach is Revision.BaseReach: the base's side of a cut is read
	// from it when set, from a region of the base otherwise.
	baseReach []reachSpan
	reach     engine.Reach
	// above and below are the non-blank lines a region reaches past a cut:
	// room for every keyword hit whose window may touch the cut, and for
	// every part within the link distance with its own window. Above
	// are for the rules that reach at most nearBelow lines down and
	// nearAbove up; farDown and farUp are the few that reach further,
	// whose keywords widen the margin where they stand (see up, down).
	above, below   int
	farDown, farUp []farRule
	scanned        int64
	regions        []*region
	capped         bool
	// trace, when set (by tests), is told why each cut moved.
	trace func(format string, args ...any)
}

// region is one scanned stretch of a file, what the engine found in it and
// the stretches it read as a whole (engine.Chunk.Reach), in file offsets.
type region struct {
	base       bool
	start, end int
	findings   []detectors.Finding
	reach      []reachSpan
}

// reachSpan is one stretch engine.Chunk.Reach reported, in file offsets,
// with the lines its kind reaches above and below a hit.
type reachSpan struct{ start, end, above, below int }

// zone is a dirty zone of the new version, [start, end), both line starts
// (or the end of the file). Its region reaches the margins past [lo, hi),
// which holds [start, end) and what the checks of its cuts needed to see.
type zone struct{ start, end, lo, hi int }

func (rs *revScan) scan(f *lineIndex, start, end int) (*region, error) {
	isBase := f == rs.b
	// A region that holds this one serves as well: what a region reads
	// is exact where it reaches far enough, and more room only helps.
	for _, g := range rs.regions {
		if g.base == isBase && g.start <= start && end <= g.end {
			return g, nil
		}
	}
	// Cuts move and regions widen a few lines at a time: a little room
	// to spare saves reading the region again for each.
	start, end = f.up(start, regionSlack), f.down(end, regionSlack)
	g := &region{base: isBase, start: start, end: end}
	c := engine.Chunk{
		Path: rs.path, Data: f.data[start:end], Line: f.lineOf(start), Column: 1, Offset: int64(start),
		Reach: func(s, t, above, below int) {
			g.reach = append(g.reach, reachSpan{start + s, start + t, above, below})
		},
	}
	fs, capped, err := rs.r.s.eng.ScanContext(rs.ctx, c)
	if err != nil {
		return nil, err
	}
	for _, cp := range capped {
		if cp.Took == 0 {
			rs.capped = true
		}
	}
	rs.scanned += int64(end - start)
	if rs.trace != nil {
		rs.trace("scan base=%v lines %d-%d", isBase, f.lineOf(start), f.lineOf(end))
	}
	g.findings = fs
	rs.regions = append(rs.regions, g)
	return g, nil
}

// dirty returns the stretches of the new version a delta did not copy
// whole: inserted bytes, and a byte either side of each junction between
// copies (and of a copy that begins or ends the file but not the base).
func (rs *revScan) dirty() []zone {
	n, b := len(rs.n.data), len(rs.b.data)
	var out []zone
	mark := func(s, e int) {
		s, e = max(0, s), min(n, e)
		if s < e {
			out = append(out, zone{start: s, end: e})
		}
	}
	pos := 0
	for i, c := range rs.copies {
		switch {
		case c.To > pos:
			mark(pos, c.To)
		case i > 0:
			mark(c.To-1, c.To+1)
		case c.From != 0:
			mark(0, 1)
		}
		pos = c.To + c.Len
	}
	switch {
	case pos < n:
		mark(pos, n)
	case len(rs.copies) > 0:
		if last := rs.copies[len(rs.copies)-1]; last.From+last.Len != b {
			mark(n-1, n)
		}
	}
	return out
}

// merged returns zones sorted, with those that overlap or touch joined.
func merged(zs []zone) []zone {
	slices.SortFunc(zs, func(a, b zone) int { return a.start - b.start })
	out := zs[:0]
	for _, z := range zs {
		if k := len(out); k > 0 && z.start <= out[k-1].end {
			o := &out[k-1]
			o.end, o.lo, o.hi = max(o.end, z.end), min(o.lo, z.lo), max(o.hi, z.hi)
			continue
		}
		out = append(out, z)
	}
	return out
}

// copyAt returns the copy holding byte o of the new version.
func (rs *revScan) copyAt(o int) (Copy, bool) {
	i := sort.Search(len(rs.copies), func(i int) bool { return rs.copies[i].To+rs.copies[i].Len > o })
	if i < len(rs.copies) && rs.copies[i].To <= o {
		return rs.copies[i], true
	}
	return Copy{}, false
}

func (rs *revScan) run() ([]detectors.Finding, string, error) {
	n := rs.n
	var zs []zone
	for _, d := range rs.dirty() {
		z := zone{start: n.up(d.start, revisionPad), end: n.down(d.end-1, revisionPad+1)}
		z.lo, z.hi = z.start, z.end
		zs = append(zs, z)
	}
	if len(zs) == 0 {
		// The same bytes: the base's findings are the answer.
		return rs.carry(nil)
	}
	zs = merged(zs)
	// What the first round will read at least: each zone with its margins,
	// here and in the base. When that is most of the file, a whole scan
	// costs less.
	least, sides := 0, 2
	if rs.baseReach != nil {
		sides = 1
	}
	for _, z := range zs {
		least += sides * (n.down(z.end, rs.below) - n.up(z.start, rs.above))
	}
	if 4*least > 3*len(n.data) {
		return nil, "changed much", nil
	}
	for round := 0; ; round++ {
		if round == revisionMaxRounds {
			return nil, "no clean cut", nil
		}
		total := 0
		for _, z := range zs {
			total += z.end - z.start
		}
		// Past half the file, or once the reads cost a whole scan, a
		// whole scan is the cheaper way to the answer.
		if 2*total > len(n.data) || rs.scanned > int64(len(n.data)) {
			return nil, "changed much", nil
		}
		moved, err := rs.moveCuts(zs)
		if err != nil || rs.capped {
			return nil, "a rule capped", err
		}
		if !moved {
			return rs.carry(zs)
		}
		zs = merged(zs)
	}
}

// linkNear is how many lines either side of a cut must hold no part of a
// credential. The engine links a secret with the nearest free part within
// Link lines; a link across the cut would need the secret, or the part,
// within Link lines of it. A part that found no secret may be missing
// from a region's findings (an unlinked passphrase is dropped), but the
// secret it would link with across the cut stands within Link lines then,
// and every secret is reported.
func linkNear(r engine.Reach) int { return r.Link + 1 }

// nearBelow and nearAbove are how far down and up from a keyword hit the
// windows of most rules reach (an exchange's eight lines); a rule that
// reaches further (a seed phrase's 26 lines below its label, a PEM
// block's 120) widens a region only where one of its keywords stands in
// the lines that reach would span.
const (
	nearBelow = 10
	nearAbove = 8
)

// farRule is a rule whose windows reach further than nearBelow or
// nearAbove, with its lowercased keywords.
type farRule struct {
	keywords [][]byte
	lines    int
}

// revisionRules is what revision reads need to know of a scanner's rules,
// computed on first use.
type revisionRules struct {
	once  sync.Once
	reach engine.Reach
	// down are the rules whose windows reach more than nearBelow lines
	// below a hit, up those that reach more than nearAbove above.
	down, up []farRule
}

func (s *Scanner) revisionRules() *revisionRules {
	rr := s.rev
	rr.once.Do(func() {
		rr.reach = s.eng.Reach()
		for _, r := range s.eng.Rules() {
			var kws [][]byte
			for _, k := range r.Keywords {
				kws = append(kws, []byte(strings.ToLower(k)))
			}
			if r.WindowAfter+2 > nearBelow {
				rr.down = append(rr.down, farRule{kws, r.WindowAfter + 2})
			}
			if r.WindowBefore > nearAbove {
				rr.up = append(rr.up, farRule{kws, r.WindowBefore})
			}
		}
		// Decoded runs take two lines either side; within both.
	})
	return rr
}

func (rs *revScan) init() {
	rr := rs.r.s.revisionRules()
	rs.reach = rr.reach
	rs.above = linkNear(rs.reach) + nearBelow + 4
	rs.below = linkNear(rs.reach) + nearAbove + 4
	rs.farDown, rs.farUp = rr.down, rr.up
}

// up returns the start of a region of f that begins above line start p:
// the margin, wider where a far-reaching rule's keyword stands in the
// lines above it.
func (rs *revScan) up(f *lineIndex, p int) int {
	s := f.up(p, rs.above)
	extra := 0
	for _, fr := range rs.farDown {
		if fr.lines <= nearBelow+extra {
			continue
		}
		from := f.up(s, fr.lines-nearBelow)
		if fr.holds(f.data[max(0, from-1):s]) {
			extra = fr.lines - nearBelow
		}
	}
	return f.up(s, extra)
}

// down is up for the end of a region below line start p.
func (rs *revScan) down(f *lineIndex, p int) int {
	e := f.down(p, rs.below)
	extra := 0
	for _, fr := range rs.farUp {
		if fr.lines <= nearAbove+extra {
			continue
		}
		to := f.down(e, fr.lines-nearAbove)
		if fr.holds(f.data[max(0, e-1):to]) {
			extra = fr.lines - nearAbove
		}
	}
	return f.down(e, extra)
}

// holds reports whether text holds one of the rule's keywords, as the
// engine matches them (without case).
func (fr farRule) holds(text []byte) bool {
	lower := bytes.ToLower(text)
	for _, k := range fr.keywords {
		if bytes.Contains(lower, k) {
			return true
		}
	}
	return false
}

// zoneRegion returns the region scanned for zone z of the new version.
func (rs *revScan) zoneRegion(z zone) (*region, error) {
	return rs.scan(rs.n, rs.up(rs.n, min(z.lo, z.start)), rs.down(rs.n, max(z.hi, z.end)))
}

// cut is one end of a zone: the zone's start (top) or end.
type cut struct {
	zone int
	top  bool
	at   int // in the new version
}

// revisionMaxWiden bounds how often a region grows to see the whole of a
// stretch that crosses a cut.
const revisionMaxWiden = 8

// moveCuts checks every cut of the zones and moves those that are not
// clean outward; it reports whether any moved.
func (rs *revScan) moveCuts(zs []zone) (bool, error) {
	var cuts []cut
	for i, z := range zs {
		if z.start > 0 {
			cuts = append(cuts, cut{zone: i, top: true, at: z.start})
		}
		if z.end < len(rs.n.data) {
			cuts = append(cuts, cut{zone: i, at: z.end})
		}
	}
	// The base's side of nearby cuts (the two ends of a small change) is
	// read in one region, when it must be read.
	var ps []int
	for _, k := range cuts {
		if c, ok := rs.copyAt(k.at); ok {
			ps = append(ps, k.at-c.To+c.From)
		}
	}
	slices.Sort(ps)
	cluster := func(p int) (int, int) {
		i, _ := slices.BinarySearch(ps, p)
		lo, hi := i, i
		for lo > 0 && rs.b.lineOf(ps[lo])-rs.b.lineOf(ps[lo-1]) < rs.above+rs.below {
			lo--
		}
		for hi+1 < len(ps) && rs.b.lineOf(ps[hi+1])-rs.b.lineOf(ps[hi]) < rs.above+rs.below {
			hi++
		}
		if i >= len(ps) {
			return p, p
		}
		return min(p, ps[lo]), max(p, ps[hi])
	}
	moved := false
	move := func(k cut, lo, hi int, why string) {
		if rs.trace != nil {
			rs.trace("cut at line %d (top %v) moves: %s, lines %d-%d", rs.n.lineOf(k.at), k.top, why, rs.n.lineOf(lo), rs.n.lineOf(hi))
		}
		moved = true
		z := &zs[k.zone]
		if k.top {
			z.start = rs.n.up(max(0, min(lo, k.at-1)), 1)
		} else {
			z.end = rs.n.down(min(len(rs.n.data), max(hi, k.at)), 2)
		}
	}
	for _, k := range cuts {
		z := &zs[k.zone]
		v, err := rs.settle(rs.n, k.at, &z.lo, &z.hi, func() (*region, error) { return rs.zoneRegion(*z) })
		if err != nil {
			return false, err
		}
		c, ok := rs.copyAt(k.at - 1)
		if c2, ok2 := rs.copyAt(k.at); !ok || !ok2 || c != c2 {
			// Cannot happen while zones hold every uncopied byte with
			// their pad; moving on keeps the answer right if it does.
			move(k, k.at-1, k.at+1, "not inside a copy")
			continue
		}
		if v.dirty {
			move(k, v.lo, v.hi, "dirty")
			continue
		}
		// What crosses the cut must lie in the copy, read the same way
		// in both versions.
		lo, hi, bad := k.at, k.at, false
		for _, w := range v.spans() {
			if w[0] < w[1] && !rs.within(rs.n, w[0], w[1], c) {
				lo, hi, bad = min(lo, w[0]), max(hi, w[1]), true
			}
		}
		if bad {
			move(k, lo, hi, "reaches past the copy")
			continue
		}
		if rs.sameInBase(v, k.at, c) {
			continue
		}
		d := c.To - c.From
		p := k.at - d
		var bv cutView
		if rs.baseReach != nil {
			// The whole base was read: what crosses p is known whole.
			whole := &region{base: true, end: len(rs.b.data), findings: rs.base, reach: rs.baseReach}
			bv, _, _ = rs.view(rs.b, whole, p)
		} else {
			blo, bhi := cluster(p)
			bv, err = rs.settle(rs.b, p, &blo, &bhi, func() (*region, error) {
				return rs.scan(rs.b, rs.up(rs.b, blo), rs.down(rs.b, bhi))
			})
			if err != nil {
				return false, err
			}
		}
		if bv.dirty {
			move(k, bv.lo+d, bv.hi+d, "dirty in the base")
			continue
		}
		want := map[[2]int]bool{}
		for _, w := range v.spans() {
			want[[2]int{w[0] - d, w[1] - d}] = true
		}
		got := map[[2]int]bool{}
		for _, w := range bv.spans() {
			got[w] = true
			if !want[w] {
				lo, hi, bad = min(lo, w[0]+d), max(hi, w[1]+d), true
			}
		}
		for w := range want {
			if !got[w] {
				lo, hi, bad = min(lo, w[0]+d), max(hi, w[1]+d), true
			}
		}
		if bad {
			move(k, lo, hi, "read otherwise in the base")
		}
	}
	return moved, nil
}

// sameInBase reports whether the base is known to read the cut at p the
// way the new version does (view v) without scanning it: the copy c holds
// everything within reach of p (every keyword hit whose window could touch
// it), and every stretch crossing p with the lines from which another hit
// could join it; so the same hits make the same windows on both sides,
// and nothing from what differs can reach them. The base's own findings
// say whether a part of a credential stands near its side of the cut.
func (rs *revScan) sameInBase(v cutView, p int, c Copy) bool {
	n := rs.n
	inCopy := func(s, e int) bool {
		if s < c.To && !(s == 0 && c.To == 0 && c.From == 0) {
			return false
		}
		if e > c.To+c.Len {
			return false
		}
		return e < len(n.data) || c.From+c.Len == len(rs.b.data)
	}
	if !inCopy(n.up(p, rs.above+max(0, rs.reach.Below-nearBelow)), n.down(p, rs.below+max(0, rs.reach.Above-nearAbove))) {
		return false
	}
	for _, w := range v.windows {
		if !inCopy(n.up(w.start, w.below+3), n.down(w.end, w.above+3)) {
			return false
		}
	}
	if v.run[0] < v.run[1] && !inCopy(n.up(v.run[0], 3), n.down(v.run[1], 3)) {
		return false
	}
	line := rs.b.lineOf(p - c.To + c.From)
	near := linkNear(rs.reach)
	for _, fd := range rs.base {
		if fd.Part == "" && len(fd.Parts) == 0 {
			continue
		}
		lines := []int{fd.StartLine, fd.EndLine}
		for _, pt := range fd.Parts {
			lines = append(lines, pt.Location.StartLine, pt.Location.EndLine)
		}
		for _, l := range lines {
			if l >= line-near && l <= line+near {
				return false
			}
		}
	}
	return true
}

// spans returns the stretches of v, the run with the windows.
func (v cutView) spans() [][2]int {
	out := make([][2]int, 0, len(v.windows)+1)
	for _, w := range v.windows {
		out = append(out, [2]int{w.start, w.end})
	}
	return append(out, v.run)
}

// settle reads what crosses the line start p of f in the region scan
// returns, widening [*lo, *hi) (and so the region) until every stretch
// near p is seen whole.
func (rs *revScan) settle(f *lineIndex, p int, lo, hi *int, scan func() (*region, error)) (cutView, error) {
	for i := 0; ; i++ {
		g, err := scan()
		if err != nil {
			return cutView{}, err
		}
		v, needLo, needHi := rs.view(f, g, p)
		if needLo >= *lo && needHi <= *hi {
			return v, nil
		}
		if i == revisionMaxWiden {
			v.dirty = true
			v.lo, v.hi = min(v.lo, needLo), max(v.hi, needHi)
			return v, nil
		}
		// Each widening reads the region again: the first goes past
		// what was asked by a margin, the next ones further each time.
		for k := 0; k < i; k++ {
			if needLo < *lo {
				needLo = rs.up(f, needLo)
			}
			if needHi > *hi {
				needHi = rs.down(f, needHi)
			}
		}
		*lo, *hi = min(*lo, needLo), max(*hi, needHi)
	}
}

// cutView is what crosses a line start p of a file, as a region read it.
type cutView struct {
	// windows are the stretches the engine read as a whole that hold
	// or touch p; run is a run of seed words going on across p ({p, p}
	// when there is none).
	windows []reachSpan
	run     [2]int
	// dirty says that a part of a credential stands near p, and might be
	// linked across it; [lo, hi) is what must move out of the way.
	dirty  bool
	lo, hi int
}

// view returns what crosses the line start p of f, read in region g, and
// the stretch [needLo, needHi) the region must hold with its margins for
// that to be known: a stretch near p that begins within its kind's reach
// of the region's start may join one from beyond it (and likewise at the
// end), so its true extent is not known yet.
func (rs *revScan) view(f *lineIndex, g *region, p int) (v cutView, needLo, needHi int) {
	v = cutView{run: [2]int{p, p}, lo: p, hi: p}
	needLo, needHi = p, p
	line := f.lineOf(p)
	near := linkNear(rs.reach)
	// The findings within near lines of p decide the link check, so
	// every stretch there must be known too.
	nearLo := f.starts[max(0, line-1-near)]
	nearHi := len(f.data)
	if line+near < len(f.starts) {
		nearHi = f.starts[line+near]
	}
	for _, w := range g.reach {
		if w.start > nearHi || w.end < nearLo {
			continue
		}
		if g.start > 0 && w.start < f.down(g.start, w.below+3) {
			needLo = min(needLo, w.start)
			continue
		}
		if g.end < len(f.data) && w.end > f.up(g.end, w.above+2) {
			needHi = max(needHi, w.end)
			continue
		}
		// A window ending on the line above p would join one starting
		// at p (the engine joins windows that touch), so both count.
		if w.start <= p && w.end >= p-1 {
			v.windows = append(v.windows, w)
		}
	}
	bad := func(s, e int) {
		v.dirty = true
		v.lo, v.hi = min(v.lo, s), max(v.hi, e)
	}
	linked := func(l int) {
		if l >= line-near && l <= line+near {
			bad(f.starts[max(0, l-1-near)], f.starts[min(len(f.starts)-1, l-1+near)])
		}
	}
	for _, fd := range g.findings {
		if fd.Part == "" && len(fd.Parts) == 0 {
			continue
		}
		linked(fd.StartLine)
		linked(fd.EndLine)
		for _, pt := range fd.Parts {
			linked(pt.Location.StartLine)
			linked(pt.Location.EndLine)
		}
	}
	// The run is read from the whole file, so it is known whole.
	if s, e, ok := wordRunAcross(f.data, p); ok {
		v.run = [2]int{s, e}
	}
	return v, needLo, needHi
}

// within reports whether [s, e) of f lies inside copy c with what the
// engine reads around it: the three lines above (allow comments, the
// label above a value) and the rest of e's line.
func (rs *revScan) within(f *lineIndex, s, e int, c Copy) bool {
	i := f.index(s) - 3
	switch {
	case i >= 0 && f.starts[i] < c.To:
		return false
	case i < 0 && (c.To != 0 || c.From != 0):
		return false
	}
	end := len(f.data)
	if j := f.index(e) + 1; j < len(f.starts) {
		end = f.starts[j]
	}
	if end == len(f.data) {
		return c.To+c.Len == len(f.data) && c.From+c.Len == len(rs.b.data)
	}
	return end <= c.To+c.Len
}

// wordRunAcross returns the run of English BIP-39 words that goes on
// across the line start p, if one does. The long-phrase finder
// (mnemonic.FindLong) reads runs of list words apart by at most 24 bytes
// of anything but lowercase letters, across lines, and judges a run by
// its length: cut, a run of 30 words (prose) could become a phrase of 24.
// Anything but a lowercase letter counts as a separator here, which finds
// more runs than the finder does, never fewer.
func wordRunAcross(data []byte, p int) (int, int, bool) {
	words := mnemonic.English()
	lower := func(c byte) bool { return 'a' <= c && c <= 'z' }
	const gap = 25
	// prev returns the word ending before i (after at most gap
	// separators), if it is a list word.
	prev := func(i int) (int, int, bool) {
		e := i
		for e > 0 && !lower(data[e-1]) && i-e <= gap {
			e--
		}
		if e == 0 || !lower(data[e-1]) {
			return 0, 0, false
		}
		s := e
		for s > 0 && lower(data[s-1]) {
			s--
		}
		_, ok := words[string(data[s:e])]
		return s, e, ok
	}
	next := func(i int) (int, int, bool) {
		s := i
		for s < len(data) && !lower(data[s]) && s-i <= gap {
			s++
		}
		if s == len(data) || !lower(data[s]) {
			return 0, 0, false
		}
		e := s
		for e < len(data) && lower(data[e]) {
			e++
		}
		_, ok := words[string(data[s:e])]
		return s, e, ok
	}
	bs, _, ok1 := prev(p)
	_, ae, ok2 := next(p)
	if !ok1 || !ok2 {
		return 0, 0, false
	}
	// The whole run, and the word past each end that stopped it.
	for {
		s, _, ok := prev(bs)
		if !ok {
			break
		}
		bs = s
	}
	for {
		_, e, ok := next(ae)
		if !ok {
			break
		}
		ae = e
	}
	return max(0, bs-gap-8), min(len(data), ae+gap+8), true
}

// carry assembles the findings: those the zones' regions found inside the
// zones, and the base's in the clean stretches between them, moved to
// their place in the new version.
func (rs *revScan) carry(zs []zone) ([]detectors.Finding, string, error) {
	n := rs.n
	var out []detectors.Finding
	inside := func(fd *detectors.Finding, f *lineIndex, s, e int) bool {
		first, last := f.lineOf(s), f.lineOf(max(s, e-1))
		ok := func(l int) bool { return l >= first && l <= last }
		if !ok(fd.StartLine) || !ok(fd.EndLine) {
			return false
		}
		for _, pt := range fd.Parts {
			if !ok(pt.Location.StartLine) || !ok(pt.Location.EndLine) {
				return false
			}
		}
		return true
	}
	for _, z := range zs {
		g, err := rs.zoneRegion(z)
		if err != nil {
			return nil, "", err
		}
		if g.start > z.start || g.end < z.end {
			// Cannot happen; a whole scan keeps the answer right if it
			// does.
			return nil, "region short of its zone", nil
		}
		for _, fd := range g.findings {
			if fd.Offset < int64(z.start) || fd.Offset >= int64(z.end) {
				continue
			}
			if !inside(&fd, n, z.start, z.end) {
				return nil, "a credential across a cut", nil
			}
			out = append(out, fd)
		}
	}
	// The clean stretches: between the zones, each inside one copy.
	at := 0
	stretch := func(s, e int) bool {
		if s >= e {
			return true
		}
		c, ok := rs.copyAt(s)
		if !ok || e > c.To+c.Len {
			return false
		}
		d := c.To - c.From
		bs, be := s-d, e-d
		// The stretch's first findings read up to three lines above it
		// (allow comments, validators' label above): those must be
		// copied too. At the ends of the file, the base must end there
		// as well.
		if s == 0 && bs != 0 || s > 0 && n.starts[max(0, n.index(s)-3)] < c.To || e == len(n.data) && be != len(rs.b.data) {
			return false
		}
		dl := n.lineOf(s) - rs.b.lineOf(bs)
		for _, fd := range rs.base {
			if fd.Offset < int64(bs) || fd.Offset >= int64(be) {
				continue
			}
			if !inside(&fd, rs.b, bs, be) {
				return false
			}
			fd.Offset += int64(d)
			fd.StartLine += dl
			fd.EndLine += dl
			// What later stages add to a finding (its commit, repository,
			// file access, verification) is not the engine's: a source that
			// kept the base's findings after those stages must not pass it
			// on. Slices are copied so that no stage edits both versions'.
			fd.Commit, fd.Repository, fd.File, fd.Verification = nil, "", nil, nil
			fd.Notes, fd.Conceal = slices.Clone(fd.Notes), slices.Clone(fd.Conceal)
			if len(fd.Parts) > 0 {
				parts := slices.Clone(fd.Parts)
				for i := range parts {
					parts[i].Location.StartLine += dl
					parts[i].Location.EndLine += dl
				}
				fd.Parts = parts
			}
			out = append(out, fd)
		}
		return true
	}
	for _, z := range zs {
		if !stretch(at, z.start) {
			return nil, "a credential across a cut", nil
		}
		at = z.end
	}
	if !stretch(at, len(n.data)) {
		return nil, "a credential across a cut", nil
	}
	if len(out) > revisionMaxFindings {
		return nil, "many findings", nil
	}
	sort.SliceStable(out, func(i, j int) bool { return detectors.Less(&out[i], &out[j]) })
	return out, "", nil
}
