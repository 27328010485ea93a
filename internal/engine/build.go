package engine

import (
	"bytes"
	"unicode/utf8"

	"github.com/keyward/scan/detectors"
)

// build turns candidates (sorted by offset) into findings with lines and
// columns, then links the parts of multi-part credentials.
func (sc *chunkScan) build(cands []candidate) []detectors.Finding {
	if len(cands) == 0 {
		return nil
	}
	e, c := sc.e, sc.c
	data := c.Data
	out := make([]detectors.Finding, 0, len(cands))
	// A cursor walks forward through the chunk so that counting newlines
	// costs one pass in total, not one pass per finding.
	cur := lineCursor{data: data, line: c.Line}
	for _, cd := range cands {
		r := &e.rules[cd.rule].Rule
		secret := string(data[cd.start:cd.end])
		sl, sc := cur.position(cd.start, c.Column)
		endLine, endCol := sl, sc
		if nl := bytes.LastIndexByte(data[cd.start:cd.end], '\n'); nl >= 0 {
			endLine = sl + bytes.Count(data[cd.start:cd.end], []byte{'\n'})
			endCol = utf8.RuneCount(data[cd.start+nl+1:cd.end]) + 1
		} else {
			endCol = sc + utf8.RuneCount(data[cd.start:cd.end])
		}
		out = append(out, detectors.Finding{
			RuleID:   r.ID,
			Title:    r.Title,
			Severity: cd.severity,
			Service:  r.Service,
			Exchange: r.Exchange,
			Part:     r.Part,
			Location: detectors.Location{
				Path:        c.Path,
				StartLine:   sl,
				StartColumn: sc,
				EndLine:     endLine,
				EndColumn:   endCol,
			},
			Secret:     secret,
			Line:       string(lineAt(data, cd.start, displayBefore)),
			LineBefore: string(lineBefore(data, cd.start)),
			Notes:      cd.notes,
			Advice:     r.Advice,
			Offset:     c.Offset + int64(cd.start),
		})
	}
	if e.opt.Allow != nil {
		kept := out[:0]
		for i, f := range out {
			if why, ok := e.opt.Allow(&out[i]); ok {
				sc.suppress(cands[i].start, f.RuleID, why, f.Secret)
				continue
			}
			kept = append(kept, f)
		}
		out = kept
	}
	return linkParts(out, e.opt.LinkLines)
}

type lineCursor struct {
	data []byte
	pos  int // bytes before pos have been counted
	line int // line number at pos
	col  int // 1-based column of pos, in characters
}

// position returns the 1-based line and character column of offset at,
// which must not be smaller than in the previous call. firstColumn is the
// column of the chunk's first byte. The cursor only moves forward, so many
// findings in one huge line cost one pass over it, not one pass each.
func (lc *lineCursor) position(at, firstColumn int) (int, int) {
	if lc.col == 0 {
		lc.col = firstColumn
	}
	seg := lc.data[lc.pos:at]
	if nl := bytes.LastIndexByte(seg, '\n'); nl >= 0 {
		lc.line += bytes.Count(seg, []byte{'\n'})
		lc.col = 1 + utf8.RuneCount(seg[nl+1:])
	} else {
		lc.col += utf8.RuneCount(seg)
	}
	lc.pos = at
	return lc.line, lc.col
}

// linkParts attaches each credential's key and passphrase to its secret:
// one finding per secret, with the other parts as its Parts. A secret with
// its key can be used at once and becomes critical; parts that found no
// secret stay findings of their own.
func linkParts(fs []detectors.Finding, maxLines int) []detectors.Finding {
	const maxLinkNeighbours = 256
	used := make([]bool, len(fs))
	for i := range fs {
		if fs[i].Part != detectors.PartSecret {
			continue
		}
		var gotKey bool
		for _, want := range []string{detectors.PartKey, detectors.PartPassphrase} {
			best, bestDist := -1, maxLines+1
			// Findings are in order of position, so the parts near a
			// secret stand near it in fs: looking at maxLinkNeighbours
			// either side keeps a line of thousands of parts linear.
			for j := max(0, i-maxLinkNeighbours); j < min(len(fs), i+maxLinkNeighbours+1); j++ {
				if used[j] || fs[j].Part != want || fs[j].Service != fs[i].Service {
					continue
				}
				d := fs[j].StartLine - fs[i].StartLine
				if d < 0 {
					d = -d
				}
				if d < bestDist {
					best, bestDist = j, d
				}
			}
			if best < 0 {
				continue
			}
			used[best] = true
			p := fs[best]
			fs[i].Parts = append(fs[i].Parts, detectors.Part{RuleID: p.RuleID, Part: p.Part, Secret: p.Secret, Location: p.Location})
			if want == detectors.PartKey {
				gotKey = true
			}
		}
		if gotKey && fs[i].Severity < detectors.Critical && fs[i].Severity >= detectors.High {
			fs[i].Severity = detectors.Critical
			fs[i].Notes = append(fs[i].Notes, linkedNote(&fs[i]))
		}
	}
	// A passphrase is chosen by its owner and opens nothing without the key
	// and secret: alone it is context, not a leak worth an alert.
	out := fs[:0]
	for i := range fs {
		if !used[i] && fs[i].Part != detectors.PartPassphrase {
			out = append(out, fs[i])
		}
	}
	return out
}

// linkedNote says what a key and its secret found together allow, in the
// words of the credential's kind: an exchange pair trades, a cloud pair
// signs requests for the whole account.
func linkedNote(f *detectors.Finding) string {
	if f.Exchange != "" {
		return "the API key was found beside this secret: together they can trade, and withdraw if the key allows it"
	}
	return "the key id was found beside this secret: together they are a complete credential that anyone can sign requests with"
}
