package repos

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func mkRepo(t *testing.T, dir string, bare bool) {
	t.Helper()
	sub := []string{".git/objects", ".git/refs"}
	head := ".git/HEAD"
	if bare {
		sub, head = []string{"objects", "refs"}, "HEAD"
	}
	for _, s := range sub {
		os.MkdirAll(filepath.Join(dir, s), 0o755)
	}
	os.WriteFile(filepath.Join(dir, head), []byte("ref: refs/heads/main\n"), 0o644)
}

func TestFromDir(t *testing.T) {
	root := t.TempDir()
	mkRepo(t, filepath.Join(root, "a"), false)
	mkRepo(t, filepath.Join(root, "group/b.git"), true)
	mkRepo(t, filepath.Join(root, "a/vendor/inner"), false) // inside a: a's business
	outside := t.TempDir()
	mkRepo(t, filepath.Join(outside, "c"), false)
	os.Symlink(filepath.Join(outside, "c"), filepath.Join(root, "link-to-c"))
	os.Symlink(outside, filepath.Join(root, "link-to-dir"))
	rs, err := FromDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range rs {
		names = append(names, r.Name)
		if !strings.HasPrefix(r.URL, "file:///") || r.Path == "" {
			t.Errorf("%s: URL %q path %q", r.Name, r.URL, r.Path)
		}
	}
	if got := strings.Join(names, " "); got != "a group/b.git" {
		t.Errorf("found %q", got)
	}
}

func TestFromListAndNames(t *testing.T) {
	dir := t.TempDir()
	mkRepo(t, filepath.Join(dir, "local"), false)
	list := filepath.Join(dir, "repos.txt")
	os.WriteFile(list, []byte(`# our repositories
https://x-access-token:made-up@github.com/acme/bot.git
git@github.com:acme/sdk.git

local
https://github.com/acme/bot.git
`), 0o600)
	rs, err := FromList(list)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rs {
		got = append(got, r.Name+"="+r.URL)
		if strings.Contains(r.URL, "made-up") {
			t.Errorf("credentials kept in %s", r.URL)
		}
	}
	want := "acme/bot=https://github.com/acme/bot.git acme/sdk=git@github.com:acme/sdk.git local=file://" + filepath.ToSlash(filepath.Join(dir, "local"))
	if strings.Join(got, " ") != want {
		t.Errorf("got  %s\nwant %s", strings.Join(got, " "), want)
	}
	os.WriteFile(list, []byte("nowhere/at/all\n"), 0o600)
	if _, err := FromList(list); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("a missing path: %v", err)
	}
}

func TestShardsPartitionAndStayStable(t *testing.T) {
	var names []string
	for i := range 400 {
		names = append(names, fmt.Sprintf("acme/repo-%d", i))
	}
	count := map[int]int{}
	for _, n := range names {
		k := Owner(n, 8)
		if k < 1 || k > 8 {
			t.Fatalf("shard %d", k)
		}
		count[k]++
	}
	for k := 1; k <= 8; k++ {
		if count[k] < 20 {
			t.Errorf("shard %d holds %d of 400", k, count[k])
		}
	}
	// Going from 8 to 9 shards moves only what lands on the new one.
	moved := 0
	for _, n := range names {
		if a, b := Owner(n, 8), Owner(n, 9); a != b {
			if b != 9 {
				t.Errorf("%s moved from %d to %d", n, a, b)
			}
			moved++
		}
	}
	if moved == 0 || moved > 100 {
		t.Errorf("%d of 400 moved", moved)
	}
	for _, bad := range []string{"0/3", "4/3", "1/0", "x/2", "2"} {
		if _, err := ParseShard(bad); err == nil {
			t.Errorf("ParseShard(%q) accepted", bad)
		}
	}
}
