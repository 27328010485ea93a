package engine

// keywordMatcher finds every occurrence of a set of keywords in one pass,
// ignoring ASCII case without copying the input. It is an Aho–Corasick
// automaton compiled into a dense DFA over byte classes: each input byte costs
// one table lookup, whatever the number of keywords.
type keywordMatcher struct {
	class    [256]uint8 // byte -> class; 0 is "no keyword has this byte"
	nclass   int
	delta    []int32   // state*nclass + class -> next state
	outputs  [][]int32 // state -> keyword ids ending here (after failure merge)
	hasOut   []bool
	keywords []string
}

func lowerASCII(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

func newKeywordMatcher(keywords []string) *keywordMatcher {
	m := &keywordMatcher{keywords: keywords}
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

	// Trie.
	type node struct {
		next map[uint8]int32
		out  []int32
	}
	nodes := []node{{next: map[uint8]int32{}}}
	for id, kw := range keywords {
		s := int32(0)
		for i := 0; i < len(kw); i++ {
			c := m.class[lowerASCII(kw[i])]
			t, ok := nodes[s].next[c]
			if !ok {
				t = int32(len(nodes))
				nodes = append(nodes, node{next: map[uint8]int32{}})
				nodes[s].next[c] = t
			}
			s = t
		}
		nodes[s].out = append(nodes[s].out, int32(id))
	}

	// Breadth-first: failure links, then the full transition table.
	n := len(nodes)
	m.delta = make([]int32, n*m.nclass)
	fail := make([]int32, n)
	m.outputs = make([][]int32, n)
	queue := make([]int32, 0, n)
	for c := 1; c < m.nclass; c++ {
		if t, ok := nodes[0].next[uint8(c)]; ok {
			m.delta[c] = t
			fail[t] = 0
			queue = append(queue, t)
		}
	}
	m.outputs[0] = nodes[0].out
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		m.outputs[s] = append(append([]int32(nil), nodes[s].out...), m.outputs[fail[s]]...)
		for c := 0; c < m.nclass; c++ {
			if t, ok := nodes[s].next[uint8(c)]; ok && c != 0 {
				fail[t] = m.delta[int(fail[s])*m.nclass+c]
				m.delta[int(s)*m.nclass+c] = t
				queue = append(queue, t)
			} else {
				m.delta[int(s)*m.nclass+c] = m.delta[int(fail[s])*m.nclass+c]
			}
		}
	}
	m.hasOut = make([]bool, n)
	for s := range m.outputs {
		m.hasOut[s] = len(m.outputs[s]) > 0
	}
	return m
}

// scan calls hit for every keyword occurrence, with the offset just past its
// last byte.
func (m *keywordMatcher) scan(data []byte, hit func(keyword int32, end int)) {
	if len(m.keywords) == 0 {
		return
	}
	delta, class, nc, hasOut := m.delta, &m.class, m.nclass, m.hasOut
	s := int32(0)
	for i := 0; i < len(data); i++ {
		s = delta[int(s)*nc+int(class[data[i]])]
		if hasOut[s] {
			for _, id := range m.outputs[s] {
				hit(id, i+1)
			}
		}
	}
}
