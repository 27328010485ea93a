package engine

import (
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/decode"
)

// maxDecodeDepth bounds how many encodings are peeled off one another:
// base64 inside a JSON string, or base64 of base64, is found; a third layer
// is not opened, so the work per input byte stays bounded.
const maxDecodeDepth = 2

// decodeContext is how many lines around an encoded run are scanned with
// its decoded text: the label before a Kubernetes value ("AWS_SECRET_ACCESS_KEY:")
// is plain text, and the other parts of a credential stand a few lines away.
const decodeContext = 2

// scanDecoded finds secrets hidden in encoded text (base64, hex, percent
// encoding, JSON-escaped strings; see package decode), locating each at the
// encoded text.
//
// Each encoded run that decodes to text is replaced by its decoded text in a
// copy of the lines around it, and that copy is scanned by the engine itself
// (which decodes again, up to maxDecodeDepth). Only findings that touch
// decoded text are kept: the rest were found by the plain pass already.
func (sc *chunkScan) scanDecoded(found []detectors.Finding) ([]detectors.Finding, error) {
	e, c := sc.e, sc.c
	if e.decodeDepth >= maxDecodeDepth {
		return found, nil
	}
	spans := decode.Find(c.Data, decode.Options{JSONAll: strings.HasSuffix(strings.ToLower(c.Path), ".ipynb")})
	if len(spans) == 0 {
		return found, nil
	}
	sub := *e
	sub.decodeDepth++
	pos := chunkPositions{c: c}
	var decoded []decodedFinding
	var relinked []detectors.Finding
	for _, w := range decodeWindows(c.Data, spans) {
		dt := newDecodedText(c.Data, w)
		if e.opt.OnSuppress != nil {
			sub.opt.OnSuppress = func(s Suppression) {
				ls := dt.offsetOf(s.Line, 1)
				le := dt.offsetOf(s.Line+1, 1)
				k := dt.kindIn(ls, le)
				if k == 0 {
					return // the plain pass reported it already
				}
				s.Line, _ = pos.position(dt.srcStart(ls))
				s.Reason = "in " + k.Describe() + " text: " + s.Reason
				e.opt.OnSuppress(s)
			}
		}
		if e.opt.Allow != nil {
			// An allow comment counts only as written in the file: one
			// inside the encoded text (base64 of "KEY=… # keyward:allow")
			// would let whoever wrote the value also silence it, unseen
			// by a reviewer. The decoded finding is judged by the lines
			// of its encoded text.
			sub.opt.Allow = func(f *detectors.Finding) (string, bool) {
				at := dt.srcStart(dt.offsetOf(f.StartLine, f.StartColumn))
				g := *f
				g.Line = string(lineAt(c.Data, at, displayBefore))
				g.LineBefore = string(lineBefore(c.Data, at))
				return e.opt.Allow(&g)
			}
		}
		fs, capped, err := sub.ScanContext(sc.ctx, Chunk{Path: c.Path, Data: dt.data, Line: 1, Column: 1})
		if err != nil {
			return nil, err
		}
		for _, cp := range capped {
			if !slices.Contains(sc.capped, cp) {
				sc.capped = append(sc.capped, cp)
			}
		}
		for _, f := range fs {
			a := dt.offsetOf(f.StartLine, f.StartColumn)
			b := dt.offsetOf(f.EndLine, f.EndColumn)
			k := dt.kindIn(a, b)
			if k == 0 {
				// A plain finding again, but one of its parts may have been
				// decoded: then it replaces the plain finding without it.
				for _, p := range f.Parts {
					pa := dt.offsetOf(p.Location.StartLine, p.Location.StartColumn)
					pb := dt.offsetOf(p.Location.EndLine, p.Location.EndColumn)
					if pk := dt.kindIn(pa, pb); pk != 0 {
						f.Notes = append(f.Notes[:len(f.Notes):len(f.Notes)], "its "+p.Part+" was found in "+pk.Describe()+" text")
						relinked = append(relinked, dt.remap(f, a, b, &pos))
						break
					}
				}
				continue
			}
			f.Notes = withEncodingNote(f.Notes, k)
			decoded = append(decoded, decodedFinding{dt.remap(f, a, b, &pos), pos.c.Offset + int64(dt.srcEnd(b))})
		}
	}
	return e.mergeDecoded(found, decoded, relinked), nil
}

// withEncodingNote says where the secret was found; a note from a deeper
// level is extended, so base64 inside a JSON string reads as such.
func withEncodingNote(notes []string, k decode.Kind) []string {
	out := make([]string, 0, len(notes)+1)
	done := false
	for _, n := range notes {
		if !done && strings.HasPrefix(n, "found in ") && strings.HasSuffix(n, " text") {
			n += " inside " + k.Describe() + " text"
			done = true
		}
		out = append(out, n)
	}
	if !done {
		out = append(out, "found in "+k.Describe()+" text")
	}
	return out
}

// decodedFinding is a finding in decoded text, moved to the chunk; end is
// the file offset where its encoded text ends (Offset is where it starts).
type decodedFinding struct {
	detectors.Finding
	end int64
}

// mergeDecoded adds decoded findings to the plain ones without reporting a
// secret twice.
func (e *Engine) mergeDecoded(found []detectors.Finding, decoded []decodedFinding, relinked []detectors.Finding) []detectors.Finding {
	if len(decoded) == 0 && len(relinked) == 0 {
		return found
	}
	generic := func(id string) bool {
		for i := range e.rules {
			if e.rules[i].ID == id {
				return e.rules[i].Generic
			}
		}
		return false
	}
	drop := make([]bool, len(found))
	for _, r := range relinked {
		for i := range found {
			if found[i].RuleID == r.RuleID && found[i].Location == r.Location {
				found[i] = r
			}
		}
	}
	var keep []detectors.Finding
	for _, d := range decoded {
		ds, de := d.Offset, d.end
		dup := false
		for i := range found {
			p := &found[i]
			if p.Offset >= de || p.Offset+int64(len(p.Secret)) <= ds {
				continue
			}
			if p.RuleID == d.RuleID || p.Secret == d.Secret {
				dup = true
				break
			}
			// The plain pass saw only an opaque string under a generic
			// name; what it decodes to says what it is.
			if generic(p.RuleID) && !generic(d.RuleID) {
				drop[i] = true
			}
		}
		for _, k := range keep {
			if k.RuleID == d.RuleID && k.Location == d.Location && k.Secret == d.Secret {
				dup = true
			}
		}
		if generic(d.RuleID) {
			// The plain pass already reported this value as a part of a
			// specific credential (a notebook's api_key beside its
			// secret): the decoded generic copy says less.
			for i := range found {
				for _, part := range found[i].Parts {
					if part.Secret == d.Secret && overlaps(part.Location, d.Location) {
						dup = true
					}
				}
			}
		}
		if dup {
			continue
		}
		// A plain key that the decoded secret took as its part is reported
		// inside it, not again on its own.
		// So is a generic finding on the encoded text of such a part: it
		// saw only an opaque string where the part was decoded.
		for _, part := range d.Parts {
			for i := range found {
				if found[i].RuleID == part.RuleID && found[i].Location == part.Location {
					drop[i] = true
				}
				if generic(found[i].RuleID) && overlaps(found[i].Location, part.Location) {
					drop[i] = true
				}
			}
		}
		keep = append(keep, d.Finding)
	}
	out := make([]detectors.Finding, 0, len(found)+len(keep))
	for i := range found {
		if !drop[i] {
			out = append(out, found[i])
		}
	}
	out = append(out, keep...)
	sort.SliceStable(out, func(i, j int) bool { return detectors.Less(&out[i], &out[j]) })
	return out
}

// decodeWindow is a stretch of the chunk, whole lines around encoded runs.
type decodeWindow struct {
	start, end int
	spans      []decode.Span
}

// A window's spans are a stretch of the chunk's, which are in order: they
// are sliced from it, not copied into a slice of their own per window.
func decodeWindows(data []byte, spans []decode.Span) []decodeWindow {
	ws := make([]decodeWindow, 0, len(spans))
	first := 0 // the last window's first span
	for i, sp := range spans {
		s, _ := window(data, sp.Start, decodeContext, 0)
		_, t := window(data, sp.End-1, 0, decodeContext)
		if n := len(ws); n > 0 && s <= ws[n-1].end+1 {
			last := &ws[n-1]
			if t > last.end {
				last.end = t
			}
			last.spans = spans[first : i+1 : i+1]
			continue
		}
		first = i
		ws = append(ws, decodeWindow{start: s, end: t, spans: spans[i : i+1 : i+1]})
	}
	return ws
}

// decodedText is a window with its encoded runs replaced by their text, and
// the map back to the chunk.
type decodedText struct {
	data       []byte
	segs       []textSeg
	spans      []decode.Span
	lineStarts []int
}

// textSeg i covers data[dec:segs[i+1].dec]: a copy of the chunk from src
// when span < 0, else the decoded text of spans[span].
type textSeg struct {
	dec, src, span int
}

func newDecodedText(data []byte, w decodeWindow) *decodedText {
	dt := &decodedText{spans: w.spans}
	n := w.end - w.start
	for _, sp := range w.spans {
		n += len(sp.Text) - (sp.End - sp.Start)
	}
	dt.data = make([]byte, 0, n)
	// A segment per span and one before each and after the last, sized
	// at once: appended, they cost two or three arrays per window.
	dt.segs = make([]textSeg, 0, 2*len(w.spans)+1)
	at := w.start
	for i, sp := range w.spans {
		dt.segs = append(dt.segs, textSeg{dec: len(dt.data), src: at, span: -1})
		dt.data = append(dt.data, data[at:sp.Start]...)
		dt.segs = append(dt.segs, textSeg{dec: len(dt.data), src: sp.Start, span: i})
		dt.data = append(dt.data, sp.Text...)
		at = sp.End
	}
	dt.segs = append(dt.segs, textSeg{dec: len(dt.data), src: at, span: -1})
	dt.data = append(dt.data, data[at:w.end]...)
	return dt
}

// segAt returns the segment holding byte d; empty segments share their dec
// with the next one and are skipped.
func (dt *decodedText) segAt(d int) int {
	i := sort.Search(len(dt.segs), func(i int) bool { return dt.segs[i].dec > d }) - 1
	if i < 0 {
		i = 0
	}
	return i
}

func (dt *decodedText) srcStart(d int) int {
	sg := dt.segs[dt.segAt(d)]
	if sg.span < 0 {
		return sg.src + d - sg.dec
	}
	return dt.spans[sg.span].SourceStart(d - sg.dec)
}

func (dt *decodedText) srcEnd(d int) int {
	if d <= 0 {
		return dt.srcStart(0)
	}
	sg := dt.segs[dt.segAt(d-1)]
	if sg.span < 0 {
		return sg.src + d - sg.dec
	}
	return dt.spans[sg.span].SourceEnd(d - sg.dec)
}

// kindIn returns the encoding of the first decoded run that data[a:b]
// touches, or 0 if it lies in copied text only.
func (dt *decodedText) kindIn(a, b int) decode.Kind {
	if b <= a {
		b = a + 1
	}
	for i := dt.segAt(a); i < len(dt.segs) && dt.segs[i].dec < b; i++ {
		sg := dt.segs[i]
		end := len(dt.data)
		if i+1 < len(dt.segs) {
			end = dt.segs[i+1].dec
		}
		if sg.span >= 0 && end > sg.dec {
			return dt.spans[sg.span].Kind
		}
	}
	return 0
}

// offsetOf turns a 1-based line and character column of data into a byte
// offset; past the end it returns len(data).
func (dt *decodedText) offsetOf(line, col int) int {
	if dt.lineStarts == nil {
		dt.lineStarts = append(dt.lineStarts, 0)
		for i, b := range dt.data {
			if b == '\n' {
				dt.lineStarts = append(dt.lineStarts, i+1)
			}
		}
	}
	if line < 1 {
		return 0
	}
	if line > len(dt.lineStarts) {
		return len(dt.data)
	}
	at := dt.lineStarts[line-1]
	for k := 1; k < col && at < len(dt.data); k++ {
		_, size := utf8.DecodeRune(dt.data[at:])
		at += size
	}
	return at
}

// remap moves a finding of the decoded text, data[a:b], to the chunk.
func (dt *decodedText) remap(f detectors.Finding, a, b int, pos *chunkPositions) detectors.Finding {
	sa, sb := dt.srcStart(a), dt.srcEnd(b)
	f.Location = pos.location(f.Path, sa, sb)
	f.Offset = pos.c.Offset + int64(sa)
	if len(f.Parts) > 0 {
		parts := make([]detectors.Part, len(f.Parts))
		for i, p := range f.Parts {
			pa := dt.offsetOf(p.Location.StartLine, p.Location.StartColumn)
			pb := dt.offsetOf(p.Location.EndLine, p.Location.EndColumn)
			p.Location = pos.location(p.Location.Path, dt.srcStart(pa), dt.srcEnd(pb))
			parts[i] = p
		}
		f.Parts = parts
	}
	return f
}

// chunkPositions turns byte offsets of a chunk into lines and columns. It
// keeps a cursor, as build does, and restarts it only when asked to go back.
type chunkPositions struct {
	c   Chunk
	cur lineCursor
}

func (p *chunkPositions) position(at int) (int, int) {
	if p.cur.data == nil || at < p.cur.pos {
		p.cur = lineCursor{data: p.c.Data, line: p.c.Line}
	}
	return p.cur.position(at, p.c.Column)
}

func (p *chunkPositions) location(path string, s, t int) detectors.Location {
	sl, sc := p.position(s)
	el, ec := p.position(t)
	return detectors.Location{Path: path, StartLine: sl, StartColumn: sc, EndLine: el, EndColumn: ec}
}

// overlaps reports whether two spans in one file share a character.
func overlaps(a, b detectors.Location) bool {
	if a.Path != b.Path {
		return false
	}
	before := func(l1, c1, l2, c2 int) bool { return l1 < l2 || (l1 == l2 && c1 < c2) }
	// a ends before b starts, or b ends before a starts.
	if !before(b.StartLine, b.StartColumn, a.EndLine, a.EndColumn) || !before(a.StartLine, a.StartColumn, b.EndLine, b.EndColumn) {
		return false
	}
	return true
}
