package githistory

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"io"
	"os/exec"
	"strconv"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/keyward/scan/internal/gitrepo"
)

// diffTree streams a hardened "git diff-tree --stdin -r -c --raw" over the
// scan's commits: git's own tree walk reads and compares the trees of a
// large history in a fraction of the CPU go-git's tree decoding takes (on
// hummingbot, 62k commits: about 3 s against 8 s), and runs on the other
// core while this process scans.
//
// Each commit is fed with the parents the scan's graph gave it, so the
// diff is the one treeCache.diffTrees would compute: with -c, git lists a
// path of a merge only when it differs from every parent. diff-tree
// computes no content diff (--raw), so no textconv or external diff driver
// can run, and HardenedCommand keeps the rest of the repository's config
// out. If git stops early (a missing or damaged tree), the caller diffs
// the rest with go-git, which names the damage.
type diffTree struct {
	cmd  *exec.Cmd
	out  *bufio.Reader
	stop context.CancelFunc
	// fed is closed when the feeder has written every commit.
	fed chan struct{}
	// header is the next block's commit, already read.
	header plumbing.Hash
	// eof: the stream ended; err is git's exit status then.
	eof    bool
	err    error
	failed bool
	block  []newBlob
}

// diffLine is one commit to diff and the parents to diff it against.
type diffLine struct {
	commit  plumbing.Hash
	parents []plumbing.Hash
}

// startDiffTree starts git on the commits of lines, in their order.
func startDiffTree(ctx context.Context, gitDir string, lines []diffLine) (*diffTree, error) {
	ctx, stop := context.WithCancel(ctx)
	cmd, err := gitrepo.HardenedCommand(ctx, gitDir, "", "diff-tree", "--stdin", "-r", "-c", "--raw", "--root",
		"--no-abbrev", "--always", "--no-renames", "--ignore-submodules=none", "--no-relative", "-O/dev/null", "-z")
	if err != nil {
		stop()
		return nil, err
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		stop()
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		stop()
		stdin.Close()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		stop()
		stdin.Close()
		stdout.Close()
		return nil, err
	}
	gitrepo.GrowPipe(stdout)
	d := &diffTree{cmd: cmd, out: bufio.NewReaderSize(stdout, 256<<10), stop: stop, fed: make(chan struct{})}
	go func() {
		defer close(d.fed)
		defer stdin.Close()
		w := bufio.NewWriterSize(stdin, 64<<10)
		buf := make([]byte, 0, 41*4)
		for _, l := range lines {
			buf = append(buf[:0], l.commit.String()...)
			for _, p := range l.parents {
				buf = append(buf, ' ')
				buf = append(buf, p.String()...)
			}
			buf = append(buf, '\n')
			if _, err := w.Write(buf); err != nil {
				return // git ended; the reader sees why
			}
		}
		w.Flush()
	}()
	return d, nil
}

// token reads one NUL-terminated field; the slice is valid until the next
// read.
func (d *diffTree) token() ([]byte, error) {
	t, err := d.out.ReadSlice(0)
	if errors.Is(err, bufio.ErrBufferFull) {
		// A path longer than the buffer.
		long := append([]byte(nil), t...)
		rest, err := d.out.ReadBytes(0)
		if err != nil {
			return nil, err
		}
		t = append(long, rest...)
	} else if err != nil {
		return nil, err
	}
	return t[:len(t)-1], nil
}

// end records that the stream ended and why.
func (d *diffTree) end(err error) {
	d.eof = true
	if !errors.Is(err, io.EOF) {
		d.cmd.Process.Kill()
	}
	<-d.fed
	werr := d.cmd.Wait()
	if errors.Is(err, io.EOF) {
		err = werr
	}
	d.err = err
}

// diff emits what commit h introduced, as treeCache.diffTrees would. It
// returns false when git could not diff h (nothing was emitted): the
// caller diffs h and every later commit with go-git.
func (d *diffTree) diff(h plumbing.Hash, emit func(newBlob)) bool {
	if d.failed {
		return false
	}
	if d.header.IsZero() && !d.eof {
		if !d.readHeader() {
			d.failed = true
			return false
		}
	}
	if d.eof || d.header != h {
		d.failed = true
		return false
	}
	d.header = plumbing.ZeroHash
	d.block = d.block[:0]
	for {
		t, err := d.token()
		if err != nil {
			d.end(err)
			if d.err != nil {
				// The block may be cut short: go-git redoes it.
				d.failed = true
				return false
			}
			break
		}
		if len(t) == 0 || t[0] != ':' {
			if !d.setHeader(t) {
				d.failed = true
				return false
			}
			break
		}
		nb, ok, valid := parseRaw(t)
		p, err := d.token()
		if err != nil || !valid {
			d.end(err)
			d.failed = true
			return false
		}
		if ok {
			nb.path = string(p)
			d.block = append(d.block, nb)
		}
	}
	for _, nb := range d.block {
		emit(nb)
	}
	return true
}

func (d *diffTree) readHeader() bool {
	t, err := d.token()
	if err != nil {
		d.end(err)
		return false
	}
	return d.setHeader(t)
}

func (d *diffTree) setHeader(t []byte) bool {
	if len(t) != 40 || !plumbing.IsHash(string(t)) {
		return false
	}
	d.header = plumbing.NewHash(string(t))
	return true
}

// close stops git if it is still running.
func (d *diffTree) close() {
	if !d.eof {
		d.stop()
		d.end(errors.New("closed"))
	}
	d.stop()
}

// parseRaw reads one raw diff entry, ":old-mode new-mode old new status"
// or its combined form "::m1 m2 m3 h1 h2 h3 SS" (one colon, mode and id per
// parent, then the result's). ok is false for entries that add nothing:
// deletions, modes without content, and a result equal to some parent's
// blob (a mode change). valid is false when the entry cannot be parsed.
func parseRaw(t []byte) (nb newBlob, ok, valid bool) {
	np := 0
	for np < len(t) && t[np] == ':' {
		np++
	}
	f := bytes.Fields(t[np:])
	if np == 0 || len(f) != 2*(np+1)+1 {
		return nb, false, false
	}
	var modes [8]filemode.FileMode
	if np+1 > len(modes) {
		// An octopus merge of more than seven parents: parse into a
		// slice instead.
		return parseRawSlow(f, np)
	}
	for i := 0; i <= np; i++ {
		m, err := strconv.ParseUint(string(f[i]), 8, 32)
		if err != nil {
			return nb, false, false
		}
		modes[i] = filemode.FileMode(m)
	}
	return rawEntry(f, np, modes[:np+1])
}

func parseRawSlow(f [][]byte, np int) (nb newBlob, ok, valid bool) {
	modes := make([]filemode.FileMode, np+1)
	for i := range modes {
		m, err := strconv.ParseUint(string(f[i]), 8, 32)
		if err != nil {
			return nb, false, false
		}
		modes[i] = filemode.FileMode(m)
	}
	return rawEntry(f, np, modes)
}

func rawEntry(f [][]byte, np int, modes []filemode.FileMode) (nb newBlob, ok, valid bool) {
	hash := func(b []byte) (plumbing.Hash, bool) {
		var h plumbing.Hash
		if len(b) != 2*len(h) {
			return h, false
		}
		_, err := hex.Decode(h[:], b)
		return h, err == nil
	}
	mode := modes[np]
	id, good := hash(f[2*np+1])
	if !good {
		return nb, false, false
	}
	switch {
	case mode == filemode.Submodule:
		return newBlob{submodule: true}, true, true
	case !gitrepo.HasContent(mode):
		return nb, false, true // a deletion, or nothing to read
	}
	nb.blob = id
	for i := range np {
		p, good := hash(f[np+1+i])
		if !good {
			return nb, false, false
		}
		if p == id {
			return nb, false, true // only the mode changed
		}
		if gitrepo.HasContent(modes[i]) {
			if nb.parents == nil {
				nb.parents = make([]plumbing.Hash, 0, np)
			}
			nb.parents = append(nb.parents, p)
		}
	}
	return nb, true, true
}
