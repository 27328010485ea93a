package archive_test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/keyward/scan/internal/archive"
)

type file struct {
	name, body string
	symlink    bool
}

func zipBytes(t *testing.T, files ...file) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		h := &zip.FileHeader{Name: f.name, Method: zip.Deflate}
		if f.symlink {
			h.SetMode(os.ModeSymlink | 0o777)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, f.body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func tarBytes(t *testing.T, files ...file) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range files {
		h := &tar.Header{Name: f.name, Mode: 0o600, Size: int64(len(f.body)), Typeflag: tar.TypeReg}
		if f.symlink {
			h = &tar.Header{Name: f.name, Linkname: f.body, Typeflag: tar.TypeSymlink}
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if !f.symlink {
			io.WriteString(tw, f.body)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gzBytes(t *testing.T, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(data)
	zw.Close()
	return buf.Bytes()
}

// walkFile writes data to a file in a temp dir (the archives are real files,
// as they are on a laptop) and walks it.
func walkFile(t *testing.T, name string, data []byte, lim archive.Limits) (map[string]string, []string) {
	got, ws := walkFileW(t, name, data, lim)
	var out []string
	for _, w := range ws {
		out = append(out, w.String())
	}
	return got, out
}

func walkFileW(t *testing.T, name string, data []byte, lim archive.Limits) (map[string]string, []archive.Warning) {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got := map[string]string{}
	warnings, err := archive.Walk(context.Background(), name, f, int64(len(data)), lim, func(m archive.Member, r io.Reader) error {
		if m.Archive != name {
			t.Errorf("%s: Archive = %q, want %q", m.Path, m.Archive, name)
		}
		b, err := io.ReadAll(r)
		if err != nil {
			return err
		}
		got[m.Path] += string(b)
		return nil
	})
	if err != nil {
		t.Fatalf("Walk: %v", err)
	}
	return got, warnings
}

const env = "BINANCE_API_KEY=abc\n"

func TestWalkFormats(t *testing.T) {
	inner := tarBytes(t, file{name: "bot/.env", body: env}, file{name: "bot/notes.txt", body: "hello"})
	tests := []struct {
		name string
		data []byte
		want map[string]string
	}{
		{"backup.zip", zipBytes(t, file{name: "bot/.env", body: env}, file{name: "bot/", body: ""}), map[string]string{"backup.zip!bot/.env": env}},
		{"backup.tar", inner, map[string]string{"backup.tar!bot/.env": env, "backup.tar!bot/notes.txt": "hello"}},
		{"backup.tar.gz", gzBytes(t, inner), map[string]string{"backup.tar.gz!bot/.env": env, "backup.tar.gz!bot/notes.txt": "hello"}},
		{"backup.tgz", gzBytes(t, inner), map[string]string{"backup.tgz!bot/.env": env, "backup.tgz!bot/notes.txt": "hello"}},
		{"history.gz", gzBytes(t, []byte(env)), map[string]string{"history.gz!history": env}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, warnings := walkFile(t, tc.name, tc.data, archive.Limits{})
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("members = %v, want %v", got, tc.want)
			}
			if len(warnings) > 0 {
				t.Errorf("warnings: %v", warnings)
			}
		})
	}
}

func TestWalkNested(t *testing.T) {
	tgz := gzBytes(t, tarBytes(t, file{name: "keys.json", body: `{"apiKey":"x"}`}))
	mid := zipBytes(t, file{name: "old/bot.tar.gz", body: string(tgz)}, file{name: "readme", body: "r"})
	outer := zipBytes(t, file{name: "home.zip", body: string(mid)})

	got, warnings := walkFile(t, "backup.zip", outer, archive.Limits{})
	want := map[string]string{
		"backup.zip!home.zip!old/bot.tar.gz!keys.json": `{"apiKey":"x"}`,
		"backup.zip!home.zip!readme":                   "r",
	}
	if !reflect.DeepEqual(got, want) || len(warnings) > 0 {
		t.Errorf("members = %v, warnings %v; want %v", got, warnings, want)
	}

	// One level less than needed: the innermost archive is reported, not opened.
	got, warnings = walkFile(t, "backup.zip", outer, archive.Limits{MaxDepth: 2})
	if _, ok := got["backup.zip!home.zip!readme"]; !ok || len(got) != 1 {
		t.Errorf("depth 2: members = %v", got)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "backup.zip!home.zip!old/bot.tar.gz: archive nested more than 2 deep") {
		t.Errorf("depth 2: warnings = %v", warnings)
	}
}

func TestWalkHostileNames(t *testing.T) {
	for _, name := range []string{"evil.zip", "evil.tar"} {
		t.Run(name, func(t *testing.T) {
			files := []file{
				{name: "../x", body: "up"},
				{name: "/etc/passwd", body: "abs"},
				{name: "a/../../y", body: "sneaky"},
				{name: "link", body: "/root/.ssh/id_rsa", symlink: true},
				{name: "ok.txt", body: "fine"},
			}
			data := zipBytes(t, files...)
			if name == "evil.tar" {
				data = tarBytes(t, files...)
			}
			got, warnings := walkFile(t, name, data, archive.Limits{})
			want := map[string]string{name + "!x": "up", name + "!etc/passwd": "abs", name + "!y": "sneaky", name + "!ok.txt": "fine"}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("members = %v, want %v (symlinks skipped, names kept inside)", got, want)
			}
			if len(warnings) != 3 {
				t.Errorf("want a warning per escaping name, got %v", warnings)
			}
		})
	}
}

func TestWalkRefusesBombs(t *testing.T) {
	zeros := make([]byte, 8<<20)
	lim := archive.Limits{MaxTotal: 64 << 20}
	tests := []struct {
		name string
		data []byte
	}{
		// Deflate shrinks zeros about 1000×: past the ratio, declared up front.
		{"bomb.zip", zipBytes(t, file{name: "a.txt", body: "fine"}, file{name: "zeros", body: string(zeros)})},
		// gzip declares nothing; the ratio is caught while inflating.
		{"bomb.gz", gzBytes(t, zeros)},
		{"bomb.tar.gz", gzBytes(t, tarBytes(t, file{name: "zeros", body: string(zeros)}))},
		// A nested bomb inside an innocent-looking outer archive.
		{"outer.tar", tarBytes(t, file{name: "inner.gz", body: string(gzBytes(t, zeros))})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, warnings := walkFileW(t, tc.name, tc.data, lim)
			for p, body := range got {
				if len(body) > 2<<20 {
					t.Errorf("%s: %d bytes handed over from a bomb", p, len(body))
				}
			}
			if len(warnings) != 1 || !warnings[0].Refused || !strings.Contains(warnings[0].Message, "decompression bomb") {
				t.Errorf("warnings = %v, want one bomb warning", warnings)
			}
		})
	}

	// Honest archives past the total budget are refused the same way.
	big := zipBytes(t, file{name: "a", body: strings.Repeat("0123456789abcdef", 1<<16)})
	_, warnings := walkFile(t, "big.zip", big, archive.Limits{MaxTotal: 1 << 19})
	if len(warnings) != 1 || !strings.Contains(warnings[0], "decompression bomb") {
		t.Errorf("total budget: warnings = %v", warnings)
	}
}

func TestWalkLimits(t *testing.T) {
	var files []file
	for i := 0; i < 20; i++ {
		files = append(files, file{name: string(rune('a'+i)) + ".txt", body: "x"})
	}
	got, warnings := walkFile(t, "many.tar", tarBytes(t, files...), archive.Limits{MaxMembers: 5})
	if len(got) != 5 || len(warnings) != 1 || !strings.Contains(warnings[0], "more than 5 members") {
		t.Errorf("members %d, warnings %v", len(got), warnings)
	}

	got, warnings = walkFile(t, "sizes.tar", tarBytes(t, file{name: "big", body: strings.Repeat("x", 2000)}, file{name: "small", body: "y"}), archive.Limits{MaxMemberSize: 1000})
	if !reflect.DeepEqual(got, map[string]string{"sizes.tar!small": "y"}) || len(warnings) != 1 {
		t.Errorf("members %v, warnings %v", got, warnings)
	}
}

func TestWalkCorrupt(t *testing.T) {
	for _, name := range []string{"broken.zip", "broken.tar.gz", "broken.gz"} {
		got, warnings := walkFile(t, name, []byte("this is not an archive at all, only text"), archive.Limits{})
		if len(got) != 0 || len(warnings) != 1 {
			t.Errorf("%s: members %v, warnings %v", name, got, warnings)
		}
	}
	// A corrupt inner archive costs only itself.
	outer := zipBytes(t, file{name: "inner.zip", body: "garbage"}, file{name: "ok.txt", body: "fine"})
	got, warnings := walkFile(t, "outer.zip", outer, archive.Limits{})
	if !reflect.DeepEqual(got, map[string]string{"outer.zip!ok.txt": "fine"}) || len(warnings) != 1 {
		t.Errorf("members %v, warnings %v", got, warnings)
	}
}

func TestWalkStops(t *testing.T) {
	data := tarBytes(t, file{name: "a", body: "1"}, file{name: "b", body: "2"})
	stop := errors.New("stop")
	var seen []string
	_, err := archive.Walk(context.Background(), "x.tar", bytes.NewReader(data), int64(len(data)), archive.Limits{}, func(m archive.Member, r io.Reader) error {
		seen = append(seen, m.Path)
		return stop
	})
	if !errors.Is(err, stop) || len(seen) != 1 {
		t.Errorf("err %v, seen %v", err, seen)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = archive.Walk(ctx, "x.tar", bytes.NewReader(data), int64(len(data)), archive.Limits{}, func(archive.Member, io.Reader) error { return nil })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled walk: err %v", err)
	}
}

func TestKind(t *testing.T) {
	got := map[string]string{}
	for _, n := range []string{"a.zip", "A.ZIP", "b.tar", "c.tar.gz", "d.tgz", "e.gz", "f.txt", "g.7z"} {
		got[n] = archive.Kind(n)
	}
	want := map[string]string{"a.zip": "zip", "A.ZIP": "zip", "b.tar": "tar", "c.tar.gz": "tar.gz", "d.tgz": "tar.gz", "e.gz": "gz", "f.txt": "", "g.7z": ""}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Kind = %v, want %v", got, want)
	}
}

// A name that is both a file and a directory ("a/b" and "a/b/c") makes
// the directory unreadable through zip's fs.FS; every member is still read,
// from the central directory, without a warning.
func TestWalkFileAndDirectoryOfOneName(t *testing.T) {
	data := zipBytes(t, file{name: "a/b", body: "file"}, file{name: "a/b/c", body: "nested"}, file{name: "top.txt", body: "top"})
	got, warnings := walkFile(t, "odd.zip", data, archive.Limits{})
	want := map[string]string{"odd.zip!a/b": "file", "odd.zip!a/b/c": "nested", "odd.zip!top.txt": "top"}
	if !reflect.DeepEqual(got, want) || len(warnings) != 0 {
		t.Errorf("members %v, warnings %v; want %v and no warning", got, warnings, want)
	}
}

// retype sets the type flag of the tar header at off (and, for GNU sparse,
// a one-extent sparse map: a hole of hole bytes, then size bytes of data),
// fixing the checksum.
func retype(data []byte, off int, flag byte, hole, size int) {
	h := data[off : off+512]
	h[156] = flag
	if flag == 'S' {
		copy(h[386:], fmt.Sprintf("%011o\x00%011o\x00", hole, size))
		copy(h[483:], fmt.Sprintf("%011o\x00", hole+size))
	}
	copy(h[148:156], "        ")
	sum := 0
	for _, c := range h {
		sum += int(c)
	}
	copy(h[148:], fmt.Sprintf("%06o\x00 ", sum))
}

// What an extractor gives its user is read, not only what looks ordinary.
func TestWalkReadsWhatExtractorsExtract(t *testing.T) {
	zipWith := func(build func(zw *zip.Writer)) []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		build(zw)
		zw.Close()
		return buf.Bytes()
	}
	add := func(zw *zip.Writer, h *zip.FileHeader, body string) {
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, body)
	}
	plain := zipBytes(t, file{name: "a.txt", body: "member"})
	gnuTar := func(flag byte) []byte {
		var buf bytes.Buffer
		tw := tar.NewWriter(&buf)
		tw.WriteHeader(&tar.Header{Name: "k.env", Mode: 0o600, Size: int64(len(env)), Typeflag: tar.TypeReg, Format: tar.FormatGNU})
		io.WriteString(tw, env)
		tw.Close()
		b := buf.Bytes()
		retype(b, 0, flag, 0, len(env))
		return b
	}
	var gzc bytes.Buffer
	gw := gzip.NewWriter(&gzc)
	gw.Comment = env
	gw.Write([]byte("hello"))
	gw.Close()
	truncated := zipBytes(t, file{name: "bot/.env", body: env}, file{name: "b.txt", body: "second"})
	truncated = truncated[:bytes.LastIndex(truncated, []byte("PK\x01\x02"))-40]
	noEnd := zipBytes(t, file{name: "bot/.env", body: env})
	noEnd = noEnd[:bytes.Index(noEnd, []byte("PK\x05\x06"))]

	tests := []struct {
		name string
		data []byte
		want map[string]string
	}{
		{"dup.zip", zipWith(func(zw *zip.Writer) {
			add(zw, &zip.FileHeader{Name: ".env", Method: zip.Deflate}, "decoy\n")
			add(zw, &zip.FileHeader{Name: ".env", Method: zip.Deflate}, env)
		}), map[string]string{"dup.zip!.env": "decoy\n" + env}},
		{"modes.zip", zipWith(func(zw *zip.Writer) {
			for i, m := range []os.FileMode{os.ModeNamedPipe, os.ModeDevice, os.ModeDevice | os.ModeCharDevice, os.ModeSocket} {
				h := &zip.FileHeader{Name: fmt.Sprintf("f%d", i), Method: zip.Deflate}
				h.SetMode(m | 0o644)
				add(zw, h, env)
			}
		}), map[string]string{"modes.zip!f0": env, "modes.zip!f1": env, "modes.zip!f2": env, "modes.zip!f3": env}},
		{"contiguous.tar", gnuTar('7'), map[string]string{"contiguous.tar!k.env": env}},
		{"vendor.tar", gnuTar('X'), map[string]string{"vendor.tar!k.env": env}},
		{"sparse.tar", gnuTar('S'), map[string]string{"sparse.tar!k.env": env}},
		{"sfx.zip", append([]byte("#!/bin/sh\n"+env), plain...), map[string]string{"sfx.zip!(before the archive)": "#!/bin/sh\n" + env, "sfx.zip!a.txt": "member"}},
		{"tail.zip", append(bytes.Clone(plain), env...), map[string]string{"tail.zip!(after the archive)": env, "tail.zip!a.txt": "member"}},
		{"comment.zip", zipWith(func(zw *zip.Writer) {
			add(zw, &zip.FileHeader{Name: "a.txt"}, "member")
			zw.SetComment(env)
		}), map[string]string{"comment.zip!(zip comment)": env, "comment.zip!a.txt": "member"}},
		{"marker.tar", append(tarBytes(t, file{name: "a.txt", body: "member"}), env...), map[string]string{"marker.tar!(after the end marker)": env, "marker.tar!a.txt": "member"}},
		{"notes.gz", gzc.Bytes(), map[string]string{"notes.gz!(gzip comment)": env, "notes.gz!notes": "hello"}},
		{"two.gz", append(gzBytes(t, []byte("one\n")), gzBytes(t, []byte(env))...), map[string]string{"two.gz!two": "one\n" + env}},
		{"garbage.gz", append(gzBytes(t, []byte("one\n")), env...), map[string]string{"garbage.gz!garbage": "one\n", "garbage.gz!(after the gzip stream)": env}},
		{"garbage.tar.gz", append(gzBytes(t, tarBytes(t, file{name: "a.txt", body: "member"})), env...), map[string]string{"garbage.tar.gz!a.txt": "member", "garbage.tar.gz!(after the gzip stream)": env}},
		{"cut.zip", truncated, map[string]string{"cut.zip!bot/.env": env, "cut.zip!b.txt": "second"}},
		{"noend.zip", noEnd, map[string]string{"noend.zip!bot/.env": env}},
		{"windows.zip", zipBytes(t, file{name: "bot\\config\\.env", body: env}), map[string]string{"windows.zip!bot/config/.env": env}},
	}
	for _, tt := range tests {
		got, warnings := walkFileW(t, tt.name, tt.data, archive.Limits{})
		// dup.zip's two members share a path: keep both bodies.
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: members %q, want %q", tt.name, got, tt.want)
		}
		for _, w := range warnings {
			if w.Kind != archive.Recovered {
				t.Errorf("%s: warning %v", tt.name, w)
			}
		}
	}
}

// No default member size: a member larger than the old 64 MiB limit is
// streamed, not skipped; a chosen limit skips with a TooLarge warning; a
// nested zip too large to hold is NotHeld, by kind, not by its wording.
func TestWalkMemberSizes(t *testing.T) {
	big := strings.Repeat("0123456789abcdef\n", 4<<20) // 68 MiB, stored in a tar
	data := tarBytes(t, file{name: "dump.sql", body: big + env})
	got, warnings := walkFileW(t, "big.tar", data, archive.Limits{MaxTotal: 1 << 30})
	if len(got["big.tar!dump.sql"]) != len(big)+len(env) || len(warnings) != 0 {
		t.Errorf("big member: %d bytes read, warnings %v", len(got["big.tar!dump.sql"]), warnings)
	}
	_, warnings = walkFileW(t, "big.tar", data, archive.Limits{MaxMemberSize: 1 << 20})
	if len(warnings) != 1 || warnings[0].Kind != archive.TooLarge {
		t.Errorf("chosen limit: warnings %v", warnings)
	}
	inner := zipBytes(t, file{name: "a", body: strings.Repeat("x", 4096)})
	_, warnings = walkFileW(t, "outer.tar", tarBytes(t, file{name: "in.zip", body: string(inner)}), archive.Limits{MaxInMemory: 32})
	if len(warnings) != 1 || warnings[0].Kind != archive.NotHeld {
		t.Errorf("nested zip past memory: warnings %v", warnings)
	}
}

// A sparse member's holes expand to zeros: a plain tar that stores a few
// bytes of a 256 MiB sparse file is refused as a bomb, not read to its end.
func TestWalkSparseHoleIsBounded(t *testing.T) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tw.WriteHeader(&tar.Header{Name: "disk.img", Mode: 0o600, Size: int64(len(env)), Typeflag: tar.TypeReg, Format: tar.FormatGNU})
	io.WriteString(tw, env)
	tw.Close()
	data := buf.Bytes()
	retype(data, 0, 'S', 256<<20, len(env))
	p := filepath.Join(t.TempDir(), "backup.tar")
	os.WriteFile(p, data, 0o600)
	f, _ := os.Open(p)
	defer f.Close()
	read := 0
	warnings, _ := archive.Walk(context.Background(), "backup.tar", f, int64(len(data)), archive.Limits{}, func(m archive.Member, r io.Reader) error {
		n, _ := io.Copy(io.Discard, r)
		read += int(n)
		return nil
	})
	if read > 16<<20 || len(warnings) != 1 || warnings[0].Kind != archive.Bomb {
		t.Errorf("read %d bytes of a sparse hole, warnings %v", read, warnings)
	}
}
