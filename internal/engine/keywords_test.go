package engine

import (
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
	"unsafe"
)

func TestKeywordMatcherFindsEveryOccurrence(t *testing.T) {
	kws := []string{"binance", "api", "apikey", "key", "-----begin", "x-mbx-apikey"}
	m := newKeywordMatcher(kws)
	tests := []struct {
		text string
		want []string // "keyword@end"
	}{
		{"BINANCE_API_KEY=1", []string{"binance@7", "api@11", "key@15"}},
		{"headers X-MBX-APIKEY: abc", []string{"api@17", "x-mbx-apikey@20", "apikey@20", "key@20"}},
		{"-----BEGIN RSA", []string{"-----begin@10"}},
		{"nothing to see", nil},
		{"kkey", []string{"key@4"}},
	}
	for _, tt := range tests {
		var got []string
		m.scan([]byte(tt.text), func(id int32, end int) {
			got = append(got, kws[id]+"@"+itoa(end))
		})
		sort.Strings(got)
		want := append([]string(nil), tt.want...)
		sort.Strings(want)
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%q: got %v, want %v", tt.text, got, want)
		}
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}

// The four-stream walk of large inputs must report exactly what a single
// walk reports, in the same order, including keywords that straddle the
// splits.
func TestKeywordMatcherSplitAgreesWithOneStream(t *testing.T) {
	kws := []string{"binance", "secret", "key", "-----begin", "x-mbx-apikey", "aa"}
	m := newKeywordMatcher(kws)
	r := rand.New(rand.NewPCG(7, 9))
	alphabet := []byte("abcdefghijklmnopqrstuvwxyz-_ BINANCEKEY\n")
	for round := 0; round < 50; round++ {
		n := 4<<10 + r.IntN(64<<10)
		data := make([]byte, n)
		for i := range data {
			data[i] = alphabet[r.IntN(len(alphabet))]
		}
		// Plant keywords on and around the splits (quarters), and at the
		// end.
		var at []int
		for _, split := range []int{n / 4, n / 2, 3 * (n / 4)} {
			at = append(at, split-3, split-1, split, split+1)
		}
		for _, a := range append(at, r.IntN(n-20), n-len("-----begin")) {
			kw := kws[r.IntN(len(kws))]
			copy(data[max(0, a-len(kw)/2):], kw)
		}
		var split, one []string
		m.scan(data, func(id int32, end int) { split = append(split, kws[id]+"@"+itoa(end)) })
		m.scanOne(data, 0, 0, func(id int32, end int) { one = append(one, kws[id]+"@"+itoa(end)) })
		if strings.Join(split, ",") != strings.Join(one, ",") {
			t.Fatalf("round %d (n=%d): split walk differs from one stream:\n%v\n%v", round, n, split, one)
		}
	}
}

// The automaton built from the default rules' keywords must report every
// occurrence of every keyword, in either case, and nothing else, ordered
// by end: checked against a plain search for each keyword.
func TestKeywordMatcherAgreesWithPlainSearch(t *testing.T) {
	kws := defaultKeywords(t)
	m := newKeywordMatcher(kws)
	r := rand.New(rand.NewPCG(3, 5))
	alphabet := []byte("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_ .:=\"'(/\n")
	for round := 0; round < 200; round++ {
		n := r.IntN(20 << 10)
		data := make([]byte, n)
		for i := range data {
			data[i] = alphabet[r.IntN(len(alphabet))]
		}
		for k := r.IntN(80); k > 0 && n > 0; k-- {
			kw := []byte(kws[r.IntN(len(kws))])
			for i := range kw {
				if r.IntN(2) == 0 && 'a' <= kw[i] && kw[i] <= 'z' {
					kw[i] -= 'a' - 'A'
				}
			}
			copy(data[r.IntN(n):], kw)
		}
		// ASCII folding only, as the matcher does: strings.ToLower would
		// turn a UTF-8 sequence cut by an inserted keyword into U+FFFD and
		// shift every later offset.
		lower := make([]byte, len(data))
		for i, b := range data {
			lower[i] = lowerASCII(b)
		}
		var want []string
		for _, kw := range kws {
			for at := 0; ; at++ {
				i := strings.Index(string(lower[at:]), kw)
				if i < 0 {
					break
				}
				at += i
				want = append(want, kw+"@"+itoa(at+len(kw)))
			}
		}
		var got []string
		last := 0
		m.scan(data, func(id int32, end int) {
			if end < last {
				t.Fatalf("round %d: %s reported at %d after a hit at %d", round, kws[id], end, last)
			}
			last = end
			got = append(got, kws[id]+"@"+itoa(end))
		})
		sort.Strings(got)
		sort.Strings(want)
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("round %d (n=%d): automaton and plain search differ:\n%v\n%v", round, n, got, want)
		}
	}
}

// walkHits returns what one walk reports, in order.
func walkHits(walk func([]byte, func(int32, int)), data []byte) []int {
	var out []int
	walk(data, func(id int32, end int) { out = append(out, int(id), end) })
	return out
}

func checkWalk(t *testing.T, m *keywordMatcher, data []byte, what string) {
	t.Helper()
	want := walkHits(func(d []byte, hit func(int32, int)) { m.scanOne(d, 0, 0, hit) }, data)
	for _, w := range []struct {
		name string
		walk func([]byte, func(int32, int))
	}{{"scan", m.scan}} {
		got := walkHits(w.walk, data)
		if !slices.Equal(got, want) {
			t.Fatalf("%s (%d bytes): the %s walk reports %d hits, one stream %d (first difference at %d)",
				what, len(data), w.name, len(got)/2, len(want)/2, firstDiff(got, want)/2)
		}
	}
}

func firstDiff(a, b []int) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// Whatever the size (one stream below a few lines, four above), scan
// reports every hit that one stream reports, in the same order, with the
// default rules' keywords, sparse or dense, in any case.
func TestKeywordMatcherWalksAgree(t *testing.T) {
	kws := defaultKeywords(t)
	m := newKeywordMatcher(kws)
	r := rand.New(rand.NewPCG(11, 13))
	alphabets := []string{
		"abcdefghijklmnopqrstuvwxyz \n",
		"etaoinsrkyEY _-.:=\"'(/\n",
		"\x00\x01\xff\xe5\x8a\xa9ABCxyz:-",
	}
	for round := 0; round < 300; round++ {
		n := r.IntN(1 << uint(4+r.IntN(13)))
		alphabet := alphabets[r.IntN(len(alphabets))]
		data := make([]byte, n)
		for i := range data {
			data[i] = alphabet[r.IntN(len(alphabet))]
		}
		plants := r.IntN(4)
		if r.IntN(4) == 0 {
			plants = n / 8 // dense
		}
		for k := plants; k > 0 && n > 0; k-- {
			kw := []byte(kws[r.IntN(len(kws))])
			for i := range kw {
				if r.IntN(2) == 0 && 'a' <= kw[i] && kw[i] <= 'z' {
					kw[i] -= 'a' - 'A'
				}
			}
			copy(data[r.IntN(n):], kw)
		}
		if n >= 2 && r.IntN(4) == 0 {
			copy(data[n-2:], ":-")
		}
		checkWalk(t, m, data, "round "+itoa(round))
	}
}

// The same on real text: the Go source tree, file by file, where it is
// installed.
func TestKeywordMatcherWalksAgreeOnGoSource(t *testing.T) {
	m := newKeywordMatcher(defaultKeywords(t))
	root := filepath.Join(runtime.GOROOT(), "src")
	files := 0
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || files >= 2000 {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		files++
		checkWalk(t, m, data, p)
		return nil
	})
	if files == 0 {
		t.Skip("no Go source tree")
	}
}

// The walks load the next state from col[b] + row without a bounds check:
// every row the table holds, plus the start row, plus any class, must stay
// inside delta, and col[b] must be byte b's column, for the default rules'
// keywords and for random sets (one keyword, an empty one, shared
// prefixes, bytes outside ASCII).
func TestKeywordColumnsStayInTable(t *testing.T) {
	sets := [][]string{defaultKeywords(t), {"k"}, {""}, {"", "ab"}, {"key", "keys", "KEY_ID", "secret"}}
	r := rand.New(rand.NewPCG(5, 8))
	for range 200 {
		var set []string
		for range 1 + r.IntN(40) {
			kw := make([]byte, r.IntN(9))
			for i := range kw {
				kw[i] = "abcKEY_-:\xe5\x00"[r.IntN(11)]
			}
			set = append(set, string(kw))
		}
		sets = append(sets, set)
	}
	for _, set := range sets {
		m := newKeywordMatcher(set)
		rows := append([]uint32{0}, m.delta...)
		for _, row := range rows {
			start := 0 // rows are counted from 0, and from firstOut past it
			if row >= m.firstOut {
				start = int(m.firstOut)
			}
			if (int(row)-start)%m.nclass != 0 || int(row)+m.nclass > len(m.delta) {
				t.Fatalf("%q: row %d (%d classes) runs past the table's %d entries", set, row, m.nclass, len(m.delta))
			}
		}
		for b := range m.col {
			if m.col[b] != unsafe.Pointer(&m.delta[m.class[b]]) {
				t.Fatalf("%q: byte %#x's column is not delta[%d]", set, b, m.class[b])
			}
		}
	}
}
