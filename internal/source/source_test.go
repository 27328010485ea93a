package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/content"
	"github.com/keyward/scan/internal/engine"
	"github.com/keyward/scan/internal/gittest"
)

// items is a source of fixed items.
type items []Item

func (s items) Items(ctx context.Context, st *detectors.Stats, yield func(Item) bool) error {
	for _, it := range s {
		if !yield(it) {
			break
		}
	}
	return nil
}

func text(s string) func() (io.ReadCloser, int64, error) {
	return func() (io.ReadCloser, int64, error) {
		return io.NopCloser(strings.NewReader(s)), int64(len(s)), nil
	}
}

// TestScanKeepsTheContract: every item is read through the content layer
// on the pool, findings carry the item's repository, a Skip is counted
// and an open that fails is a warning that makes the scan incomplete.
func TestScanKeepsTheContract(t *testing.T) {
	eng, err := engine.New(detectors.Default(), engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	src := items{
		{Path: "a/.env", Open: text("GITHUB_TOKEN=" + gittest.FakeToken("a") + "\n"), Provenance: Provenance{Repository: "acme/bot"}},
		{Path: "b/.env", Open: text("GITHUB_TOKEN=" + gittest.FakeToken("b") + "\n")},
		{Path: "fifo", Open: func() (io.ReadCloser, int64, error) { return nil, 0, &Skip{Reason: "not a regular file"} }},
		{Path: "gone", Open: func() (io.ReadCloser, int64, error) { return nil, 0, errors.New("permission denied") }},
	}
	fs, st, err := Scan(context.Background(), content.New(eng, content.Options{}), src, Options{Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	repo := map[string]string{}
	for _, f := range fs {
		repo[f.Path] = f.Repository
	}
	if len(fs) != 2 || repo["a/.env"] != "acme/bot" || repo["b/.env"] != "" {
		t.Errorf("findings %v, want a/.env from acme/bot and b/.env from no named repository", repo)
	}
	if st.Files != 2 || st.Skipped["not a regular file"] != 1 || st.Skipped["unreadable"] != 1 {
		t.Errorf("files %d, skipped %v", st.Files, st.Skipped)
	}
	if !st.Incomplete || len(st.Warnings) != 1 || st.Warnings[0].Path != "gone" || !strings.Contains(st.Warnings[0].Message, "permission denied") {
		t.Errorf("incomplete %v, warnings %+v", st.Incomplete, st.Warnings)
	}
}

// A cancelled scan stops yielding and says it was interrupted.
func TestScanCancelled(t *testing.T) {
	eng, err := engine.New(detectors.Default(), engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var many items
	for range 1000 {
		many = append(many, Item{Path: "x", Open: text("nothing\n")})
	}
	_, st, err := Scan(ctx, content.New(eng, content.Options{}), many, Options{Workers: 2})
	if err != nil || !st.Interrupted {
		t.Errorf("err %v, interrupted %v", err, st.Interrupted)
	}
}

// opened is an Opener that counts its opens.
type opened struct {
	n    *[]int32
	i    int
	body string
}

func (o opened) Open() (io.ReadCloser, int64, error) {
	atomic.AddInt32(&(*o.n)[o.i], 1)
	return io.NopCloser(strings.NewReader(o.body)), int64(len(o.body)), nil
}

// Batches are handed back by the workers and filled again: whatever the
// number of workers and items, each item is read once, by Open or by
// Opener, and none is lost or read twice.
func TestScanReadsEveryItemOnceThroughRecycledBatches(t *testing.T) {
	eng, err := engine.New(detectors.Default(), engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		workers, items int
	}{
		{1, 1},
		{1, 1000},
		{2, 5000},
		{4, 20000},
	}
	for _, tc := range tests {
		n := make([]int32, tc.items)
		src := make(items, tc.items)
		for i := range src {
			src[i] = Item{Path: fmt.Sprintf("f%d", i), Opener: opened{&n, i, "x\n"}}
			if i%7 == 0 {
				src[i] = Item{Path: src[i].Path, Open: func() (io.ReadCloser, int64, error) { return opened{&n, i, "y\n"}.Open() }}
			}
		}
		_, st, err := Scan(context.Background(), content.New(eng, content.Options{}), src, Options{Workers: tc.workers})
		if err != nil {
			t.Fatal(err)
		}
		if st.Files != int64(tc.items) {
			t.Errorf("%d workers, %d items: %d files read", tc.workers, tc.items, st.Files)
		}
		for i, c := range n {
			if c != 1 {
				t.Errorf("%d workers, %d items: item %d opened %d times", tc.workers, tc.items, i, c)
				break
			}
		}
	}
}
