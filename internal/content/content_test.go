package content

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf16"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/engine"
	"github.com/keyward/scan/internal/gittest"
)

func newScanner(t testing.TB, opt Options) *Scanner {
	t.Helper()
	e, err := engine.New(detectors.Default(), engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return New(e, opt)
}

func scanBytes(t *testing.T, s *Scanner, path string, data []byte) ([]detectors.Finding, detectors.Stats) {
	t.Helper()
	var st detectors.Stats
	fs, err := s.NewReader().Scan(context.Background(), path, bytes.NewReader(data), int64(len(data)), &st)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return fs, st
}

func utf16Bytes(s string, order binary.ByteOrder, bom bool) []byte {
	var b bytes.Buffer
	units := utf16.Encode([]rune(s))
	if bom {
		units = append([]uint16{0xFEFF}, units...)
	}
	for _, u := range units {
		var two [2]byte
		order.PutUint16(two[:], u)
		b.Write(two[:])
	}
	return b.Bytes()
}

// What a file is, decided from its bytes: the cases that once hid secrets.
func TestFilesThatHideTheirText(t *testing.T) {
	tok := gittest.FakeToken("content")
	env := "# deploy settings\r\nREGION=eu-west-1\r\nGITHUB_TOKEN=" + tok + "\r\n"
	random := make([]byte, 4096)
	rand.New(rand.NewSource(1)).Read(random)
	tests := []struct {
		name, path string
		data       []byte
		wantLine   int // 0: no finding
		skipped    string
		noted      string
	}{
		{"plain .env", ".env", []byte(env), 3, "", ""},
		{"a NUL byte before the .env", ".env", append([]byte("#\x00\n"), env...), 4, "", "stray NUL bytes"},
		{"UTF-16LE with BOM (PowerShell 5 >)", "secrets.txt", utf16Bytes(env, binary.LittleEndian, true), 3, "", "utf-16 decoded"},
		{"UTF-16LE without BOM", "secrets.txt", utf16Bytes(env, binary.LittleEndian, false), 3, "", "utf-16 decoded"},
		{"UTF-16BE with BOM", "secrets.txt", utf16Bytes(env, binary.BigEndian, true), 3, "", "utf-16 decoded"},
		{"UTF-16BE without BOM", "secrets.txt", utf16Bytes(env, binary.BigEndian, false), 3, "", "utf-16 decoded"},
		{"PNG with its IHDR chunk", "logo", append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x01\x00"), env...), 0, "binary", ""},
		{"PNG signature alone, then text", "logo", append([]byte("\x89PNG\r\n\x1a\n"), env...), 5, "", ""},
		{"ELF executable with the token in its strings", "tool", append(append([]byte("\x7fELF\x02\x01\x01"), random[:512]...), env...), 0, "binary", ""},
		{"random bytes, then text", "blob", append(random, env...), 3 + bytes.Count(random, []byte("\n")), "", "binary: text regions scanned"},
		{"empty", "e.txt", nil, 0, "empty", ""},
		{"text under a binary name", "keys.pdf", []byte(env), 3, "", "text under a binary name"},
		{"a real image under its name", "logo.png", append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x01\x00"), env...), 0, "binary", ""},
		{"random bytes under a binary name", "lib.so", append(bytes.Clone(random), env...), 0, "binary", ""},
		{"Latin-1", "notes.txt", []byte("caf\xe9\nGITHUB_TOKEN=" + tok + "\n"), 2, "", "not valid UTF-8"},
	}
	s := newScanner(t, Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, st := scanBytes(t, s, tt.path, tt.data)
			switch {
			case tt.wantLine == 0 && len(fs) != 0:
				t.Errorf("found %d, want none", len(fs))
			case tt.wantLine != 0 && (len(fs) != 1 || fs[0].StartLine != tt.wantLine || fs[0].Secret != tok):
				t.Errorf("findings %+v, want the token on line %d", fs, tt.wantLine)
			}
			if tt.skipped != "" && st.Skipped[tt.skipped] != 1 {
				t.Errorf("skipped %v, want %s", st.Skipped, tt.skipped)
			}
			if tt.noted != "" && st.Noted[tt.noted] != 1 {
				t.Errorf("noted %v, want %s", st.Noted, tt.noted)
			}
			if len(st.Warnings) != 0 {
				t.Errorf("warnings %v", st.Warnings)
			}
		})
	}
}

// A file far larger than a chunk is read in bounded chunks with no default
// limit: memory stays at a chunk, bytes are counted once, and a secret at
// the end keeps its true line.
func TestLargeFileStreamsWithoutLimit(t *testing.T) {
	tok := gittest.FakeToken("large")
	s := newScanner(t, Options{ChunkSize: 4 * Overlap})
	line := strings.Repeat("x", 99) + "\n"
	var b bytes.Buffer
	for b.Len() < 40*Overlap {
		b.WriteString(line)
	}
	lines := b.Len() / len(line)
	b.WriteString("GITHUB_TOKEN=" + tok + "\n")
	fs, st := scanBytes(t, s, "big.log", b.Bytes())
	if len(fs) != 1 || fs[0].StartLine != lines+1 {
		t.Fatalf("findings %+v, want one on line %d", fs, lines+1)
	}
	if st.Bytes != int64(b.Len()) || st.Files != 1 {
		t.Errorf("stats: %d bytes in %d files, want %d in 1", st.Bytes, st.Files, b.Len())
	}
}

func TestMaxFileSizeWarnsWithPath(t *testing.T) {
	s := newScanner(t, Options{MaxFileSize: 10})
	var st detectors.Stats
	fs, err := s.NewReader().Scan(context.Background(), "dir/big.env", strings.NewReader(strings.Repeat("a", 100)), 100, &st)
	if err != nil || len(fs) != 0 || st.Skipped["too large"] != 1 || len(st.Warnings) != 1 || !strings.HasPrefix(st.Warnings[0].String(), "dir/big.env: ") {
		t.Errorf("err %v, findings %d, stats %+v", err, len(fs), st)
	}
}

// Cancelling mid-file stops at the next chunk and says so.
func TestCancelMidFile(t *testing.T) {
	s := newScanner(t, Options{ChunkSize: 4 * Overlap})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var st detectors.Stats
	_, err := s.NewReader().Scan(ctx, "a.txt", strings.NewReader(strings.Repeat("y\n", 20*Overlap)), -1, &st)
	if !errors.Is(err, ErrInterrupted) || !st.Interrupted || !st.Incomplete {
		t.Errorf("err %v, stats %+v", err, st)
	}
}

func TestWalletDatIsJudgedWhole(t *testing.T) {
	// An SQLite header and a descriptor wallet's unencrypted key record.
	data := append([]byte("SQLite format 3\x00"), make([]byte, 200)...)
	data = append(data, []byte("\x00\x10walletdescriptor\x00walletdescriptorkey\x00")...)
	fs, _ := scanBytes(t, newScanner(t, Options{}), "wallets/old/wallet.dat", data)
	if len(fs) != 1 || fs[0].RuleID != detectors.WalletDatRuleID || fs[0].Severity != detectors.Critical {
		t.Fatalf("findings %+v", fs)
	}
}

// A wallet.dat that cannot be read past its first chunk is not judged on
// the part read and passed over as ordinary binary: the scan says it is
// incomplete.
func TestWalletDatReadErrorIsReported(t *testing.T) {
	s := newScanner(t, Options{ChunkSize: 4 * Overlap})
	head := append([]byte("SQLite format 3\x00"), make([]byte, 4*Overlap)...)
	src := io.MultiReader(bytes.NewReader(head), iotest.ErrReader(errors.New("disk gone")))
	var st detectors.Stats
	_, err := s.NewReader().Scan(context.Background(), "wallets/old/wallet.dat", src, -1, &st)
	if err == nil || !st.Incomplete || len(st.Warnings) != 1 {
		t.Fatalf("err %v, incomplete %v, warnings %+v", err, st.Incomplete, st.Warnings)
	}
}

func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Archives are content like any other, for every source: a member is
// located at "archive!member" and names its outermost archive, whether the
// archive arrives as a file (io.ReaderAt) or as a stream (a git blob).
func TestArchiveMembers(t *testing.T) {
	tok := gittest.FakeToken("archive")
	inner := zipOf(t, map[string]string{"bot/.env": "EXCHANGE=binance\nGITHUB_TOKEN=" + tok + "\n"})
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("GITHUB_TOKEN=" + tok + "\n"))
	zw.Close()
	outer := zipOf(t, map[string]string{"old/inner.zip": string(inner), "notes.txt": "nothing\n"})
	s := newScanner(t, Options{})
	for _, tt := range []struct {
		name, path string
		data       []byte
		want       string
	}{
		{"nested zip", "backup.zip", outer, "backup.zip!old/inner.zip!bot/.env"},
		{"gzip", "logs/app.log.gz", gz.Bytes(), "logs/app.log.gz!app.log"},
	} {
		for _, stream := range []bool{false, true} {
			var st detectors.Stats
			var src io.Reader = bytes.NewReader(tt.data)
			if stream {
				src = io.MultiReader(src) // no ReaderAt: read as a stream
			}
			fs, err := s.NewReader().Scan(context.Background(), tt.path, src, int64(len(tt.data)), &st)
			if err != nil || len(fs) != 1 || fs[0].Path != tt.want || fs[0].Archive != tt.path || fs[0].StartLine != 2 && tt.name == "nested zip" {
				t.Errorf("%s (stream %v): err %v, findings %+v", tt.name, stream, err, fs)
			}
		}
	}
	// Turned off, an archive is a binary file.
	var st detectors.Stats
	fs, _ := newScanner(t, Options{NoArchives: true}).NewReader().Scan(context.Background(), "backup.zip", bytes.NewReader(outer), int64(len(outer)), &st)
	if len(fs) != 0 || st.Skipped["binary"] != 1 {
		t.Errorf("NoArchives: findings %+v, skipped %v", fs, st.Skipped)
	}
}

// A zip bomb is refused with a warning that makes the scan incomplete.
func TestArchiveBombIsRefused(t *testing.T) {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.Create("zeros.txt")
	zeros := make([]byte, 1<<20)
	for i := 0; i < 300; i++ {
		w.Write(zeros)
	}
	zw.Close()
	var st detectors.Stats
	_, err := newScanner(t, Options{}).NewReader().Scan(context.Background(), "bomb.zip", bytes.NewReader(b.Bytes()), int64(b.Len()), &st)
	if err != nil || !st.Incomplete || st.Skipped["archive bomb"] != 1 {
		t.Errorf("err %v, stats %+v", err, st)
	}
}

// A magic number is two to six bytes a text file may start with: "MZ=1" in
// a .env is a setting, not a Windows executable. Only a format whose
// structure follows its magic is passed over as binary.
func TestMagicNumbersConfirmedByStructure(t *testing.T) {
	key, secret := alnum(1, 64), alnum(2, 64)
	keys := "BINANCE_API_KEY=" + key + "\nBINANCE_API_SECRET=" + secret + "\n"
	text := []string{"MZ=1\n", "ID3=on\n", "RIFF=2\n", "BZh9\n", "%PDF-1.7 export on\n", "GIF89a\n", "GIF87a=x\n",
		"PK=12\n", "PK\x03\x04\n", "OggS\n", "fLaC\n", "wOFF\n", "\x7fELF\n", "RIFF1234WAVEfmt \n", "BZh91AY&SY\n"}
	s := newScanner(t, Options{})
	for _, start := range text {
		fs, st := scanBytes(t, s, "bot/.env", []byte(start+keys))
		if len(fs) == 0 {
			t.Errorf("%q: no finding; skipped %v", start, st.Skipped)
		}
	}

	pe := make([]byte, 256)
	copy(pe, "MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff")
	binary.LittleEndian.PutUint32(pe[0x3C:], 0x80)
	copy(pe[0x80:], "PE\x00\x00\x4c\x01")
	tiny := make([]byte, 64) // a DOS header whose PE header lies past the head
	copy(tiny, "MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff")
	binary.LittleEndian.PutUint32(tiny[0x3C:], 1<<20)
	formats := map[string][]byte{
		"PE executable":  pe,
		"DOS header":     tiny,
		"ID3 tag":        []byte("ID3\x04\x00\x00\x00\x00\x01\x00TIT2"),
		"RIFF wave":      []byte("RIFF\x24\x08\x00\x00WAVEfmt \x10\x00\x00\x00"),
		"bzip2":          []byte("BZh91AY&SY\x8e\x8d\x2a\x1c\x00\x00"),
		"PDF":            []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"),
		"GIF":            []byte("GIF89a\x10\x00\x10\x00\xf7\x00\x00"),
		"zip local file": append([]byte("PK\x03\x04\x14\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x04\x00\x00\x00"), "a.go"...),
		"gzip":           []byte("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"),
		"ELF":            append([]byte("\x7fELF\x02\x01\x01\x00"), make([]byte, 56)...),
	}
	for name, head := range formats {
		fs, st := scanBytes(t, s, "blob", append(bytes.Clone(head), keys...))
		if len(fs) != 0 || st.Skipped["binary"] != 1 {
			t.Errorf("%s: %d findings, skipped %v; want passed over as binary", name, len(fs), st.Skipped)
		}
	}
}

// Binary is decided region by region: a history file with a block of NULs
// a crash left, or a log with binary records, still has its text read.
func TestTextRegionsOfBinaryFiles(t *testing.T) {
	tok := gittest.FakeToken("regions")
	line := "export GITHUB_TOKEN=" + tok + "\n"
	random := make([]byte, 64<<10)
	rand.New(rand.NewSource(7)).Read(random)
	zeros := make([]byte, 8<<10)
	scattered := []byte(strings.Repeat("ls -la\ncd /srv\n", 40))
	for i := 0; i < len(scattered); i += 5 {
		scattered[i] = 0 // a fifth of the head is NULs
	}
	tests := []struct {
		name     string
		data     []byte
		wantLine int
	}{
		{"history after a zeroed block", append(append(bytes.Clone(zeros), "ls\n"...), line...), 2},
		{"history with NULs all through its head", append(bytes.Clone(scattered), line...), 1 + bytes.Count(scattered, []byte("\n"))},
		{"text between binary records", append(append(append(bytes.Clone(random), '\n'), line...), random...), 2 + bytes.Count(random, []byte("\n"))},
	}
	for _, chunk := range []int{0, 4 * Overlap} {
		s := newScanner(t, Options{ChunkSize: chunk})
		for _, tt := range tests {
			fs, st := scanBytes(t, s, ".bash_history", tt.data)
			if len(fs) != 1 || fs[0].Secret != tok || fs[0].StartLine != tt.wantLine {
				t.Errorf("chunk %d, %s: findings %+v, want the token on line %d; stats %v %v", chunk, tt.name, fs, tt.wantLine, st.Skipped, st.Noted)
			}
		}
	}
	// Random bytes alone give nothing: their printable runs are short.
	s := newScanner(t, Options{})
	big := make([]byte, 1<<20)
	rand.New(rand.NewSource(8)).Read(big)
	if fs, _ := scanBytes(t, s, "disk.img", big); len(fs) != 0 {
		t.Errorf("random bytes: %d findings, want none", len(fs))
	}
}

// alnum returns n letters and digits, the same for the same seed.
func alnum(seed int64, n int) string {
	const set = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	r := rand.New(rand.NewSource(seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = set[r.Intn(len(set))]
	}
	return string(b)
}

// A file named as an archive that cannot be opened is not dropped as
// binary: its text regions are scanned and the scan is incomplete, naming
// it. Plain text under an archive's name is simply text.
func TestUnopenedArchive(t *testing.T) {
	tok := gittest.FakeToken("unopened")
	junk := make([]byte, 16<<10)
	rand.New(rand.NewSource(3)).Read(junk)
	damaged := append(append([]byte("PK\x03\x04\x14\x00\x00\x00\x63\x00"), junk...), "\nGITHUB_TOKEN="+tok+"\n"...)
	s := newScanner(t, Options{})
	fs, st := scanBytes(t, s, "backup.zip", damaged)
	if len(fs) != 1 || fs[0].Secret != tok || !st.Incomplete || len(st.Warnings) != 1 || st.Warnings[0].Path != "backup.zip" {
		t.Errorf("damaged zip: findings %d, incomplete %v, warnings %v", len(fs), st.Incomplete, st.Warnings)
	}
	fs, st = scanBytes(t, s, "notes.tar", []byte("GITHUB_TOKEN="+tok+"\n"))
	if len(fs) != 1 || st.Incomplete {
		t.Errorf("text named .tar: findings %d, incomplete %v, warnings %v", len(fs), st.Incomplete, st.Warnings)
	}
}

func zipParts(t *testing.T, parts ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(parts); i += 2 {
		w, err := zw.Create(parts[i])
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, parts[i+1])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const (
	xmlDecl = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\r\n"
	nsSheet = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	nsWord  = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`
	nsODF   = `xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"`
)

// Office documents are zips of XML that traders keep keys in: the text a
// user sees is read, a key and its secret in adjacent columns under an
// "exchange,api_key,api_secret" header are found as a pair, and each is
// located at the part and row it is in.
func TestOfficeDocuments(t *testing.T) {
	key, secret := alnum(11, 64), alnum(12, 64)
	tok := gittest.FakeToken("office")
	si := func(s ...string) string {
		var b strings.Builder
		for _, x := range s {
			b.WriteString("<si><t>" + x + "</t></si>")
		}
		return b.String()
	}
	xlsx := zipParts(t,
		"[Content_Types].xml", xmlDecl+`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>`,
		"xl/workbook.xml", xmlDecl+`<workbook `+nsSheet+`><sheets><sheet name="Keys" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/worksheets/sheet1.xml", xmlDecl+`<worksheet `+nsSheet+`><dimension ref="A1:C3"/><sheetData>`+
			`<row r="1" spans="1:3"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>`+
			`<row r="3" spans="1:3"><c r="A3" t="s"><v>3</v></c><c r="B3" t="s"><v>4</v></c><c r="C3" t="s"><v>5</v></c></row>`+
			`</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>`,
		"xl/sharedStrings.xml", xmlDecl+`<sst `+nsSheet+` count="7" uniqueCount="7">`+si("exchange", "api_key", "api_secret", "binance", key, secret, "GITHUB_TOKEN="+tok)+`</sst>`,
	)
	docx := zipParts(t,
		"[Content_Types].xml", xmlDecl+`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"word/document.xml", xmlDecl+`<w:document `+nsWord+`><w:body>`+
			`<w:p><w:r><w:t>Trading bot settings</w:t></w:r></w:p>`+
			`<w:tbl><w:tr><w:tc><w:p><w:r><w:t>exchange</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>api_key</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>api_secret</w:t></w:r></w:p></w:tc></w:tr>`+
			`<w:tr><w:tc><w:p><w:r><w:t>binance</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>`+key[:30]+`</w:t></w:r><w:r><w:t>`+key[30:]+`</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>`+secret+`</w:t></w:r></w:p></w:tc></w:tr></w:tbl>`+
			`</w:body></w:document>`,
	)
	ods := zipParts(t,
		"mimetype", "application/vnd.oasis.opendocument.spreadsheet",
		"content.xml", xmlDecl+`<office:document-content `+nsODF+`><office:body><office:spreadsheet><table:table table:name="Keys">`+
			`<table:table-row><table:table-cell office:value-type="string"><text:p>exchange</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>api_key</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>api_secret</text:p></table:table-cell><table:table-cell table:number-columns-repeated="1021"/></table:table-row>`+
			`<table:table-row><table:table-cell office:value-type="string"><text:p>binance</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>`+key+`</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>`+secret+`</text:p></table:table-cell></table:table-row>`+
			`</table:table></office:spreadsheet></office:body></office:document-content>`,
	)
	odt := zipParts(t,
		"mimetype", "application/vnd.oasis.opendocument.text",
		"content.xml", xmlDecl+`<office:document-content `+nsODF+`><office:body><office:text>`+
			`<text:h>Deploy</text:h><text:p>BINANCE_API_KEY=`+key+`</text:p><text:p>BINANCE_API_SECRET=<text:s/>`+secret+`</text:p>`+
			`</office:text></office:body></office:document-content>`,
	)
	s := newScanner(t, Options{})
	tests := []struct {
		name string
		data []byte
		want map[string]int // path -> line of a finding
	}{
		{"keys.xlsx", xlsx, map[string]int{"keys.xlsx!xl/worksheets/sheet1.xml": 3, "keys.xlsx!xl/sharedStrings.xml": 7}},
		{"bot.docx", docx, map[string]int{"bot.docx!word/document.xml": 3}},
		{"keys.ods", ods, map[string]int{"keys.ods!content.xml": 2}},
		{"notes.odt", odt, map[string]int{"notes.odt!content.xml": 3}},
	}
	for _, tt := range tests {
		fs, st := scanBytes(t, s, tt.name, tt.data)
		got := map[string]int{}
		var secretFound bool
		for _, f := range fs {
			got[f.Path] = f.StartLine
			if f.Secret == secret && f.RuleID == "binance-api-secret" && f.Archive == tt.name {
				secretFound = true
			}
		}
		if !reflect.DeepEqual(got, tt.want) || !secretFound || st.Incomplete {
			t.Errorf("%s: findings at %v, want %v; binance secret found: %v; warnings %v", tt.name, got, tt.want, secretFound, st.Warnings)
			for _, f := range fs {
				t.Logf("  %s %s:%d %q", f.RuleID, f.Path, f.StartLine, f.Line)
			}
		}
	}
}

// Whole-file judges rule the same way for every source: a GnuPG key file in
// its canonical (binary) form is judged from its header, in a directory or
// in a backup, never dropped as binary and never copied.
func TestWholeFileJudges(t *testing.T) {
	mpi := make([]byte, 257)
	rand.New(rand.NewSource(5)).Read(mpi)
	canonical := func(kind string) []byte {
		return append(append([]byte(fmt.Sprintf("(%d:%s(3:rsa(1:n257:", len(kind), kind)), mpi...), ")(1:e3:\x01\x00\x01)(1:d257:"...)
	}
	s := newScanner(t, Options{})
	tests := []struct {
		path string
		data []byte
		want detectors.Severity // SeverityUnset: no finding
	}{
		{".gnupg/private-keys-v1.d/4E5F6A7B8C9D.key", append(canonical("private-key"), mpi...), detectors.Critical},
		{".gnupg/private-keys-v1.d/0A1B2C3D4E5F.key", append(canonical("protected-private-key"), mpi...), detectors.Medium},
		{".gnupg/private-keys-v1.d/CA4D0001.key", append(canonical("shadowed-private-key"), mpi...), detectors.SeverityUnset},
		{"backup.zip", zipOf(t, map[string]string{".gnupg/private-keys-v1.d/4E5F6A7B8C9D.key": string(append(canonical("private-key"), mpi...))}), detectors.Critical},
	}
	for _, tt := range tests {
		fs, _ := scanBytes(t, s, tt.path, tt.data)
		switch {
		case tt.want == detectors.SeverityUnset && len(fs) != 0:
			t.Errorf("%s: %d findings, want none (a smartcard stub holds no key)", tt.path, len(fs))
		case tt.want != detectors.SeverityUnset && (len(fs) != 1 || fs[0].RuleID != detectors.GPGSecretKeyRuleID || fs[0].Severity != tt.want):
			t.Errorf("%s: findings %+v, want one gpg-secret-key of severity %v", tt.path, fs, tt.want)
		case len(fs) == 1 && strings.Contains(fs[0].Secret, string(mpi[:8])):
			t.Errorf("%s: key bytes copied into the finding", tt.path)
		}
	}

	// A large binary is passed over after its head only when asked (home).
	big := make([]byte, 2<<20)
	rand.New(rand.NewSource(6)).Read(big)
	big = append(big, "\nGITHUB_TOKEN="+gittest.FakeToken("judge")+"\n"...)
	if fs, _ := scanBytes(t, s, "disk.img", big); len(fs) != 1 {
		t.Errorf("binary read for its text: %d findings, want 1", len(fs))
	}
	if fs, st := scanBytes(t, s.PassingLargeBinaries(1<<20), "disk.img", big); len(fs) != 0 || st.Skipped[SkipLargeBinary] != 1 {
		t.Errorf("large binary passed over: %d findings, skipped %v", len(fs), st.Skipped)
	}
}

// An archive arriving as a stream (a git blob) larger than what is held in
// memory is read as it streams when it is a tar or gzip, not skipped; a
// zip that large is named and makes the scan incomplete.
func TestLargeArchiveFromAStream(t *testing.T) {
	tok := gittest.FakeToken("stream")
	var tb bytes.Buffer
	tw := tar.NewWriter(&tb)
	body := strings.Repeat("# filler\n", 1000) + "GITHUB_TOKEN=" + tok + "\n"
	tw.WriteHeader(&tar.Header{Name: "bot/.env", Mode: 0o600, Size: int64(len(body)), Typeflag: tar.TypeReg})
	io.WriteString(tw, body)
	tw.Close()
	s := newScanner(t, Options{MaxArchiveInMemory: 1024})
	for _, name := range []string{"backup.tar", "backup.tar.gz"} {
		data := tb.Bytes()
		if name == "backup.tar.gz" {
			var gb bytes.Buffer
			gw := gzip.NewWriter(&gb)
			gw.Write(data)
			gw.Close()
			data = gb.Bytes()
		}
		var st detectors.Stats
		fs, err := s.NewReader().Scan(context.Background(), name, io.MultiReader(bytes.NewReader(data)), int64(len(data)), &st)
		if err != nil || len(fs) != 1 || fs[0].Path != name+"!bot/.env" || st.Incomplete {
			t.Errorf("%s (%d bytes) from a stream: err %v, findings %+v, warnings %v", name, len(data), err, fs, st.Warnings)
		}
	}
	big := zipOf(t, map[string]string{"bot/.env": alnum(9, 4096) + "\n" + body})
	var st detectors.Stats
	s.NewReader().Scan(context.Background(), "backup.zip", io.MultiReader(bytes.NewReader(big)), int64(len(big)), &st)
	if !st.Incomplete || len(st.Warnings) != 1 || st.Warnings[0].Path != "backup.zip" {
		t.Errorf("large zip from a stream: incomplete %v, warnings %v", st.Incomplete, st.Warnings)
	}
}
