package home

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/keyward/scan/internal/scanopt"
	"github.com/keyward/scan/internal/walk"
)

// -homesize sets the size of the synthetic home the benchmark audits. The
// default keeps `go test -bench` quick; the number quoted in the notes uses
// -homesize=2GiB's worth of bytes (2147483648).
var homeSize = flag.Int64("homesize", 64<<20, "bytes of synthetic home for BenchmarkAudit")

// synthHome writes a home of about size bytes shaped like a developer's
// laptop: many small dotfiles and project files (10%), archives of them
// (5%), a deep node_modules tree (30%, skipped by the audit) and a few
// large binaries (55%: disk images, databases). It returns the bytes
// written.
func synthHome(t testing.TB, dir string, size int64) int64 {
	f := newFixture(t, dir)
	rnd := f.rnd
	var total int64
	// Lines as code and configs are written: identifiers, punctuation,
	// numbers and a little prose, not a soup of bare words (which is the
	// seed-phrase finder's worst case and no home's content).
	idents := strings.Fields("config host port user name value timeout retries path file data list items key id " +
		"handler request response client server cache logger options params result error count index buffer")
	lines := []string{
		"const %s = require('./%s');", "  if (%s.length > %d) { return %s; }", "def %s(%s, %s=%d):",
		"    %s = %s.get('%s', %d)", "%s: %d", "  %s: \"%s-%d\"", "\"%s\": {\"%s\": %d},",
		"import { %s } from '../%s/%s';", "// TODO(%s): handle %s when %s is %d", "%s = os.environ.get(\"%s\")",
		"The %s is read from the %s before the %s starts (%d).", "    for %s in range(%d): %s.append(%s)",
	}
	verbs := regexp.MustCompile(`%[sd]`)
	text := func(n int) string {
		var b strings.Builder
		for b.Len() < n {
			tpl := lines[rnd.IntN(len(lines))]
			var args []any
			for _, v := range verbs.FindAllString(tpl, -1) {
				if v == "%d" {
					args = append(args, rnd.IntN(1000))
				} else {
					args = append(args, idents[rnd.IntN(len(idents))])
				}
			}
			b.WriteString(fmt.Sprintf(tpl, args...))
			b.WriteString("\n")
		}
		return b.String()
	}
	put := func(rel, body string) {
		f.write(rel, 0o644, body)
		total += int64(len(body))
	}

	// Small files, a secret in one of every 200.
	small := size / 10
	for i := 0; int64(i)*4096 < small; i++ {
		body := text(1024 + rnd.IntN(6144))
		if i%200 == 0 {
			body += "\n" + f.binance()
		}
		put(fmt.Sprintf("projects/p%03d/src/mod%02d/file%04d.%s", i/400, i/40%10, i, []string{"js", "py", "go", "yml", "json", "md"}[i%6]), body)
		if i%50 == 0 {
			put(fmt.Sprintf(".config/app%03d/settings.conf", i/50), text(512))
		}
	}
	// Archives of project files.
	for i := int64(0); i*(4<<20) < size/20; i++ {
		files := map[string]string{}
		for j := 0; j < 64; j++ {
			files[fmt.Sprintf("backup/f%02d.txt", j)] = text(64 << 10)
		}
		files["backup/.env"] = f.binance()
		body := string(zipOf(t, files))
		put(fmt.Sprintf("Backups/backup-%02d.zip", i), body)
	}
	// A deep node_modules, skipped by the audit, read by scan dir.
	nm := size * 3 / 10
	var nmBytes int64
	for i := 0; nmBytes < nm; i++ {
		body := text(8192 + rnd.IntN(16384))
		rel := fmt.Sprintf("projects/web/node_modules/pkg%03d/node_modules/dep%02d/lib/sub/file%04d.js", i/200, i/20%10, i)
		put(rel, body)
		nmBytes += int64(len(body))
	}
	// A few large binaries.
	bin := size - total
	for i := 0; bin > 0; i++ {
		n := min(bin, 256<<20)
		p := filepath.Join(dir, fmt.Sprintf("VMs/disk%d.img", i))
		os.MkdirAll(filepath.Dir(p), 0o755)
		fh, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 1<<20)
		src := rand.NewChaCha8([32]byte{byte(i)})
		for w := int64(0); w < n; w += int64(len(buf)) {
			src.Read(buf)
			fh.Write(buf[:min(int64(len(buf)), n-w)])
		}
		fh.Close()
		total += n
		bin -= n
	}
	return total
}

// BenchmarkAudit compares the audit with a plain directory scan of the same
// synthetic home; MB/s is per byte of the home, so the two are comparable.
func BenchmarkAudit(b *testing.B) {
	dir := b.TempDir()
	size := synthHome(b, dir, *homeSize)
	sc := newScanner(b)
	b.Run("home", func(b *testing.B) {
		b.SetBytes(size)
		for i := 0; i < b.N; i++ {
			res, err := Scan(context.Background(), sc, Options{Root: dir, Common: scanopt.Common{Threads: 2}})
			if err != nil || len(res.Findings) == 0 {
				b.Fatal(err, len(res.Findings))
			}
		}
	})
	b.Run("dir", func(b *testing.B) {
		b.SetBytes(size)
		for i := 0; i < b.N; i++ {
			fs, _, err := walk.Scan(context.Background(), sc, walk.Options{Roots: []string{dir}, Common: scanopt.Common{Threads: 2}})
			if err != nil || len(fs) == 0 {
				b.Fatal(err, len(fs))
			}
		}
	})
}

// TestWriteSynthHome writes the benchmark's home to $KEYWARD_SYNTH_HOME
// (size from -homesize) for whole-process timing; it does nothing otherwise.
func TestWriteSynthHome(t *testing.T) {
	dir := os.Getenv("KEYWARD_SYNTH_HOME")
	if dir == "" {
		t.Skip("KEYWARD_SYNTH_HOME not set")
	}
	fmt.Println("wrote", synthHome(t, dir, *homeSize), "bytes")
}
