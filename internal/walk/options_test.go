package walk

import (
	"io/fs"
	"sync"
	"testing"
)

// The options the home audit builds on: a skip callback and progress per
// file.
func TestScanProfileOptions(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "keep/a.txt", "token = "+token+"\n")
	write(t, dir, "node_modules/pkg/b.txt", "token = "+token+"\n")
	write(t, dir, "repo/.git/config", "[remote \"origin\"]\n\turl = https://x-access-token:"+token+"@github.com/o/r.git\n")
	write(t, dir, "repo/.git/objects/c.txt", "token = "+token+"\n")

	var mu sync.Mutex
	progress := map[string]int{}
	var asked []string
	fs, st := scan(t, Options{
		Roots: []string{dir},
		Skip: func(rel string, d fs.DirEntry) string {
			asked = append(asked, rel)
			if d.IsDir() && d.Name() == "node_modules" {
				return "dependencies"
			}
			return ""
		},
		Progress: func(rel string, n int64, findings int) {
			mu.Lock()
			defer mu.Unlock()
			progress[rel] = findings
		},
	})
	if got := paths(fs); got != "keep/a.txt,repo/.git/config" {
		t.Errorf("findings in %q, want keep/a.txt and repo/.git/config", got)
	}
	if st.Skipped["dependencies"] != 1 {
		t.Errorf("skipped = %v, want node_modules counted as dependencies", st.Skipped)
	}
	if progress["keep/a.txt"] != 1 || progress["repo/.git/config"] != 1 || len(progress) != 2 {
		t.Errorf("progress = %v", progress)
	}
	for _, rel := range asked {
		if rel == "repo/.git" || rel == "node_modules/pkg" {
			t.Errorf("Skip asked about %s, which must not be reached", rel)
		}
	}
}
