package walk

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/content"
	"github.com/keyward/scan/internal/content/contenttest"
	"github.com/keyward/scan/internal/engine"
	"github.com/keyward/scan/internal/scanopt"
)

// A GitHub token shape the default rules find; built at run time so this
// file holds no literal secret.
var token = "ghp_" + "R8bmXJ1yPq0Tz4WcV6nKdE2sLhA9uF3oGi7N"

func newEngine(t testing.TB) *engine.Engine { return contenttest.Engine(t) }

func write(t *testing.T, dir, rel, content string) string {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func scan(t *testing.T, opt Options) ([]detectors.Finding, detectors.Stats) {
	t.Helper()
	return scanWith(t, opt, content.Options{})
}

func scanWith(t *testing.T, opt Options, copt content.Options) ([]detectors.Finding, detectors.Stats) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	fs, st, err := Scan(ctx, content.New(newEngine(t), copt), opt)
	if err != nil {
		t.Fatal(err)
	}
	// The pipeline sorts; the walk hands findings over in the order its
	// workers finish.
	sort.Slice(fs, func(i, j int) bool { return detectors.Less(&fs[i], &fs[j]) })
	return fs, st
}

func paths(fs []detectors.Finding) string {
	var p []string
	for _, f := range fs {
		p = append(p, f.Path)
	}
	return strings.Join(p, ",")
}

func TestScanFindsAndSkips(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, ".env", "GITHUB_TOKEN="+token+"\n")
	write(t, dir, "crlf.env", "A=1\r\nGITHUB_TOKEN="+token+"\r\n")
	write(t, dir, "sub/empty.txt", "")
	write(t, dir, "bin/blob.bin", "GITHUB_TOKEN="+token+"\x00\x01")
	write(t, dir, "img/logo.png", "GITHUB_TOKEN="+token) // a name is a claim; the bytes are text
	write(t, dir, "img/real.png", "\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x01\x00GITHUB_TOKEN="+token)
	write(t, dir, "latin1.txt", "caf\xe9 GITHUB_TOKEN="+token+"\n")
	write(t, dir, ".git/config", "[remote \"origin\"]\n\turl = https://x-access-token:"+token+"@github.com/o/r.git\n")
	write(t, dir, ".git/objects/ab/cdef", "GITHUB_TOKEN="+token+"\n")
	fs, st := scanWith(t, Options{Roots: []string{dir}}, content.Options{MaxFileSize: 1 << 20})
	// A file that is mostly text is scanned even with a NUL in it; the
	// repository's config is read as a file, its object store is not.
	if got, want := paths(fs), ".env,.git/config,bin/blob.bin,crlf.env,img/logo.png,latin1.txt"; got != want {
		t.Errorf("findings in %s, want %s", got, want)
	}
	for _, f := range fs {
		if f.Path == "crlf.env" && (f.StartLine != 2 || f.StartColumn != 14) {
			t.Errorf("crlf: at %d:%d, want 2:14", f.StartLine, f.StartColumn)
		}
	}
	if st.Skipped["binary"] != 1 || st.Skipped["empty"] != 1 {
		t.Errorf("skipped %v", st.Skipped)
	}
	if st.Incomplete || len(st.Warnings) != 0 {
		t.Errorf("scan marked incomplete or warned: %v", st.Warnings)
	}
	// Latin-1 is normal: counted, named only at --verbose.
	if st.Noted["not valid UTF-8"] != 1 || st.Noted["stray NUL bytes"] != 1 || len(st.Notes) != 3 || !strings.Contains(st.Notes[2], "latin1.txt") {
		t.Errorf("notes %v %v", st.Noted, st.Notes)
	}
}

func TestScanMissingRoot(t *testing.T) {
	_, _, err := Scan(context.Background(), content.New(newEngine(t), content.Options{}), Options{Roots: []string{filepath.Join(t.TempDir(), "nope")}})
	if err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Fatalf("err = %v, want no such file", err)
	}
}

func TestScanSeveralRootsAndFiles(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	write(t, a, "x.env", "GITHUB_TOKEN="+token+"\n")
	f := write(t, b, "y.env", "GITHUB_TOKEN="+token+"\n")
	fs, _ := scan(t, Options{Roots: []string{a, f}})
	if len(fs) != 2 {
		t.Fatalf("got %d findings (%s), want one per root", len(fs), paths(fs))
	}
	// Several roots: each path keeps its root so the user can tell them apart.
	for _, f := range fs {
		if !strings.HasPrefix(f.Path, filepath.ToSlash(a)) && !strings.HasSuffix(f.Path, "y.env") {
			t.Errorf("path %s does not name its root", f.Path)
		}
	}
}

func TestScanUnreadableFileMakesScanIncomplete(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads every file")
	}
	dir := t.TempDir()
	p := write(t, dir, "locked.env", "GITHUB_TOKEN="+token+"\n")
	write(t, dir, "open.env", "GITHUB_TOKEN="+token+"\n")
	if err := os.Chmod(p, 0); err != nil {
		t.Fatal(err)
	}
	fs, st := scan(t, Options{Roots: []string{dir}})
	if len(fs) != 1 || !st.Incomplete || st.Skipped["unreadable"] != 1 {
		t.Errorf("findings %s, stats %+v", paths(fs), st)
	}
}

func TestScanSymlinks(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "real/k.env", "GITHUB_TOKEN="+token+"\n")
	if err := os.Symlink(filepath.Join(dir, "real"), filepath.Join(dir, "link")); err != nil {
		t.Skip(err)
	}
	// A loop: real/loop -> real.
	if err := os.Symlink(filepath.Join(dir, "real"), filepath.Join(dir, "real", "loop")); err != nil {
		t.Fatal(err)
	}
	fs, st := scan(t, Options{Roots: []string{dir}})
	if len(fs) != 1 || st.Skipped["symlink"] != 2 {
		t.Errorf("not following: findings %s, skipped %v", paths(fs), st.Skipped)
	}
	fs, st = scan(t, Options{Roots: []string{dir}, FollowSymlinks: true})
	if len(fs) != 1 || st.Skipped["symlink loop"] == 0 {
		t.Errorf("following: findings %s, skipped %v", paths(fs), st.Skipped)
	}
}

// --follow-symlinks reads a file through a symlink to it, where it stands:
// the walk once checked the link's own type (lstat), not the file's, and
// passed every such file over as "not a regular file".
func TestScanFollowsSymlinksToFiles(t *testing.T) {
	dir := t.TempDir()
	target := write(t, dir, "elsewhere/k.env", "GITHUB_TOKEN="+token+"\n")
	root := filepath.Join(dir, "root")
	if err := os.Mkdir(root, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(root, "linked.env")); err != nil {
		t.Skip(err)
	}
	fs, st := scan(t, Options{Roots: []string{root}})
	if len(fs) != 0 || st.Skipped["symlink"] != 1 {
		t.Errorf("not following: findings %s, skipped %v", paths(fs), st.Skipped)
	}
	fs, st = scan(t, Options{Roots: []string{root}, FollowSymlinks: true})
	if paths(fs) != "linked.env" || len(st.Skipped) != 0 {
		t.Errorf("following: findings %q, want linked.env; skipped %v", paths(fs), st.Skipped)
	}
}

func TestScanFIFOIsSkippedNotRead(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o644); err != nil {
		t.Skip(err)
	}
	write(t, dir, "k.env", "GITHUB_TOKEN="+token+"\n")
	fs, st := scan(t, Options{Roots: []string{dir}})
	if len(fs) != 1 || st.Skipped["not a regular file"] != 1 {
		t.Errorf("findings %s, skipped %v", paths(fs), st.Skipped)
	}
}

func TestScanTooLarge(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "big.env", strings.Repeat("x", 2048)+"\nGITHUB_TOKEN="+token+"\n")
	fs, st := scanWith(t, Options{Roots: []string{dir}}, content.Options{MaxFileSize: 1024})
	if len(fs) != 0 || st.Skipped["too large"] != 1 || len(st.Warnings) != 1 || !strings.Contains(st.Warnings[0].String(), "big.env") {
		t.Errorf("findings %s, stats %+v", paths(fs), st)
	}
}

// A secret on a chunk boundary is found once, with its true position.
func TestScanChunkBoundaries(t *testing.T) {
	dir := t.TempDir()
	const chunk = 4 * content.Overlap
	var b strings.Builder
	lines := 0
	for b.Len() < chunk-20 {
		b.WriteString("filler line of text\n")
		lines++
	}
	b.WriteString("GITHUB_TOKEN=" + token + "\n")
	for b.Len() < 3*chunk {
		b.WriteString("filler line of text\n")
	}
	b.WriteString("tail GITHUB_TOKEN=" + token + "\n")
	write(t, dir, "long.env", b.String())
	fs, _ := scanWith(t, Options{Roots: []string{dir}}, content.Options{ChunkSize: chunk})
	if len(fs) != 2 {
		t.Fatalf("got %d findings, want 2", len(fs))
	}
	if fs[0].StartLine != lines+1 || fs[0].StartColumn != 14 {
		t.Errorf("first at %d:%d, want %d:14", fs[0].StartLine, fs[0].StartColumn, lines+1)
	}
}

// A huge single line (minified code) is scanned in bounded chunks, with
// columns counted across chunks.
func TestScanHugeSingleLine(t *testing.T) {
	dir := t.TempDir()
	filler := strings.Repeat("function(a){return a+1};", (3<<20)/24)
	write(t, dir, "app.min.js", filler+"var t='"+token+"';")
	fs, _ := scanWith(t, Options{Roots: []string{dir}}, content.Options{ChunkSize: 1 << 20})
	if len(fs) != 1 {
		t.Fatalf("got %d findings, want 1", len(fs))
	}
	if want := len(filler) + len("var t='") + 1; fs[0].StartLine != 1 || fs[0].StartColumn != want {
		t.Errorf("at %d:%d, want 1:%d", fs[0].StartLine, fs[0].StartColumn, want)
	}
}

func TestScanIgnoreFiles(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, ".keywardignore", "vendor/\n*.log\n")
	write(t, dir, ".gitignore", ".env\n")
	write(t, dir, "vendor/x.env", "GITHUB_TOKEN="+token+"\n")
	write(t, dir, "app.log", "GITHUB_TOKEN="+token+"\n")
	write(t, dir, ".env", "GITHUB_TOKEN="+token+"\n")
	fs, _ := scan(t, Options{Roots: []string{dir}})
	if got := paths(fs); got != ".env" {
		t.Errorf("default: findings in %q, want .env (gitignored files are scanned by default)", got)
	}
	fs, _ = scan(t, Options{Roots: []string{dir}, RespectGitignore: true})
	if got := paths(fs); got != "" {
		t.Errorf("--respect-gitignore: findings in %q, want none", got)
	}
	fs, _ = scan(t, Options{Roots: []string{dir}, Common: scanopt.Common{Keep: func(p string) bool { return !strings.HasSuffix(p, ".env") }}})
	if got := paths(fs); got != "" {
		t.Errorf("keep filter: findings in %q", got)
	}
}

// Parallel workers find the same findings on every run.
func TestScanIsDeterministic(t *testing.T) {
	dir := t.TempDir()
	for i := 0; i < 40; i++ {
		write(t, dir, filepath.Join("d", string(rune('a'+i%26))+string(rune('a'+i/26))+".env"), "GITHUB_TOKEN="+token+"\n")
	}
	first, _ := scan(t, Options{Roots: []string{dir}, Common: scanopt.Common{Threads: 4}})
	for i := 0; i < 5; i++ {
		again, _ := scan(t, Options{Roots: []string{dir}, Common: scanopt.Common{Threads: 4}})
		if paths(again) != paths(first) {
			t.Fatalf("findings changed between runs")
		}
	}
}

// The token actions/checkout leaves in .git/config expires with the job;
// a personal token in a remote URL does not.
func TestGitConfigTokens(t *testing.T) {
	dir := t.TempDir()
	job := "ghs_" + "Qm4xT9bLr2VcZ8nWp6JdK1sYh3FaE7uGo5Ni"
	basic := base64.StdEncoding.EncodeToString([]byte("x-access-token:" + job))
	write(t, dir, "ci/.git/config", "[http \"https://github.com/\"]\n\textraheader = AUTHORIZATION: basic "+basic+"\n")
	write(t, dir, "laptop/.git/config", "[remote \"origin\"]\n\turl = https://dev:"+token+"@github.com/o/r.git\n")
	fs, _ := scan(t, Options{Roots: []string{dir}})
	sev := map[string]detectors.Severity{}
	for _, f := range fs {
		sev[f.Path] = f.Severity
	}
	if sev["ci/.git/config"] != detectors.Info || sev["laptop/.git/config"] < detectors.High {
		t.Errorf("severities %v: want the job token info and the personal token high", sev)
	}
}

// A FIFO where an ignore file should be does not hang the walk.
func TestFIFOIgnoreFileDoesNotHang(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, ".keywardignore"), 0o644); err != nil {
		t.Skip(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, ".gitignore"), 0o644); err != nil {
		t.Skip(err)
	}
	write(t, dir, "k.env", "GITHUB_TOKEN="+token+"\n")
	fs, st := scan(t, Options{Roots: []string{dir}, RespectGitignore: true})
	if len(fs) != 1 || len(st.Warnings) != 2 {
		t.Errorf("findings %s, warnings %v", paths(fs), st.Warnings)
	}
}

// Ctrl-C: what was found so far comes back, marked interrupted.
func TestCancelledWalkIsInterrupted(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "k.env", "GITHUB_TOKEN="+token+"\n")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, st, err := Scan(ctx, content.New(newEngine(t), content.Options{}), Options{Roots: []string{dir}})
	if err != nil || !st.Interrupted || !st.Incomplete {
		t.Errorf("err %v, stats %+v", err, st)
	}
}

// Standard input and a pipe named on the command line are read to their
// end as one file, as cat reads them: `... | scan dir -` and
// `scan dir /dev/stdin` must not pass with nothing read.
func TestStreamRoots(t *testing.T) {
	body := "# piped\nGITHUB_TOKEN=" + token + "\n"
	fs, st := scan(t, Options{Roots: []string{"-"}, Stdin: strings.NewReader(body)})
	if paths(fs) != "stdin" || fs[0].StartLine != 2 || st.Files != 1 || st.Incomplete {
		t.Errorf("stdin: findings %s, %d files, incomplete %v", paths(fs), st.Files, st.Incomplete)
	}

	fifo := filepath.Join(t.TempDir(), "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	go func() {
		f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		f.WriteString(body)
		f.Close()
	}()
	fs, st = scan(t, Options{Roots: []string{fifo}})
	if paths(fs) != "pipe" || st.Incomplete {
		t.Errorf("named pipe root: findings %s, incomplete %v, skipped %v", paths(fs), st.Incomplete, st.Skipped)
	}

	// A device named as a root is not read, and the scan says so.
	_, st = scan(t, Options{Roots: []string{os.DevNull}})
	if !st.Incomplete || len(st.Warnings) != 1 {
		t.Errorf("device root: incomplete %v, warnings %v", st.Incomplete, st.Warnings)
	}
}
