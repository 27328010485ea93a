package content

import (
	"bytes"
	"encoding/binary"
	"path"
	"strings"

	"github.com/keyward/scan/internal/byteclass"
)

type kind uint8

const (
	kindText kind = iota
	kindTextWithNUL
	// kindBinary: control bytes throughout the head, but no format
	// confirmed; read region by region (text regions whole, the printable
	// runs of binary regions).
	kindBinary
	// kindFormat: a binary format confirmed by its structure (an image,
	// an executable, compressed data); passed over after the head.
	kindFormat
	kindUTF16LE
	kindUTF16BE
)

// format is a binary file format: its magic number and a check of the
// structure that follows it. Two or three printable bytes are not a format:
// a .env may start with "MZ=1" or "ID3=" and still hold keys below, so a
// magic counts only when the bytes after it are what the format puts there.
type format struct {
	magic   string
	confirm func(head []byte) bool
}

var formats = []format{
	{"\x89PNG\r\n\x1a\n", func(h []byte) bool { return at(h, 12, "IHDR") }},
	{"\xff\xd8\xff", func(h []byte) bool { return len(h) > 3 && h[3] >= 0xC0 }},
	{"GIF87a", func(h []byte) bool { return nonTextIn(h, 6, 13) }},
	{"GIF89a", func(h []byte) bool { return nonTextIn(h, 6, 13) }},
	{"%PDF-", pdf},
	{"PK\x03\x04", zipLocalHeader},
	{"\x1f\x8b\x08", func(h []byte) bool { return len(h) >= 10 && h[3]&0xE0 == 0 }},
	{"BZh", func(h []byte) bool {
		return len(h) >= 10 && h[3] >= '1' && h[3] <= '9' && (at(h, 4, "1AY&SY") && nonTextIn(h, 10, 16) || at(h, 4, "\x17\x72\x45\x38\x50\x90"))
	}},
	{"\xfd7zXZ\x00", func(h []byte) bool { return len(h) >= 12 && h[6] == 0 }},
	{"\x28\xb5\x2f\xfd", func(h []byte) bool { return len(h) >= 6 }},
	{"7z\xbc\xaf\x27\x1c", func(h []byte) bool { return len(h) >= 32 }},
	{"Rar!\x1a\x07", func(h []byte) bool { return len(h) >= 8 && (h[6] == 0 || h[6] == 1) }},
	{"\x7fELF", func(h []byte) bool {
		return len(h) >= 52 && (h[4] == 1 || h[4] == 2) && (h[5] == 1 || h[5] == 2) && h[6] == 1
	}},
	{"\xcf\xfa\xed\xfe", machO}, {"\xce\xfa\xed\xfe", machO}, {"\xfe\xed\xfa\xcf", machO}, {"\xfe\xed\xfa\xce", machO},
	{"\xca\xfe\xba\xbe", func(h []byte) bool { return len(h) >= 8 && nonTextIn(h, 4, 8) }},
	{"MZ", pe},
	{"\x00asm", func(h []byte) bool { return at(h, 4, "\x01\x00\x00\x00") }},
	{"wOFF", func(h []byte) bool { return nonTextIn(h, 4, 44) }},
	{"wOF2", func(h []byte) bool { return nonTextIn(h, 4, 48) }},
	{"OggS", func(h []byte) bool { return len(h) >= 27 && h[4] == 0 }},
	{"fLaC", func(h []byte) bool { return len(h) >= 42 && h[4]&0x7f == 0 && at(h, 5, "\x00\x00\x22") }},
	{"ID3", func(h []byte) bool { return len(h) >= 10 && h[3] >= 2 && h[3] <= 4 && h[4] == 0 }},
	{"RIFF", riff},
	{"\x00\x00\x01\x00", func(h []byte) bool { return len(h) >= 22 && h[4]|h[5] != 0 }},
	{"II*\x00", func(h []byte) bool { return len(h) >= 8 }},
	{"MM\x00*", func(h []byte) bool { return len(h) >= 8 }},
	{"SQLite format 3\x00", func(h []byte) bool { return len(h) >= 100 }},
}

func at(h []byte, off int, s string) bool {
	return len(h) >= off+len(s) && string(h[off:off+len(s)]) == s
}

// nonTextIn reports whether h[from:to] holds a byte that text does not:
// a control byte or a byte above ASCII. Binary headers carry lengths and
// flags that almost always include one.
func nonTextIn(h []byte, from, to int) bool {
	if len(h) < to {
		return false
	}
	for _, c := range h[from:to] {
		if controlByte.Has(c) || c >= 0x80 {
			return true
		}
	}
	return false
}

// pdf: a version, and an object within the head. A PDF's own text (its
// object dictionaries) holds no secrets worth its compressed streams' cost.
func pdf(h []byte) bool {
	return len(h) >= 8 && h[5] >= '1' && h[5] <= '9' && h[6] == '.' && bytes.Contains(h, []byte(" obj"))
}

// zipLocalHeader: a known compression method, and a name that fits.
func zipLocalHeader(h []byte) bool {
	if len(h) < 30 {
		return false
	}
	switch binary.LittleEndian.Uint16(h[8:]) {
	case 0, 8, 9, 12, 14, 93, 95, 98, 99:
	default:
		return false
	}
	n := int(binary.LittleEndian.Uint16(h[26:]))
	return n > 0 && (30+n <= len(h) || len(h) == sniffSize)
}

func machO(h []byte) bool { return len(h) >= 28 && nonTextIn(h, 4, 28) }

// pe: a DOS header whose e_lfanew points at "PE\0\0" (or, when it points
// past the head, a header with the NULs every DOS header has).
func pe(h []byte) bool {
	if len(h) < 64 {
		return false
	}
	off := int(binary.LittleEndian.Uint32(h[0x3C:]))
	if off >= 64 && off+4 <= len(h) {
		return at(h, off, "PE\x00\x00") || at(h, off, "NE") || at(h, off, "LE")
	}
	return bytes.Count(h[2:64], []byte{0}) >= 8
}

func riff(h []byte) bool {
	if len(h) < 16 {
		return false
	}
	switch string(h[8:12]) {
	case "WAVE", "AVI ", "WEBP", "RMID", "ACON", "CDXA", "AIFF", "RDIB", "PAL ":
		return nonTextIn(h, 4, 8) || nonTextIn(h, 12, 16+min(len(h)-16, 16))
	}
	return false
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
	for i := range formats {
		if bytes.HasPrefix(head, []byte(formats[i].magic)) && formats[i].confirm(head) {
			return kindFormat
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
	switch {
	case binaryShare(sample):
		return kindBinary
	case nul > 0:
		return kindTextWithNUL
	}
	return kindText
}

// binaryShare reports whether b has the control-byte share of binary data.
// Text has almost no control bytes; compressed, encrypted or random data
// has about one in ten (27 of the 256 byte values count here), so a tenth
// let half of all disk images and archives through as text. A twentieth
// separates them with room for a text file that carries a stray NUL or two.
func binaryShare(b []byte) bool {
	return controlByte.Count(b)*20 > len(b)
}

// controlByte marks the bytes that text does not hold: C0 controls other
// than whitespace and escape, and DEL. NUL counts too. It is counted in
// the head of every file and in every region of a binary one
// (byteclass.Set.Count, 64 bytes a step where the CPU has AVX2).
var controlByte = byteclass.New(func(c byte) bool {
	switch c {
	case '\t', '\n', '\r', '\f', '\v', 0x1b:
		return false
	}
	return c < 0x20 || c == 0x7f
})

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

// minRun is the shortest printable run kept from a binary region, as
// strings(1) keeps runs of four or more: long enough that random bytes
// rarely make one (about once per 3 KiB at ten), short enough for
// "key=value" lines.
const minRun = 10

// regionSize is the unit a binary file is judged in: text regions are
// scanned whole, binary ones for their printable runs.
const regionSize = 4 << 10

// textRegions writes into dst (len(src)) what the engine sees of src, a
// part of a file whose head was binary: regions of text as they are, and
// of binary regions only the printable runs of minRun bytes or more, the
// rest turned to spaces. Newlines stay where they are, so lines and
// offsets are the file's own. A run reaching the end of src is kept: the
// next part, which starts before it, judges it again.
func textRegions(dst, src []byte) {
	copy(dst, src)
	bin := binaryRegions(src)
	if bin == nil {
		return
	}
	// A binary region is blanked whole but for its newlines, and then
	// the long runs are put back: in binary data nearly every byte ends
	// a run, so deciding byte by byte cost a mispredicted branch a byte,
	// where the runs are found by skipping (byteclass.Set.Run).
	for i, b := range bin {
		if b {
			lo, hi := i*regionSize, min(len(src), (i+1)*regionSize)
			blankBinary(dst[lo:hi], src[lo:hi])
		}
	}
	for s, e := printable.Run(src, minRun, 0); s >= 0; s, e = printable.Run(src, minRun, e+1) {
		copy(dst[s:e], src[s:e])
	}
	s := len(src)
	for s > 0 && printable.Has(src[s-1]) {
		s--
	}
	copy(dst[s:], src[s:])
}

// textRegionsInPlace is textRegions with dst and src the same bytes, for
// the last part of a file, whose bytes are not carried into a next part:
// the part is not copied. The regions are judged and the runs found on the
// bytes as they are, and only the bytes between the runs are blanked,
// behind the search for the next run.
func textRegionsInPlace(b []byte) {
	bin := binaryRegions(b)
	if bin == nil {
		return
	}
	tail := len(b)
	for tail > 0 && printable.Has(b[tail-1]) {
		tail--
	}
	// blank turns b[lo:hi] to spaces where it lies in a binary region,
	// but for its newlines.
	blank := func(lo, hi int) {
		for lo < hi {
			end := min(hi, (lo/regionSize+1)*regionSize)
			if bin[lo/regionSize] {
				blankKeepingNewlines(b[lo:end])
			}
			lo = end
		}
	}
	kept := 0 // b[:kept] is done
	for s, e := printable.Run(b, minRun, 0); s >= 0; s, e = printable.Run(b, minRun, e+1) {
		blank(kept, s)
		kept = e
	}
	blank(kept, tail)
}

// binaryRegions judges b by regionSize regions: which are binary, or nil
// if none is.
func binaryRegions(b []byte) []bool {
	bin := make([]bool, (len(b)+regionSize-1)/regionSize)
	anyBin := false
	for i := range bin {
		bin[i] = binaryShare(b[i*regionSize : min(len(b), (i+1)*regionSize)])
		anyBin = anyBin || bin[i]
	}
	if !anyBin {
		return nil
	}
	return bin
}

// blankKeepingNewlines writes spaces over b but for its newlines.
func blankKeepingNewlines(b []byte) {
	for len(b) > 0 {
		n := bytes.IndexByte(b, '\n')
		if n < 0 {
			n = len(b)
		}
		copy(b[:n], spaces[:n])
		b = b[min(n+1, len(b)):]
	}
}

// blankBinary writes spaces over dst but where src holds a newline.
func blankBinary(dst, src []byte) {
	copy(dst, spaces[:len(dst)])
	for i := 0; ; i++ {
		n := bytes.IndexByte(src[i:], '\n')
		if n < 0 {
			return
		}
		i += n
		dst[i] = '\n'
	}
}

// spaces is a region's worth of blanks to copy from.
var spaces = [regionSize]byte(bytes.Repeat([]byte{' '}, regionSize))

// printable holds the bytes a printable run is made of, as strings(1)
// counts them: ASCII graphic characters, the space and the tab.
var printable = byteclass.New(func(c byte) bool { return 0x20 <= c && c < 0x7f || c == '\t' })
