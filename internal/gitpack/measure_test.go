//go:build unix

package gitpack

import (
	"bufio"
	"bytes"
	"crypto/sha1"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

// TestMeasureWholePack reads every blob of the repository named by
// KEYWARD_PACK_REPO (a git directory) through a Store in pack order with
// KEYWARD_PACK_WORKERS goroutines (default 2), and logs the read phase's
// wall and CPU time; KEYWARD_PACK_VERIFY=1 also checks each blob's SHA-1.
// It is a measurement, skipped unless asked for:
//
//	KEYWARD_PACK_REPO=/path/to/repo.git go test -run TestMeasureWholePack -v ./internal/gitpack
func TestMeasureWholePack(t *testing.T) {
	gitDir := os.Getenv("KEYWARD_PACK_REPO")
	if gitDir == "" {
		t.Skip("KEYWARD_PACK_REPO not set")
	}
	workers := 2
	if n, err := strconv.Atoi(os.Getenv("KEYWARD_PACK_WORKERS")); err == nil && n > 0 {
		workers = n
	}
	verify := os.Getenv("KEYWARD_PACK_VERIFY") == "1"
	out, err := exec.Command("git", "--git-dir="+gitDir, "cat-file", "--batch-all-objects", "--unordered",
		"--batch-check=%(objecttype) %(objectname)").Output()
	if err != nil {
		t.Fatal(err)
	}
	var ids []plumbing.Hash
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if typ, id, ok := bytes.Cut(sc.Bytes(), []byte{' '}); ok && string(typ) == "blob" {
			ids = append(ids, plumbing.NewHash(string(id)))
		}
	}

	before := usage()
	start := time.Now()
	var opt Options
	if n, err := strconv.ParseInt(os.Getenv("KEYWARD_PACK_CACHE_MB"), 10, 64); err == nil {
		opt.CacheBytes = n << 20
	}
	s, err := OpenWith(gitDir, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	type at struct {
		id   plumbing.Hash
		pack int
		off  int64
	}
	order := make([]at, len(ids))
	for i, id := range ids {
		p, off, _ := s.Position(id)
		order[i] = at{id, p, off}
	}
	slices.SortFunc(order, func(a, b at) int {
		if a.pack != b.pack {
			return a.pack - b.pack
		}
		return int(min(max(a.off-b.off, -1), 1))
	})
	var next, bytesRead, deltas, inserted, deltaBytes atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(len(order)) {
					return
				}
				b, err := s.Blob(order[i].id)
				if err != nil {
					t.Error(err)
					return
				}
				bytesRead.Add(int64(len(b.Data)))
				if !b.Base.IsZero() {
					deltas.Add(1)
					deltaBytes.Add(int64(len(b.Data)))
					ins := len(b.Data)
					for _, c := range b.Copies {
						ins -= c.Len
					}
					inserted.Add(int64(ins))
				}
				if verify {
					h := sha1.New()
					h.Write([]byte("blob " + strconv.Itoa(len(b.Data)) + "\x00"))
					h.Write(b.Data)
					if plumbing.Hash(h.Sum(nil)) != order[i].id {
						t.Errorf("blob %s: content does not hash to its id", order[i].id)
					}
				}
			}
		}()
	}
	wg.Wait()
	wall := time.Since(start)
	after := usage()
	t.Logf("%d blobs, %d MB; %d deltas resolving to %d MB of which %d MB inserted", len(ids), bytesRead.Load()>>20,
		deltas.Load(), deltaBytes.Load()>>20, inserted.Load()>>20)
	t.Logf("read phase (%d workers): %.2f s wall, %.2f s user, %.2f s sys; peak RSS %d MB",
		workers, wall.Seconds(), after.user-before.user, after.sys-before.sys, after.maxRSS>>10)
}

type rusage struct {
	user, sys float64
	maxRSS    int64 // KB
}

func usage() rusage {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	sec := func(tv syscall.Timeval) float64 { return float64(tv.Sec) + float64(tv.Usec)/1e6 }
	return rusage{sec(ru.Utime), sec(ru.Stime), int64(ru.Maxrss)}
}
