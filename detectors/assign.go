package detectors

import (
	"bytes"
	"regexp"
	"strings"
)

// Most credentials are written as "name = value" in one of a dozen
// syntaxes. Matching that with a regular expression per rule costs an NFA
// pass per rule over every line that mentions an exchange, which in a
// trading bot's code is most lines. assignedValues instead finds the
// assignments once with a byte loop, and each rule checks only the value's
// shape.

// assignedValues returns the [start, end) spans of values assigned to a
// name in text — NAME=v, name: v, "name": "v", name := "v", name => 'v',
// name("v") — and of the first two quoted arguments of a call
// (Client("key", "secret")). A value that starts a PEM block runs to its
// END line.
func assignedValues(text []byte) [][2]int {
	var out [][2]int
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '=', ':':
			if v, _, ok := valueAfterAssign(text, i); ok {
				out = appendNew(out, v)
			}
		case '(':
			for _, v := range appendPositional(nil, text, i) {
				out = appendNew(out, v)
			}
		}
	}
	return out
}

func appendNew(out [][2]int, v [2]int) [][2]int {
	for _, o := range out {
		if o == v {
			return out
		}
	}
	return append(out, v)
}

func isLabelByte(c byte) bool {
	return c == '_' || c == '-' || c == '.' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}

func isQuote(c byte) bool { return c == '"' || c == '\'' || c == '`' }

// labelledValues returns the values assigned to a name whose text matches
// label, with no positional arguments.
func labelledValues(text []byte, label *regexp.Regexp) [][2]int {
	var out [][2]int
	for i := 0; i < len(text); i++ {
		if text[i] != '=' && text[i] != ':' {
			continue
		}
		v, name, ok := valueAfterAssign(text, i)
		if ok && label.Match(text[name[0]:name[1]]) {
			out = appendNew(out, v)
		}
	}
	return out
}

// valueAfterAssign parses the value after the operator at text[op]; name
// is the span of the name before it.
func valueAfterAssign(text []byte, op int) (value, name [2]int, ok bool) {
	var none [2]int
	// The name before the operator: skip '=' of ':=' / '=>' / '==' forms,
	// a closing quote and its escape, then require a name.
	j := op
	if op+1 < len(text) && text[op] == ':' && text[op+1] == ':' {
		return none, none, false // C++/Rust paths, IPv6
	}
	if text[op] == ':' && op+2 < len(text) && text[op+1] == '/' && text[op+2] == '/' {
		return none, none, false // a URL's scheme
	}
	if op > 0 && (text[op-1] == ':' || text[op-1] == '!' || text[op-1] == '<' || text[op-1] == '>' || text[op-1] == '=') {
		return none, none, false // handled at the first byte of the operator, or a comparison
	}
	for j > 0 && (text[j-1] == ' ' || text[j-1] == '\t') {
		j--
	}
	if j > 0 && isQuote(text[j-1]) {
		j--
		if j > 0 && text[j-1] == '\\' {
			j--
		}
	}
	if j == 0 || !isLabelByte(text[j-1]) {
		return none, none, false
	}
	nameEnd := j
	for j > 0 && isLabelByte(text[j-1]) {
		j--
	}
	if j >= 2 && text[j-1] == ':' && text[j-2] == ':' {
		return none, none, false // a type path such as "AWS::IAM::AccessKey": a map key, not a variable
	}
	name = [2]int{j, nameEnd}
	// The value after the operator.
	k := op + 1
	if k < len(text) && (text[k] == '=' || text[k] == '>') {
		if text[op] == '=' && text[k] == '=' {
			return none, none, false // ==
		}
		k++
	}
	for k < len(text) && (text[k] == ' ' || text[k] == '\t') {
		k++
	}
	// A one-argument call wrapping the value: SecretStr("…"), Key('…').
	switch n := callPrefix(text[k:]); {
	case n < 0:
		return none, none, false
	case n > 0:
		k += n
	}
	if k < len(text) && text[k] == '\\' {
		k++
	}
	for q := 0; q < 3 && k < len(text) && isQuote(text[k]); q++ {
		k++
	}
	value, ok = valueAt(text, k)
	return value, name, ok
}

// callPrefix returns the length of "ident(" at the start of b, 0 if there
// is none, and -1 for calls that read a value from elsewhere by name
// (getenv("NAME")): they wrap a name, not a value.
func callPrefix(b []byte) int {
	i := 0
	for i < len(b) && (b[i] == '_' || b[i] == '.' || ('a' <= b[i] && b[i] <= 'z') || ('A' <= b[i] && b[i] <= 'Z') || (i > 0 && '0' <= b[i] && b[i] <= '9')) {
		i++
	}
	if i == 0 || i >= len(b) || b[i] != '(' {
		return 0
	}
	name := strings.ToLower(string(b[:i]))
	if j := strings.LastIndexByte(name, '.'); j >= 0 {
		name = name[j+1:]
	}
	if indirectCalls[name] {
		return -1
	}
	return i + 1
}

// indirectCalls read a value from somewhere else by name.
var indirectCalls = map[string]bool{
	"getenv": true, "env": true, "get": true, "environ": true, "require": true, "import": true,
	"lookup": true, "lookupenv": true, "read": true, "open": true, "config": true, "setting": true,
	"settings": true, "param": true, "input": true, "getpass": true, "secret": true, "var": true,
}

var pemEnd = regexp.MustCompile(`-----END[ A-Z0-9]{0,20}PRIVATE KEY(?: BLOCK)?-----`)

// valueAt returns the value token starting at k: up to the next delimiter,
// or a whole PEM block.
func valueAt(text []byte, k int) ([2]int, bool) {
	if k >= len(text) {
		return [2]int{}, false
	}
	if bytes.HasPrefix(text[k:], []byte("-----BEGIN")) {
		limit := min(len(text), k+16<<10)
		if loc := pemEnd.FindIndex(text[k:limit]); loc != nil {
			return [2]int{k, k + loc[1]}, true
		}
		return [2]int{}, false
	}
	e := k
	for e < len(text) && !valueDelim[text[e]] {
		e++
	}
	if e == k {
		return [2]int{}, false
	}
	return [2]int{k, e}, true
}

// valueDelim ends a value: white space, quotes, separators, brackets and
// the backslash of an escaped quote.
var valueDelim = func() (t [256]bool) {
	for _, c := range []byte(" \t\r\n\"'`,;(){}[]<>\\") {
		t[c] = true
	}
	return t
}()

// appendPositional adds the first two quoted arguments of the call whose
// parenthesis is at text[p], when there are two: a lone quoted argument is
// a name far more often (getenv('X'), require('pkg')) than a credential.
func appendPositional(out [][2]int, text []byte, p int) [][2]int {
	k := p + 1
	for k < len(text) && (text[k] == ' ' || text[k] == '\t') {
		k++
	}
	if k >= len(text) || !isQuote(text[k]) {
		return out
	}
	first, ok := valueAt(text, k+1)
	if !ok || first[1] >= len(text) || text[first[1]] != text[k] {
		return out
	}
	k = first[1] + 1
	for k < len(text) && (text[k] == ' ' || text[k] == '\t') {
		k++
	}
	if k >= len(text) || text[k] != ',' {
		return out
	}
	k++
	for k < len(text) && (text[k] == ' ' || text[k] == '\t') {
		k++
	}
	if k < len(text) && isQuote(text[k]) {
		if second, ok := valueAt(text, k+1); ok {
			out = append(out, first, second)
		}
	}
	return out
}

// shapeFinder returns a Finder for values of one shape assigned to a name:
// the shape is checked on the whole value, so "longer than the shape" and
// "part of a word" need no boundary assertions.
func shapeFinder(shape string) func([]byte) [][2]int {
	re := regexp.MustCompile(`^(?:` + shape + `)$`)
	return func(window []byte) [][2]int {
		var out [][2]int
		for _, v := range assignedValues(window) {
			if re.Match(window[v[0]:v[1]]) {
				out = append(out, v)
			}
		}
		return out
	}
}
