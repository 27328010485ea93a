package detectors

import (
	"math/bits"
	"regexp"
	"regexp/syntax"
	"sync"
	"unicode"
	"unicode/utf8"
)

// wholeMatcher reports whether a value is, as a whole, of one shape: what
// regexp.MustCompile(`^(?:` + shape + `)$`).Match answers, for the shapes
// of credentials (classes, literals, counted repetitions, alternatives).
//
// Compiling such an expression costs a regexp up to a millisecond (a
// counted repetition is unrolled, then analysed for one-pass matching),
// and a commit hook's scan of a README that names a few exchanges needs
// dozens of them. The parsed expression is walked directly instead: the
// set of offsets each node can end at, given the offsets it may start at.
// A shape with anything else (assertions, a very long value) goes to the
// compiled regexp, built on first use. TestWholeMatcherAgreesWithRegexp
// holds the two to the same answers.
type wholeMatcher struct {
	re       *syntax.Regexp // nil: the shape needs the regexp
	compiled func() *regexp.Regexp
	// minRunes and maxRunes (-1: no bound) bound the length of what re
	// matches: most values in a window (names, short strings) are turned
	// down by their length before any walk.
	minRunes, maxRunes int
}

// maxWalkedValue bounds the values the walk answers for; longer ones (a
// PEM block) go to the regexp, whose cost does not grow with the
// repetition counts.
const maxWalkedValue = 256

func newWholeMatcher(shape string) *wholeMatcher {
	m := &wholeMatcher{compiled: sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(?:` + shape + `)$`) })}
	if re, err := syntax.Parse(shape, syntax.Perl); err == nil && walkable(re) {
		m.re = re
		m.minRunes, m.maxRunes = runeBounds(re)
	}
	return m
}

// Match reports whether all of v is of the shape.
func (m *wholeMatcher) Match(v []byte) bool {
	if m.re != nil && (len(v) < m.minRunes || m.maxRunes >= 0 && len(v) > m.maxRunes && (len(v) > utf8.UTFMax*m.maxRunes || utf8.RuneCount(v) > m.maxRunes)) {
		// A value of n bytes holds n runes at most and n/UTFMax at least.
		return false
	}
	if m.re == nil || len(v) > maxWalkedValue {
		return m.compiled().Match(v)
	}
	start := newOffsets(len(v))
	start.add(0)
	return walk(m.re, v, start).has(len(v))
}

// runeBounds returns the fewest and the most runes a walkable re matches
// (-1: no most).
func runeBounds(re *syntax.Regexp) (lo, hi int) {
	switch re.Op {
	case syntax.OpEmptyMatch:
		return 0, 0
	case syntax.OpLiteral:
		return len(re.Rune), len(re.Rune)
	case syntax.OpCharClass, syntax.OpAnyCharNotNL, syntax.OpAnyChar:
		return 1, 1
	case syntax.OpCapture:
		return runeBounds(re.Sub[0])
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			l, h := runeBounds(sub)
			lo += l
			if hi >= 0 {
				hi = h + hi
				if h < 0 {
					hi = -1
				}
			}
		}
		return lo, hi
	case syntax.OpAlternate:
		for i, sub := range re.Sub {
			l, h := runeBounds(sub)
			if i == 0 || l < lo {
				lo = l
			}
			if i == 0 || hi >= 0 && (h < 0 || h > hi) {
				hi = h
			}
		}
		return lo, hi
	}
	// OpStar, OpPlus, OpQuest, OpRepeat.
	min, max := repeatBounds(re)
	l, h := runeBounds(re.Sub[0])
	lo = min * l
	if max < 0 || h < 0 {
		return lo, -1
	}
	return lo, max * h
}

// walkable reports whether walk can answer for every node of re.
func walkable(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpLiteral, syntax.OpCharClass, syntax.OpAnyCharNotNL, syntax.OpAnyChar:
	case syntax.OpCapture, syntax.OpConcat, syntax.OpAlternate, syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
	default:
		return false
	}
	for _, sub := range re.Sub {
		if !walkable(sub) {
			return false
		}
	}
	return true
}

// offsets is a set of byte offsets 0..n into a value.
type offsets []uint64

func newOffsets(n int) offsets   { return make(offsets, n/64+1) }
func (o offsets) add(i int)      { o[i/64] |= 1 << (i % 64) }
func (o offsets) has(i int) bool { return o[i/64]&(1<<(i%64)) != 0 }
func (o offsets) clone() offsets { return append(offsets(nil), o...) }

// next returns the smallest offset in o from i on, or -1.
func (o offsets) next(i int) int {
	for w := i / 64; w < len(o); w++ {
		word := o[w]
		if w == i/64 {
			word &^= 1<<(i%64) - 1
		}
		if word != 0 {
			return w*64 + bits.TrailingZeros64(word)
		}
	}
	return -1
}

func (o offsets) empty() bool {
	for _, w := range o {
		if w != 0 {
			return false
		}
	}
	return true
}

// union adds p's offsets to o and reports whether any was new.
func (o offsets) union(p offsets) bool {
	grew := false
	for i, w := range p {
		if w&^o[i] != 0 {
			grew = true
		}
		o[i] |= w
	}
	return grew
}

// walk returns the offsets at which re, started at any offset in from, can
// end in v.
func walk(re *syntax.Regexp, v []byte, from offsets) offsets {
	switch re.Op {
	case syntax.OpEmptyMatch:
		return from
	case syntax.OpCapture:
		return walk(re.Sub[0], v, from)
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if from = walk(sub, v, from); from.empty() {
				break
			}
		}
		return from
	case syntax.OpAlternate:
		out := newOffsets(len(v))
		for _, sub := range re.Sub {
			out.union(walk(sub, v, from))
		}
		return out
	case syntax.OpLiteral:
		out := newOffsets(len(v))
	starts:
		for i := from.next(0); i >= 0; i = from.next(i + 1) {
			at := i
			for _, want := range re.Rune {
				if at >= len(v) {
					continue starts
				}
				r, n := decodeRune(v[at:])
				if !(r == want || re.Flags&syntax.FoldCase != 0 && equalFold(r, want)) {
					continue starts
				}
				at += n
			}
			out.add(at)
		}
		return out
	case syntax.OpCharClass, syntax.OpAnyCharNotNL, syntax.OpAnyChar:
		return repeatRune(re, v, from, 1, 1)
	}
	// OpStar, OpPlus, OpQuest, OpRepeat.
	lo, hi := repeatBounds(re)
	sub := re.Sub[0]
	if oneRune(sub) {
		return repeatRune(sub, v, from, lo, hi)
	}
	cur := from
	for i := 0; i < lo; i++ {
		if cur = walk(sub, v, cur); cur.empty() {
			return cur
		}
	}
	out := cur.clone()
	for i := lo; hi < 0 || i < hi; i++ {
		cur = walk(sub, v, cur)
		// A round that reaches no new offset ends it: each later round
		// starts from offsets an earlier one already started from.
		if !out.union(cur) {
			break
		}
	}
	return out
}

// oneRune reports whether re matches exactly one rune.
func oneRune(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpCharClass, syntax.OpAnyCharNotNL, syntax.OpAnyChar:
		return true
	case syntax.OpLiteral:
		return len(re.Rune) == 1
	}
	return false
}

// repeatRune walks lo to hi (-1: any number of) runes that each match the
// one-rune expression re.
func repeatRune(re *syntax.Regexp, v []byte, from offsets, lo, hi int) offsets {
	out := newOffsets(len(v))
	for i := from.next(0); i >= 0; i = from.next(i + 1) {
		at := i
		for n := 0; ; n++ {
			if n >= lo {
				out.add(at)
			}
			if n == hi || at >= len(v) {
				break
			}
			r, w := decodeRune(v[at:])
			if !runeMatches(re, r) {
				break
			}
			at += w
		}
	}
	return out
}

// decodeRune reads one rune as package regexp does: an invalid byte is
// U+FFFD, one byte wide.
func decodeRune(b []byte) (rune, int) {
	if b[0] < utf8.RuneSelf {
		return rune(b[0]), 1
	}
	return utf8.DecodeRune(b)
}

func runeMatches(re *syntax.Regexp, r rune) bool {
	switch re.Op {
	case syntax.OpAnyChar:
		return true
	case syntax.OpAnyCharNotNL:
		return r != '\n'
	case syntax.OpLiteral:
		return r == re.Rune[0] || re.Flags&syntax.FoldCase != 0 && equalFold(r, re.Rune[0])
	}
	for i := 0; i < len(re.Rune); i += 2 {
		if re.Rune[i] <= r && r <= re.Rune[i+1] {
			return true
		}
	}
	return false
}

// equalFold reports whether r is in want's simple case-folding orbit, as a
// case-insensitive regexp literal compares.
func equalFold(r, want rune) bool {
	for f := unicode.SimpleFold(want); f != want; f = unicode.SimpleFold(f) {
		if f == r {
			return true
		}
	}
	return false
}

// repeatBounds returns the least and most repeats of a star, plus, quest or
// repeat node; most is -1 for no bound.
func repeatBounds(re *syntax.Regexp) (lo, hi int) {
	switch re.Op {
	case syntax.OpStar:
		return 0, -1
	case syntax.OpPlus:
		return 1, -1
	case syntax.OpQuest:
		return 0, 1
	}
	return re.Min, re.Max
}
