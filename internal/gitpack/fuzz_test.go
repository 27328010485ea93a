package gitpack

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/keyward/scan/internal/gittest"
)

// FuzzDamagedPack damages a small repository's pack or index at two
// places and reads every object: errors, never a panic or a hang. (Not
// "never a wrong answer": a damaged delta offset can name another base of
// the same size, and git does not check object ids on reads either.)
func FuzzDamagedPack(f *testing.F) {
	gittest.NeedGit(f)
	src := history(f, 8)
	gitRun(f, src, "repack", "-adfq", "--depth=50", "--window=250")
	gitDir := filepath.Join(src, ".git")
	want := catFileAll(f, gitDir)
	idxs, _ := filepath.Glob(filepath.Join(gitDir, "objects", "pack", "*.idx"))
	if len(idxs) != 1 {
		f.Fatalf("%d packs", len(idxs))
	}
	idx0 := readFile(f, idxs[0])
	pack0 := readFile(f, idxs[0][:len(idxs[0])-4]+".pack")
	f.Add(false, uint32(12), byte(0x80), uint32(0), byte(0))
	f.Add(false, uint32(len(pack0)/2), byte(0x01), uint32(len(pack0)/3), byte(0xff))
	f.Add(true, uint32(8+255*4), byte(0x10), uint32(0), byte(0))
	f.Add(true, uint32(len(idx0)-100), byte(0x80), uint32(idxHeader), byte(1))
	f.Fuzz(func(t *testing.T, inIndex bool, at1 uint32, x1 byte, at2 uint32, x2 byte) {
		dir := t.TempDir()
		pdir := filepath.Join(dir, "objects", "pack")
		if err := os.MkdirAll(pdir, 0o755); err != nil {
			t.Fatal(err)
		}
		idx, pack := bytes.Clone(idx0), bytes.Clone(pack0)
		target := pack
		if inIndex {
			target = idx
		}
		target[int(at1)%len(target)] ^= x1
		target[int(at2)%len(target)] ^= x2
		writeFile(t, filepath.Join(pdir, "pack-x.idx"), idx)
		writeFile(t, filepath.Join(pdir, "pack-x.pack"), pack)
		s, err := OpenWith(dir, Options{MaxObject: 1 << 20, CacheBytes: 1 << 20})
		if err != nil {
			return
		}
		defer s.Close()
		for _, o := range want {
			s.Size(o.id)
			s.Blob(o.id)
		}
	})
}
