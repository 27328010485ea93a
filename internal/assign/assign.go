// Package assign finds the values people assign to names — "name =
// value" in a dozen syntaxes (dotenv, shell, INI, YAML, JSON, XML, source
// code, Dockerfiles, Makefiles) and the first two quoted arguments of a
// call — in one byte loop, so that every rule that reads a labelled value
// parses the same syntaxes. It knows nothing of rules or secrets.
package assign

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Most credentials are written as "name = value" in one of a dozen
// syntaxes. Matching that with a regular expression per rule costs an NFA
// pass per rule over every line that mentions an exchange, which in a
// trading bot's code is most lines. Values instead finds the
// assignments once with a byte loop, and each rule checks only the value's
// shape.

// Values returns the [start, end) spans of values assigned to a
// name in text, in every syntax of Syntaxes, and of the first two
// quoted arguments of a call (Client("key", "secret")). A value that
// starts a PEM block runs to its END line.
func Values(text []byte) [][2]int {
	var out [][2]int
	Each(text, func(_, v [2]int) { out = append(out, v) })
	return UniqueSpans(Positional(text, out))
}

// Positional appends to out the spans of the first two quoted arguments of
// every call in text (Client("key", "secret")): Values without Each, for a
// caller that has Each's results already.
func Positional(text []byte, out [][2]int) [][2]int {
	for i := 0; i < len(text); i++ {
		if text[i] == '(' {
			out = appendPositional(out, text, i)
		}
	}
	return out
}

// UniqueSpans sorts spans and drops repeats: one value can be reached by
// two syntaxes. (Checking each new span against all before it was
// quadratic, and a window of a large JSON file holds thousands.)
func UniqueSpans(out [][2]int) [][2]int {
	slices.SortFunc(out, func(a, b [2]int) int {
		if a[0] != b[0] {
			return a[0] - b[0]
		}
		return a[1] - b[1]
	})
	return slices.Compact(out)
}

func IsLabelByte(c byte) bool {
	return c == '_' || c == '-' || c == '.' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}

func IsQuote(c byte) bool { return c == '"' || c == '\'' || c == '`' }

// Syntax is one way people write "name = value". Every rule that
// reads a labelled value (the generic rule, exchange keys, labelled
// service keys) parses the same syntaxes; the table documents them and the
// tests run each one as a file.
type Syntax struct {
	Name string
	// File is a typical file name for the syntax.
	File string
	// Sample holds {name} and {value}.
	Sample string
}

// Syntaxes lists the syntaxes Each understands.
var Syntaxes = []Syntax{
	{"dotenv", ".env", "{NAME}={value}\n"},
	{"shell export", "deploy.sh", "export {NAME}=\"{value}\"\n"},
	{"ini", "settings.ini", "[api]\n{name} = {value}\n"},
	{"properties with =", "application.properties", "app.{name}={value}\n"},
	{"properties with :", "application.properties", "app.{name}: {value}\n"},
	{"yaml", "config.yaml", "api:\n  {name}: {value}\n"},
	{"yaml quoted", "config.yml", "{name}: \"{value}\"\n"},
	{"yaml literal block", "config.yaml", "{name}: |\n  {value}\n"},
	{"yaml folded block", "config.yaml", "{name}: >-\n    {value}\n"},
	{"github actions env", ".github/workflows/deploy.yml", "jobs:\n  run:\n    env:\n      {NAME}: {value}\n    steps:\n      - run: ./deploy\n"},
	{"json", "config.json", "{\n  \"{name}\": \"{value}\"\n}\n"},
	{"json string holding an env file", "bundle.json", "{\"config.ini\": \"{NAME}={value}\\nDEBUG=false\"}\n"},
	{"xml element", "settings.xml", "<config>\n  <{name}>{value}</{name}>\n</config>\n"},
	{"xml element on its own line", "settings.xml", "<config>\n  <{name}>\n    {value}\n  </{name}>\n</config>\n"},
	{"python", "bot.py", "{name} = \"{value}\"\n"},
	{"python dict", "bot.py", "config = {\"{name}\": '{value}'}\n"},
	{"go short", "main.go", "\t{name} := \"{value}\"\n"},
	{"go var with type", "main.go", "var {name} string = \"{value}\"\n"},
	{"go raw string", "main.go", "{name} := `{value}`\n"},
	{"javascript", "index.js", "const {name} = '{value}';\n"},
	{"typescript with type", "client.ts", "const {name}: string = \"{value}\";\n"},
	{"kotlin with type", "Client.kt", "val {name}: String = \"{value}\"\n"},
	{"java field", "Client.java", "private static final String {name} = \"{value}\";\n"},
	{"java system property", "Main.java", "System.setProperty(\"{NAME}\", \"{value}\");\n"},
	{"c#", "Program.cs", "string {name} = \"{value}\";\n"},
	{"php", "config.php", "${name} = '{value}';\n"},
	{"php append", "config.php", "${name} .= \"{value}\";\n"},
	{"php array", "config.php", "'{name}' => '{value}',\n"},
	{"ruby hash", "config.rb", "{name}: \"{value}\",\n"},
	{"logstash", "pipeline.conf", "  \"{name}\" => \"{value}\"\n"},
	{"makefile recursive", "Makefile", "{NAME} = {value}\n"},
	{"makefile simple", "Makefile", "{NAME} := {value}\n"},
	{"makefile ::=", "Makefile", "{NAME} ::= {value}\n"},
	{"makefile :::=", "Makefile", "{NAME} :::= {value}\n"},
	{"makefile ?=", "Makefile", "{NAME} ?= {value}\n"},
	{"powershell env", "setup.ps1", "$env:{NAME} = '{value}'\n"},
	{"terraform", "main.tf", "resource \"x\" \"y\" {\n  {name} = \"{value}\"\n}\n"},
	{"dockerfile ENV", "Dockerfile", "FROM python:3.12\nENV {NAME}={value}\n"},
	{"dockerfile ENV without =", "Dockerfile", "FROM python:3.12\nENV {NAME} {value}\n"},
	{"dockerfile ARG", "Dockerfile", "FROM python:3.12\nARG {NAME}={value}\n"},
	{"toml", "config.toml", "[exchange]\n{name} = \"{value}\"\n"},
	{".NET appSettings", "Web.config", "<appSettings>\n  <add key=\"{name}\" value=\"{value}\" />\n</appSettings>\n"},
}

// Each calls fn with the name and value spans of every
// assignment in text, in any syntax of Syntaxes. It is one pass of a
// byte loop: operators, the '>' of an XML opening tag, the '(' of a
// name-value call and the start of a Dockerfile ENV line.
func Each(text []byte, fn func(name, value [2]int)) {
	// next is the first value delimiter after the operator being looked
	// at. An operator inside a run longer than any value ("a=b=c=…" for
	// megabytes) starts no value: finding the run's end once for all of
	// its operators keeps such a line linear, not quadratic.
	next := -1
	for i := 0; i < len(text); i++ {
		if !startsValue[text[i]] {
			continue
		}
		switch text[i] {
		case '=', ':':
			if next <= i {
				next = i + 1
				for next < len(text) && !valueDelim[text[next]] {
					next++
				}
			}
			if next-i-1 > maxValueLen {
				continue
			}
			if v, name, ok := valueAfterAssign(text, i); ok {
				fn(attrName(text, name), v)
			}
		case '>':
			if v, name, ok := xmlElement(text, i); ok {
				fn(name, v)
			}
		case '(':
			if v, name, ok := namedCallValue(text, i); ok {
				fn(name, v)
			}
		case 'E':
			if v, name, ok := dockerEnv(text, i); ok {
				fn(name, v)
			}
		}
	}
}

// startsValue holds the bytes Each looks at; one load rejects the others.
var startsValue = [256]bool{'=': true, ':': true, '>': true, '(': true, 'E': true}

// valueAfterAssign parses the value after the operator at text[op]; name
// is the span of the name before it.
func valueAfterAssign(text []byte, op int) (value, name [2]int, ok bool) {
	var none [2]int
	// The name before the operator: skip '=' of ':=' / '=>' / '==' forms,
	// a closing quote and its escape, then require a name.
	j := op
	if op+1 < len(text) && text[op] == ':' && (text[op+1] == ':' || text[op+1] == '=' && op > 0 && text[op-1] == ':') {
		return none, none, false // C++/Rust paths, IPv6; Makefile ::= is read at its '='
	}
	if text[op] == ':' && op+2 < len(text) && text[op+1] == '/' && text[op+2] == '/' {
		return none, none, false // a URL's scheme
	}
	if text[op] == '=' && op > 0 {
		// Compound operators end in '=': Makefile ::= :::= ?=, PHP .=
		// and ??=. A single ':' before '=' was read at the ':'.
		p := op
		for p > 0 && op-p < 3 && (text[p-1] == ':' || text[p-1] == '?' || text[p-1] == '.') {
			p--
		}
		switch string(text[p:op]) {
		case "", "::", ":::", "?", "??", ".":
			j = p
		default:
			return none, none, false
		}
		if j > 0 && (text[j-1] == '!' || text[j-1] == '<' || text[j-1] == '>' || text[j-1] == '=') {
			return none, none, false // a comparison, or the second '=' of '=='
		}
	} else if op > 0 && (text[op-1] == '!' || text[op-1] == '<' || text[op-1] == '>' || text[op-1] == '=') {
		return none, none, false
	}
	for j > 0 && (text[j-1] == ' ' || text[j-1] == '\t') {
		j--
	}
	if j > 0 && IsQuote(text[j-1]) {
		j--
		if j > 0 && text[j-1] == '\\' {
			j--
		}
	}
	if j == 0 || !IsLabelByte(text[j-1]) {
		return none, none, false
	}
	nameEnd := j
	for j > 0 && IsLabelByte(text[j-1]) {
		j--
	}
	if j >= 2 && text[j-1] == ':' && text[j-2] == ':' {
		return none, none, false // a type path such as "AWS::IAM::AccessKey": a map key, not a variable
	}
	if TypeNames[string(text[j:nameEnd])] {
		// var key string = "…" / val key: String = "…": the name is
		// the word before the type.
		k := j
		for k > 0 && (text[k-1] == ' ' || text[k-1] == '\t') {
			k--
		}
		colon := k > 0 && text[k-1] == ':' && k < j
		if colon {
			k--
			for k > 0 && (text[k-1] == ' ' || text[k-1] == '\t') {
				k--
			}
		}
		if k < j && k > 0 && IsLabelByte(text[k-1]) {
			n := k
			for n > 0 && IsLabelByte(text[n-1]) {
				n--
			}
			// Without a colon only Go puts the type after the name,
			// after var or const; "const text = …" names text.
			if colon || GoVarDecl(string(text[max(0, n-16):n])) {
				nameEnd, j = k, n
			}
		}
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
	if text[op] == ':' && k < len(text) && (text[k] == '-' || text[k] == '?' || text[k] == '+') && j >= 2 && text[j-2] == '$' && text[j-1] == '{' {
		// ${NAME:-default}: the operator is ":-" (or ":?", ":+"), and
		// the value is the default after it, not "-default".
		k++
	}
	for k < len(text) && (text[k] == ' ' || text[k] == '\t') {
		k++
	}
	if text[op] == '=' {
		// A literal wrapped onto the next line by a formatter:
		// const apiKey =\n  '…'.
		k = wrappedLiteral(text, k)
	}
	if text[op] == ':' {
		if b, ok := blockScalar(text, k); ok {
			value, ok = valueAt(text, b)
			return value, name, ok
		}
	}
	// A one-argument call wrapping the value: SecretStr("…"), Key('…').
	switch n := callPrefix(text[k:]); {
	case n < 0:
		// getenv("NAME") wraps a name, but a literal after it is the
		// fallback: os.getenv("KEY") or "…".
		if end := bytes.IndexByte(text[k:min(len(text), k+256)], ')'); end >= 0 {
			if lit, ok := fallbackLiteral(text, k+end+1); ok {
				value, ok = valueAt(text, lit)
				return value, name, ok
			}
		}
		return none, none, false
	case n > 0:
		k += n
	}
	if k < len(text) && text[k] == '\\' {
		k++
	}
	q := 0
	for ; q < 3 && k < len(text) && IsQuote(text[k]); q++ {
		k++
	}
	value, ok = valueAt(text, k)
	if ok && q == 0 {
		// process.env.KEY || '…': the expression reads the environment,
		// the literal is what the code runs with when it is unset.
		if lit, ok := fallbackLiteral(text, value[1]); ok {
			if v, ok := valueAt(text, lit); ok {
				return v, name, true
			}
		}
	}
	return value, name, ok
}

// wrappedLiteral returns where the value starts when the line ends at
// text[k] and the next line holds a quoted literal; k otherwise.
func wrappedLiteral(text []byte, k int) int {
	m := k
	if m < len(text) && text[m] == '\r' {
		m++
	}
	if m >= len(text) || text[m] != '\n' {
		return k
	}
	m++
	for m < len(text) && (text[m] == ' ' || text[m] == '\t') {
		m++
	}
	if m < len(text) && IsQuote(text[m]) {
		return m
	}
	return k
}

// fallbackLiteral returns the start of a quoted literal that follows a
// fallback operator (||, ??, or) at text[e], after the expression that
// ends there.
func fallbackLiteral(text []byte, e int) (int, bool) {
	k := e
	if k < 2 || string(text[k-2:k]) != "||" && string(text[k-2:k]) != "??" {
		for k < len(text) && (text[k] == ' ' || text[k] == '\t') {
			k++
		}
		switch {
		case bytes.HasPrefix(text[k:], []byte("||")), bytes.HasPrefix(text[k:], []byte("??")):
			k += 2
		case bytes.HasPrefix(text[k:], []byte("or ")):
			k += 3
		default:
			return 0, false
		}
	}
	for k < len(text) && (text[k] == ' ' || text[k] == '\t') {
		k++
	}
	if k+1 < len(text) && IsQuote(text[k]) && text[k+1] != text[k] {
		return k + 1, true
	}
	return 0, false
}

// attrName returns, for the name span of a value="…" attribute, the span
// of the element's key="…" or name="…" attribute when it has one: .NET
// appSettings (<add key="ApiKey" value="…"/>) and property lists name
// the value that way.
func attrName(text []byte, name [2]int) [2]int {
	if !bytes.EqualFold(text[name[0]:name[1]], []byte("value")) {
		return name
	}
	lo := max(0, name[0]-200)
	tag := bytes.LastIndexByte(text[lo:name[0]], '<')
	if tag < 0 {
		return name
	}
	attrs := text[lo+tag : name[0]]
	for _, a := range [][]byte{[]byte(`key="`), []byte(`name="`), []byte(`key='`), []byte(`name='`)} {
		if i := bytes.Index(attrs, a); i >= 0 {
			s := lo + tag + i + len(a)
			e := s
			for e < name[0] && IsLabelByte(text[e]) {
				e++
			}
			if e > s && e < name[0] && IsQuote(text[e]) {
				return [2]int{s, e}
			}
		}
	}
	return name
}

// blockScalar reads a YAML block scalar header ("|", ">-", "|+2") at
// text[k] and returns where the first line of its content starts.
func blockScalar(text []byte, k int) (int, bool) {
	if k >= len(text) || text[k] != '|' && text[k] != '>' {
		return 0, false
	}
	k++
	for n := 0; n < 2 && k < len(text) && (text[k] == '-' || text[k] == '+' || '1' <= text[k] && text[k] <= '9'); n++ {
		k++
	}
	for k < len(text) && (text[k] == ' ' || text[k] == '\t' || text[k] == '\r') {
		k++
	}
	if k >= len(text) || text[k] != '\n' {
		return 0, false
	}
	return skipBlank(text, k), true
}

// skipBlank skips white space and at most one blank line: the content of
// an element or a block scalar starts on the next line that has any.
func skipBlank(text []byte, k int) int {
	lines := 0
	for k < len(text) && (text[k] == ' ' || text[k] == '\t' || text[k] == '\r' || text[k] == '\n') {
		if text[k] == '\n' {
			if lines++; lines > 2 {
				break
			}
		}
		k++
	}
	return k
}

// xmlElement reads <name>value</…> where text[gt] is the '>' of the
// opening tag; the value may stand on its own line.
func xmlElement(text []byte, gt int) (value, name [2]int, ok bool) {
	var none [2]int
	j := gt
	for j > 0 && gt-j < 64 && IsLabelByte(text[j-1]) {
		j--
	}
	if j == gt || j == 0 || text[j-1] != '<' {
		return none, none, false
	}
	k := skipBlank(text, gt+1)
	value, ok = valueAt(text, k)
	if !ok {
		return none, none, false
	}
	e := value[1]
	for e < len(text) && (text[e] == ' ' || text[e] == '\t' || text[e] == '\r' || text[e] == '\n') {
		e++
	}
	if e+1 >= len(text) || text[e] != '<' || text[e+1] != '/' {
		return none, none, false // markup or prose, not an element holding one value
	}
	return value, [2]int{j, gt}, true
}

// namedCallValue reads setProperty("NAME", "value") and its kin
// (os.Setenv, putenv, config.set): a call whose first argument is a
// quoted name and whose second is the value.
//
// A lookup's second argument is a default (config.get("ws_token",
// "changeme")), and a command-line parser's are option names
// (add_argument("--password", "-p")): neither is a value.
func namedCallValue(text []byte, p int) (value, name [2]int, ok bool) {
	// Two quoted arguments first: most calls fail there at once, before
	// the callee is read and looked up.
	var two [2][2]int
	args := appendPositional(two[:0], text, p)
	if len(args) != 2 {
		return value, name, false
	}
	c := p
	for c > 0 && (IsLabelByte(text[c-1]) && text[c-1] != '-') {
		c--
	}
	if isIndirectCall(text[c:p]) {
		return value, name, false
	}
	n := text[args[0][0]:args[0][1]]
	if n[0] == '-' || text[args[1][0]] == '-' {
		return value, name, false
	}
	for _, c := range n {
		if !IsLabelByte(c) {
			return value, name, false
		}
	}
	return args[1], args[0], true
}

// dockerEnv reads a Dockerfile's "ENV NAME value" (the form without '=',
// which the operator scan does not see) at text[i].
func dockerEnv(text []byte, i int) (value, name [2]int, ok bool) {
	if i > 0 && text[i-1] != '\n' || !bytes.HasPrefix(text[i:], []byte("ENV ")) {
		return value, name, false
	}
	k := i + 4
	for k < len(text) && text[k] == ' ' {
		k++
	}
	n := k
	for k < len(text) && IsLabelByte(text[k]) {
		k++
	}
	if k == n || k >= len(text) || text[k] != ' ' {
		return value, name, false // ENV NAME=value is an operator's
	}
	name = [2]int{n, k}
	for k < len(text) && text[k] == ' ' {
		k++
	}
	if k < len(text) && IsQuote(text[k]) {
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
	if isIndirectCall(b[:i]) {
		return -1
	}
	return i + 1
}

// isIndirectCall tells whether a callee (dotted, ASCII, in any case) is one
// of indirectCalls by its last part. The name is lowercased on the stack:
// strings.ToLower allocated for every call of every window, a few percent
// of a history scan.
func isIndirectCall(callee []byte) bool {
	if i := bytes.LastIndexByte(callee, '.'); i >= 0 {
		callee = callee[i+1:]
	}
	var buf [maxIndirectCall]byte
	if len(callee) > len(buf) {
		return false
	}
	for i, c := range callee {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return indirectCalls[string(buf[:len(callee)])]
}

// maxIndirectCall is at least the length of the longest of indirectCalls
// (TestIndirectCallsFitTheBuffer checks it).
const maxIndirectCall = 16

// indirectCalls read a value from somewhere else by name, or a record by
// its id (token = repo.findById("…"): the literal is the id).
var indirectCalls = map[string]bool{
	"getenv": true, "env": true, "get": true, "environ": true, "require": true, "import": true,
	"lookup": true, "lookupenv": true, "read": true, "open": true, "config": true, "setting": true,
	"settings": true, "param": true, "input": true, "getpass": true, "secret": true, "var": true,
	"findbyid": true, "getbyid": true, "findone": true, "findbykey": true, "getbykey": true,
}

// pemEnd is compiled on first use: its counted repetition made it the
// package's whole start-up cost, paid by every run, `scan version` too.
var pemEnd = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`-----END[ A-Z0-9]{0,20}PRIVATE KEY(?: BLOCK)?-----`)
})

// valueAt returns the value token starting at k: up to the next delimiter,
// or a whole PEM block.
func valueAt(text []byte, k int) ([2]int, bool) {
	if k >= len(text) {
		return [2]int{}, false
	}
	if bytes.HasPrefix(text[k:], []byte("-----BEGIN")) {
		limit := min(len(text), k+16<<10)
		if loc := pemEnd().FindIndex(text[k:limit]); loc != nil {
			return [2]int{k, k + loc[1]}, true
		}
		return [2]int{}, false
	}
	e := k
	stop := min(len(text), k+maxValueLen+1)
	for e < stop && !valueDelim[text[e]] {
		e++
	}
	if e == k || e-k > maxValueLen {
		return [2]int{}, false
	}
	return [2]int{k, e}, true
}

// maxValueLen bounds an unquoted-run value (PEM blocks are read to their
// END line instead): credentials are far shorter, and the bound keeps the
// search for a value's end from crossing a megabyte line once per operator.
const maxValueLen = 4096

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
// The arguments may stand on lines of their own, as formatters (black,
// prettier) wrap a call whose two keys overflow the line.
func appendPositional(out [][2]int, text []byte, p int) [][2]int {
	k := skipArgSpace(text, p+1)
	if k >= len(text) || !IsQuote(text[k]) {
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
	k = skipArgSpace(text, k+1)
	if k < len(text) && IsQuote(text[k]) {
		if second, ok := valueAt(text, k+1); ok {
			out = append(out, first, second)
		}
	}
	return out
}

// skipArgSpace skips the blanks and line breaks before a call's argument.
func skipArgSpace(text []byte, k int) int {
	for k < len(text) && (text[k] == ' ' || text[k] == '\t' || text[k] == '\r' || text[k] == '\n') {
		k++
	}
	return k
}

// GoVarDecl reports whether the text before a name ends in Go's var or
// const keyword: only there does a bare type follow the name
// (var apiKey string = "…").
func GoVarDecl(before string) bool {
	b := strings.TrimRight(before, " \t")
	if len(b) == len(before) {
		return false
	}
	kw := TrailingLabel(b)
	return kw == "var" || kw == "const"
}

// TrailingLabel returns the identifier-ish text at the end of s.
func TrailingLabel(s string) string {
	j := len(s)
	for j > 0 && IsLabelByte(s[j-1]) {
		j--
	}
	return s[j:]
}

// TypeNames are the string types a typed declaration puts between a name
// and its value.
var TypeNames = map[string]bool{"str": true, "&str": true, "string": true, "String": true, "bytes": true, "SecretStr": true, "Text": true, "text": true, "CharSequence": true}
