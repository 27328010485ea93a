// Package scanstate remembers what a history scan has already read, so the
// next scan of the same repository reads only what is new.
//
// A state holds the digest of everything that decides what a blob yields
// (the rule set, the config, the scan settings), the ref tips, the
// commits and annotated tags scanned, the sorted ids of every blob read (with a mark on those that held findings:
// attributing a new finding may need them again), and keyed hashes of the
// (path, rule, secret) locations already reported. It holds no secret and
// no unsalted hash of one: each state has its own random salt.
//
// The file is binary: a header, fixed-width sorted records, and a SHA-256
// of everything before it, so that a truncated or edited file is refused
// instead of read as an empty history.
package scanstate

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
)

// ID is a git object id (SHA-1).
type ID [20]byte

// Key is a keyed hash of one reported location.
type Key [16]byte

// Digest identifies the rule set and settings a state was made under.
type Digest [32]byte

const (
	magic = "KWSCAN-STATE\x00"
	// version 2 added the annotated tags; a version 1 file reads as one
	// that has scanned none.
	version = 2
	// maxRecords bounds every count read from a file, so a damaged count
	// cannot ask for gigabytes.
	maxRecords = 1 << 28
)

// ErrCorrupt marks a state file that cannot be read as a state.
var ErrCorrupt = errors.New("not a valid scan state file")

// State is one repository's scan state.
type State struct {
	path   string
	digest Digest
	salt   [16]byte
	tips   []ID
	blobs  []ID // sorted
	marked []ID // sorted subset of blobs: held findings
	keys   []Key
	// missing are blobs that could not be read: every later scan names
	// them again, and reads everything once they are present.
	missing []ID
	// commits are every commit scanned: the set is closed under
	// ancestry, so a walk of new history stops at the first one it meets.
	commits []ID
	// tags are the annotated tag objects whose messages were scanned:
	// objects do not change, so a known one is not read again.
	tags []ID

	// incremental is set once Start accepted the stored state.
	incremental bool
	reason      string

	newBlobs   map[ID]bool
	newKeys    []Key
	newTips    []ID
	newMissing []ID
	newCommits []ID
	newTags    []ID
	blocked    string
	committed  bool
}

// Open reads the state at path; a missing file is an empty state.
func Open(path string) (*State, error) {
	s := &State{path: path}
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		s.reason = "no state yet"
		return s, nil
	case err != nil:
		return nil, fmt.Errorf("state %s: %w", path, err)
	}
	if err := s.decode(data); err != nil {
		return nil, fmt.Errorf("state %s: %w", path, err)
	}
	return s, nil
}

// Path is where the state is read from and saved to.
func (s *State) Path() string { return s.path }

// Start compares the stored digest with d. When they match, the scan may
// skip what the state has seen; otherwise the state is emptied (a full
// scan) and Reason says why.
func (s *State) Start(d Digest) (incremental bool) {
	if s.reason == "" && s.digest != d {
		s.reason = "the rule set or the scan settings changed since the state was written"
	}
	if s.reason != "" {
		*s = State{path: s.path, reason: s.reason, blocked: s.blocked}
		if _, err := rand.Read(s.salt[:]); err != nil {
			panic(err) // crypto/rand does not fail on supported systems
		}
	} else {
		s.incremental = true
	}
	s.digest = d
	s.newBlobs = map[ID]bool{}
	return s.incremental
}

// Reset empties the state for a full scan, giving the reason.
func (s *State) Reset(reason string) {
	s.reason = reason
	s.Start(s.digest)
}

// Missing are the blobs earlier scans could not read.
func (s *State) Missing() []ID { return s.missing }

// AddMissing records a blob this scan could not read.
func (s *State) AddMissing(blob ID) { s.newMissing = append(s.newMissing, blob) }

// Block marks this scan's results as not fit to remember (a commit or tree
// could not be read, refs were damaged): the state is left as it was.
func (s *State) Block(reason string) {
	if s.blocked == "" {
		s.blocked = reason
	}
}

// Blocked says why this scan must not be saved; empty when it may be.
func (s *State) Blocked() string { return s.blocked }

// Incremental reports whether Start accepted the stored state.
func (s *State) Incremental() bool { return s.incremental }

// Reason says why the scan is a full one; empty when incremental.
func (s *State) Reason() string { return s.reason }

// Tips are the ref tips the last scan started from.
func (s *State) Tips() []ID { return s.tips }

// Known reports whether commit was scanned by an earlier scan (and with
// it, all its ancestors).
func (s *State) Known(commit ID) bool { return contains(s.commits, commit) }

// AddCommit records a commit this scan covered.
func (s *State) AddCommit(commit ID) { s.newCommits = append(s.newCommits, commit) }

// TagKnown reports whether an earlier scan read the annotated tag object
// tag (and its message).
func (s *State) TagKnown(tag ID) bool { return contains(s.tags, tag) }

// AddTag records an annotated tag whose message this scan read.
func (s *State) AddTag(tag ID) { s.newTags = append(s.newTags, tag) }

// Seen reports whether blob was read by an earlier scan, and whether it
// held findings then.
func (s *State) Seen(blob ID) (seen, hadFindings bool) {
	if !contains(s.blobs, blob) {
		return false, false
	}
	return true, contains(s.marked, blob)
}

func contains(ids []ID, id ID) bool {
	i := sort.Search(len(ids), func(i int) bool { return bytes.Compare(ids[i][:], id[:]) >= 0 })
	return i < len(ids) && ids[i] == id
}

// Key is the keyed hash of a reported location.
func (s *State) Key(path, rule, secret string) Key {
	m := hmac.New(sha256.New, s.salt[:])
	for _, p := range []string{path, rule, secret} {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(p)))
		m.Write(n[:])
		m.Write([]byte(p))
	}
	var k Key
	copy(k[:], m.Sum(nil))
	return k
}

// Reported reports whether an earlier scan reported the location k.
func (s *State) Reported(k Key) bool {
	i := sort.Search(len(s.keys), func(i int) bool { return bytes.Compare(s.keys[i][:], k[:]) >= 0 })
	return i < len(s.keys) && s.keys[i] == k
}

// AddBlob records a blob this scan read.
func (s *State) AddBlob(blob ID, hadFindings bool) {
	s.newBlobs[blob] = s.newBlobs[blob] || hadFindings
}

// AddReported records a location this scan reported.
func (s *State) AddReported(k Key) { s.newKeys = append(s.newKeys, k) }

// SetTips records the commits whose history this scan covered.
func (s *State) SetTips(tips []ID) { s.newTips = append([]ID(nil), tips...) }

// Commit folds what this scan recorded into the state; the caller calls it
// only for a complete scan, then Save.
func (s *State) Commit() {
	var add, mark []ID
	for id, f := range s.newBlobs {
		add = append(add, id)
		if f {
			mark = append(mark, id)
		}
	}
	s.blobs = mergeSorted(s.blobs, add)
	s.marked = mergeSorted(s.marked, mark)
	s.keys = append(s.keys, s.newKeys...)
	slices.SortFunc(s.keys, func(a, b Key) int { return bytes.Compare(a[:], b[:]) })
	s.keys = slices.Compact(s.keys)
	s.missing = mergeSorted(nil, s.newMissing)
	s.commits = mergeSorted(s.commits, s.newCommits)
	s.tags = mergeSorted(s.tags, s.newTags)
	s.tips = s.newTips
	slices.SortFunc(s.tips, cmpID)
	s.tips = slices.Compact(s.tips)
	s.newBlobs, s.newKeys, s.newMissing, s.newCommits, s.newTags = map[ID]bool{}, nil, nil, nil, nil
	s.committed = true
}

// Counts says how big the state is: commits, blobs, reported locations.
func (s *State) Counts() (commits, blobs, keys int) { return len(s.commits), len(s.blobs), len(s.keys) }

func cmpID(a, b ID) int { return bytes.Compare(a[:], b[:]) }

func mergeSorted(old, add []ID) []ID {
	if len(add) == 0 {
		return old
	}
	slices.SortFunc(add, cmpID)
	out := make([]ID, 0, len(old)+len(add))
	i, j := 0, 0
	for i < len(old) || j < len(add) {
		switch {
		case j == len(add) || (i < len(old) && cmpID(old[i], add[j]) < 0):
			out = append(out, old[i])
			i++
		case i == len(old) || cmpID(old[i], add[j]) > 0:
			out = append(out, add[j])
			j++
		default:
			out = append(out, old[i])
			i++
			j++
		}
		if n := len(out); n > 1 && out[n-1] == out[n-2] {
			out = out[:n-1]
		}
	}
	return out
}

// Save writes the state atomically, readable by its owner only.
func (s *State) Save() error {
	if !s.committed {
		return fmt.Errorf("state %s: nothing committed to save", s.path)
	}
	data := s.encode()
	dir, base := filepath.Split(s.path)
	if dir == "" {
		dir = "."
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("state %s: %w", s.path, err)
	}
	f, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return fmt.Errorf("state %s: %w", s.path, err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("state %s: %w", s.path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("state %s: %w", s.path, err)
	}
	if err := os.Rename(f.Name(), s.path); err != nil {
		return fmt.Errorf("state %s: %w", s.path, err)
	}
	return nil
}

func (s *State) encode() []byte {
	var b bytes.Buffer
	b.Grow(len(magic) + 1 + 32 + 16 + 7*4 + 20*(len(s.tips)+len(s.blobs)+len(s.marked)+len(s.missing)+len(s.commits)+len(s.tags)) + 16*len(s.keys) + sha256.Size)
	b.WriteString(magic)
	b.WriteByte(version)
	b.Write(s.digest[:])
	b.Write(s.salt[:])
	putIDs := func(ids []ID) {
		binary.Write(&b, binary.BigEndian, uint32(len(ids)))
		for _, id := range ids {
			b.Write(id[:])
		}
	}
	putIDs(s.tips)
	putIDs(s.blobs)
	putIDs(s.marked)
	putIDs(s.missing)
	putIDs(s.commits)
	putIDs(s.tags)
	binary.Write(&b, binary.BigEndian, uint32(len(s.keys)))
	for _, k := range s.keys {
		b.Write(k[:])
	}
	sum := sha256.Sum256(b.Bytes())
	b.Write(sum[:])
	return b.Bytes()
}

func (s *State) decode(data []byte) error {
	if len(data) < len(magic) || string(data[:len(magic)]) != magic {
		return fmt.Errorf("%w (no state header: is it another file?)", ErrCorrupt)
	}
	if len(data) < len(magic)+1+32+16+sha256.Size {
		return fmt.Errorf("%w (truncated)", ErrCorrupt)
	}
	body, sum := data[:len(data)-sha256.Size], data[len(data)-sha256.Size:]
	if got := sha256.Sum256(body); !bytes.Equal(got[:], sum) {
		return fmt.Errorf("%w (checksum mismatch: truncated or modified)", ErrCorrupt)
	}
	r := body[len(magic):]
	fileVersion := r[0]
	if fileVersion != 1 && fileVersion != version {
		return fmt.Errorf("%w (format version %d; this scan reads version %d)", ErrCorrupt, r[0], version)
	}
	r = r[1:]
	copy(s.digest[:], r)
	r = r[32:]
	copy(s.salt[:], r)
	r = r[16:]
	var err error
	getIDs := func() []ID {
		if err != nil {
			return nil
		}
		if len(r) < 4 {
			err = fmt.Errorf("%w (truncated)", ErrCorrupt)
			return nil
		}
		n := binary.BigEndian.Uint32(r)
		r = r[4:]
		if n > maxRecords || uint64(len(r)) < uint64(n)*20 {
			err = fmt.Errorf("%w (truncated)", ErrCorrupt)
			return nil
		}
		ids := make([]ID, n)
		for i := range ids {
			copy(ids[i][:], r[i*20:])
			if i > 0 && cmpID(ids[i-1], ids[i]) >= 0 {
				err = fmt.Errorf("%w (ids out of order)", ErrCorrupt)
				return nil
			}
		}
		r = r[n*20:]
		return ids
	}
	s.tips = getIDs()
	s.blobs = getIDs()
	s.marked = getIDs()
	s.missing = getIDs()
	s.commits = getIDs()
	if fileVersion >= 2 {
		s.tags = getIDs()
	}
	if err != nil {
		return err
	}
	if len(r) < 4 {
		return fmt.Errorf("%w (truncated)", ErrCorrupt)
	}
	n := binary.BigEndian.Uint32(r)
	r = r[4:]
	if n > maxRecords || uint64(len(r)) != uint64(n)*16 {
		return fmt.Errorf("%w (wrong length)", ErrCorrupt)
	}
	s.keys = make([]Key, n)
	for i := range s.keys {
		copy(s.keys[i][:], r[i*16:])
	}
	for _, m := range s.marked {
		if !contains(s.blobs, m) {
			return fmt.Errorf("%w (a marked blob is not in the blob list)", ErrCorrupt)
		}
	}
	return nil
}
