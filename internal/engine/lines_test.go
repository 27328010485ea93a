package engine

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"
)

// lastNewline must answer as bytes.LastIndexByte does for every length
// and every place of the last newline, whatever the other bytes (0x0a
// differs from its neighbours 0x0b, 0x8a and 0x09 by one bit).
func TestLastNewlineAgreesWithLastIndexByte(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	alphabet := []byte{'a', '\n', 0x0b, 0x8a, 0x09, 0x00, 0xff, 0x7f, 0x0a ^ 0x80, ' '}
	for n := 0; n < 80; n++ {
		for round := 0; round < 200; round++ {
			b := make([]byte, n)
			for i := range b {
				b[i] = alphabet[r.IntN(len(alphabet))]
				if round%2 == 0 && b[i] == '\n' {
					b[i] = 'x' // mostly no newline but one planted below
				}
			}
			if n > 0 && round%4 == 0 {
				b[r.IntN(n)] = '\n'
			}
			if got, want := lastNewline(b), bytes.LastIndexByte(b, '\n'); got != want {
				t.Fatalf("%q: lastNewline = %d, want %d", b, got, want)
			}
		}
	}
}

// The window cache keys a window by its hit's line: every offset of a line
// lineWindow calls short must get the window its first offset gets, and
// the bounds it gives must be the line's.
func TestLineWindowIsTheSameAcrossItsLine(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for round := 0; round < 150; round++ {
		var b []byte
		for len(b) < 3*maxWindowSide {
			n := r.IntN(80)
			if r.IntN(20) == 0 {
				n = maxWindowSide - 40 + r.IntN(80) // around the clip
			}
			b = append(b, bytes.Repeat([]byte{"ab =:|("[r.IntN(7)]}, n)...)
			b = append(b, "\n\n \n"[r.IntN(4)])
		}
		b = b[:r.IntN(len(b))+1]
		before, after := r.IntN(4), r.IntN(4)
		for at := 0; at < len(b); at += 1 + r.IntN(7) {
			s, tt, ls, le := lineWindow(b, at, before, after)
			if le < 0 || le-ls >= maxWindowSide {
				continue
			}
			if ls != bytes.LastIndexByte(b[:at], '\n')+1 {
				t.Fatalf("line start %d, want %d", ls, bytes.LastIndexByte(b[:at], '\n')+1)
			}
			if e := bytes.IndexByte(b[at:], '\n'); e >= 0 && le != at+e || e < 0 && le != len(b) {
				t.Fatalf("line end %d at %d", le, at)
			}
			for _, o := range []int{ls, le, ls + r.IntN(le-ls+1), ls + r.IntN(le-ls+1)} {
				if o >= len(b) {
					continue
				}
				if s2, t2 := window(b, o, before, after); s2 != s || t2 != tt {
					t.Fatalf("at %d: window (%d, %d), at %d of the same line (%d, %d)", at, s, tt, o, s2, t2)
				}
			}
		}
	}
}

// labelLines answers each hit's line from the last hit's (labelCursor); it
// must give what a search back and ahead from every hit gives, on lines
// around maxWindowSide long and hits in runs on one line.
func TestLabelLinesAgreesWithASearchPerHit(t *testing.T) {
	perHit := func(data []byte, windows []span, hits []int, multiline bool, after int) []span {
		var out []span
		h := 0
		for _, w := range windows {
			for h < len(hits) && hits[h] <= w.start {
				h++
			}
			pem := multiline && bytes.Contains(data[w.start:w.end], pemBegin)
			for ; h < len(hits) && hits[h] <= w.end; h++ {
				at := hits[h] - 1
				ls := lastLineStart(data, max(w.start, at-maxWindowSide), at)
				le := w.end
				if multiline && !pem {
					_, t := window(data, at, 0, after)
					le = min(w.end, t)
				}
				if !multiline {
					stop := min(w.end, at+maxWindowSide)
					if n := bytes.IndexByte(data[at:stop], '\n'); n >= 0 {
						le = min(w.end, openValueEnd(data, at+n))
					} else {
						le = stop
					}
				}
				addWindow(&out, ls, le)
			}
		}
		return out
	}
	r := rand.New(rand.NewPCG(13, 14))
	for round := 0; round < 3000; round++ {
		var b []byte
		for len(b) < 4*maxWindowSide {
			n := r.IntN(60)
			if r.IntN(8) == 0 {
				n = maxWindowSide - 100 + r.IntN(200)
			}
			b = append(b, bytes.Repeat([]byte{"ab =:|{"[r.IntN(7)]}, n)...)
			b = append(b, '\n')
		}
		b = b[:1+r.IntN(len(b))]
		var hits []int
		for at := 1 + r.IntN(50); at <= len(b); at += 1 + r.IntN([]int{5, 60, 900}[r.IntN(3)]) {
			hits = append(hits, at)
		}
		if round%2 == 0 {
			hits = hits[:0]
		}
		// Hits whose search ahead stops just short of, at and just past
		// a newline.
		for q, c := range b {
			if c == '\n' && r.IntN(3) == 0 {
				for _, at := range []int{q - maxWindowSide, q - maxWindowSide + 1, q - maxWindowSide + 2, q + 1, q + 2} {
					if at > 0 && at <= len(b) && r.IntN(2) == 0 {
						hits = append(hits, at)
					}
				}
			}
		}
		slices.Sort(hits)
		hits = slices.Compact(hits)
		var windows []span
		for s := r.IntN(100); s < len(b); {
			e := min(len(b), s+r.IntN(3*maxWindowSide))
			windows = append(windows, span{s, e})
			s = e + 2 + r.IntN(300)
		}
		multiline := r.IntN(2) == 0
		got := labelLines(b, windows, hits, multiline, 3)
		if want := perHit(b, windows, hits, multiline, 3); !slices.Equal(got, want) {
			t.Fatalf("round %d: labelLines %v, want %v", round, got, want)
		}
	}
}
