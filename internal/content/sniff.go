package content

import (
	"bytes"
	"path"
	"strings"
)

type kind uint8

const (
	kindText kind = iota
	kindTextWithNUL
	kindBinary
	kindUTF16LE
	kindUTF16BE
)

// magic numbers of formats that are binary whatever their bytes look like
// further in. Archives are here too until the content layer opens them.
var magic = [][]byte{
	[]byte("\x89PNG\r\n\x1a\n"), []byte("\xff\xd8\xff"), []byte("GIF87a"), []byte("GIF89a"),
	[]byte("%PDF-"), []byte("PK\x03\x04"), []byte("\x1f\x8b"), []byte("BZh"), []byte("\xfd7zXZ\x00"),
	[]byte("\x28\xb5\x2f\xfd"), []byte("7z\xbc\xaf\x27\x1c"), []byte("Rar!\x1a\x07"),
	[]byte("\x7fELF"), []byte("\xcf\xfa\xed\xfe"), []byte("\xce\xfa\xed\xfe"), []byte("\xca\xfe\xba\xbe"),
	[]byte("MZ"), []byte("\x00asm"), []byte("wOFF"), []byte("wOF2"), []byte("OggS"), []byte("fLaC"),
	[]byte("ID3"), []byte("RIFF"), []byte("\x00\x00\x01\x00"), []byte("II*\x00"), []byte("MM\x00*"),
}

// sniff decides what the first bytes of a file are.
func sniff(head []byte) kind {
	if len(head) >= 2 {
		switch {
		case head[0] == 0xFF && head[1] == 0xFE && !(len(head) >= 4 && head[2] == 0 && head[3] == 0):
			return kindUTF16LE // (FF FE 00 00 would be UTF-32)
		case head[0] == 0xFE && head[1] == 0xFF:
			return kindUTF16BE
		}
	}
	for _, m := range magic {
		if bytes.HasPrefix(head, m) {
			return kindBinary
		}
	}
	sample := head[:min(len(head), sniffSize)]
	nul := bytes.Count(sample, []byte{0})
	if nul > 0 {
		// UTF-16 has a NUL in every other byte; most text has none, and
		// the search for one is far cheaper than the pattern test.
		if k, ok := utf16ByPattern(sample); ok {
			return k
		}
	}
	control := 0
	for _, c := range sample {
		control += int(controlByte[c])
	}
	// Text has almost no control bytes; compressed, encrypted or random
	// data has about one in ten (27 of the 256 byte values count here), so
	// a tenth let half of all disk images and archives through as text. A
	// twentieth separates them with room for a text file that carries a
	// stray NUL or two.
	switch {
	case control*20 > len(sample):
		return kindBinary
	case nul > 0:
		return kindTextWithNUL
	}
	return kindText
}

// controlByte marks the bytes that text does not hold: C0 controls other
// than whitespace and escape, and DEL. NUL counts too.
var controlByte = func() (t [256]uint8) {
	for c := 0; c < 0x20; c++ {
		switch c {
		case '\t', '\n', '\r', '\f', '\v', 0x1b:
		default:
			t[c] = 1
		}
	}
	t[0x7f] = 1
	return t
}()

// utf16ByPattern recognises UTF-16 without a byte-order mark by where its
// NULs fall: mostly-ASCII text in UTF-16 has a NUL in every other byte.
func utf16ByPattern(b []byte) (kind, bool) {
	n := len(b) &^ 1
	if n < 8 {
		return kindText, false
	}
	var evenNUL, oddNUL int
	for i := 0; i < n; i += 2 {
		if b[i] == 0 {
			evenNUL++
		}
		if b[i+1] == 0 {
			oddNUL++
		}
	}
	pairs := n / 2
	switch {
	case oddNUL*10 >= pairs*9 && evenNUL*10 < pairs:
		return kindUTF16LE, true
	case evenNUL*10 >= pairs*9 && oddNUL*10 < pairs:
		return kindUTF16BE, true
	}
	return kindText, false
}

var binaryExt = map[string]bool{
	".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".bmp": true, ".ico": true, ".webp": true, ".tiff": true,
	".zip": true, ".gz": true, ".tgz": true, ".bz2": true, ".xz": true, ".zst": true, ".7z": true, ".rar": true, ".tar": true,
	".pdf": true, ".exe": true, ".dll": true, ".so": true, ".dylib": true, ".a": true, ".o": true, ".class": true, ".jar": true,
	".woff": true, ".woff2": true, ".ttf": true, ".otf": true, ".eot": true, ".mp3": true, ".mp4": true, ".mov": true,
	".avi": true, ".wav": true, ".ogg": true, ".flac": true, ".pyc": true, ".wasm": true, ".parquet": true, ".sqlite": true,
}

// binaryExtension names files that are binary by convention; reading them
// would cost time and find nothing a rule could match.
func binaryExtension(p string) bool {
	return binaryExt[strings.ToLower(path.Ext(p))]
}

// LooksBinary reports whether the first bytes of a file (up to 8 KiB are
// enough) are binary by the same test Scan applies. Sources use it to pass
// over a large file after one small read.
func LooksBinary(head []byte) bool { return sniff(head) == kindBinary }
