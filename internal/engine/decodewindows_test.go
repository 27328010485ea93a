package engine

import (
	"reflect"
	"strings"
	"testing"

	"github.com/keyward/scan/internal/decode"
)

// Encoded runs within a few lines of each other share one window of whole
// lines around them; runs further apart get windows of their own. Each
// window's spans are its runs, in order, and the decoded text of a window
// is its lines with each run replaced by its text.
func TestDecodeWindowsGroupRunsByLines(t *testing.T) {
	lines := make([]string, 20)
	for i := range lines {
		lines[i] = "line"
	}
	data := []byte(strings.Join(lines, "\n") + "\n")
	at := func(line int) int { return line * 5 } // "line\n" per line
	run := func(line int) decode.Span {
		return decode.Span{Kind: decode.Base64, Start: at(line), End: at(line) + 4, Text: []byte("TEXT")}
	}
	tests := []struct {
		name  string
		lines []int   // the runs, by line
		want  [][]int // per window, its runs' lines
	}{
		{"one run", []int{5}, [][]int{{5}}},
		{"two runs a line apart share a window", []int{5, 6}, [][]int{{5, 6}}},
		{"runs within the context share one", []int{2, 6, 10}, [][]int{{2, 6, 10}}},
		{"runs far apart get their own", []int{1, 12}, [][]int{{1}, {12}}},
		{"a group and a lone run", []int{1, 2, 3, 15}, [][]int{{1, 2, 3}, {15}}},
		{"a lone run and a group", []int{1, 10, 11, 18}, [][]int{{1}, {10, 11}, {18}}},
	}
	for _, tc := range tests {
		var spans []decode.Span
		for _, l := range tc.lines {
			spans = append(spans, run(l))
		}
		ws := decodeWindows(data, spans)
		var got [][]int
		for _, w := range ws {
			var ls []int
			for _, sp := range w.spans {
				ls = append(ls, sp.Start/5)
			}
			got = append(got, ls)
			s, _ := window(data, w.spans[0].Start, decodeContext, 0)
			_, e := window(data, w.spans[len(w.spans)-1].End-1, 0, decodeContext)
			if w.start != s || w.end != e {
				t.Errorf("%s: window %d-%d, want the lines around its runs, %d-%d", tc.name, w.start, w.end, s, e)
			}
			dt := newDecodedText(data, w)
			if want := strings.Count(string(data[w.start:w.end]), "line") - len(w.spans); strings.Count(string(dt.data), "line") != want || strings.Count(string(dt.data), "TEXT") != len(w.spans) {
				t.Errorf("%s: decoded text %q", tc.name, dt.data)
			}
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: windows %v, want %v", tc.name, got, tc.want)
		}
	}
}
