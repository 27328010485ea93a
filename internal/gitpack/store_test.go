package gitpack

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/keyward/scan/internal/gitrepo"
	"github.com/keyward/scan/internal/gittest"
)

// object is one object as "git cat-file --batch" prints it.
type object struct {
	id   plumbing.Hash
	typ  string
	data []byte
}

// catFileAll reads every object of the repository at gitDir (alternates
// included) through git itself: what the Store must agree with.
func catFileAll(t testing.TB, gitDir string) []object {
	t.Helper()
	cmd := exec.Command("git", "--git-dir="+gitDir, "cat-file", "--batch-all-objects", "--batch")
	cmd.Env = gittest.Env()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("cat-file: %v", err)
	}
	var objs []object
	r := bufio.NewReader(bytes.NewReader(out))
	for {
		line, err := r.ReadString('\n')
		if err == io.EOF {
			return objs
		}
		if err != nil {
			t.Fatal(err)
		}
		f := strings.Fields(line)
		if len(f) != 3 {
			t.Fatalf("cat-file line %q", line)
		}
		n, _ := strconv.Atoi(f[2])
		data := make([]byte, n+1)
		if _, err := io.ReadFull(r, data); err != nil {
			t.Fatal(err)
		}
		objs = append(objs, object{plumbing.NewHash(f[0]), f[1], data[:n]})
	}
}

// gitRun runs git in dir, failing the test on error.
func gitRun(t testing.TB, dir string, args ...string) {
	t.Helper()
	gittest.Git(t, dir, args...)
}

// history commits versions of a few files in a new repository: lines
// changed, inserted and dropped, a file over 64 KiB (a delta copy's
// largest unit), a binary file and one renamed and copied, so that
// "git repack" finds deltas and chains of them.
func history(t testing.TB, commits int) string {
	t.Helper()
	dir := gittest.NewRepo(t)
	rng := rand.New(rand.NewPCG(1, 2))
	var lines []string
	for i := range 3000 {
		lines = append(lines, fmt.Sprintf("line %d: %x", i, rng.Uint64()))
	}
	bin := make([]byte, 20000)
	for i := range bin {
		bin[i] = byte(rng.IntN(256))
	}
	for c := range commits {
		for range 5 {
			i := rng.IntN(len(lines))
			switch rng.IntN(3) {
			case 0:
				lines[i] = fmt.Sprintf("changed %d %d", c, rng.Uint64())
			case 1:
				lines = slices.Insert(lines, i, fmt.Sprintf("inserted %d", c))
			default:
				lines = slices.Delete(lines, i, i+1)
			}
		}
		gittest.Write(t, dir, "big.txt", strings.Join(lines, "\n"))
		gittest.Write(t, dir, "small.txt", strings.Join(lines[:40+c%7], "\n"))
		gittest.Write(t, dir, "conf/settings.ini", fmt.Sprintf("[main]\nversion = %d\n%s", c, strings.Join(lines[100:130], "\n")))
		bin[rng.IntN(len(bin))] = byte(c)
		gittest.Write(t, dir, "data.bin", string(bin))
		if c%10 == 3 {
			gittest.Write(t, dir, fmt.Sprintf("copy%d.txt", c), strings.Join(lines[200:400], "\n"))
		}
		gittest.Commit(t, dir, fmt.Sprintf("commit %d", c))
	}
	return dir
}

// checkCopies checks a delta blob's copies: each range equals the base's,
// they are in target order without overlap, and the copies with the
// inserted bytes rebuild Data.
func checkCopies(t *testing.T, id plumbing.Hash, b Blob) {
	t.Helper()
	rebuilt := make([]byte, 0, len(b.Data))
	next := 0
	for _, c := range b.Copies {
		if c.Len <= 0 || c.To < next || c.From < 0 || c.From+c.Len > len(b.BaseData) || c.To+c.Len > len(b.Data) {
			t.Fatalf("%s: copy %+v out of order or range (base %d, blob %d bytes)", id, c, len(b.BaseData), len(b.Data))
		}
		if !bytes.Equal(b.BaseData[c.From:c.From+c.Len], b.Data[c.To:c.To+c.Len]) {
			t.Fatalf("%s: copy %+v: the base's bytes differ from the blob's", id, c)
		}
		rebuilt = append(rebuilt, b.Data[next:c.To]...) // inserted
		rebuilt = append(rebuilt, b.BaseData[c.From:c.From+c.Len]...)
		next = c.To + c.Len
	}
	rebuilt = append(rebuilt, b.Data[next:]...)
	if !bytes.Equal(rebuilt, b.Data) {
		t.Fatalf("%s: copies and inserts do not rebuild the blob", id)
	}
}

// entryKinds counts the pack entries of s by type, and the longest delta
// chain, to show a fixture stores what its case is about.
func entryKinds(t *testing.T, s *Store) (map[plumbing.ObjectType]int, int) {
	t.Helper()
	kinds := map[plumbing.ObjectType]int{}
	deepest := 0
	for _, p := range s.packs {
		depth := make([]int, len(p.sorted))
		for k := range p.sorted {
			e, err := s.readEntry(p, k)
			if err != nil {
				t.Fatal(err)
			}
			kinds[e.typ]++
			if e.delta() {
				base, err := s.baseOf(p, &e)
				if err != nil {
					t.Fatal(err)
				}
				if base.p == p {
					depth[k] = depth[base.k] + 1
					deepest = max(deepest, depth[k])
				}
			}
			s.release(&e)
		}
	}
	return kinds, deepest
}

// verifyAll reads every object of want through s in the given order and
// compares; it returns how many blobs came as deltas.
func verifyAll(t *testing.T, s *Store, want []object) int {
	t.Helper()
	deltas := 0
	byID := map[plumbing.Hash]object{}
	for _, o := range want {
		byID[o.id] = o
	}
	for _, o := range want {
		if size, err := s.Size(o.id); err != nil || size != int64(len(o.data)) {
			t.Fatalf("%s %s: Size %d, %v; want %d", o.typ, o.id, size, err, len(o.data))
		}
		b, err := s.Blob(o.id)
		if o.typ != "blob" {
			if !errors.Is(err, ErrNotBlob) {
				t.Fatalf("%s %s: Blob gave %v, want ErrNotBlob", o.typ, o.id, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("blob %s: %v", o.id, err)
		}
		if !bytes.Equal(b.Data, o.data) {
			t.Fatalf("blob %s: %d bytes differ from git's %d", o.id, len(b.Data), len(o.data))
		}
		if b.Base.IsZero() {
			if b.BaseData != nil || b.Copies != nil {
				t.Fatalf("blob %s: no base but base data or copies", o.id)
			}
			continue
		}
		deltas++
		base, ok := byID[b.Base]
		if !ok || base.typ != "blob" || !bytes.Equal(base.data, b.BaseData) {
			t.Fatalf("blob %s: base %s is not the blob git has", o.id, b.Base)
		}
		checkCopies(t, o.id, b)
	}
	return deltas
}

// packOrder sorts objects as a caller would: packed ones by position,
// loose ones last.
func packOrder(s *Store, objs []object) []object {
	objs = slices.Clone(objs)
	type pos struct {
		pack int
		off  int64
		ok   bool
	}
	at := map[plumbing.Hash]pos{}
	for _, o := range objs {
		p, off, ok := s.Position(o.id)
		at[o.id] = pos{p, off, ok}
	}
	slices.SortStableFunc(objs, func(a, b object) int {
		pa, pb := at[a.id], at[b.id]
		if pa.ok != pb.ok {
			if pa.ok {
				return -1
			}
			return 1
		}
		if pa.pack != pb.pack {
			return pa.pack - pb.pack
		}
		switch {
		case pa.off < pb.off:
			return -1
		case pa.off > pb.off:
			return 1
		}
		return 0
	})
	return objs
}

func TestBlobsAgreeWithGit(t *testing.T) {
	gittest.NeedGit(t)
	base := history(t, 60)
	cases := []struct {
		name string
		// setup turns a copy of the base history into the case and
		// returns the git directory to open.
		setup func(t *testing.T, dir string) string
		// kinds are entry types the packs must hold; minDepth the
		// longest delta chain they must have.
		kinds    []plumbing.ObjectType
		minDepth int
		packs    int
		loose    bool
	}{
		{
			name: "offset deltas, long chains",
			setup: func(t *testing.T, dir string) string {
				gitRun(t, dir, "repack", "-adfq", "--depth=50", "--window=250")
				return filepath.Join(dir, ".git")
			},
			kinds: []plumbing.ObjectType{plumbing.OFSDeltaObject}, minDepth: 10, packs: 1,
		},
		{
			name: "ref deltas",
			setup: func(t *testing.T, dir string) string {
				gitRun(t, dir, "-c", "repack.useDeltaBaseOffset=false", "repack", "-adfq", "--depth=50", "--window=250")
				return filepath.Join(dir, ".git")
			},
			kinds: []plumbing.ObjectType{plumbing.REFDeltaObject}, minDepth: 10, packs: 1,
		},
		{
			// git writes 64-bit offsets past 2 GiB, or past the offset
			// --index-version names: here nearly every object's.
			name: "64-bit offset table",
			setup: func(t *testing.T, dir string) string {
				gitRun(t, dir, "repack", "-adfq", "--depth=50", "--window=250")
				idx, pack := packFiles(t, filepath.Join(dir, ".git"))
				os.Remove(idx)
				gitRun(t, dir, "index-pack", "--index-version=2,0x100", "-o", idx, pack)
				b := readFile(t, idx)
				n := int(binary.BigEndian.Uint32(b[8+255*4:]))
				if large := len(b) - idxHeader - n*28 - 2*hashLen; large < 8*10 {
					t.Fatalf("the index holds %d bytes of large offsets", large)
				}
				return filepath.Join(dir, ".git")
			},
			kinds: []plumbing.ObjectType{plumbing.OFSDeltaObject}, minDepth: 10, packs: 1,
		},
		{
			name: "reverse index",
			setup: func(t *testing.T, dir string) string {
				gitRun(t, dir, "-c", "pack.writeReverseIndex=true", "repack", "-adfq", "--depth=50", "--window=250")
				idx, _ := packFiles(t, filepath.Join(dir, ".git"))
				if _, err := os.Stat(strings.TrimSuffix(idx, ".idx") + ".rev"); err != nil {
					t.Skip("this git writes no reverse index:", err)
				}
				return filepath.Join(dir, ".git")
			},
			kinds: []plumbing.ObjectType{plumbing.OFSDeltaObject}, minDepth: 10, packs: 1,
		},
		{
			name: "loose objects beside a pack",
			setup: func(t *testing.T, dir string) string {
				gitRun(t, dir, "repack", "-adq")
				gittest.Write(t, dir, "big.txt", "rewritten\n")
				gittest.Write(t, dir, "new.txt", gittest.SecretLine("loose"))
				gittest.Commit(t, dir, "loose")
				return filepath.Join(dir, ".git")
			},
			kinds: []plumbing.ObjectType{plumbing.OFSDeltaObject}, packs: 1, loose: true,
		},
		{
			name: "two packs",
			setup: func(t *testing.T, dir string) string {
				gitRun(t, dir, "repack", "-adq")
				gittest.Write(t, dir, "big.txt", "rewritten again\n")
				gittest.Commit(t, dir, "second pack")
				gitRun(t, dir, "repack", "-dq")
				return filepath.Join(dir, ".git")
			},
			packs: 2,
		},
		{
			name: "shared clone (alternates)",
			setup: func(t *testing.T, dir string) string {
				gitRun(t, dir, "repack", "-adq", "--depth=50")
				clone := filepath.Join(t.TempDir(), "clone")
				gitRun(t, dir, "clone", "-q", "--shared", dir, clone)
				gittest.Write(t, clone, "big.txt", "changed in the clone\n")
				gittest.Commit(t, clone, "in the clone")
				gitRun(t, clone, "repack", "-dq")
				return filepath.Join(clone, ".git")
			},
			kinds: []plumbing.ObjectType{plumbing.OFSDeltaObject}, packs: 2,
		},
		{
			name: "relative alternates naming each other",
			setup: func(t *testing.T, dir string) string {
				gitRun(t, dir, "repack", "-adq")
				other := filepath.Join(t.TempDir(), "other.git")
				gitRun(t, dir, "init", "-q", "--bare", other)
				rel, err := filepath.Rel(filepath.Join(other, "objects"), filepath.Join(dir, ".git", "objects"))
				if err != nil {
					t.Fatal(err)
				}
				gittest.Write(t, other, "objects/info/alternates", "# borrowed\n"+rel+"\n")
				// A cycle back: git stops at what it has seen, so must we.
				gittest.Write(t, dir, ".git/objects/info/alternates", filepath.Join(other, "objects")+"\n")
				return other
			},
			packs: 1,
		},
		{
			name: "linked worktree",
			setup: func(t *testing.T, dir string) string {
				gitRun(t, dir, "repack", "-adq")
				gitRun(t, dir, "worktree", "add", "-q", filepath.Join(t.TempDir(), "wt"))
				return filepath.Join(dir, ".git", "worktrees", "wt")
			},
			packs: 1,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "repo")
			gitRun(t, base, "clone", "-q", "--no-local", base, dir)
			gitDir := tc.setup(t, dir)
			want := catFileAll(t, gitDir)
			for _, opt := range []struct {
				name  string
				opt   Options
				order func(*Store, []object) []object
			}{
				{"pack order", Options{}, packOrder},
				{"git's order, no cache", Options{CacheBytes: -1}, func(_ *Store, o []object) []object { return o }},
				{"reverse pack order, small cache", Options{CacheBytes: 200 << 10}, func(s *Store, o []object) []object {
					o = packOrder(s, o)
					slices.Reverse(o)
					return o
				}},
			} {
				s, err := OpenWith(gitDir, opt.opt)
				if err != nil {
					t.Fatal(err)
				}
				if len(s.packs) != tc.packs {
					t.Fatalf("%d packs, want %d", len(s.packs), tc.packs)
				}
				kinds, depth := entryKinds(t, s)
				for _, k := range tc.kinds {
					if kinds[k] == 0 {
						t.Fatalf("the packs hold no %s entry: %v", k, kinds)
					}
				}
				if depth < tc.minDepth {
					t.Fatalf("longest delta chain %d, want ≥ %d", depth, tc.minDepth)
				}
				loose := 0
				for _, o := range want {
					if _, _, ok := s.Position(o.id); !ok {
						loose++
					}
					if !s.Has(o.id) {
						t.Fatalf("Has(%s) is false", o.id)
					}
				}
				if (loose > 0) != tc.loose {
					t.Fatalf("%d objects outside packs", loose)
				}
				deltas := verifyAll(t, s, opt.order(s, want))
				if len(tc.kinds) > 0 && deltas == 0 {
					t.Fatalf("%s: no blob came as a delta", opt.name)
				}
				if err := s.Close(); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func TestMissingObjectIsNotFound(t *testing.T) {
	gittest.NeedGit(t)
	src := history(t, 5)
	gitRun(t, src, "config", "uploadpack.allowFilter", "true")
	gitRun(t, src, "repack", "-adq")
	// A partial clone without its blobs: the trees name blobs that are
	// not there (the promisor remote would lend them).
	clone := filepath.Join(t.TempDir(), "partial")
	gitRun(t, src, "clone", "-q", "--no-checkout", "--filter=blob:none", "file://"+src, clone)
	s, err := Open(filepath.Join(clone, ".git"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	srcObjs := catFileAll(t, filepath.Join(src, ".git"))
	missing := 0
	for _, o := range srcObjs {
		if o.typ != "blob" {
			continue
		}
		if _, err := s.Size(o.id); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Size of blob %s of a blobless clone: %v, want ErrNotFound", o.id, err)
		}
		_, err := s.Blob(o.id)
		if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), o.id.String()) {
			t.Fatalf("blob %s of a blobless clone: %v, want ErrNotFound naming it", o.id, err)
		}
		missing++
	}
	if missing == 0 {
		t.Fatal("no blob to miss")
	}
	if s.Has(srcObjs[0].id) != (srcObjs[0].typ != "blob") {
		t.Fatalf("Has(%s %s) wrong", srcObjs[0].typ, srcObjs[0].id)
	}
	var absent plumbing.Hash
	absent[0] = 0xfe
	if _, err := s.Blob(absent); !errors.Is(err, ErrNotFound) {
		t.Fatalf("absent id: %v", err)
	}
}

// packFiles are the .idx and .pack of the single pack in gitDir.
func packFiles(t *testing.T, gitDir string) (idx, pack string) {
	t.Helper()
	idxs, _ := filepath.Glob(filepath.Join(gitDir, "objects", "pack", "*.idx"))
	if len(idxs) != 1 {
		t.Fatalf("%d packs", len(idxs))
	}
	return idxs[0], strings.TrimSuffix(idxs[0], ".idx") + ".pack"
}

func TestCorruptPacksAreErrors(t *testing.T) {
	gittest.NeedGit(t)
	src := history(t, 12)
	gitRun(t, src, "repack", "-adfq", "--depth=50", "--window=250")
	want := catFileAll(t, filepath.Join(src, ".git"))
	cases := []struct {
		name string
		// damage changes the pack or index; openErr says Open must
		// refuse it (wrapping that error), else some blob read fails.
		damage  func(t *testing.T, idx, pack string)
		openErr error
	}{
		{"version 1 index", func(t *testing.T, idx, _ string) {
			b := readFile(t, idx)
			copy(b, []byte{0, 0, 0, 1}) // a v1 index begins with its fan-out
			writeFile(t, idx, b)
		}, gitrepo.ErrUnsupported},
		{"index version 3", func(t *testing.T, idx, _ string) {
			b := readFile(t, idx)
			b[7] = 3
			writeFile(t, idx, b)
		}, gitrepo.ErrUnsupported},
		{"truncated index", func(t *testing.T, idx, _ string) {
			b := readFile(t, idx)
			writeFile(t, idx, b[:len(b)/2])
		}, ErrCorrupt},
		{"index fan-out decreasing", func(t *testing.T, idx, _ string) {
			b := readFile(t, idx)
			copy(b[8+4*100:], []byte{0xff, 0xff, 0xff, 0xf0})
			writeFile(t, idx, b)
		}, ErrCorrupt},
		{"index offset past the pack", func(t *testing.T, idx, _ string) {
			b := readFile(t, idx)
			n := int(binary.BigEndian.Uint32(b[8+255*4:]))
			copy(b[idxHeader+n*24:], []byte{0x7f, 0xff, 0xff, 0xf0})
			writeFile(t, idx, b)
		}, ErrCorrupt},
		{"large offset past its table", func(t *testing.T, idx, _ string) {
			b := readFile(t, idx)
			n := int(binary.BigEndian.Uint32(b[8+255*4:]))
			copy(b[idxHeader+n*24:], []byte{0x80, 0, 0, 5})
			writeFile(t, idx, b)
		}, ErrCorrupt},
		{"truncated pack", func(t *testing.T, _, pack string) {
			b := readFile(t, pack)
			writeFile(t, pack, b[:len(b)*2/3])
		}, ErrCorrupt},
		{"pack of another index", func(t *testing.T, _, pack string) {
			b := readFile(t, pack)
			b[len(b)-1] ^= 1
			writeFile(t, pack, b)
		}, ErrCorrupt},
		{"pack data flipped", func(t *testing.T, _, pack string) {
			b := readFile(t, pack)
			for i := 100; i < len(b)-40; i += 997 {
				b[i] ^= 0x55
			}
			writeFile(t, pack, b)
		}, nil},
		{"pack data zeroed", func(t *testing.T, _, pack string) {
			b := readFile(t, pack)
			clear(b[len(b)/3 : len(b)/2])
			writeFile(t, pack, b)
		}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "repo")
			gitRun(t, src, "clone", "-q", "--bare", "--no-local", src, dir)
			gitRun(t, dir, "repack", "-adfq", "--depth=50", "--window=250")
			idx, pack := packFiles(t, dir)
			os.Chmod(idx, 0o644)
			os.Chmod(pack, 0o644)
			tc.damage(t, idx, pack)
			s, err := Open(dir)
			if tc.openErr != nil {
				if !errors.Is(err, tc.openErr) {
					t.Fatalf("Open: %v, want %v", err, tc.openErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			failed := 0
			for _, o := range want {
				// Only a header is read: a damaged one may give a wrong
				// size, but never a panic.
				s.Size(o.id)
				b, err := s.Blob(o.id)
				switch {
				case err != nil:
					failed++
					if errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), o.id.String()) {
						t.Fatalf("%s: %v: want an error naming it, not ErrNotFound", o.id, err)
					}
				case o.typ != "blob":
					t.Fatalf("%s is a %s, Blob succeeded", o.id, o.typ)
				case !bytes.Equal(b.Data, o.data):
					t.Fatalf("%s: wrong content without an error", o.id)
				}
			}
			if failed == 0 {
				t.Fatal("no read failed")
			}
		})
	}
}

func TestTooLargeIsRefusedBeforeAllocating(t *testing.T) {
	gittest.NeedGit(t)
	dir := history(t, 3)
	gitRun(t, dir, "repack", "-adq")
	gittest.Write(t, dir, "loose.txt", strings.Repeat("x", 5000))
	gittest.Commit(t, dir, "loose")
	s, err := OpenWith(filepath.Join(dir, ".git"), Options{MaxObject: 4096})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	large, small := 0, 0
	for _, o := range catFileAll(t, filepath.Join(dir, ".git")) {
		if o.typ != "blob" {
			continue
		}
		if size, err := s.Size(o.id); err != nil || size != int64(len(o.data)) {
			t.Fatalf("%s: Size %d, %v; want %d whatever the limit", o.id, size, err, len(o.data))
		}
		b, err := s.Blob(o.id)
		if len(o.data) > 4096 {
			if !errors.Is(err, ErrTooLarge) {
				t.Fatalf("%d-byte blob: %v, want ErrTooLarge", len(o.data), err)
			}
			large++
			continue
		}
		if err == nil && !bytes.Equal(b.Data, o.data) {
			t.Fatalf("%s: wrong content", o.id)
		}
		small++
	}
	if large == 0 || small == 0 {
		t.Fatalf("%d large and %d small blobs: the fixture tests nothing", large, small)
	}
}

func TestConcurrentReadsOfSharedChains(t *testing.T) {
	gittest.NeedGit(t)
	dir := history(t, 40)
	for _, refDeltas := range []string{"false", "true"} {
		t.Run("ref deltas "+refDeltas, func(t *testing.T) {
			clone := filepath.Join(t.TempDir(), "repo")
			gitRun(t, dir, "clone", "-q", "--bare", "--no-local", dir, clone)
			gitRun(t, clone, "-c", "repack.useDeltaBaseOffset="+strconv.FormatBool(refDeltas == "false"), "repack", "-adfq", "--depth=50", "--window=250")
			readConcurrently(t, clone)
		})
	}
}

// readConcurrently reads every blob of gitDir with six goroutines, in pack
// order, reversed and shuffled, through one store.
func readConcurrently(t *testing.T, gitDir string) {
	var blobs []object
	for _, o := range catFileAll(t, gitDir) {
		if o.typ == "blob" {
			blobs = append(blobs, o)
		}
	}
	// A cache smaller than the chains makes the workers evict what the
	// others are about to use.
	s, err := OpenWith(gitDir, Options{CacheBytes: 300 << 10})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ordered := packOrder(s, blobs)
	var wg sync.WaitGroup
	errs := make(chan error, 6)
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			order := slices.Clone(ordered)
			switch w % 3 {
			case 1:
				slices.Reverse(order)
			case 2:
				rand.New(rand.NewPCG(uint64(w), 9)).Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
			}
			for _, o := range order {
				b, err := s.Blob(o.id)
				if err != nil {
					errs <- err
					return
				}
				if !bytes.Equal(b.Data, o.data) {
					errs <- fmt.Errorf("%s: wrong content", o.id)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeFile(t testing.TB, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// The pack order read from git's reverse index is the one sorting the
// offsets gives; a damaged or foreign one is not used.
func TestReverseIndex(t *testing.T) {
	gittest.NeedGit(t)
	dir := history(t, 10)
	gitRun(t, dir, "-c", "pack.writeReverseIndex=true", "repack", "-adq")
	idx, _ := packFiles(t, filepath.Join(dir, ".git"))
	rev, err := os.ReadFile(strings.TrimSuffix(idx, ".idx") + ".rev")
	if err != nil {
		t.Skip("this git writes no reverse index:", err)
	}
	s, err := Open(filepath.Join(dir, ".git"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p := s.packs[0]
	idxData := readFile(t, idx)
	sum := idxData[len(idxData)-2*hashLen : len(idxData)-hashLen]
	sorted := &pack{offsets: p.offsets}
	if err := sorted.orderObjects(nil, sum); err != nil {
		t.Fatal(err)
	}
	swapped := slices.Clone(rev)
	copy(swapped[12:16], rev[16:20])
	copy(swapped[16:20], rev[12:16])
	foreign := slices.Clone(rev)
	foreign[len(foreign)-2*hashLen] ^= 1
	for _, tc := range []struct {
		name string
		rev  []byte
		used bool
	}{
		{"git's", rev, true},
		{"two entries swapped", swapped, false},
		{"another pack's", foreign, false},
		{"truncated", rev[:len(rev)-1], false},
		{"none", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := &pack{offsets: p.offsets}
			q.order, q.sorted, q.rank = make([]uint32, len(p.offsets)), make([]int64, len(p.offsets)), make([]uint32, len(p.offsets))
			if used := q.readRev(tc.rev, sum); used != tc.used {
				t.Fatalf("reverse index used: %v, want %v", used, tc.used)
			}
			if err := q.orderObjects(tc.rev, sum); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(q.order, sorted.order) || !slices.Equal(q.sorted, sorted.sorted) || !slices.Equal(q.rank, sorted.rank) {
				t.Fatal("pack order differs from the sorted offsets'")
			}
		})
	}
}
