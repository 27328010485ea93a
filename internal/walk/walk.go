// Package walk is the directory source: it finds the files under one or more
// roots, reads them in bounded chunks and hands each chunk to the engine.
//
// It never follows a symlink unless asked (and then never twice into the same
// directory), never blocks on a FIFO or device, and turns every file it
// cannot read into a counted warning rather than an error: one unreadable
// file must not hide the secrets in all the others, but it does make the
// scan incomplete.
package walk

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/engine"
)

// Options configure a walk.
type Options struct {
	Roots []string
	// Keep reports whether a relative path is to be scanned (include and
	// exclude globs); nil keeps everything.
	Keep             func(rel string) bool
	MaxFileSize      int64
	Threads          int
	FollowSymlinks   bool
	RespectGitignore bool
	// ChunkSize bounds how much of one file is in memory at once; larger
	// files are read in overlapping chunks. Zero means 8 MiB.
	ChunkSize int
}

// overlap is how much of the end of one chunk is scanned again at the start
// of the next, so a secret on a chunk boundary is found whole. It must
// exceed the longest secret and multi-line window.
const overlap = 64 << 10

// ErrNoSuchRoot reports a root that does not exist.
var ErrNoSuchRoot = errors.New("no such file or directory")

type job struct {
	abs, rel string
	info     fs.FileInfo
}

// Scan walks the roots and returns every finding, sorted, with statistics.
// The error is non-nil only when the scan could not start (a missing root)
// or was cancelled.
func Scan(ctx context.Context, eng *engine.Engine, opt Options) ([]detectors.Finding, detectors.Stats, error) {
	if opt.Threads <= 0 {
		opt.Threads = runtime.NumCPU()
	}
	if opt.ChunkSize <= 0 {
		opt.ChunkSize = 8 << 20
	}
	if opt.ChunkSize <= 2*overlap {
		opt.ChunkSize = 4 * overlap
	}
	roots, err := checkRoots(opt.Roots)
	if err != nil {
		return nil, detectors.Stats{}, err
	}

	jobs := make(chan job, 256)
	type result struct {
		findings []detectors.Finding
		stats    detectors.Stats
	}
	results := make([]result, opt.Threads)
	var wg sync.WaitGroup
	for w := 0; w < opt.Threads; w++ {
		wg.Add(1)
		go func(r *result) {
			defer wg.Done()
			s := scanner{eng: eng, opt: &opt, buf: make([]byte, 0, 64<<10)}
			for j := range jobs {
				if ctx.Err() != nil {
					continue
				}
				r.findings = append(r.findings, s.file(j, &r.stats)...)
			}
		}(&results[w])
	}

	var walkStats detectors.Stats
	for _, root := range roots {
		if ctx.Err() != nil {
			break
		}
		w := walker{opt: &opt, root: root, jobs: jobs, stats: &walkStats, ctx: ctx, visited: map[fileID]bool{}}
		w.run()
	}
	close(jobs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, walkStats, err
	}

	var all []detectors.Finding
	stats := walkStats
	for i := range results {
		all = append(all, results[i].findings...)
		stats.Merge(results[i].stats)
	}
	sort.Slice(all, func(i, j int) bool { return detectors.Less(&all[i], &all[j]) })
	sort.Strings(stats.Warnings)
	return all, stats, nil
}

type root struct {
	abs     string
	display string // prefix for relative paths ("" for a single directory root)
	isDir   bool
}

func checkRoots(paths []string) ([]root, error) {
	if len(paths) == 0 {
		paths = []string{"."}
	}
	var out []root
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("%s: %w", p, ErrNoSuchRoot)
			}
			return nil, fmt.Errorf("scan root %s: %w", p, err)
		}
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, fmt.Errorf("scan root %s: %w", p, err)
		}
		r := root{abs: abs, isDir: info.IsDir()}
		switch {
		case len(paths) > 1:
			r.display = filepath.ToSlash(filepath.Clean(p))
		case !r.isDir:
			r.display = filepath.Base(p)
		}
		out = append(out, r)
	}
	return out, nil
}

// scanner reads files for one worker; its buffer is reused across files.
type scanner struct {
	eng *engine.Engine
	opt *Options
	buf []byte
}

func (s *scanner) file(j job, st *detectors.Stats) []detectors.Finding {
	if j.info.Size() > s.opt.MaxFileSize && s.opt.MaxFileSize > 0 {
		st.Skip("too large")
		return nil
	}
	if binaryExtension(j.rel) {
		st.Skip("binary")
		return nil
	}
	f, err := os.Open(j.abs)
	if err != nil {
		st.Skip("unreadable")
		st.Warnings = append(st.Warnings, fmt.Sprintf("%s: cannot read: %v", j.rel, unwrapPath(err)))
		st.Incomplete = true
		return nil
	}
	defer f.Close()
	// The size may have changed since the walk; the reader below is
	// bounded by the limit either way.
	limit := s.opt.MaxFileSize
	if limit <= 0 {
		limit = 1 << 62
	}
	r := io.LimitReader(f, limit+1)

	var out []detectors.Finding
	var offset int64
	line, col := 1, 1
	first := true
	s.buf = s.buf[:0]
	for {
		n, err := readFull(r, &s.buf, s.opt.ChunkSize)
		if err != nil {
			st.Skip("unreadable")
			st.Warnings = append(st.Warnings, fmt.Sprintf("%s: read failed: %v", j.rel, unwrapPath(err)))
			st.Incomplete = true
			return out
		}
		data := s.buf[:n]
		if first {
			first = false
			if n == 0 {
				st.Skip("empty")
				return nil
			}
			if engine.IsBinary(data) {
				if v, ok := walletDat(j.rel, data); ok {
					st.Files++
					st.Bytes += j.info.Size()
					return []detectors.Finding{walletDatFinding(j.rel, v)}
				}
				st.Skip("binary")
				return nil
			}
			st.Files++
			if !utf8.Valid(data[:min(len(data), 64<<10)]) {
				st.Warnings = append(st.Warnings, fmt.Sprintf("%s: not valid UTF-8; scanned as bytes", j.rel))
			}
		}
		if offset+int64(n) > limit {
			st.Skip("too large")
			st.Warnings = append(st.Warnings, fmt.Sprintf("%s: grew past --max-file-size while being read; only the first part was scanned", j.rel))
			st.Incomplete = true
			data = data[:limit-offset]
		}
		st.Bytes += int64(len(data))
		last := len(data) < s.opt.ChunkSize
		fs := s.eng.Scan(engine.Chunk{Path: j.rel, Data: data, Line: line, Column: col, Offset: offset})
		// Findings that start in the overlap belong to the next chunk,
		// which sees them whole.
		keepBelow := offset + int64(len(data)) - overlap
		for _, f := range fs {
			if last || f.Offset < keepBelow {
				out = append(out, f)
			}
		}
		if last {
			return out
		}
		// Carry the overlap into the next chunk and advance the position.
		adv := len(data) - overlap
		line, col = advance(data[:adv], line, col)
		offset += int64(adv)
		copy(s.buf, data[adv:])
		s.buf = s.buf[:overlap]
	}
}

// readFull fills *buf up to size bytes (keeping what is already in it) and
// returns the number of bytes now held.
func readFull(r io.Reader, buf *[]byte, size int) (int, error) {
	if cap(*buf) < size {
		nb := make([]byte, len(*buf), size)
		copy(nb, *buf)
		*buf = nb
	}
	b := (*buf)[:size]
	n := len(*buf)
	for n < size {
		m, err := r.Read(b[n:])
		n += m
		if err == io.EOF {
			break
		}
		if err != nil {
			return n, err
		}
	}
	*buf = b[:n]
	return n, nil
}

func advance(data []byte, line, col int) (int, int) {
	nl := bytes.Count(data, []byte{'\n'})
	if nl == 0 {
		return line, col + utf8.RuneCount(data)
	}
	i := bytes.LastIndexByte(data, '\n')
	return line + nl, 1 + utf8.RuneCount(data[i+1:])
}

var binaryExt = map[string]bool{
	".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".bmp": true, ".ico": true, ".webp": true, ".tiff": true,
	".zip": true, ".gz": true, ".tgz": true, ".bz2": true, ".xz": true, ".zst": true, ".7z": true, ".rar": true, ".tar": true,
	".pdf": true, ".exe": true, ".dll": true, ".so": true, ".dylib": true, ".a": true, ".o": true, ".class": true, ".jar": true,
	".woff": true, ".woff2": true, ".ttf": true, ".otf": true, ".eot": true, ".mp3": true, ".mp4": true, ".mov": true,
	".avi": true, ".wav": true, ".ogg": true, ".flac": true, ".pyc": true, ".wasm": true, ".parquet": true, ".sqlite": true,
}

func binaryExtension(rel string) bool {
	return binaryExt[strings.ToLower(path.Ext(rel))]
}

// walletDat recognises Bitcoin Core wallets among binary files, the one kind
// of binary file that is itself a secret.
func walletDat(rel string, data []byte) (detectors.Verdict, bool) {
	if !strings.HasSuffix(strings.ToLower(rel), ".dat") {
		return detectors.Verdict{}, false
	}
	return detectors.ClassifyWalletDat(data[:min(len(data), 4096)], data)
}

func walletDatFinding(rel string, v detectors.Verdict) detectors.Finding {
	r := detectors.WalletDatRule()
	sev := r.Severity
	if v.Severity != detectors.SeverityUnset {
		sev = v.Severity
	}
	f := detectors.Finding{
		RuleID:      r.ID,
		Title:       r.Title,
		Severity:    sev,
		Service:     r.Service,
		Location:    detectors.Location{Path: rel, StartLine: 1, StartColumn: 1, EndLine: 1, EndColumn: 2},
		Secret:      rel,
		Fingerprint: detectors.Fingerprint(r.ID, rel),
		Advice:      r.Advice,
	}
	if v.Note != "" {
		f.Notes = []string{v.Note}
	}
	return f
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
