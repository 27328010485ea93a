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
	// Every row plus every class is inside delta (renumber makes it so,
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

	// The trie is built straight into the transition table (row per
	// state, a zero entry is "no child": no state but the root is 0), then
	// completed in place breadth-first, each state's missing transitions
	// taken from its failure state's row, which is complete by then.
	nc := m.nclass
	rows := 1
	for _, kw := range keywords {
		rows += len(kw)
	}
	delta := make([]int32, nc, nc*rows)
	var own [][]int32 // keyword ids ending at each state
	own = append(own, nil)
	for id, kw := range keywords {
		s := int32(0)
		for i := 0; i < len(kw); i++ {
			c := int(m.class[lowerASCII(kw[i])])
			t := delta[int(s)*nc+c]
			if t == 0 {
				t = int32(len(own))
				own = append(own, nil)
				delta = append(delta, make([]int32, nc)...)
				delta[int(s)*nc+c] = t
			}
			s = t
		}
		own[s] = append(own[s], int32(id))
	}
	n := len(own)
	fail := make([]int32, n)
	m.outputs = make([][]int32, n)
	m.outputs[0] = own[0]
	queue := make([]int32, 0, n)
	for c := 1; c < nc; c++ {
		if t := delta[c]; t != 0 {
			queue = append(queue, t)
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		if len(own[s]) > 0 || len(m.outputs[fail[s]]) > 0 {
			m.outputs[s] = append(append([]int32(nil), own[s]...), m.outputs[fail[s]]...)
		}
		row, frow := delta[int(s)*nc:int(s+1)*nc], delta[int(fail[s])*nc:int(fail[s]+1)*nc]
		for c := 1; c < nc; c++ {
			if t := row[c]; t != 0 {
				fail[t] = frow[c]
				queue = append(queue, t)
			} else {
				row[c] = frow[c]
			}
		}
	}
	m.renumber(delta, n)
	return m
}

// renumber moves the states that end a keyword to the end, from the first
// power of two past the others' rows, and premultiplies every transition by
// the row width. The gap between is never visited. trie is the table as
// built, by state number.
func (m *keywordMatcher) renumber(trie []int32, n int) {
	nc := m.nclass
	newID := make([]uint32, n) // row, premultiplied
	nonOut := 0
	for s := 0; s < n; s++ {
		if len(m.outputs[s]) == 0 {
			newID[s] = uint32(nonOut * nc)
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
	var outputs [][]int32
	for s := 0; s < n; s++ {
		if len(m.outputs[s]) > 0 {
			newID[s] = uint32(firstOut + len(outputs)*nc)
			outputs = append(outputs, m.outputs[s])
		}
	}
	delta := make([]uint32, firstOut+len(outputs)*nc)
	for s := 0; s < n; s++ {
		row := delta[newID[s]:]
		for c := 0; c < nc; c++ {
			row[c] = newID[trie[s*nc+c]]
		}
	}
	m.delta, m.outputs = delta, outputs
	for b := range m.col {
		m.col[b] = unsafe.Pointer(&delta[m.class[b]])
	}
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
	type hitAt struct {
		id  int32
		end int
	}
	// Most chunks hold a few hits: the later streams' start on the
	// stack, not each in a slice allocated per chunk.
	var held [3][16]hitAt
	later := [3][]hitAt{held[0][:0], held[1][:0], held[2][:0]}
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
