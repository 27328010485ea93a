package engine

import (
	"sync"
	"testing"
)

// A chunk with thousands of windows must not leave the next calls a map
// that costs its grown room to range over and clear; its windows are
// recycled all the same, and a small map is kept.
func TestScratchDropsAGrownWindowMap(t *testing.T) {
	data := make([]byte, 1<<16)
	pool := &sync.Pool{}
	for _, tc := range []struct {
		windows int
		keptMap bool
	}{{maxKeptWindows + 1, false}, {3000, false}, {maxKeptWindows, true}, {5, true}} {
		s := new(scratch)
		for i := range tc.windows {
			s.window(data, span{i, i + 8})
		}
		if got := len(s.windows); got != tc.windows {
			t.Fatalf("%d windows: map holds %d", tc.windows, got)
		}
		s.release(pool)
		if (s.windows != nil) != tc.keptMap {
			t.Errorf("%d windows: map kept = %v, want %v", tc.windows, s.windows != nil, tc.keptMap)
		}
		if len(s.windows) != 0 || len(s.made) != 0 {
			t.Errorf("%d windows: %d in the map and %d made after release", tc.windows, len(s.windows), len(s.made))
		}
		if want := min(tc.windows, 256); len(s.spare) != want {
			t.Errorf("%d windows: %d recycled, want %d", tc.windows, len(s.spare), want)
		}
	}
}
