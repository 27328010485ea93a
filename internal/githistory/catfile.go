package githistory

import (
	"bufio"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// blobSource reads blob contents for a scanning worker.
type blobSource interface {
	// read returns the blob's content, reusing buf. A blob larger than max
	// comes back as (nil, size, nil); a blob that is not in the repository
	// as errMissingBlob.
	read(h plumbing.Hash, max int64, buf []byte) (data []byte, size int64, err error)
	Close() error
}

var errMissingBlob = errors.New("blob not in the repository")

// goGitBlobs reads blobs with go-git. It works everywhere, but inflates and
// re-hashes every object in Go, at about half the speed of git itself.
type goGitBlobs struct{ st *filesystem.Storage }

func (g goGitBlobs) read(h plumbing.Hash, max int64, buf []byte) ([]byte, int64, error) {
	size, err := g.st.EncodedObjectSize(h)
	if err != nil {
		return nil, 0, errMissingBlob
	}
	if size > max {
		return nil, size, nil
	}
	obj, err := g.st.EncodedObject(plumbing.BlobObject, h)
	if err != nil {
		return nil, size, errMissingBlob
	}
	rd, err := obj.Reader()
	if err != nil {
		return nil, size, err
	}
	defer rd.Close()
	if int64(cap(buf)) < size {
		buf = make([]byte, size)
	}
	data := buf[:size]
	if _, err := io.ReadFull(rd, data); err != nil {
		return nil, size, err
	}
	return data, size, nil
}

func (g goGitBlobs) Close() error { return g.st.Close() }

// ReadBlob reads one blob through go-git. A blob larger than max comes back
// with ok false; a missing one is an error.
func (r *Repo) ReadBlob(h plumbing.Hash, max int64) (data []byte, ok bool, err error) {
	// A non-nil buffer keeps an empty blob distinct from one over max.
	data, _, err = goGitBlobs{r.Storer.(*filesystem.Storage)}.read(h, max, []byte{})
	if err != nil {
		return nil, false, fmt.Errorf("blob %s: %w", h, err)
	}
	return data, data != nil, nil
}

// catFileBlobs reads blobs through "git cat-file --batch", whose C inflate
// and delta resolution are about twice as fast as go-git's.
//
// Running git inside an untrusted repository is what makes other scanners
// unsafe: its .git/config can name commands (core.fsmonitor, filter and
// textconv drivers, hooks). cat-file --batch runs none of those — it never
// applies filters or textconv unless asked, runs no hooks and does not
// touch the working tree — and the process is further cut off from them:
// fsmonitor and hooks are overridden on the command line, system and global
// config are not read, replace refs are ignored, and no environment
// variable can point it at another repository. TestRepositoryConfigNeverRuns
// proves it against a repository whose config tries every one of them.
type catFileBlobs struct {
	cmd *exec.Cmd
	in  *bufio.Writer
	out *bufio.Reader
	w   io.Closer
}

// startCatFile starts a hardened "git cat-file --batch" on gitDir, or
// returns an error when git is missing or refuses the repository (another
// user's repository, an unsupported format); callers then use go-git.
func startCatFile(ctx context.Context, gitDir string) (*catFileBlobs, error) {
	git, err := exec.LookPath("git")
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, git,
		"-c", "core.fsmonitor=false",
		"-c", "core.hooksPath=/dev/null",
		"--no-replace-objects",
		"--git-dir", gitDir,
		"cat-file", "--batch")
	cmd.Env = hardenedEnv()
	cmd.Dir = gitDir
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &catFileBlobs{cmd: cmd, in: bufio.NewWriter(stdin), out: bufio.NewReaderSize(stdout, 256<<10), w: stdin}
	// A request for an object that cannot exist proves the process reads
	// this repository and speaks the protocol.
	if _, _, err := c.read(plumbing.ZeroHash, 0, nil); !errors.Is(err, errMissingBlob) {
		c.Close()
		return nil, fmt.Errorf("git cat-file does not answer: %v", err)
	}
	return c, nil
}

// hardenedEnv is the environment without the variables that redirect git
// to other repositories, config files or helpers.
func hardenedEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "GIT_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL=/dev/null",
		"GIT_NO_REPLACE_OBJECTS=1",
		"GIT_TERMINAL_PROMPT=0",
		"GIT_OPTIONAL_LOCKS=0",
		"GIT_NO_LAZY_FETCH=1",
	)
}

func (c *catFileBlobs) read(h plumbing.Hash, max int64, buf []byte) ([]byte, int64, error) {
	var line [41]byte
	hex.Encode(line[:40], h[:])
	line[40] = '\n'
	if _, err := c.in.Write(line[:]); err != nil {
		return nil, 0, err
	}
	if err := c.in.Flush(); err != nil {
		return nil, 0, err
	}
	header, err := c.out.ReadString('\n')
	if err != nil {
		return nil, 0, fmt.Errorf("git cat-file: %w", err)
	}
	fields := strings.Fields(header)
	if len(fields) == 2 && fields[1] == "missing" {
		return nil, 0, errMissingBlob
	}
	if len(fields) != 3 {
		return nil, 0, fmt.Errorf("git cat-file: unexpected answer %q", strings.TrimSpace(header))
	}
	size, err := strconv.ParseInt(fields[2], 10, 64)
	if err != nil {
		return nil, 0, fmt.Errorf("git cat-file: bad size in %q", strings.TrimSpace(header))
	}
	if fields[1] != "blob" || size > max {
		// Consume the content (and its newline) to stay in step.
		if _, err := c.out.Discard(int(size) + 1); err != nil {
			return nil, size, err
		}
		if fields[1] != "blob" {
			return nil, size, errMissingBlob
		}
		return nil, size, nil
	}
	if int64(cap(buf)) < size+1 {
		buf = make([]byte, size+1)
	}
	data := buf[:size+1]
	if _, err := io.ReadFull(c.out, data); err != nil {
		return nil, size, fmt.Errorf("git cat-file: %w", err)
	}
	return data[:size], size, nil
}

func (c *catFileBlobs) Close() error {
	c.w.Close()
	return c.cmd.Wait()
}
