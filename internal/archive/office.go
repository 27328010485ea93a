package archive

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// Office documents (.xlsx, .docx, .pptx, .odt, .ods, .odp) are zips of XML.
// Their text parts are handed over as the text a user sees, so rules meet
// "api_key" and the key side by side as in the spreadsheet: a worksheet as
// one line per row (line n is row n) with cells separated by commas, shared
// strings resolved; a document, slide or OpenDocument body as one line per
// paragraph or table row. Every other part (relationships, connections,
// custom properties) is read as the XML it is.

var officeExt = map[string]bool{
	".xlsx": true, ".xlsm": true, ".docx": true, ".docm": true, ".pptx": true, ".pptm": true,
	".odt": true, ".ods": true, ".odp": true,
}

// office reports whether a file name is an office document.
func office(name string) bool {
	return officeExt[strings.ToLower(path.Ext(name))]
}

// The patterns are compiled on first use: most scans open no office file,
// and every command would pay for them at start-up.
var (
	sheetPart = lazyRegexp(`^xl/worksheets/[^/]+\.xml$`)
	textPart  = lazyRegexp(`^(word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml|ppt/(slides|notesSlides)/[^/]+\.xml|content\.xml)$`)
)

func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}

const sharedStringsPart = "xl/sharedStrings.xml"

// maxOfficeText bounds what one rendered part may hold in memory; a larger
// part is read as raw XML instead.
const maxOfficeText = 64 << 20

// xmlReader returns a decoder that reads any encoding as bytes and no
// external entities: the text is only looked at.
func xmlReader(r io.Reader) *xml.Decoder {
	d := xml.NewDecoder(r)
	d.Strict = false
	d.CharsetReader = func(_ string, in io.Reader) (io.Reader, error) { return in, nil }
	return d
}

// sharedStrings reads xl/sharedStrings.xml: the text of each <si>.
func sharedStrings(r io.Reader) ([]string, error) {
	d := xmlReader(r)
	var out []string
	var cur strings.Builder
	in := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "si" {
				in = true
				cur.Reset()
			}
		case xml.EndElement:
			if t.Name.Local == "si" {
				out = append(out, cur.String())
				in = false
			}
		case xml.CharData:
			if in && cur.Len() < maxOfficeText {
				cur.Write(t)
			}
		}
	}
}

// renderSheet writes a worksheet as text, line n holding row n (see
// table), and marks the shared strings it used.
func renderSheet(r io.Reader, shared []string, used []bool) ([]byte, error) {
	d := xmlReader(r)
	var t table
	line := 0
	var row []string
	var cellType string
	var val, inline strings.Builder
	inV, inIs := false, false
	col := 0
	size := 0
	for size < maxOfficeText {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return t.bytes(), err
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "row":
				n, err := strconv.Atoi(attr(e, "r"))
				if err != nil || n <= line || n-line > 1<<20 {
					n = line + 1
				}
				for line+1 < n {
					t.add(nil)
					line++
				}
				line = n
				row, col = nil, 0
			case "c":
				cellType = attr(e, "t")
				val.Reset()
				inline.Reset()
				if c := column(attr(e, "r")); c >= col && c-col <= 1<<14 {
					col = c
				}
			case "v":
				inV = true
			case "is":
				inIs = true
			}
		case xml.EndElement:
			switch e.Name.Local {
			case "row":
				t.add(row)
			case "c":
				v := val.String()
				switch cellType {
				case "s":
					v = ""
					if i, err := strconv.Atoi(strings.TrimSpace(val.String())); err == nil && i >= 0 && i < len(shared) {
						v = shared[i]
						used[i] = true
					}
				case "inlineStr":
					v = inline.String()
				}
				for len(row) < col {
					row = append(row, "")
				}
				row = append(row, v)
				size += len(v)
				col++
			case "v":
				inV = false
			case "is":
				inIs = false
			}
		case xml.CharData:
			switch {
			case inV:
				val.Write(e)
			case inIs:
				inline.Write(e)
			}
		}
	}
	return t.bytes(), nil
}

// table renders rows of cells as text rules can read: a line per row,
// cells separated by commas; and when the first row is a header
// ("exchange", "api_key", "api_secret"), each later cell is written after
// its column's label ("api_key: ..."), so a key and its secret in adjacent
// columns read as they would in a config file.
type table struct {
	rows   [][]string
	header []string
}

func (t *table) add(row []string) {
	for i := range row {
		row[i] = strings.ReplaceAll(strings.ReplaceAll(row[i], "\r", " "), "\n", " ")
	}
	t.rows = append(t.rows, row)
}

var label = lazyRegexp(`^[A-Za-z][A-Za-z0-9 _./()#-]{0,39}$`)

// isHeader: every non-empty cell looks like a column label, not a value
// (a label has a separator or is a short word).
func isHeader(row []string) bool {
	n := 0
	for _, c := range row {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if !label().MatchString(c) || !(strings.ContainsAny(c, " _-.") || len(c) <= 16) {
			return false
		}
		n++
	}
	return n >= 2
}

func (t *table) bytes() []byte {
	var out bytes.Buffer
	t.write(&out)
	return out.Bytes()
}

func (t *table) write(out *bytes.Buffer) {
	var header []string
	for i, row := range t.rows {
		if i == 0 && isHeader(row) {
			header = row
			out.WriteString(strings.Join(row, ","))
			out.WriteByte('\n')
			continue
		}
		sep := ""
		for j, c := range row {
			if c == "" {
				continue
			}
			out.WriteString(sep)
			if j < len(header) && strings.TrimSpace(header[j]) != "" {
				out.WriteString(strings.TrimSpace(header[j]))
				out.WriteString(": ")
			}
			out.WriteString(c)
			sep = ", "
		}
		out.WriteByte('\n')
	}
}

// column turns a cell reference ("C7") into a zero-based column index, or
// -1 when there is none.
func column(ref string) int {
	c := 0
	i := 0
	for ; i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z'; i++ {
		c = c*26 + int(ref[i]-'A'+1)
	}
	if i == 0 {
		return -1
	}
	return c - 1
}

func attr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// renderText writes a document body as its text: a line per paragraph,
// tables as table renders them (a paragraph inside a cell becomes a
// space), tabs and line breaks kept.
func renderText(r io.Reader) ([]byte, error) {
	d := xmlReader(r)
	var out bytes.Buffer
	var cur bytes.Buffer // the cell being read, inside a table
	var tables []*table
	var row []string
	cell := 0 // depth of table cells
	para := 0 // depth of paragraphs and headings
	w := func() *bytes.Buffer {
		if cell > 0 {
			return &cur
		}
		return &out
	}
	for out.Len() < maxOfficeText {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return out.Bytes(), err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "tbl", "table":
				tables = append(tables, &table{})
			case "tc", "table-cell":
				if cell == 0 {
					cur.Reset()
				}
				cell++
				if n, err := strconv.Atoi(attr(t, "number-columns-repeated")); err == nil && n > 1 && len(tables) > 0 {
					for k := 1; k < min(n, 64); k++ {
						row = append(row, "")
					}
				}
			case "p", "h":
				para++
			case "tab":
				w().WriteByte('\t')
			case "s":
				w().WriteByte(' ')
			case "br", "line-break":
				if cell > 0 {
					cur.WriteByte(' ')
				} else {
					out.WriteByte('\n')
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "p", "h":
				para--
				if cell > 0 {
					cur.WriteByte(' ')
				} else {
					out.WriteByte('\n')
				}
			case "tc", "table-cell":
				cell--
				if cell == 0 {
					row = append(row, strings.TrimSpace(cur.String()))
				}
			case "tr", "table-row":
				if len(tables) > 0 {
					tables[len(tables)-1].add(row)
				}
				row = nil
			case "tbl", "table":
				if len(tables) > 0 {
					tables[len(tables)-1].write(&out)
					tables = tables[:len(tables)-1]
				}
			}
		case xml.CharData:
			// Whitespace between elements is the file's layout, not text.
			if para > 0 || cell > 0 || len(bytes.TrimSpace(t)) > 0 {
				w().Write(t)
			}
		}
	}
	return out.Bytes(), nil
}

// officeDoc renders the text parts of one office document.
type officeDoc struct {
	w      *walker
	p      string
	shared []string
	used   []bool
}

// newOfficeDoc returns nil when the zip at p is not an office document.
// Shared strings are read first: worksheets refer to them by number.
func newOfficeDoc(p string, zr *zip.Reader, w *walker) *officeDoc {
	if !office(p) {
		return nil
	}
	doc := &officeDoc{w: w, p: p}
	for _, f := range zr.File {
		if cleanName(f.Name) != sharedStringsPart {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			break // read raw below, where the error is reported
		}
		doc.shared, _ = sharedStrings(&boundReader{w: w, r: io.LimitReader(rc, maxOfficeText), compressed: &countReader{n: int64(f.CompressedSize64)}, budget: true})
		rc.Close()
		doc.used = make([]bool, len(doc.shared))
	}
	return doc
}

// part hands over a text part rendered; done is false for a part that is
// read as it is.
func (d *officeDoc) part(name string, f *zip.File, depth int) (done bool, err error) {
	sheet := sheetPart().MatchString(name)
	if name == sharedStringsPart && d.shared != nil {
		return true, nil // after the sheets, what they did not use
	}
	if !sheet && !textPart().MatchString(name) {
		return false, nil
	}
	rc, err := f.Open()
	if err != nil {
		return false, nil
	}
	defer rc.Close()
	r := &boundReader{w: d.w, r: rc, compressed: &countReader{n: int64(f.CompressedSize64)}, budget: true}
	var text []byte
	if sheet {
		text, err = renderSheet(r, d.shared, d.used)
	} else {
		text, err = renderText(r)
	}
	if d.w.bomb != nil {
		return true, d.w.bomb
	}
	if err != nil {
		return false, nil // not XML after all: read as it is
	}
	return true, d.w.member(d.p+Sep+name, name, int64(len(text)), bytes.NewReader(text), depth)
}

// unusedStrings hands over the shared strings no worksheet showed (left
// behind by deleted cells, still in the file), one per line at its own
// number, so none is read twice and none is lost.
func (d *officeDoc) unusedStrings(depth int) error {
	var out bytes.Buffer
	any := false
	for i, s := range d.shared {
		if !d.used[i] && strings.TrimSpace(s) != "" {
			out.WriteString(strings.ReplaceAll(s, "\n", " "))
			any = true
		}
		out.WriteByte('\n')
	}
	if !any {
		return nil
	}
	return d.w.member(d.p+Sep+sharedStringsPart, sharedStringsPart, int64(out.Len()), &out, depth)
}
