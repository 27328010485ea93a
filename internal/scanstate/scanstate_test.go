package scanstate

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func id(b byte) ID { var x ID; x[0], x[19] = b, b; return x }

func saved(t *testing.T) (string, []byte) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "state")
	s, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	if s.Start(Digest{7}) {
		t.Fatal("a missing state cannot be incremental")
	}
	s.AddBlob(id(3), false)
	s.AddBlob(id(1), true)
	s.AddBlob(id(2), false)
	s.AddReported(s.Key("conf/app.cfg", "github-token", "made-up-secret-value-123"))
	s.SetTips([]ID{id(9)})
	s.AddTag(id(5))
	s.Commit()
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return p, data
}

func TestRoundTrip(t *testing.T) {
	p, _ := saved(t)
	info, err := os.Stat(p)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("state mode %v, %v", info.Mode(), err)
	}
	s, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Start(Digest{7}) {
		t.Fatalf("same digest not incremental: %s", s.Reason())
	}
	for _, c := range []struct {
		id         ID
		seen, mark bool
	}{{id(1), true, true}, {id(2), true, false}, {id(3), true, false}, {id(4), false, false}} {
		seen, mark := s.Seen(c.id)
		if seen != c.seen || mark != c.mark {
			t.Errorf("Seen(%x) = %v %v", c.id[:1], seen, mark)
		}
	}
	if !s.Reported(s.Key("conf/app.cfg", "github-token", "made-up-secret-value-123")) || s.Reported(s.Key("conf/app.cfg", "github-token", "other")) {
		t.Error("reported keys not kept")
	}
	if len(s.Tips()) != 1 || s.Tips()[0] != id(9) {
		t.Errorf("tips %x", s.Tips())
	}
	if !s.TagKnown(id(5)) || s.TagKnown(id(6)) {
		t.Error("annotated tags not kept")
	}
	// Another digest: everything is forgotten, with a reason.
	s, _ = Open(p)
	if s.Start(Digest{8}) || s.Reason() == "" {
		t.Error("changed digest kept the state")
	}
	if seen, _ := s.Seen(id(1)); seen || len(s.Tips()) != 0 || s.TagKnown(id(5)) {
		t.Error("changed digest kept blobs, tips or tags")
	}
}

// A state written before annotated tags were recorded (format version 1)
// is read as one that has scanned no tag, not refused as corrupt.
func TestVersion1StateReads(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(magic)
	b.WriteByte(1)
	b.Write(make([]byte, 32+16))
	for _, ids := range [][]ID{{id(9)}, {id(1), id(2)}, {id(1)}, nil, {id(9)}} {
		b.Write([]byte{0, 0, 0, byte(len(ids))})
		for _, x := range ids {
			b.Write(x[:])
		}
	}
	b.Write([]byte{0, 0, 0, 0}) // no keys
	sum := sha256.Sum256(b.Bytes())
	b.Write(sum[:])
	p := filepath.Join(t.TempDir(), "state")
	os.WriteFile(p, b.Bytes(), 0o600)
	s, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Start(Digest{}) || !s.Known(id(9)) || s.TagKnown(id(9)) {
		t.Errorf("version 1: incremental %v, commit known %v, tag known %v", s.Incremental(), s.Known(id(9)), s.TagKnown(id(9)))
	}
	if seen, had := s.Seen(id(1)); !seen || !had {
		t.Error("version 1: blobs not read")
	}
}

func TestNoSecretInState(t *testing.T) {
	_, data := saved(t)
	secret := "made-up-secret-value-123"
	sum := sha256.Sum256([]byte(secret))
	for _, needle := range [][]byte{[]byte(secret), sum[:], []byte(hex.EncodeToString(sum[:])), sum[:16]} {
		if bytes.Contains(data, needle) {
			t.Errorf("state holds %q", needle)
		}
	}
}

func TestCorruptStateNamesTheFile(t *testing.T) {
	_, good := saved(t)
	dir := t.TempDir()
	flipped := append([]byte(nil), good...)
	flipped[len(magic)+40] ^= 1
	for name, data := range map[string][]byte{
		"foreign":   []byte("{\"findings\": []}\n"),
		"empty":     {},
		"truncated": good[:len(good)-7],
		"flipped":   flipped,
		"header":    []byte(magic),
	} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, data, 0o600)
		_, err := Open(p)
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestMergeSorted(t *testing.T) {
	got := mergeSorted([]ID{id(1), id(4)}, []ID{id(4), id(2), id(2), id(9)})
	want := []ID{id(1), id(2), id(4), id(9)}
	if len(got) != len(want) {
		t.Fatalf("got %d ids", len(got))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%d: %x", i, got[i][:1])
		}
	}
}
