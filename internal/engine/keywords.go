package engine

import "unsafe"

// keywordMatcher finds every occurrence of a set of keywords in one pass,
// ignoring ASCII case without copying the input. It is an Aho–Corasick
// automaton compiled into a dense DFA over byte classes: each input byte costs
// one table lookup, whatever the number of keywords.
type keywordMatcher struct {
	class  [256]uint8 // byte -> class; 0 is "no keyword has this byte"
	nclass int
	// delta maps (state row + class) to the next state's row. Rows are
	// premultiplied by nclass, and the rows of states that end a keyword
	// start at firstOut, a power of two above every other row: one OR
	// and compare tell whether any of the hot loop's four streams reached
	// an output.
	delta    []uint32
	firstOut uint32    // row of the first state with outputs
	outputs  [][]int32 // (state row - firstOut) / nclass -> keyword ids ending there
	keywords []string
	maxLen   int // longest keyword
	// col[b] points at delta[class[b]], the column of byte b: the next
	// state is the word at col[b] + state row, one load whose address
	// waits on the state alone. Indexing delta[row+class] put an add
	// and a bounds check between each state and the next, and a stream
	// walks at the latency of that chain: the walk is 15-20% faster.
	// Every row plus every class is inside delta (number makes it so,
	// TestKeywordColumnsStayInTable checks it), which is what makes the
	// unchecked loads safe.
	col [256]unsafe.Pointer
}

func lowerASCII(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

func newKeywordMatcher(keywords []string) *keywordMatcher {
	m := &keywordMatcher{keywords: keywords}
	for _, kw := range keywords {
		m.maxLen = max(m.maxLen, len(kw))
	}
	// Byte classes: one per distinct (lowercased) byte used by a keyword.
	next := uint8(1)
	for _, kw := range keywords {
		for i := 0; i < len(kw); i++ {
			c := lowerASCII(kw[i])
			if m.class[c] == 0 {
				m.class[c] = next
				next++
			}
		}
	}
	for b := 'A'; b <= 'Z'; b++ {
		m.class[b] = m.class[b+'a'-'A']
	}
	m.nclass = int(next)

	// The trie is built sparse, each state's children listed, and its
	// failure links and outputs found breadth-first. Then the states get
	// their rows (those that end a keyword after the others, see
	// number) and the dense table is filled once, breadth-first, each
	// state's row starting as a copy of its failure state's row, which is
	// complete by then. Building the dense trie first and renumbering it
	// into a second table allocated, and faulted in, the table twice.
	nc := m.nclass
	type edge struct {
		class uint8
		to    int32
	}
	children := [][]edge{nil}
	own := [][]int32{nil} // keyword ids ending at each state
	child := func(s int32, c uint8) int32 {
		for _, e := range children[s] {
			if e.class == c {
				return e.to
			}
		}
		return -1
	}
	for id, kw := range keywords {
		s := int32(0)
		for i := 0; i < len(kw); i++ {
			c := m.class[lowerASCII(kw[i])]
			t := child(s, c)
			if t < 0 {
				t = int32(len(own))
				own = append(own, nil)
				children = append(children, nil)
				children[s] = append(children[s], edge{c, t})
			}
			s = t
		}
		own[s] = append(own[s], int32(id))
	}
	n := len(own)
	fail := make([]int32, n)
	outputs := make([][]int32, n)
	outputs[0] = own[0]
	order := make([]int32, 1, n) // breadth-first, the root first
	for h := 0; h < len(order); h++ {
		s := order[h]
		for _, e := range children[s] {
			t := e.to
			if s != 0 {
				f := fail[s]
				for {
					if x := child(f, e.class); x >= 0 {
						fail[t] = x
						break
					}
					if f == 0 {
						break
					}
					f = fail[f]
				}
			}
			if len(own[t]) > 0 || len(outputs[fail[t]]) > 0 {
				outputs[t] = append(append([]int32(nil), own[t]...), outputs[fail[t]]...)
			}
			order = append(order, t)
		}
	}
	row := m.number(outputs)
	delta := make([]uint32, int(m.firstOut)+len(m.outputs)*nc)
	for _, s := range order {
		r := delta[row[s] : int(row[s])+nc]
		if s != 0 {
			copy(r, delta[row[fail[s]]:int(row[fail[s]])+nc])
		}
		for _, e := range children[s] {
			r[e.class] = row[e.to]
		}
	}
	m.delta = delta
	for b := range m.col {
		m.col[b] = unsafe.Pointer(&delta[m.class[b]])
	}
	return m
}

// number gives each state its row, premultiplied by the row width: the
// states that end a keyword after the others, from the first power of two
// past their rows (firstOut), so that one compare tells an output state.
// The gap between is never visited. It sets m.firstOut and m.outputs (by
// output row) and returns the rows by state.
func (m *keywordMatcher) number(outputs [][]int32) []uint32 {
	nc := m.nclass
	n := len(outputs)
	row := make([]uint32, n)
	nonOut := 0
	for s := 0; s < n; s++ {
		if len(outputs[s]) == 0 {
			row[s] = uint32(nonOut * nc)
			nonOut++
		}
	}
	// An empty keyword ends at every state, the start state (row 0) too:
	// then there are no others.
	firstOut := 0
	if nonOut > 0 {
		firstOut = 1
		for firstOut < nonOut*nc {
			firstOut <<= 1
		}
	}
	m.firstOut = uint32(firstOut)
	m.outputs = m.outputs[:0]
	for s := 0; s < n; s++ {
		if len(outputs[s]) > 0 {
			row[s] = uint32(firstOut + len(m.outputs)*nc)
			m.outputs = append(m.outputs, outputs[s])
		}
	}
	return row
}

// hits returns the keywords ending at state row s (s >= firstOut).
func (m *keywordMatcher) hits(s uint32) []int32 {
	return m.outputs[int(s-m.firstOut)/m.nclass]
}

// scan calls hit for every keyword occurrence, in order of position, with
// the offset just past its last byte.
//
// Each step of the automaton waits on the previous one (the next state is
// loaded from the current one), so one stream runs at the latency of a
// load, not at the speed of the core. Large inputs are therefore split in
// four quarters walked in the same loop, which puts four loads in flight;
// each quarter after the first starts a keyword's length early so that no
// occurrence across a split is lost, and reports only what ends past its
// split.
func (m *keywordMatcher) scan(data []byte, hit func(keyword int32, end int)) {
	var keep laterHits
	m.scanWith(data, &keep, hit)
}

// hitAt is a keyword occurrence a later stream found, held until the
// streams before it have reported theirs.
type hitAt struct {
	id  int32
	end int
}

// laterHits holds the later streams' hits of one scan. A caller that scans
// chunk after chunk passes the same one to scanWith: a chunk of source
// dense with keywords (one every 1.5 KB of the Go tree) outgrew the few
// held on the stack and grew new slices every time.
type laterHits [3][]hitAt

// scanWith is scan with keep's slices, emptied, for the later streams'
// hits; they are left in keep, grown, for the next call.
func (m *keywordMatcher) scanWith(data []byte, keep *laterHits, hit func(keyword int32, end int)) {
	if len(m.keywords) == 0 {
		return
	}
	// Four streams pay off from a few lines on: the lead each later one
	// walks twice is a keyword's length.
	const minSplit = 512
	if len(data) < minSplit {
		m.scanOne(data, 0, 0, hit)
		return
	}
	q := len(data) / 4
	lead := m.maxLen - 1
	if lead >= q {
		m.scanOne(data, 0, 0, hit)
		return
	}
	// Quarter k > 0 is walked from base[k]; its first lead bytes only
	// bring the automaton into the right state.
	base := [4]int{0, q - lead, 2*q - lead, 3*q - lead}
	a := data[:q]
	b := data[base[1] : base[1]+q]
	c := data[base[2] : base[2]+q]
	d := data[base[3] : base[3]+q]
	firstOut := m.firstOut
	later := laterHits{keep[0][:0], keep[1][:0], keep[2][:0]}
	var st [4]uint32
	for i := 0; i < q; i++ {
		i = walk4(&m.col, a, b, c, d, i, &st, firstOut)
		if i == q {
			break
		}
		sa, sb, sc, sd := st[0], st[1], st[2], st[3]
		if sa >= firstOut {
			for _, id := range m.hits(sa) {
				hit(id, i+1)
			}
		}
		if i >= lead {
			for k, s := range [3]uint32{sb, sc, sd} {
				if s >= firstOut {
					for _, id := range m.hits(s) {
						later[k] = append(later[k], hitAt{id, base[k+1] + i + 1})
					}
				}
			}
		}
	}
	*keep = laterHits{later[0][:0], later[1][:0], later[2][:0]}
	// Each later quarter ends where the next one's reports begin: the
	// lead bytes past q belong to it, then the buffered hits of the next.
	for k := 1; k < 4; k++ {
		for _, h := range later[k-1] {
			hit(h.id, h.end)
		}
		from := base[k] + q
		if k < 3 {
			m.scanOne(data[from:base[k+1]+lead], st[k], from, hit)
		}
	}
	m.scanOne(data[base[3]+q:], st[3], base[3]+q, hit)
}

// walk4 steps the four streams from a[i], b[i], c[i], d[i] (st holds
// their states) until one of them reaches an output state, and returns
// where, or len(a). It calls nothing: with the hit handling in the same
// loop, the compiler kept the states on the stack, a store and a load
// more on every step.
func walk4(col *[256]unsafe.Pointer, a, b, c, d []byte, i int, st *[4]uint32, firstOut uint32) int {
	sa, sb, sc, sd := uintptr(st[0]), uintptr(st[1]), uintptr(st[2]), uintptr(st[3])
	b, c, d = b[:len(a)], c[:len(a)], d[:len(a)]
	fo := uintptr(firstOut)
	for ; i < len(a); i++ {
		sa = uintptr(*(*uint32)(unsafe.Add(col[a[i]], sa*4)))
		sb = uintptr(*(*uint32)(unsafe.Add(col[b[i]], sb*4)))
		sc = uintptr(*(*uint32)(unsafe.Add(col[c[i]], sc*4)))
		sd = uintptr(*(*uint32)(unsafe.Add(col[d[i]], sd*4)))
		if sa|sb|sc|sd >= fo {
			break
		}
	}
	st[0], st[1], st[2], st[3] = uint32(sa), uint32(sb), uint32(sc), uint32(sd)
	return i
}

// scanOne walks data from state s; offsets are reported relative to the
// start of the whole input (data begins at base).
func (m *keywordMatcher) scanOne(data []byte, s uint32, base int, hit func(keyword int32, end int)) {
	col, firstOut := &m.col, m.firstOut
	for i, b := range data {
		s = *(*uint32)(unsafe.Add(col[b], uintptr(s)*4))
		if s >= firstOut {
			for _, id := range m.hits(s) {
				hit(id, base+i+1)
			}
		}
	}
}
