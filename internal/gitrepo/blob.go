package gitrepo

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// IsFile reports whether a tree or index entry's mode is a regular file
// (not a directory, symlink or submodule).
func IsFile(m filemode.FileMode) bool {
	return m == filemode.Regular || m == filemode.Executable || m == filemode.Deprecated
}

// HasContent reports whether an entry's blob is content a scan must read:
// a regular file, or a symlink, whose blob is its target string (a secret
// pasted as a link target is published like any file). A gitlink names a
// commit of another repository and has no blob here.
func HasContent(m filemode.FileMode) bool {
	return IsFile(m) || m == filemode.Symlink
}

// ErrMissingBlob is returned for a blob that is not in the repository (or
// an object id that names something else).
var ErrMissingBlob = errors.New("blob not in the repository")

// BlobReader streams blob contents for one worker. It is not safe for
// concurrent use: a reader returned by Open is valid until the next call
// to Open or Close.
type BlobReader interface {
	// Open returns a reader of the blob's content and its size. A missing
	// blob is ErrMissingBlob.
	Open(h plumbing.Hash) (io.Reader, int64, error)
	Close() error
}

// NewBlobReader prefers git's own object reader, hardened, and falls back
// to go-git where git is missing or refuses the repository. goGitOnly
// forces go-git (tests compare the two).
func (r *Repo) NewBlobReader(ctx context.Context, goGitOnly bool) BlobReader {
	if dir := r.GitDir(); dir != "" && !goGitOnly {
		if c, err := StartCatFile(ctx, dir); err == nil {
			return c
		}
	}
	return &goGitBlobs{st: r.NewStorage(16 << 20)}
}

// goGitBlobs reads blobs with go-git. It works everywhere, but inflates and
// re-hashes every object in Go, at about half the speed of git itself.
type goGitBlobs struct {
	st   *filesystem.Storage
	open io.Closer
}

func (g *goGitBlobs) Open(h plumbing.Hash) (io.Reader, int64, error) {
	g.closeOpen()
	obj, err := g.st.EncodedObject(plumbing.BlobObject, h)
	if err != nil {
		return nil, 0, fmt.Errorf("blob %s: %w", h, ErrMissingBlob)
	}
	rd, err := obj.Reader()
	if err != nil {
		return nil, 0, fmt.Errorf("blob %s: %w", h, err)
	}
	g.open = rd
	return rd, obj.Size(), nil
}

func (g *goGitBlobs) closeOpen() {
	if g.open != nil {
		g.open.Close()
		g.open = nil
	}
}

func (g *goGitBlobs) Close() error {
	g.closeOpen()
	return g.st.Close()
}

// ReadBlob reads one whole blob through go-git, for the small files a source
// needs whole (an ignore file, the old side of a diff). A blob larger than
// max comes back with ok false; a missing one is an error.
func (r *Repo) ReadBlob(h plumbing.Hash, max int64) (data []byte, ok bool, err error) {
	st := r.storage
	size, err := st.EncodedObjectSize(h)
	if err != nil {
		return nil, false, fmt.Errorf("blob %s: %w", h, ErrMissingBlob)
	}
	if size > max {
		return nil, false, nil
	}
	g := goGitBlobs{st: st}
	rd, _, err := g.Open(h)
	if err != nil {
		return nil, false, err
	}
	defer g.closeOpen()
	data = make([]byte, size)
	if _, err := io.ReadFull(rd, data); err != nil {
		return nil, false, fmt.Errorf("blob %s: %w", h, err)
	}
	return data, true, nil
}

// CatFile reads blobs through "git cat-file --batch", whose C inflate and
// delta resolution are about twice as fast as go-git's.
//
// Running git inside an untrusted repository is what makes other scanners
// unsafe: its .git/config can name commands (core.fsmonitor, filter and
// textconv drivers, hooks). cat-file --batch runs none of those — it never
// applies filters or textconv unless asked, runs no hooks and does not
// touch the working tree — and the process is further cut off from them
// (see HardenedCommand). TestRepositoryConfigNeverRuns in githistory proves
// it against a repository whose config tries every one of them.
type CatFile struct {
	cmd *exec.Cmd
	in  *bufio.Writer
	out *bufio.Reader
	w   io.Closer
	// pending is what the caller left unread of the last blob, plus its
	// trailing newline, to skip before the next answer.
	pending int64
}

// startTimeout bounds git's start-up: a repository whose config includes a
// FIFO, or a git that waits on a lock, must not hang the scan.
const startTimeout = 10 * time.Second

// StartCatFile starts a hardened "git cat-file --batch" on gitDir, or
// returns an error when git is missing, refuses the repository (another
// user's repository, an unsupported format) or does not answer in time;
// callers then use go-git.
func StartCatFile(ctx context.Context, gitDir string) (*CatFile, error) {
	// git maps its packs into memory, by default all of a pack up to
	// gigabytes, and every page it touched stays resident: one process
	// reading all of hummingbot's blobs (a 425 MB pack) held 538 MB, more
	// than the scan itself. Bounded, it holds 360 MB. 192 MB in 32 MB
	// windows held 280 MB but remapped so often that git's CPU on
	// hummingbot went from 10-12 s to 16-20 s.
	cmd, err := HardenedCommand(ctx, gitDir, "", "-c", "core.packedGitLimit=320m", "-c", "core.packedGitWindowSize=64m", "cat-file", "--batch")
	if err != nil {
		return nil, err
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		stdin.Close()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		stdin.Close()
		stdout.Close()
		return nil, err
	}
	GrowPipe(stdout)
	c := &CatFile{cmd: cmd, in: bufio.NewWriter(stdin), out: bufio.NewReaderSize(stdout, 256<<10), w: stdin}
	// A request for an object that cannot exist proves the process reads
	// this repository and speaks the protocol.
	probe := make(chan error, 1)
	go func() {
		_, _, err := c.Open(plumbing.ZeroHash)
		probe <- err
	}()
	select {
	case err := <-probe:
		if !errors.Is(err, ErrMissingBlob) {
			c.kill()
			return nil, fmt.Errorf("git cat-file does not answer: %v", err)
		}
	case <-time.After(startTimeout):
		c.kill()
		return nil, fmt.Errorf("git cat-file did not answer within %s", startTimeout)
	}
	return c, nil
}

func (c *CatFile) kill() {
	if c.cmd.Process != nil {
		c.cmd.Process.Kill()
	}
	c.Close()
}

// Open asks for one blob and returns a reader of exactly its content.
func (c *CatFile) Open(h plumbing.Hash) (io.Reader, int64, error) {
	return c.OpenID(h.String())
}

// OpenID is Open for an object id in hex, SHA-1 or SHA-256 (go-git's
// Hash holds only SHA-1).
func (c *CatFile) OpenID(id string) (io.Reader, int64, error) {
	if err := c.skipPending(); err != nil {
		return nil, 0, err
	}
	if _, err := c.in.WriteString(id + "\n"); err != nil {
		return nil, 0, fmt.Errorf("git cat-file: %w", err)
	}
	if err := c.in.Flush(); err != nil {
		return nil, 0, fmt.Errorf("git cat-file: %w", err)
	}
	size, err := c.header(id)
	if err != nil {
		return nil, size, err
	}
	return &catFileContent{c: c, left: size}, size, nil
}

// skipPending discards what is left of the last answer.
func (c *CatFile) skipPending() error {
	if c.pending > 0 {
		if _, err := c.out.Discard(int(c.pending)); err != nil {
			return fmt.Errorf("git cat-file: %w", err)
		}
		c.pending = 0
	}
	return nil
}

// header reads the answer's first line for object id and returns the
// blob's size; its content follows. Anything but a blob is ErrMissingBlob
// (with pending set to skip it).
func (c *CatFile) header(id string) (int64, error) {
	header, err := c.out.ReadString('\n')
	if err != nil {
		return 0, fmt.Errorf("git cat-file: %w", err)
	}
	fields := strings.Fields(header)
	if len(fields) == 2 && fields[1] == "missing" {
		return 0, fmt.Errorf("blob %s: %w", id, ErrMissingBlob)
	}
	if len(fields) != 3 {
		return 0, fmt.Errorf("git cat-file: unexpected answer %q", strings.TrimSpace(header))
	}
	size, err := strconv.ParseInt(fields[2], 10, 64)
	if err != nil || size < 0 {
		return 0, fmt.Errorf("git cat-file: bad size in %q", strings.TrimSpace(header))
	}
	c.pending = size + 1
	if fields[1] != "blob" {
		return size, fmt.Errorf("object %s is a %s: %w", id, fields[1], ErrMissingBlob)
	}
	return size, nil
}

// catFileContent reads one blob's bytes off the shared stream.
type catFileContent struct {
	c    *CatFile
	left int64
}

func (r *catFileContent) Read(p []byte) (int, error) {
	if r.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > r.left {
		p = p[:r.left]
	}
	n, err := r.c.out.Read(p)
	r.left -= int64(n)
	r.c.pending -= int64(n)
	if err == io.EOF && r.left > 0 {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

// Close stops the process. With part of a blob left unread, git may be
// blocked writing the rest into a full pipe and would never see its input
// end, so it is killed instead: the rest is not wanted.
func (c *CatFile) Close() error {
	c.w.Close()
	if c.pending > 0 && c.cmd.Process != nil {
		c.cmd.Process.Kill()
		c.cmd.Wait()
		return nil
	}
	return c.cmd.Wait()
}
