package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
)

// BlobStream reads blobs that are asked for ahead of their use: the caller
// names each blob as soon as it knows it will need it (Want), and several
// hardened "git cat-file --batch" processes, each with its own share of the
// requests, inflate them while the scan's workers are busy with earlier ones.
// A history has hundreds of thousands of blobs: asked for one at a time, each
// would cost a round trip during which either git or the worker sits idle.
//
// Small blobs are read whole into memory, within a budget per process;
// larger ones are streamed to whoever opens them, and their process waits
// until that reader is closed. A PendingBlob must be opened and closed in
// the order of Want for each process, which a pool that takes items in the
// order they were yielded (source.Scan) does.
//
// Where git is missing or refuses the repository, go-git reads each blob
// when it is opened, one object store per concurrent reader.
type BlobStream struct {
	ctx   context.Context
	procs []*streamProc
	next  int
	// goGit holds idle go-git readers (their packfile readers keep a file
	// position: one per concurrent Open).
	goGit   chan *goGitBlobs
	newGoGt func() *goGitBlobs
	quit    chan struct{}
	wg      sync.WaitGroup
	// bufs recycles the buffers of blobs read whole, by power-of-two
	// size: a history's gigabytes would otherwise all be garbage.
	bufs [bufClasses]sync.Pool
}

// bufClasses covers buffers of 1<<minBufShift bytes up to wholeBlob.
const (
	minBufShift = 12
	bufClasses  = 26 - minBufShift
)

// buffer returns a buffer of n bytes (n ≤ wholeBlob).
func (s *BlobStream) buffer(n int64) []byte {
	if n <= 0 {
		return nil
	}
	c := max(bits.Len64(uint64(n-1)), minBufShift) - minBufShift
	if b, ok := s.bufs[c].Get().(*[]byte); ok {
		return (*b)[:n]
	}
	return make([]byte, n, 1<<(c+minBufShift))
}

func (s *BlobStream) recycle(b []byte) {
	c := bits.Len64(uint64(cap(b)-1)) - minBufShift
	if c >= 0 && c < bufClasses && cap(b) == 1<<(c+minBufShift) {
		s.bufs[c].Put(&b)
	}
}

// wholeBlob is the largest blob read whole ahead of use; streamBudget the
// bytes of such blobs one process may hold read but not yet closed (one
// blob over it is read when nothing else is held). A streamed blob holds
// its process, and every blob queued behind it, until its reader is
// closed: reading all but the rare huge blob whole keeps the other
// workers fed while one scans a large file.
const (
	wholeBlob    = 32 << 20
	streamBudget = 32 << 20
)

// NewBlobStream starts up to procs cat-file processes (none with
// goGitOnly, or where git cannot read the repository).
func (r *Repo) NewBlobStream(ctx context.Context, procs int, goGitOnly bool) *BlobStream {
	return r.newBlobStream(ctx, procs, goGitOnly, wholeBlob, streamBudget)
}

func (r *Repo) newBlobStream(ctx context.Context, procs int, goGitOnly bool, whole, budget int64) *BlobStream {
	s := &BlobStream{
		ctx:     ctx,
		goGit:   make(chan *goGitBlobs, 64),
		newGoGt: func() *goGitBlobs { return &goGitBlobs{st: r.NewStorage(16 << 20)} },
		quit:    make(chan struct{}),
	}
	if dir := r.GitDir(); dir != "" && !goGitOnly {
		for range max(procs, 1) {
			c, err := StartCatFile(ctx, dir)
			if err != nil {
				break
			}
			p := &streamProc{s: s, c: c, whole: whole, budget: budget, asked: make(chan *PendingBlob, 1024), inflight: make(chan *PendingBlob, 4096)}
			p.cond = sync.NewCond(&p.mu)
			s.procs = append(s.procs, p)
			s.wg.Add(2)
			go p.write()
			go p.read()
		}
	}
	return s
}

// PendingBlob is a blob asked for and not yet opened.
type PendingBlob struct {
	h     plumbing.Hash
	s     *BlobStream
	ready chan struct{}
	rc    io.ReadCloser
	size  int64
	err   error
	// delivered is set by the one goroutine that answers the blob.
	delivered bool
}

// Want asks for blob h. It is not safe for concurrent use: one goroutine
// names the blobs.
func (s *BlobStream) Want(h plumbing.Hash) *PendingBlob {
	p := &PendingBlob{h: h, s: s}
	if len(s.procs) == 0 {
		return p
	}
	p.ready = make(chan struct{})
	proc := s.procs[s.next%len(s.procs)]
	s.next++
	select {
	case proc.asked <- p:
	case <-s.quit:
		p.deliver(nil, 0, errStreamClosed)
	}
	return p
}

var errStreamClosed = errors.New("blob stream closed")

// Open waits for the blob and returns its content; the caller closes it.
// A missing blob is ErrMissingBlob.
func (p *PendingBlob) Open() (io.ReadCloser, int64, error) {
	if p.ready == nil {
		return p.s.openGoGit(p.h)
	}
	select {
	case <-p.ready:
	case <-p.s.ctx.Done():
		return nil, 0, p.s.ctx.Err()
	}
	return p.rc, p.size, p.err
}

func (p *PendingBlob) deliver(rc io.ReadCloser, size int64, err error) {
	if p.delivered {
		return // a streamed blob, then the stream's end
	}
	p.delivered = true
	p.rc, p.size, p.err = rc, size, err
	close(p.ready)
}

// Close stops the processes; blobs asked for and not yet opened are lost.
// Every blob asked for has been read by then, or is not wanted: git is
// killed, not asked to finish (it may be blocked writing an answer no one
// will read).
func (s *BlobStream) Close() {
	close(s.quit)
	for _, p := range s.procs {
		close(p.asked)
		p.mu.Lock()
		p.cond.Broadcast()
		p.mu.Unlock()
		if p.c.cmd.Process != nil {
			p.c.cmd.Process.Kill()
		}
	}
	s.wg.Wait()
	for _, p := range s.procs {
		p.c.w.Close()
		p.c.cmd.Wait()
	}
	for {
		select {
		case g := <-s.goGit:
			g.Close()
		default:
			return
		}
	}
}

func (s *BlobStream) openGoGit(h plumbing.Hash) (io.ReadCloser, int64, error) {
	var g *goGitBlobs
	select {
	case g = <-s.goGit:
	default:
		g = s.newGoGt()
	}
	rd, size, err := g.Open(h)
	if err != nil {
		s.putGoGit(g)
		return nil, 0, err
	}
	return &goGitContent{Reader: rd, g: g, s: s}, size, nil
}

func (s *BlobStream) putGoGit(g *goGitBlobs) {
	g.closeOpen()
	select {
	case s.goGit <- g:
	default:
		g.Close()
	}
}

type goGitContent struct {
	io.Reader
	g *goGitBlobs
	s *BlobStream
}

func (c *goGitContent) Close() error {
	if c.g != nil {
		c.s.putGoGit(c.g)
		c.g = nil
	}
	return nil
}

// streamProc is one cat-file process: write sends it the blobs asked for,
// read takes its answers in the same order.
type streamProc struct {
	s        *BlobStream
	c        *CatFile
	asked    chan *PendingBlob
	inflight chan *PendingBlob
	// broken: the process failed; every later blob gets the error.
	broken bool

	mu     sync.Mutex
	cond   *sync.Cond
	held   int64 // bytes read ahead and not yet closed
	budget int64 // what held may reach
	whole  int64 // the largest blob read whole
	// streaming: a large blob is being read by its opener.
	streaming bool
}

func (p *streamProc) write() {
	defer p.s.wg.Done()
	defer close(p.inflight)
	failed := false
	for b := range p.asked {
		if !failed {
			if _, err := p.c.in.WriteString(b.h.String() + "\n"); err != nil {
				failed = true
			}
			// Flushed when nothing else is waiting: requests go out in
			// batches, yet git never waits for one that was asked.
			if !failed && len(p.asked) == 0 && p.c.in.Flush() != nil {
				failed = true
			}
		}
		p.inflight <- b
	}
}

func (p *streamProc) read() {
	defer p.s.wg.Done()
	for b := range p.inflight {
		if p.broken {
			b.deliver(nil, 0, errStreamBroken)
			continue
		}
		if err := p.answer(b); err != nil {
			p.broken = true
			b.deliver(nil, 0, err)
		}
	}
}

var errStreamBroken = errors.New("git cat-file stopped")

// answer reads one blob's answer and delivers it; an error means the stream
// is out of step and nothing more can be read.
func (p *streamProc) answer(b *PendingBlob) error {
	size, err := p.c.header(b.h.String())
	if err != nil {
		if errors.Is(err, ErrMissingBlob) {
			b.deliver(nil, 0, err)
			return p.c.skipPending()
		}
		return err
	}
	if size > p.whole {
		p.mu.Lock()
		p.streaming = true
		p.mu.Unlock()
		b.deliver(&streamedBlob{catFileContent: catFileContent{c: p.c, left: size}, p: p}, size, nil)
		p.mu.Lock()
		for p.streaming && !p.closing() {
			p.cond.Wait()
		}
		p.mu.Unlock()
		if p.closing() {
			return errStreamClosed
		}
		return p.c.skipPending()
	}
	p.mu.Lock()
	for p.held > 0 && p.held+size > p.budget && !p.closing() {
		p.cond.Wait()
	}
	p.held += size
	p.mu.Unlock()
	if p.closing() {
		return errStreamClosed
	}
	data := p.s.buffer(size)
	if _, err := io.ReadFull(p.c.out, data); err != nil {
		return fmt.Errorf("git cat-file: %w", err)
	}
	p.c.pending -= size
	b.deliver(&heldBlob{data: data, p: p}, size, nil)
	return p.c.skipPending()
}

func (p *streamProc) closing() bool {
	select {
	case <-p.s.quit:
		return true
	default:
		return false
	}
}

func (p *streamProc) release(n int64) {
	p.mu.Lock()
	p.held -= n
	p.cond.Broadcast()
	p.mu.Unlock()
}

// heldBlob is a blob read whole ahead of use.
type heldBlob struct {
	data []byte
	off  int
	p    *streamProc
}

func (h *heldBlob) Read(b []byte) (int, error) {
	if h.off >= len(h.data) {
		return 0, io.EOF
	}
	n := copy(b, h.data[h.off:])
	h.off += n
	return n, nil
}

func (h *heldBlob) Close() error {
	if h.p != nil {
		h.p.release(int64(len(h.data)))
		h.p.s.recycle(h.data)
		h.p, h.data = nil, nil
	}
	return nil
}

// streamedBlob is a large blob read off the process's output by its
// opener; closing it lets the process go on to the next answer.
type streamedBlob struct {
	catFileContent
	p *streamProc
}

func (s *streamedBlob) Close() error {
	if s.p != nil {
		s.p.mu.Lock()
		s.p.streaming = false
		s.p.cond.Broadcast()
		s.p.mu.Unlock()
		s.p = nil
	}
	return nil
}
