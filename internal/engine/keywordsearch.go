package engine

import "sync/atomic"

// keywordSearch finds keyword occurrences with whichever of two matchers
// pays: the automaton costs milliseconds to build (hundreds of keywords make
// thousands of states) and then one table load per byte; keywordList costs
// nothing to build and a few comparisons per byte. A commit hook's scan of a
// few kilobytes would spend most of its time building an automaton it
// barely uses, so the automaton is built once the engine has scanned about
// what its construction costs, or at once for a chunk that large.
//
// The automaton is built on a goroutine of its own, and the list searches
// until it is there: workers that waited on the build left a core idle for
// those milliseconds at the start of every large scan. Only a chunk large
// enough that the list would take longer than the build waits for it.
//
// Both report exactly the same hits in the same order (every occurrence,
// by end offset, longer keyword first; TestKeywordMatchersAgree checks it),
// so what an engine finds never depends on which one ran.
type keywordSearch struct {
	keywords []string
	list     *keywordList
	// scanned counts the bytes the list has searched; past
	// automatonAfter, the automaton is built.
	scanned atomic.Int64
	// automaton is the built automaton, nil until then; started is set
	// by the one call that starts the build, and ready is closed when the
	// automaton is stored.
	automaton atomic.Pointer[keywordMatcher]
	started   atomic.Bool
	ready     chan struct{}
}

// automatonAfter is about how many bytes keywordList searches in the time
// newKeywordMatcher takes to build the built-in rules' automaton (a few
// milliseconds against some ten nanoseconds a byte).
const automatonAfter = 256 << 10

func newKeywordSearch(keywords []string) *keywordSearch {
	return &keywordSearch{keywords: keywords, list: newKeywordList(keywords), ready: make(chan struct{})}
}

// build starts building the automaton, once, on its own goroutine.
func (k *keywordSearch) build() {
	if k.started.CompareAndSwap(false, true) {
		go func() {
			k.automaton.Store(newKeywordMatcher(k.keywords))
			close(k.ready)
		}()
	}
}

// built returns the automaton, building it and waiting for it if need be.
func (k *keywordSearch) built() *keywordMatcher {
	k.build()
	<-k.ready
	return k.automaton.Load()
}

// scan calls hit for every keyword occurrence, in order of end offset (the
// offset just past its last byte), longer keywords first at one offset.
func (k *keywordSearch) scan(data []byte, hit func(keyword int32, end int)) {
	var keep laterHits
	k.scanWith(data, &keep, hit)
}

// scanWith is scan holding the automaton's later hits in keep (see
// keywordMatcher.scanWith).
func (k *keywordSearch) scanWith(data []byte, keep *laterHits, hit func(keyword int32, end int)) {
	if len(k.keywords) == 0 {
		return
	}
	if m := k.automaton.Load(); m != nil {
		m.scanWith(data, keep, hit)
		return
	}
	if int64(len(data)) >= automatonAfter {
		k.built().scanWith(data, keep, hit)
		return
	}
	if k.scanned.Add(int64(len(data))) > automatonAfter {
		k.build()
	}
	k.list.scan(data, hit)
}

// keywordList finds keywords by their last three bytes: a position whose
// last three bytes end no keyword costs one table load, and the few that do
// are compared with the input, longest first. Keywords of fewer than three
// bytes are compared at every position.
type keywordList struct {
	// first[h] .. first[h+1] index the entries whose last three bytes
	// hash to h.
	first   [listBuckets + 1]int32
	entries []listEntry
	// short are the keywords of fewer than three bytes, longest first.
	short []listEntry
}

type listEntry struct {
	kw   string // lowercased (ASCII)
	tail uint32 // its last three bytes
	id   int32
}

const listBuckets = 1 << 12

// tailHash spreads three bytes (t's low 24 bits) over the buckets.
func tailHash(t uint32) uint32 { return (t * 2654435761) >> 20 & (listBuckets - 1) }

func newKeywordList(keywords []string) *keywordList {
	l := &keywordList{}
	// Longer keywords first (the automaton reports a keyword before its
	// suffixes), then in id order (as the automaton reports keywords that
	// are the same once lowercased): a counting sort by length.
	maxLen := 0
	for _, kw := range keywords {
		maxLen = max(maxLen, len(kw))
	}
	at := make([]int, maxLen+2) // at[maxLen-n]: where keywords of n bytes go
	for _, kw := range keywords {
		at[maxLen-len(kw)+1]++
	}
	for i := 1; i < len(at); i++ {
		at[i] += at[i-1]
	}
	sorted := make([]listEntry, len(keywords))
	for id, kw := range keywords {
		var tail uint32
		lower := kw
		for i := 0; i < len(kw); i++ {
			c := lowerASCII(kw[i])
			if c != kw[i] && lower == kw {
				lower = lowerString(kw)
			}
			tail = tail<<8 | uint32(c)
		}
		sorted[at[maxLen-len(kw)]] = listEntry{kw: lower, tail: tail & 0xffffff, id: int32(id)}
		at[maxLen-len(kw)]++
	}
	long := sorted
	for len(long) > 0 && len(long[len(long)-1].kw) < 3 {
		long = long[:len(long)-1]
	}
	l.short = sorted[len(long):]
	for _, e := range long {
		l.first[tailHash(e.tail)+1]++
	}
	for h := 1; h <= listBuckets; h++ {
		l.first[h] += l.first[h-1]
	}
	l.entries = make([]listEntry, len(long))
	next := l.first
	for _, e := range long {
		h := tailHash(e.tail)
		l.entries[next[h]] = e
		next[h]++
	}
	return l
}

func lowerString(s string) string {
	b := []byte(s)
	for i := range b {
		b[i] = lowerASCII(b[i])
	}
	return string(b)
}

func (l *keywordList) scan(data []byte, hit func(keyword int32, end int)) {
	var t uint32
	for i, b := range data {
		t = (t<<8 | uint32(lowerASCII(b))) & 0xffffff
		if i >= 2 {
			h := tailHash(t)
			for _, e := range l.entries[l.first[h]:l.first[h+1]] {
				n := len(e.kw)
				if e.tail == t && n <= i+1 && equalFoldASCII(data[i+1-n:i-2], e.kw[:n-3]) {
					hit(e.id, i+1)
				}
			}
		}
		for _, e := range l.short {
			n := len(e.kw)
			if n <= i+1 && equalFoldASCII(data[i+1-n:i+1], e.kw) {
				hit(e.id, i+1)
			}
		}
	}
}

// equalFoldASCII reports whether b, lowercased (ASCII), is lower.
func equalFoldASCII(b []byte, lower string) bool {
	for i := range b {
		if lowerASCII(b[i]) != lower[i] {
			return false
		}
	}
	return true
}
