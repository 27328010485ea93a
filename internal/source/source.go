// Package source is the contract every source keeps, and the one worker
// pool that runs it. A source knows where bytes come from — a path in a
// directory, a blob in a repository, an index entry — and yields items:
// a display path, a way to open the bytes (reader and size), and where they
// came from. It never sniffs, decodes or special-cases content: the pool
// hands every item to the content layer, which does.
//
// Adding a source (a bucket, a list of repositories) is one package that
// implements Source plus one command file in cmd/scan that hands it to the
// pipeline; the pool, the content layer, the filters and the reports need
// nothing more. Findings come back unsorted: the pipeline sorts once.
//
// Every source reads through Scan, also those that place findings after
// the reading: git history hands each new blob and message to the pool as
// an item and attributes the findings (Item.Result) to the commits that
// introduced them once the pool is done.
package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"sync"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/content"
)

// Item is one piece of content to scan.
type Item struct {
	// Path is the display path findings carry: slash-separated, relative
	// to what the user named.
	Path string
	// Open returns the bytes and their size (-1 when unknown: a stream).
	// The pool calls it on a worker, so opening costs run in parallel, and
	// closes what it returns. An error wrapping a *Skip passes the item
	// over under the Skip's reason; any other error is a warning naming
	// Path, and makes the scan incomplete.
	Open func() (io.ReadCloser, int64, error)
	// Opener, if Open is nil, is asked instead: a source of many small
	// items saves the closure's allocation per item with a value that
	// is both the way to open it and what is opened.
	Opener Opener
	// Provenance says where the item came from beyond its path.
	Provenance
	// NotFile marks bytes that are not a file (a commit message): what
	// they hold counts, but not as a file or as file bytes.
	NotFile bool
	// Result, if set, is given what reading the item gave, on the worker,
	// and returns the findings the pool keeps: a source that places
	// findings itself (a history reports a blob's findings at the commits
	// that introduced it) or keeps only some (a staged change keeps those
	// on added lines). An Open or read error goes to it, not to the
	// pool's warnings.
	Result func(Result) []detectors.Finding
}

// Opener opens an item's bytes, as Item.Open does.
type Opener interface {
	Open() (io.ReadCloser, int64, error)
}

// open opens the item by Open or, without one, by Opener.
func (it *Item) open() (io.ReadCloser, int64, error) {
	if it.Open != nil {
		return it.Open()
	}
	return it.Opener.Open()
}

// Result is what reading one item gave.
type Result struct {
	Findings []detectors.Finding
	// Read: the content layer read the bytes (not passed over as empty,
	// too large or binary).
	Read bool
	// Opened: Open succeeded, and Err, if any, is the content layer's
	// (content.ErrInterrupted on a cancel); else Err is Open's.
	Opened bool
	Err    error
	// Stats are the worker's, for the source to count or warn in.
	Stats *detectors.Stats
}

// Provenance is where an item came from beyond its path. Findings carry it.
type Provenance struct {
	// Repository names the repository the item belongs to when one scan
	// covers several (scan repos); empty otherwise.
	Repository string
}

// Skip is an Open error for an item that is passed over, not failed: a
// file that turned out not to be a regular file by the time it was opened.
type Skip struct{ Reason string }

func (s *Skip) Error() string { return s.Reason }

// Source yields the items of one input. Items runs on one goroutine and
// returns when every item is yielded, the scan is cancelled (yield returns
// false), or the source cannot go on (the error). What it passes over and
// what it could not read it counts in st, as warnings and skips.
type Source interface {
	Items(ctx context.Context, st *detectors.Stats, yield func(Item) bool) error
}

// Options configure the pool.
type Options struct {
	// Workers bounds the items read at once; zero means one.
	Workers int
	// Done, if set, is called by a worker after each item with its path,
	// the bytes read and the findings in it (a progress line). It must be
	// safe for concurrent use.
	Done func(path string, bytes int64, findings int)
}

// Scan reads every item src yields through sc on one pool of workers and
// returns the findings, unsorted, and the statistics of the source and of
// every worker merged, with warnings and notes sorted. A cancelled scan
// returns what it found, with the statistics marked interrupted. The error
// is the source's.
func Scan(ctx context.Context, sc *content.Scanner, src Source, opt Options) ([]detectors.Finding, detectors.Stats, error) {
	workers := max(opt.Workers, 1)
	// Items travel in batches: one channel operation per file made the
	// walker and the workers wake each other for every small file, which
	// cost more than reading it (futex and scheduler sleeps on every
	// hand-over).
	items := make(chan []Item, 4*workers)
	// A worker hands each batch it has read back to be filled again: a
	// fresh slice grown item by item for every batch was the pool's
	// share of a source tree scan's garbage.
	spare := make(chan []Item, cap(items)+workers)
	type result struct {
		findings []detectors.Finding
		stats    detectors.Stats
	}
	results := make([]result, workers)
	var wg sync.WaitGroup
	for w := range results {
		wg.Add(1)
		go func(r *result) {
			defer wg.Done()
			rd := sc.NewReader()
			for batch := range items {
				for _, it := range batch {
					if ctx.Err() != nil {
						break // drain
					}
					before := r.stats.Bytes
					found := read(ctx, rd, it, &r.stats)
					r.findings = append(r.findings, found...)
					if opt.Done != nil {
						opt.Done(it.Path, r.stats.Bytes-before, len(found))
					}
				}
				clear(batch) // nothing read stays reachable from it
				select {
				case spare <- batch[:0]:
				default:
				}
			}
		}(&results[w])
	}

	var stats detectors.Stats
	var batch []Item
	send := func() bool {
		select {
		case items <- batch:
			batch = nil
			return true
		case <-ctx.Done():
			return false
		}
	}
	err := src.Items(ctx, &stats, func(it Item) bool {
		if batch == nil {
			select {
			case batch = <-spare:
			default:
			}
		}
		batch = append(batch, it)
		// While a worker waits (a slow source, the start of a walk) an
		// item goes at once; while the workers are behind, items gather
		// into batches.
		if len(batch) >= maxBatch || len(items) == 0 {
			return send()
		}
		return true
	})
	if len(batch) > 0 {
		send()
	}
	close(items)
	wg.Wait()

	var all []detectors.Finding
	for i := range results {
		all = append(all, results[i].findings...)
		stats.Merge(results[i].stats)
	}
	if ctx.Err() != nil {
		stats.Interrupt()
	}
	detectors.SortWarnings(stats.Warnings)
	sort.Strings(stats.Notes)
	return all, stats, err
}

// maxBatch bounds the items handed to a worker at once.
const maxBatch = 64

// read opens one item and hands it to the content layer.
func read(ctx context.Context, rd *content.Reader, it Item, st *detectors.Stats) []detectors.Finding {
	if it.NotFile {
		// Counted on its own, so that the file counts stay the files'.
		var own detectors.Stats
		found := read(ctx, rd, Item{Path: it.Path, Open: it.Open, Opener: it.Opener, Provenance: it.Provenance, Result: it.Result}, &own)
		own.Files, own.Bytes = 0, 0
		st.Merge(own)
		return found
	}
	r, size, err := it.open()
	if err != nil && it.Result != nil {
		return it.Result(Result{Err: err, Stats: st})
	}
	if err != nil {
		var skip *Skip
		if errors.As(err, &skip) {
			st.Skip(skip.Reason)
			return nil
		}
		st.Skip("unreadable")
		st.Warn(detectors.WarnUnreadable, it.Path, fmt.Sprintf("cannot read: %v", unwrapPath(err)))
		st.Incomplete = true
		return nil
	}
	defer r.Close()
	files := st.Files
	found, err := rd.Scan(ctx, it.Path, r, size, st)
	if it.Repository != "" {
		for i := range found {
			found[i].Repository = it.Repository
		}
	}
	if it.Result != nil {
		return it.Result(Result{Findings: found, Read: st.Files > files, Opened: true, Err: err, Stats: st})
	}
	return found
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
