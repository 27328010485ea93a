// Package decode finds text hidden under an encoding, so that the engine can
// scan it again and report secrets that no rule could see in the raw bytes.
//
// What is decoded:
//
//   - base64 (standard and URL-safe alphabets, padded or not): maximal runs
//     of at least 27 base64 characters (20 bytes, an AWS key id), such as
//     Kubernetes Secret values, "Basic" credentials and base64 config files;
//   - hex: runs of at least 32 hex digits, optionally after "0x", such as
//     hummingbot's hex-encoded keystore JSON (7b2263727970746f223a = {"crypto":);
//   - percent encoding: whitespace- and quote-delimited tokens in which every
//     '%' starts a %XX escape and at least one escape stands for a character
//     that URLs must escape (.env and docker-compose values, query strings);
//   - JSON string escapes (\" \\ \/ \n \t \uXXXX …): every escaped string of a
//     Jupyter notebook (.ipynb); elsewhere only strings that hold JSON or
//     code (\"key\":, \\\", \\n, \/, \u), where an escaped label such as
//     \"ciphertext\": defeats the rules. Plain \" and \n are left alone:
//     the rules read them as they stand.
//
// A run is kept only if it decodes to text: valid UTF-8 without control
// bytes other than tab, CR and LF. Images, hashes (SRI, go.sum, git ids),
// random keys and compressed data decode to binary and are dropped after a
// few bytes, which is what keeps this cheap enough to run on every chunk.
//
// What is not decoded: base64 wrapped over several lines (each line is tried
// on its own, so a wrapped blob is not joined), runs shorter than the
// thresholds above, base32, base58, gzip or other compression,
// quoted-printable, HTML entities and '+' as a space in query strings.
package decode

import (
	"bytes"
	"sort"
	"unicode/utf8"

	"github.com/keyward/scan/internal/byteclass"
)

// Kind is an encoding.
type Kind uint8

const (
	Base64 Kind = iota + 1
	Hex
	Percent
	JSON
)

// Describe names the encoding for a person ("base64-encoded").
func (k Kind) Describe() string {
	switch k {
	case Base64:
		return "base64-encoded"
	case Hex:
		return "hex-encoded"
	case Percent:
		return "percent-encoded"
	case JSON:
		return "JSON-escaped"
	}
	return "encoded"
}

// Span is one encoded run of the input and the text it decodes to.
type Span struct {
	Kind Kind
	// Start and End delimit the encoded text in the input.
	Start, End int
	Text       []byte
	// pieces map Text back to the input for encodings that decode piece by
	// piece (percent, JSON), so that a secret is located at its own escaped
	// characters. Base64 and hex have none: their decoded bytes do not line
	// up with characters, so the whole run is the location.
	pieces []piece
}

// piece i covers Text[dec:pieces[i+1].dec] and input[src:pieces[i+1].src];
// a literal piece is copied byte for byte, an escape maps as a whole.
type piece struct {
	dec, src int
	literal  bool
}

// SourceStart maps the offset of a decoded byte to the offset in the input
// where its encoding starts.
func (s *Span) SourceStart(d int) int {
	if len(s.pieces) == 0 {
		return s.Start
	}
	i := s.pieceAt(d)
	p := s.pieces[i]
	if p.literal {
		return p.src + d - p.dec
	}
	return p.src
}

// SourceEnd maps an exclusive end offset in Text to one in the input.
func (s *Span) SourceEnd(d int) int {
	if len(s.pieces) == 0 || d <= 0 {
		return s.End
	}
	i := s.pieceAt(d - 1)
	p := s.pieces[i]
	if p.literal {
		return p.src + d - p.dec
	}
	if i+1 < len(s.pieces) {
		return s.pieces[i+1].src
	}
	return s.End
}

// pieceAt returns the piece holding decoded byte d; pieces that decode to
// nothing share their dec with the next piece and are skipped.
func (s *Span) pieceAt(d int) int {
	i := sort.Search(len(s.pieces), func(i int) bool { return s.pieces[i].dec > d }) - 1
	if i < 0 {
		i = 0
	}
	return i
}

// Options select what Find looks for.
type Options struct {
	// JSONAll unescapes every JSON string that has an escape, not only
	// those that look like embedded JSON or code (for .ipynb files, whose
	// code cells are JSON strings line by line).
	JSONAll bool
}

const (
	minBase64 = 27 // 20 bytes, an AWS key id, are 27 characters and a '='
	minHex    = 32 // 16 bytes; shorter hex is ids and small hashes
	minPct    = 8
	maxToken  = 64 << 10 // percent tokens and JSON lines are bounded
	probe     = 63       // bytes decoded before the text test says yes or no
)

const (
	cB64 = 1 << iota // standard or URL-safe base64 alphabet, without '='
	cHex
	cPctStop // ends a percent-encoded token
)

var class = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		b := byte(c)
		if 'A' <= b && b <= 'Z' || 'a' <= b && b <= 'z' || '0' <= b && b <= '9' || b == '+' || b == '/' || b == '-' || b == '_' {
			t[c] |= cB64
		}
		if '0' <= b && b <= '9' || 'a' <= b && b <= 'f' || 'A' <= b && b <= 'F' {
			t[c] |= cHex
		}
		if b <= ' ' || b == '"' || b == '\'' || b == '`' || b == '<' || b == '>' || b == 0x7f {
			t[c] |= cPctStop
		}
	}
	return t
}()

// Find returns the encoded runs of data that decode to text, ordered by
// position and not overlapping; where runs nest (base64 inside a JSON
// string), the outer one wins and the inner one is found when its decoded
// text is scanned in turn.
func Find(data []byte, opt Options) []Span {
	var out []Span
	out = findBase64(data, out)
	out = findPercent(data, out)
	out = findJSON(data, opt.JSONAll, out)
	if len(out) < 2 {
		return out
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Start != out[j].Start {
			return out[i].Start < out[j].Start
		}
		return out[i].End > out[j].End
	})
	kept := out[:1]
	for _, s := range out[1:] {
		last := &kept[len(kept)-1]
		if s.Start < last.End {
			if s.End-s.Start > last.End-last.Start {
				*last = s
			}
			continue
		}
		kept = append(kept, s)
	}
	return kept
}

// findBase64 finds maximal runs of base64 characters at least minBase64
// long (byteclass.Set.Run: most bytes of source code are letters, but long runs
// are rare).
func findBase64(data []byte, out []Span) []Span {
	for s, e := isB64.Run(data, minBase64, 0); s >= 0; s, e = isB64.Run(data, minBase64, e+1) {
		if sp, ok := decodeRun(data, s, e); ok {
			out = append(out, sp)
		}
	}
	return out
}

// decodeRun tries a run as hex, then as base64.
func decodeRun(data []byte, s, e int) (Span, bool) {
	run := data[s:e]
	hs := 0
	if len(run) > 2 && run[0] == '0' && (run[1] == 'x' || run[1] == 'X') {
		hs = 2
	}
	if len(run)-hs >= minHex && (len(run)-hs)%2 == 0 && allHex(run[hs:]) {
		if txt, ok := decodeHex(run[hs:]); ok {
			return Span{Kind: Hex, Start: s + hs, End: e, Text: txt}, true
		}
		// Hex digits are base64 characters too, but a hex run that is not
		// text is a hash or a key, not base64.
		return Span{}, false
	}
	pad := 0
	for e+pad < len(data) && pad < 2 && data[e+pad] == '=' {
		pad++
	}
	if txt, ok := decodeBase64(run); ok {
		return Span{Kind: Base64, Start: s, End: e + pad, Text: txt}, true
	}
	// A value glued to a short name by '_' or '-' (token_ZXhh…) is
	// misaligned; retry after the last such separator.
	for k := min(len(run)-minBase64, 32) - 1; k >= 0; k-- {
		if run[k] == '_' || run[k] == '-' {
			if txt, ok := decodeBase64(run[k+1:]); ok {
				return Span{Kind: Base64, Start: s + k + 1, End: e + pad, Text: txt}, true
			}
			break
		}
	}
	return Span{}, false
}

func allHex(b []byte) bool {
	for _, c := range b {
		if class[c]&cHex == 0 {
			return false
		}
	}
	return true
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

func decodeHex(run []byte) ([]byte, bool) {
	// Most runs are hashes and keys: the probe rejects them without
	// allocating.
	var buf [probe]byte
	n := min(len(run)/2, probe)
	if _, ok := appendHex(buf[:0], run[:2*n]); !ok {
		return nil, false
	}
	return appendHex(make([]byte, 0, len(run)/2), run)
}

func appendHex(dst, run []byte) ([]byte, bool) {
	for i := 0; i+1 < len(run); i += 2 {
		b := unhex(run[i])<<4 | unhex(run[i+1])
		if !textByte(b) {
			return nil, false
		}
		dst = append(dst, b)
	}
	return dst, isText(dst, true)
}

var isB64 = byteclass.New(func(c byte) bool { return class[c]&cB64 != 0 })

var b64val = func() (t [256]uint8) {
	for i := range t {
		t[i] = 0xff
	}
	const std = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := 0; i < len(std); i++ {
		t[std[i]] = uint8(i)
	}
	t['-'], t['_'] = 62, 63
	return t
}()

// decodeBase64 decodes either alphabet (a run mixing both is not base64)
// and stops at the first byte that cannot be text, which for binary data
// comes within the first few characters.
func decodeBase64(run []byte) ([]byte, bool) {
	if len(run)%4 == 1 {
		return nil, false
	}
	var buf [probe]byte
	n := min(len(run), probe/3*4)
	if _, ok := appendBase64(buf[:0], run[:n]); !ok {
		return nil, false
	}
	var std, url bool
	for _, c := range run {
		switch c {
		case '+', '/':
			std = true
		case '-', '_':
			url = true
		}
	}
	if std && url {
		return nil, false
	}
	return appendBase64(make([]byte, 0, len(run)*3/4), run)
}

func appendBase64(dst, run []byte) ([]byte, bool) {
	var acc uint32
	var nbits uint
	for _, c := range run {
		acc = acc<<6 | uint32(b64val[c])
		nbits += 6
		if nbits >= 8 {
			nbits -= 8
			b := byte(acc >> nbits)
			if !textByte(b) {
				return nil, false
			}
			dst = append(dst, b)
		}
	}
	// The run may be a piece of longer text whose last rune was cut.
	return dst, isText(dst, true)
}

// textByte rejects control bytes; tab, LF and CR are text.
func textByte(b byte) bool {
	return b >= 0x20 && b != 0x7f || b == '\t' || b == '\n' || b == '\r'
}

// isText checks that bytes already free of control characters are UTF-8;
// cut allows a rune split at the end (the probe stops anywhere).
func isText(b []byte, cut bool) bool {
	if utf8.Valid(b) {
		return true
	}
	if !cut {
		return false
	}
	for k := 1; k < utf8.UTFMax && k <= len(b); k++ {
		if utf8.Valid(b[:len(b)-k]) {
			return true
		}
	}
	return false
}

// findPercent finds tokens holding %XX escapes.
func findPercent(data []byte, out []Span) []Span {
	from := 0
	for {
		k := bytes.IndexByte(data[from:], '%')
		if k < 0 {
			return out
		}
		k += from
		from = k + 1
		if k+2 >= len(data) || class[data[k+1]]&cHex == 0 || class[data[k+2]]&cHex == 0 {
			continue
		}
		s := k
		for s > 0 && k-s < maxToken && class[data[s-1]]&cPctStop == 0 {
			s--
		}
		e := k + 3
		for e < len(data) && e-k < maxToken && class[data[e]]&cPctStop == 0 {
			e++
		}
		from = e
		if sp, ok := decodePercent(data, s, e); ok {
			out = append(out, sp)
		}
	}
}

func decodePercent(data []byte, s, e int) (Span, bool) {
	if e-s < minPct {
		return Span{}, false
	}
	tok := data[s:e]
	// Most runs with a '%' in them are format strings ("%-20s%d"):
	// they are turned away before anything is allocated, and what is
	// kept is sized at once.
	n, ok := percentPieces(tok)
	if !ok {
		return Span{}, false
	}
	txt := make([]byte, 0, len(tok))
	pieces := make([]piece, 0, n)
	for i := 0; i < len(tok); {
		if tok[i] != '%' {
			j := i
			for j < len(tok) && tok[j] != '%' {
				j++
			}
			pieces = append(pieces, piece{dec: len(txt), src: s + i, literal: true})
			txt = append(txt, tok[i:j]...)
			i = j
			continue
		}
		pieces = append(pieces, piece{dec: len(txt), src: s + i})
		txt = append(txt, unhex(tok[i+1])<<4|unhex(tok[i+2]))
		i += 3
	}
	if !utf8.Valid(txt) {
		return Span{}, false
	}
	return Span{Kind: Percent, Start: s, End: e, Text: txt, pieces: pieces}, true
}

// percentPieces checks the escapes of a percent-encoded run and counts
// the pieces decodePercent makes of it: one per escape and one per
// literal stretch between them. Every '%' of a percent-encoded string
// starts an escape of a text byte, and one at least escapes a reserved
// byte; a format string ("%-20s%d") does not qualify.
func percentPieces(tok []byte) (n int, ok bool) {
	reserved := false
	for i := 0; i < len(tok); {
		if tok[i] != '%' {
			for i < len(tok) && tok[i] != '%' {
				i++
			}
			n++
			continue
		}
		if i+2 >= len(tok) || class[tok[i+1]]&cHex == 0 || class[tok[i+2]]&cHex == 0 {
			return 0, false
		}
		b := unhex(tok[i+1])<<4 | unhex(tok[i+2])
		if !textByte(b) {
			return 0, false
		}
		if !unreserved(b) {
			reserved = true
		}
		n++
		i += 3
	}
	return n, reserved
}

func unreserved(b byte) bool {
	return 'A' <= b && b <= 'Z' || 'a' <= b && b <= 'z' || '0' <= b && b <= '9' || b == '-' || b == '.' || b == '_' || b == '~'
}

// findJSON unescapes double-quoted strings line by line. Outside notebooks
// only strings with a sign of embedded JSON or code are taken: a plain \n
// or \" is already understood by the rules themselves.
func findJSON(data []byte, all bool, out []Span) []Span {
	from := 0
	for {
		k := bytes.IndexByte(data[from:], '\\')
		if k < 0 || from+k+1 >= len(data) {
			return out
		}
		k += from
		from = k + 2
		if !all && !embeddedEscape(data[k:min(k+maxToken, len(data))]) {
			continue
		}
		ls := bytes.LastIndexByte(data[:k], '\n') + 1
		le := k + bytes.IndexByte(data[k:], '\n')
		if le < k {
			le = len(data)
		}
		from = le
		if le-ls > maxToken {
			continue
		}
		out = jsonLine(data, ls, le, all, out)
	}
}

// jsonLine decodes the escaped strings of data[ls:le].
func jsonLine(data []byte, ls, le int, all bool, out []Span) []Span {
	for i := ls; i < le; i++ {
		if data[i] != '"' {
			continue
		}
		s := i + 1
		j, esc, embedded := s, false, false
		for ; j < le && data[j] != '"'; j++ {
			if data[j] == '\\' && j+1 < le {
				esc = true
				embedded = embedded || embeddedEscape(data[j:le])
				j++
			}
		}
		if j >= le {
			return out
		}
		if esc && (all || embedded) {
			if sp, ok := unescapeJSON(data, s, j); ok {
				out = append(out, sp)
			}
		}
		i = j
	}
	return out
}

// embeddedEscape tells whether the escape at b[0] shows JSON or code inside
// a string: an escaped quote closing a key (\"name\":), a doubly escaped
// quote or line break (\\\" \\n), \/ or \u. Single \" and \n are common in
// source code and already understood by the rules.
func embeddedEscape(b []byte) bool {
	switch b[1] {
	case '/', 'u':
		return true
	case '\\':
		return len(b) > 2 && (b[2] == '\\' || b[2] == 'n')
	case '"':
		k := 2
		for k < len(b) && b[k] == ' ' {
			k++
		}
		return k < len(b) && b[k] == ':'
	}
	return false
}

func unescapeJSON(data []byte, s, e int) (Span, bool) {
	str := data[s:e]
	txt := make([]byte, 0, len(str))
	// A piece per escape and per literal run between them: sized at
	// once, since a line of JSON in a string holds hundreds of escapes
	// and append's doublings copied and dropped each smaller array.
	pieces := make([]piece, 0, 2*bytes.Count(str, []byte{'\\'})+1)
	for i := 0; i < len(str); {
		if str[i] != '\\' || i+1 >= len(str) {
			j := i + 1
			for j < len(str) && str[j] != '\\' {
				j++
			}
			pieces = append(pieces, piece{dec: len(txt), src: s + i, literal: true})
			txt = append(txt, str[i:j]...)
			i = j
			continue
		}
		pieces = append(pieces, piece{dec: len(txt), src: s + i})
		n := 2
		switch c := str[i+1]; c {
		case '"', '\\', '/', '\'':
			txt = append(txt, c)
		case 'n':
			// A notebook source line ends in \n and then the file's own
			// line break: decoding both would add a line per line.
			if i+2 < len(str) {
				txt = append(txt, '\n')
			}
		case 't':
			txt = append(txt, '\t')
		case 'r':
			txt = append(txt, '\r')
		case 'b', 'f':
			txt = append(txt, ' ')
		case 'u':
			r, m := unicodeEscape(str[i:])
			if m == 0 {
				txt = append(txt, str[i:i+2]...)
				break
			}
			if r == 0 || r < 0x20 && r != '\t' && r != '\n' && r != '\r' {
				return Span{}, false
			}
			txt = utf8.AppendRune(txt, r)
			n = m
		default:
			// Not JSON (a regexp's \d in a Go string): keep it as written.
			txt = append(txt, str[i:i+2]...)
		}
		i += n
	}
	return Span{Kind: JSON, Start: s, End: e, Text: txt, pieces: pieces}, true
}

// unicodeEscape reads \uXXXX, or a surrogate pair of them, returning the
// rune and the bytes used (0 if malformed).
func unicodeEscape(b []byte) (rune, int) {
	r, ok := hex4(b)
	if !ok {
		return 0, 0
	}
	if 0xd800 <= r && r < 0xdc00 {
		if r2, ok := hex4(b[6:]); ok && 0xdc00 <= r2 && r2 < 0xe000 {
			return (r-0xd800)<<10 | (r2 - 0xdc00) + 0x10000, 12
		}
		return utf8.RuneError, 6
	}
	return r, 6
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 6 || b[0] != '\\' || b[1] != 'u' {
		return 0, false
	}
	var r rune
	for _, c := range b[2:6] {
		if class[c]&cHex == 0 {
			return 0, false
		}
		r = r<<4 | rune(unhex(c))
	}
	return r, true
}
