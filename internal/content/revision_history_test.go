package content

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/gittest"
)

// TestScanRevisionOnRealHistory replays a real repository's history: for
// each change of a file (old blob → new blob at one path, from git log
// --raw), it reads the new blob as a revision of the old with copies from
// the test's matcher and compares with a whole scan. It runs only when
// KEYWARD_REVISION_REPO names a git directory (a bare mirror will do);
// KEYWARD_REVISION_PAIRS bounds the pairs (default 3000, sampled across
// the history with a fixed seed; 0 for all). The base's reach comes from
// its scan (Revision.BaseReach) unless KEYWARD_REVISION_SCAN_BASE is set.
//
//	KEYWARD_REVISION_REPO=/work/.mirror/freqtrade+freqtrade/repo go test ./internal/content -run RealHistory -v -timeout 2h
func TestScanRevisionOnRealHistory(t *testing.T) {
	repo := os.Getenv("KEYWARD_REVISION_REPO")
	if repo == "" {
		t.Skip("KEYWARD_REVISION_REPO not set")
	}
	limit := 3000
	if n, err := strconv.Atoi(os.Getenv("KEYWARD_REVISION_PAIRS")); err == nil {
		limit = n
	}
	git := func(args ...string) *exec.Cmd {
		cmd := exec.Command("git", append([]string{"--git-dir", repo}, args...)...)
		cmd.Env = gittest.Env()
		return cmd
	}
	out, err := git("log", "--all", "--no-merges", "--raw", "--no-renames", "--no-abbrev", "--format=").Output()
	if err != nil {
		t.Fatal(err)
	}
	type pair struct{ old, new, path string }
	seen := map[[2]string]bool{}
	var pairs []pair
	for _, l := range strings.Split(string(out), "\n") {
		// :100644 100644 <old> <new> M\t<path>
		meta, path, ok := strings.Cut(l, "\t")
		f := strings.Fields(meta)
		if !ok || len(f) != 5 || f[4] != "M" || !strings.HasPrefix(f[0], ":1006") || !strings.HasPrefix(f[1], "1006") {
			continue
		}
		k := [2]string{f[2], f[3]}
		if seen[k] {
			continue
		}
		seen[k] = true
		pairs = append(pairs, pair{f[2], f[3], path})
	}
	total := len(pairs)
	if limit > 0 && len(pairs) > limit {
		rng := rand.New(rand.NewSource(1))
		rng.Shuffle(len(pairs), func(i, j int) { pairs[i], pairs[j] = pairs[j], pairs[i] })
		pairs = pairs[:limit]
	}
	cat := git("cat-file", "--batch")
	in, _ := cat.StdinPipe()
	stdout, _ := cat.StdoutPipe()
	if err := cat.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { in.Close(); cat.Wait() }()
	rd := bufio.NewReaderSize(stdout, 1<<20)
	blob := func(id string) []byte {
		fmt.Fprintln(in, id)
		h, err := rd.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		f := strings.Fields(h)
		if len(f) != 3 {
			t.Fatalf("cat-file: %q", h)
		}
		n, _ := strconv.Atoi(f[2])
		b := make([]byte, n+1)
		if _, err := io.ReadFull(rd, b); err != nil {
			t.Fatal(err)
		}
		return b[:n]
	}

	s := newScanner(t, Options{})
	r := s.NewReader()
	r.KeepReach()
	ctx := context.Background()
	var newBytes, revBytes, partialBytes, partialScanned int64
	partial, mismatches := 0, 0
	why := map[string]int{}
	for i, p := range pairs {
		base, data := blob(p.old), blob(p.new)
		var bst, wst, rst detectors.Stats
		baseFs, err := r.Scan(ctx, p.path, bytes.NewReader(base), int64(len(base)), &bst)
		if err != nil {
			t.Fatal(err)
		}
		rev := &Revision{Base: base, BaseFindings: baseFs, BaseCapped: r.Capped(), Copies: matchCopies(base, data)}
		if os.Getenv("KEYWARD_REVISION_SCAN_BASE") == "" {
			rev.BaseReach = r.BaseReach()
		}
		want, err := r.Scan(ctx, p.path, bytes.NewReader(data), int64(len(data)), &wst)
		if err != nil {
			t.Fatal(err)
		}
		got, err := r.ScanRevision(ctx, p.path, data, rev, &rst)
		if err != nil {
			t.Fatal(err)
		}
		newBytes += int64(len(data))
		revBytes += rst.Bytes
		for k := range rst.Noted {
			if strings.HasPrefix(k, "revision read whole") || k == "read as a revision" {
				why[k]++
			}
		}
		if rst.Noted["read as a revision"] == 1 {
			partial++
			partialBytes += int64(len(data))
			partialScanned += rst.Bytes
		}
		if !reflect.DeepEqual(got, want) {
			mismatches++
			if mismatches <= 10 {
				t.Errorf("pair %d %s %s..%s: differs\n got: %s\nwant: %s", i, p.path, p.old[:10], p.new[:10], describe(got), describe(want))
			}
		}
	}
	var reasons []string
	for k, n := range why {
		reasons = append(reasons, fmt.Sprintf("%s: %d", k, n))
	}
	sort.Strings(reasons)
	t.Logf("%d changed-file pairs in the history, %d compared, %d mismatches", total, len(pairs), mismatches)
	t.Logf("%d read as revisions: %d of their %d bytes scanned (%.1f%%)", partial, partialScanned, partialBytes, pct(partialScanned, partialBytes))
	t.Logf("all pairs: %d bytes scanned for %d bytes of new versions (%.1f%%)", revBytes, newBytes, pct(revBytes, newBytes))
	t.Logf("how they were read: %s", strings.Join(reasons, "; "))
}

func pct(a, b int64) float64 { return 100 * float64(a) / float64(max(b, 1)) }
