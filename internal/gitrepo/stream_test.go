package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/keyward/scan/internal/gittest"
)

// TestBlobStreamReadsAheadInOrder: blobs asked for ahead are opened in
// the order asked, by several workers, with small ones read whole (more
// than one process's budget in all), large ones streamed, a missing one
// named, and the go-git fallback giving the same bytes.
func TestBlobStreamReadsAheadInOrder(t *testing.T) {
	dir := gittest.NewRepo(t)
	want := map[plumbing.Hash]string{}
	var order []plumbing.Hash
	add := func(name, content string) {
		gittest.Write(t, dir, name, content)
	}
	for i := range 40 {
		add(fmt.Sprintf("small%02d.cfg", i), strings.Repeat(fmt.Sprintf("line %d\n", i), 1+i*100))
	}
	// Larger than what is read whole (512 KiB here): streamed. Together
	// the medium ones exceed one process's budget (1 MiB here), so reading
	// them waits for closes.
	add("large.bin", strings.Repeat("z", 600<<10))
	for i := range 12 {
		add(fmt.Sprintf("medium%02d.cfg", i), strings.Repeat(string(rune('a'+i)), 300<<10))
	}
	gittest.Commit(t, dir, "blobs")
	for _, line := range strings.Split(gittest.Git(t, dir, "ls-tree", "HEAD"), "\n") {
		f := strings.Fields(line)
		h := plumbing.NewHash(f[2])
		content, err := gittestRead(dir, f[3])
		if err != nil {
			t.Fatal(err)
		}
		want[h] = content
		order = append(order, h)
	}
	missing := plumbing.NewHash(strings.Repeat("ef", 20))
	order = append(order[:10], append([]plumbing.Hash{missing}, order[10:]...)...)

	repo, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	for _, goGitOnly := range []bool{false, true} {
		s := repo.newBlobStream(context.Background(), 2, goGitOnly, 512<<10, 1<<20)
		if !goGitOnly && len(s.procs) != 2 {
			t.Fatalf("%d cat-file processes, want 2", len(s.procs))
		}
		pending := make(chan *PendingBlob, len(order))
		go func() {
			for _, h := range order {
				pending <- s.Want(h)
			}
			close(pending)
		}()
		var mu sync.Mutex
		got := map[plumbing.Hash]string{}
		var missed []error
		var wg sync.WaitGroup
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for p := range pending {
					rc, size, err := p.Open()
					if err != nil {
						mu.Lock()
						missed = append(missed, err)
						mu.Unlock()
						continue
					}
					data, err := io.ReadAll(rc)
					rc.Close()
					if err != nil || int64(len(data)) != size {
						t.Errorf("goGitOnly=%v: blob %s: %d bytes of %d, %v", goGitOnly, p.h, len(data), size, err)
					}
					mu.Lock()
					got[p.h] = string(data)
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		s.Close()
		if len(missed) != 1 || !errors.Is(missed[0], ErrMissingBlob) {
			t.Errorf("goGitOnly=%v: errors %v, want one missing blob", goGitOnly, missed)
		}
		if len(got) != len(want) {
			t.Errorf("goGitOnly=%v: read %d blobs, want %d", goGitOnly, len(got), len(want))
		}
		for h, w := range want {
			if got[h] != w {
				t.Errorf("goGitOnly=%v: blob %s differs (%d bytes, want %d)", goGitOnly, h, len(got[h]), len(w))
			}
		}
	}
}

// A stream closed with blobs asked for and never opened (a cancelled
// scan) returns, and so does one whose streamed blob was left half read.
func TestBlobStreamClosesWithUnopenedBlobs(t *testing.T) {
	dir := gittest.NewRepo(t)
	gittest.Write(t, dir, "large.bin", strings.Repeat("q", 600<<10))
	for i := range 20 {
		gittest.Write(t, dir, fmt.Sprintf("m%02d.cfg", i), strings.Repeat("m", 300<<10))
	}
	gittest.Commit(t, dir, "blobs")
	var hs []plumbing.Hash
	for _, line := range strings.Split(gittest.Git(t, dir, "ls-tree", "HEAD"), "\n") {
		hs = append(hs, plumbing.NewHash(strings.Fields(line)[2]))
	}
	repo, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	s := repo.newBlobStream(context.Background(), 1, false, 512<<10, 1<<20)
	var ps []*PendingBlob
	for _, h := range hs {
		ps = append(ps, s.Want(h))
	}
	rc, _, err := ps[0].Open() // large.bin sorts first: streamed
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(rc, make([]byte, 10)); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { s.Close(); close(done) }()
	<-done
}

func gittestRead(dir, name string) (string, error) {
	data, err := os.ReadFile(filepath.Join(dir, name))
	return string(data), err
}
