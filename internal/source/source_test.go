package source

import (
	"context"
	"errors"
	"io"
	"strings"
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
