package detectors

import "bytes"

// byteRun matches a whole value made of bytes of one set, with a length in
// [min, max]: the regular expression ^[set]{min,max}$, as a table.
type byteRun struct {
	in       [256]bool
	min, max int
}

// newByteRun builds a byteRun from a set written as in a character class
// without brackets: single bytes and ranges a-z ('-' is a range only between
// two bytes, as in "_-.").
func newByteRun(set string, min, max int) *byteRun {
	r := &byteRun{min: min, max: max}
	for i := 0; i < len(set); i++ {
		if i+2 < len(set) && set[i+1] == '-' && set[i] < set[i+2] {
			for c := int(set[i]); c <= int(set[i+2]); c++ {
				r.in[c] = true
			}
			i += 2
			continue
		}
		r.in[set[i]] = true
	}
	return r
}

// mayContainAny reports whether name, ASCII case folded, contains one of
// the lower-case words, or is too long to tell cheaply (then true: it is a
// necessary condition for a pattern's match, never a sufficient one).
func mayContainAny(name []byte, words []string) bool {
	var buf [64]byte
	if len(name) > len(buf) {
		return true
	}
	low := buf[:len(name)]
	for i, c := range name {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		low[i] = c
	}
	for _, w := range words {
		if bytes.Contains(low, []byte(w)) {
			return true
		}
	}
	return false
}

// Match reports whether all of v is in the set and its length in range.
func (r *byteRun) Match(v []byte) bool {
	if len(v) < r.min || len(v) > r.max {
		return false
	}
	for _, c := range v {
		if !r.in[c] {
			return false
		}
	}
	return true
}
