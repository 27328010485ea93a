package detectors

import "github.com/keyward/scan/internal/assign"

// Window is the text a Finder reads: the whole lines around a rule's
// keyword hits. The engine gives every rule whose hits fall on the same
// lines the same Window, and what one finder parses there — the
// assignments, above all — the next one reuses: in a trading bot's code an
// exchange's key, secret and passphrase rules, the generic rule and the
// UUID-pair rules all read the same lines, and parsing them once per rule
// was most of a history scan's time.
type Window struct {
	Text []byte

	assignments []Assignment
	values      [][2]int
	notes       []Assignment
	uuid        uuidLabelled // by value: a pointer cost an allocation per window
	done        windowParts
}

type windowParts uint8

const (
	haveAssignments windowParts = 1 << iota
	haveValues
	haveNotes
	haveUUID
)

// Assignment is a name and the value assigned to it, as spans of a
// Window's Text.
type Assignment struct{ Name, Value [2]int }

// NewWindow returns a Window over text.
func NewWindow(text []byte) *Window { return &Window{Text: text} }

// Reset makes w a fresh Window over text, keeping its buffers unless a
// window full of assignments made them large.
func (w *Window) Reset(text []byte) {
	const keep = 1 << 10
	*w = Window{
		Text:        text,
		assignments: keepSmall(w.assignments, keep),
		values:      keepSmall(w.values, keep),
		notes:       keepSmall(w.notes, keep),
	}
}

func keepSmall[T any](s []T, n int) []T {
	if cap(s) > n {
		return nil
	}
	return s[:0]
}

// Assignments returns every assignment in the window (assign.Each's), in
// text order.
func (w *Window) Assignments() []Assignment {
	if w.done&haveAssignments == 0 {
		w.done |= haveAssignments
		assign.Each(w.Text, func(name, value [2]int) {
			w.assignments = append(w.assignments, Assignment{name, value})
		})
	}
	return w.assignments
}

// Values returns assign.Values of the window: assigned values and the first
// two quoted arguments of calls, sorted and unique.
func (w *Window) Values() [][2]int {
	if w.done&haveValues == 0 {
		w.done |= haveValues
		for _, a := range w.Assignments() {
			w.values = append(w.values, a.Value)
		}
		w.values = assign.UniqueSpans(assign.Positional(w.Text, w.values))
	}
	return w.values
}

// Notes returns assign.Notes of the window: values kept as in a note or a
// table, with their labels.
func (w *Window) Notes() []Assignment {
	if w.done&haveNotes == 0 {
		w.done |= haveNotes
		assign.Notes(w.Text, func(name, value [2]int) {
			w.notes = append(w.notes, Assignment{name, value})
		})
	}
	return w.notes
}

// labelled returns the values of assignments whose name matches label,
// sorted and unique (assign.Labelled over the window).
func (w *Window) labelled(match func([]byte) bool) [][2]int {
	var out [][2]int
	for _, a := range w.Assignments() {
		if match(w.Text[a.Name[0]:a.Name[1]]) {
			out = append(out, a.Value)
		}
	}
	return assign.UniqueSpans(out)
}

// finderOf adapts a finder of plain bytes, one that parses nothing a
// Window keeps.
func finderOf(f func([]byte) [][2]int) func(*Window) [][2]int {
	return func(w *Window) [][2]int { return f(w.Text) }
}

// spansIn appends to out the spans of vs whose text matches, in order.
func spansIn(text []byte, vs [][2]int, match func([]byte) bool, out [][2]int) [][2]int {
	for _, v := range vs {
		if match(text[v[0]:v[1]]) {
			out = append(out, v)
		}
	}
	return out
}
