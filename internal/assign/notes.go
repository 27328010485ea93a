package assign

import (
	"bytes"
)

// Notes finds values kept the way people keep them outside code — in a
// note, a copy of an exchange's API page, a spreadsheet — and calls fn
// with each one's name and value spans:
//
//   - a label on its own line and the value alone on the next one
//     ("API Key" / "vmPUZE6m…"), as an API page pasted into a file reads;
//   - a label and its value on one line with no operator ("key vmPUZE6m…",
//     "- secret: …" is Each's);
//   - a CSV (or TSV, or ';'-separated) table whose header row names the
//     columns ("exchange,api_key,api_secret"): each cell below is named by
//     its column's header.
//
// A label is one to four words of letters, digits, '_' and '-', and must
// contain a credential word, so prose and code lines are not labels.
func Notes(text []byte, fn func(name, value [2]int)) {
	var prev [2]int // span of the previous non-blank line
	havePrev := false
	var header [][2]int // cells of the current CSV header
	var sep byte
	for s := 0; s < len(text); {
		e := bytes.IndexByte(text[s:], '\n')
		if e < 0 {
			e = len(text)
		} else {
			e += s
		}
		ls, le := trimSpan(text, s, e)
		next := e + 1
		if ls == le {
			header = nil
			havePrev = false
			s = next
			continue
		}
		line := text[ls:le]
		switch {
		case header != nil:
			cells := splitCells(text, ls, le, sep)
			if len(cells) != len(header) {
				header = nil
				break
			}
			for i, c := range cells {
				if c[0] < c[1] {
					fn(header[i], c)
				}
			}
		case csvHeader(line):
			sep = cellSep(line)
			header = splitCells(text, ls, le, sep)
		case isToken(line, 16):
			if havePrev && LabelPhrase(text[prev[0]:prev[1]]) {
				n := prev
				if text[n[1]-1] == ':' {
					n[1]--
				}
				fn(n, [2]int{ls, le})
			}
		default:
			if n, v, ok := labelAndValue(text, ls, le); ok {
				fn(n, v)
			}
		}
		prev, havePrev = [2]int{ls, le}, true
		s = next
	}
}

func trimSpan(text []byte, s, e int) (int, int) {
	for s < e && (text[s] == ' ' || text[s] == '\t') {
		s++
	}
	for e > s && (text[e-1] == ' ' || text[e-1] == '\t' || text[e-1] == '\r') {
		e--
	}
	return s, e
}

// credentialWords are what a label of a kept credential contains.
var credentialWords = [][]byte{[]byte("key"), []byte("secret"), []byte("pass"), []byte("token"), []byte("private")}

func hasCredentialWord(b []byte) bool {
	l := bytes.ToLower(b)
	for _, w := range credentialWords {
		if bytes.Contains(l, w) {
			return true
		}
	}
	return false
}

// LabelPhrase reports whether a line is only a label: one to four words,
// an optional trailing ':', the last naming a credential.
func LabelPhrase(line []byte) bool {
	line = bytes.TrimSuffix(line, []byte(":"))
	if len(line) == 0 || len(line) > 40 {
		return false
	}
	words := 1
	for _, c := range line {
		switch {
		case c == ' ':
			words++
		case !IsLabelByte(c) || c == '.':
			return false
		}
	}
	// The last word says what the value is: "API Key", "Secret Key",
	// "Access Key ID", "api_secret" — not "the key to success".
	last := line[bytes.LastIndexByte(line, ' ')+1:]
	return words <= 4 && (hasCredentialWord(last) || bytes.EqualFold(last, []byte("id")) && hasCredentialWord(line))
}

// isToken reports whether a line is one value: no spaces, min or more
// characters, none of code's punctuation.
func isToken(line []byte, min int) bool {
	if len(line) < min {
		return false
	}
	for _, c := range line {
		if c == ' ' || c == '\t' || c == '(' || c == ')' || c == '"' || c == '\'' || c == '<' || c == '>' || c == ',' || c == ';' {
			return false
		}
	}
	return true
}

// labelAndValue reads "label value" with no operator: a label phrase of
// at most three words (after an optional list bullet), one space run, and
// a token.
func labelAndValue(text []byte, ls, le int) (name, value [2]int, ok bool) {
	i := ls
	if i+1 < le && (text[i] == '-' || text[i] == '*') && text[i+1] == ' ' {
		i += 2
	}
	// The value is the last field.
	j := le
	for j > i && text[j-1] != ' ' && text[j-1] != '\t' {
		j--
	}
	if j <= i {
		return name, value, false
	}
	k := j
	for k > i && (text[k-1] == ' ' || text[k-1] == '\t') {
		k--
	}
	label := text[i:k]
	if bytes.Count(label, []byte(" ")) > 2 || !LabelPhrase(label) || bytes.HasSuffix(label, []byte(":")) || !isToken(text[j:le], 8) {
		return name, value, false
	}
	return [2]int{i, k}, [2]int{j, le}, true
}

func cellSep(line []byte) byte {
	best, n := byte(','), 0
	for _, c := range []byte{',', '\t', ';'} {
		if m := bytes.Count(line, []byte{c}); m > n {
			best, n = c, m
		}
	}
	return best
}

// csvHeader reports whether a line is a table's header row: two or more
// cells, each a label (no spaces inside beyond single words), at least one
// naming a credential. Every line of a window is asked, so it reads the
// line once before cutting it into cells: a byte that no header holds
// (most lines of code have a '(' or '=') settles it, and the cells are
// walked in place.
func csvHeader(line []byte) bool {
	if len(line) > 400 {
		return false
	}
	for _, b := range line {
		if !IsLabelByte(b) && b != ' ' && b != '"' && b != '\'' && b != ',' && b != '\t' && b != ';' {
			return false
		}
	}
	sep := cellSep(line)
	if bytes.IndexByte(line, sep) < 0 {
		return false
	}
	cred := false
	for rest := line; ; {
		c, more := rest, false
		if i := bytes.IndexByte(rest, sep); i >= 0 {
			c, rest, more = rest[:i], rest[i+1:], true
		}
		c = bytes.Trim(c, " \"'")
		if len(c) == 0 || len(c) > 40 {
			return false
		}
		for _, b := range c {
			if !IsLabelByte(b) && b != ' ' {
				return false
			}
		}
		if hasCredentialWord(c) {
			cred = true
		}
		if !more {
			return cred
		}
	}
}

// splitCells returns the spans of a row's cells, without surrounding
// spaces and quotes.
func splitCells(text []byte, ls, le int, sep byte) [][2]int {
	var out [][2]int
	s := ls
	for i := ls; i <= le; i++ {
		if i == le || text[i] == sep {
			a, b := trimSpan(text, s, i)
			for a < b && IsQuote(text[a]) {
				a++
			}
			for b > a && IsQuote(text[b-1]) {
				b--
			}
			out = append(out, [2]int{a, b})
			s = i + 1
		}
	}
	return out
}
