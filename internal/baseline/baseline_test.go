package baseline

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/regularfile"
)

// Values built at run time so that this file holds no literal secret.
var (
	binanceSecret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP" + "1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
	dbPassword    = "hunter" + "2024!"
)

func finding(rule, path string, line int, secret string) detectors.Finding {
	return detectors.Finding{RuleID: rule, Severity: detectors.High,
		Location: detectors.Location{Path: path, StartLine: line, StartColumn: 5, EndLine: line, EndColumn: 5 + len(secret)},
		Secret:   secret, Line: "x = " + secret}
}

func accepted(fs []detectors.Finding) []detectors.Finding {
	return []detectors.Finding{
		finding("binance-api-secret", "config/bot.json", 4, binanceSecret),
		finding("generic-password", "deploy/.env", 2, dbPassword),
	}
}

func TestBaselineAcceptsMovedAndRenamed(t *testing.T) {
	b, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if n := b.Add(accepted(nil)); n != 2 {
		t.Fatalf("Add = %d, want 2", n)
	}
	path := filepath.Join(t.TempDir(), DefaultFile)
	if err := b.Save(path); err != nil {
		t.Fatal(err)
	}
	b, err = Load(path)
	if err != nil {
		t.Fatal(err)
	}

	later := []detectors.Finding{
		// The secret moved down the file.
		finding("binance-api-secret", "config/bot.json", 40, binanceSecret),
		// The file was renamed.
		finding("generic-password", "ops/prod.env", 2, dbPassword),
		// A new secret.
		finding("generic-password", "ops/prod.env", 3, dbPassword+"x"),
		// A known value under another rule is another finding.
		finding("bybit-api-secret", "config/bot.json", 4, binanceSecret),
	}
	fresh, acc := b.Filter(later)
	if len(acc) != 2 || acc[0].Finding.StartLine != 40 || acc[1].Finding.Path != "ops/prod.env" {
		t.Errorf("accepted = %+v, want the moved and the renamed finding", acc)
	}
	if len(fresh) != 2 || fresh[0].Secret != dbPassword+"x" || fresh[1].RuleID != "bybit-api-secret" {
		t.Errorf("fresh = %+v, want the new secret and the other rule's finding", fresh)
	}
}

func TestBaselineFileRevealsNothing(t *testing.T) {
	b, err := New()
	if err != nil {
		t.Fatal(err)
	}
	fs := accepted(nil)
	b.Add(fs)
	path := filepath.Join(t.TempDir(), DefaultFile)
	if err := b.Save(path); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for _, f := range fs {
		if strings.Contains(text, f.Secret) || strings.Contains(text, f.Secret[:6]) {
			t.Errorf("the file holds the secret or its start: %.6s", f.Secret)
		}
		// No fast hash of the secret, alone or with its rule, in any
		// common encoding or truncation.
		for _, in := range []string{f.Secret, f.RuleID + "\x00" + f.Secret, f.RuleID + f.Secret, f.RuleID + ":" + f.Secret} {
			s256 := sha256.Sum256([]byte(in))
			s1 := sha1.Sum([]byte(in))
			m5 := md5.Sum([]byte(in))
			for _, h := range [][]byte{s256[:], s1[:], m5[:]} {
				hx := hex.EncodeToString(h)
				if strings.Contains(text, hx[:16]) {
					t.Errorf("the file holds a fast hash of %s's secret", f.RuleID)
				}
			}
		}
		plain := sha256.Sum256([]byte(f.RuleID + "\x00" + f.Secret))
		if strings.Contains(text, hex.EncodeToString(plain[:])[:32]) {
			t.Errorf("the file holds the reports' unsalted fingerprint of %s", f.RuleID)
		}
	}
	// No line numbers, no timestamps: an entry is a fingerprint, a rule
	// and a path, nothing that changes when the file is edited.
	var raw struct {
		Entries []map[string]any `json:"entries"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	for _, e := range raw.Entries {
		for k := range e {
			if k != "fingerprint" && k != "rule" && k != "path" {
				t.Errorf("entry key %q: want only fingerprint, rule and path", k)
			}
		}
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v: a committed file needs ordinary permissions", st.Mode().Perm())
	}

	// Two baselines of the same findings have different salts, so their
	// fingerprints differ: nothing links one repository's leaks to another's.
	b2, _ := New()
	b2.Add(fs)
	if b2.Entries[0].Fingerprint == b.Entries[0].Fingerprint {
		t.Errorf("two baselines share a fingerprint: the salt is not random")
	}
}

func TestBaselineNoChurn(t *testing.T) {
	b, err := New()
	if err != nil {
		t.Fatal(err)
	}
	b.Add(accepted(nil))
	dir := t.TempDir()
	p1 := filepath.Join(dir, "a.json")
	if err := b.Save(p1); err != nil {
		t.Fatal(err)
	}
	b, err = Load(p1)
	if err != nil {
		t.Fatal(err)
	}
	// The same findings, found in another order and at other lines.
	fs := accepted(nil)
	fs[0], fs[1] = fs[1], fs[0]
	fs[0].StartLine += 7
	if n := b.Add(fs); n != 0 {
		t.Errorf("re-adding known findings added %d entries", n)
	}
	p2 := filepath.Join(dir, "b.json")
	if err := b.Save(p2); err != nil {
		t.Fatal(err)
	}
	d1, _ := os.ReadFile(p1)
	d2, _ := os.ReadFile(p2)
	if !bytes.Equal(d1, d2) {
		t.Errorf("the file changed without a new finding:\n%s\n---\n%s", d1, d2)
	}
}

func TestBaselineUpdateKeepsNotesAndFindsStale(t *testing.T) {
	b, err := New()
	if err != nil {
		t.Fatal(err)
	}
	b.Add(accepted(nil))
	for i := range b.Entries {
		if b.Entries[i].Rule == "generic-password" {
			b.Entries[i].Note = "staging database, rotated 2025-01"
		}
	}
	// The Binance secret was removed; a new token appeared.
	now := []detectors.Finding{
		finding("generic-password", "deploy/.env", 9, dbPassword),
		finding("github-pat", "ci/release.sh", 1, "ghp_"+strings.Repeat("aZ3", 12)),
	}
	stale := b.Stale(now)
	if len(stale) != 1 || stale[0].Rule != "binance-api-secret" {
		t.Errorf("stale = %+v, want the Binance entry", stale)
	}
	if n := b.Add(now); n != 1 {
		t.Errorf("Add = %d, want 1", n)
	}
	var note string
	for _, e := range b.Entries {
		if e.Rule == "generic-password" {
			note = e.Note
		}
	}
	if note != "staging database, rotated 2025-01" {
		t.Errorf("the note was lost: %q", note)
	}
	if n := b.Prune(stale); n != 1 || len(b.Entries) != 2 {
		t.Errorf("Prune = %d leaving %d entries", n, len(b.Entries))
	}
}

func TestLoadRejectsBadFiles(t *testing.T) {
	good := `{"version":1,"about":"","fingerprint":{"algorithm":"scrypt","n":16384,"r":8,"p":1,"salt":"AAAAAAAAAAAAAAAAAAAAAA=="},"entries":[]}`
	tests := []struct{ name, body, want string }{
		{"not json", "{", "unexpected EOF"},
		{"unknown key", strings.Replace(good, `"entries"`, `"secrets":[],"entries"`, 1), "unknown field"},
		{"future version", strings.Replace(good, `"version":1`, `"version":2`, 1), "version 2"},
		{"fast kdf", strings.Replace(good, `"scrypt"`, `"sha256"`, 1), "want scrypt"},
		{"cheap cost", strings.Replace(good, `"n":16384`, `"n":16`, 1), "power of two"},
		// A committed file must not make every scan derive at 1 GiB each.
		{"costly cost", strings.Replace(good, `"n":16384`, `"n":1048576`, 1), "this tool writes n=16384"},
		{"cost above what the tool writes", strings.Replace(good, `"n":16384`, `"n":32768`, 1), "refused"},
		{"huge salt", strings.Replace(good, `AAAAAAAAAAAAAAAAAAAAAA==`, strings.Repeat("A", 4096), 1), "salt"},
		{"short salt", strings.Replace(good, `AAAAAAAAAAAAAAAAAAAAAA==`, `AAAA`, 1), "salt"},
		{"bad entry", strings.Replace(good, `"entries":[]`, `"entries":[{"fingerprint":"abc","rule":"x","path":"y"}]`, 1), "entry 1"},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		p := filepath.Join(dir, tt.name)
		os.WriteFile(p, []byte(tt.body), 0o644)
		if _, err := Load(p); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want one mentioning %q", tt.name, err, tt.want)
		}
	}
	p := filepath.Join(dir, "good")
	os.WriteFile(p, []byte(good), 0o644)
	if _, err := Load(p); err != nil {
		t.Errorf("good file: %v", err)
	}
}

// The baseline is looked for by name in the scanned tree, so a FIFO there
// must be refused at once, not read (which would block the scan forever).
func TestLoadRefusesFIFO(t *testing.T) {
	p := filepath.Join(t.TempDir(), DefaultFile)
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Skip(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := Load(p)
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, regularfile.ErrNotRegular) {
			t.Errorf("Load(FIFO) = %v, want ErrNotRegular", err)
		}
	case <-time.After(30 * time.Second):
		os.WriteFile(p, nil, 0) // open the FIFO's write end to free the reader
		t.Fatal("Load blocked on a FIFO")
	}
}
