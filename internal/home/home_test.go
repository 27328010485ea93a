package home

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/content"
	"github.com/keyward/scan/internal/content/contenttest"
	"github.com/keyward/scan/internal/scanopt"
)

func newScanner(t testing.TB) *content.Scanner { return contenttest.Scanner(t, content.Options{}) }

type want struct {
	rule     string
	severity detectors.Severity
	others   bool   // readable by group or others
	archive  string // outermost archive, if any
	title    string // substring of the title, for presence findings
}

// TestScanHome audits a generated laptop home: every place of the profile
// with a secret in it, caches and third-party trees holding secrets that
// must stay silent, archives (nested, and a bomb), a symlink loop, a FIFO,
// an unreadable directory, and files private and group-readable.
func TestScanHome(t *testing.T) {
	dir := t.TempDir()
	// A home others may enter (0755, as many distributions make it), so
	// a file's own mode decides who reads it.
	os.Chmod(dir, 0o755)
	os.Chmod(filepath.Dir(dir), 0o755)
	newFixture(t, dir).build()
	res, err := Scan(context.Background(), newScanner(t), Options{Root: dir, Common: scanopt.Common{Threads: 2}})
	if err != nil {
		t.Fatal(err)
	}

	wants := map[string]want{
		".aws/credentials":                  {rule: "aws-secret-access-key", severity: detectors.Critical},
		".bash_history":                     {rule: "binance-api-secret", severity: detectors.Critical},
		".zsh_history":                      {rule: "bybit-api-secret", severity: detectors.Critical, others: true},
		".local/share/fish/fish_history":    {rule: "telegram-bot-token", severity: detectors.High},
		".psql_history":                     {rule: "url-credentials", severity: detectors.High},
		".git-credentials":                  {rule: "github-token", severity: detectors.High},
		".npmrc":                            {rule: "npm-token", severity: detectors.Critical, others: true},
		".pypirc":                           {rule: "pypi-token", severity: detectors.High},
		"code/bot/.git/config":              {rule: "url-credentials", severity: detectors.Critical, others: true},
		"bots/grid/.env":                    {rule: "okx-api-secret", severity: detectors.Critical, others: true},
		"ccxt/keys.json":                    {rule: "kraken-api-secret", severity: detectors.Critical},
		"ft_userdata/user_data/config.json": {rule: "binance-api-secret", severity: detectors.Critical},
		// Encrypted under the client password: reported as encrypted.
		"hummingbot/conf/connectors/binance.yml":                {rule: "hummingbot-encrypted-key", severity: detectors.Low},
		"research/backtest.ipynb":                               {rule: "aws-secret-access-key", severity: detectors.Critical, others: true},
		"research/.ipynb_checkpoints/backtest-checkpoint.ipynb": {rule: "aws-secret-access-key", severity: detectors.Critical, others: true},
		".ssh/id_ed25519":                                       {rule: "private-key", severity: detectors.High},
		".ssh/id_ed25519_work":                                  {rule: "private-key", severity: detectors.Low},
		".gnupg/private-keys-v1.d/0A1B2C3D.key":                 {rule: "gpg-secret-key", severity: detectors.Medium},
		// Cleartext and world-readable: raised, and already critical.
		".gnupg/private-keys-v1.d/4E5F6A7B.key": {rule: "gpg-secret-key", severity: detectors.Critical, others: true},
		".config/solana/id.json":                {rule: "solana-keypair", severity: detectors.Critical},
		".ethereum/keystore/UTC--2024-01-02T03-04-05.000000000Z--b992af26f6fabf90a7cf79f68e423849e238082b": {rule: "ethereum-keystore", severity: detectors.Medium},
		".bitcoin/wallets/main/wallet.dat": {rule: "bitcoin-core-wallet", severity: detectors.Critical},
		".electrum/wallets/default_wallet": {rule: "electrum-wallet-encrypted", severity: detectors.Medium},
		".config/google-chrome/Default/IndexedDB/chrome-extension_nkbihfbeogaeaoehlefnkodbefgpgknn_0.indexeddb.leveldb": {rule: "browser-wallet-vault", severity: detectors.Low, title: "MetaMask"},
		".config/BraveSoftware/Brave-Browser/Profile 1/Local Extension Settings/bfnaelmomeimhlpmgjnjophhpkkoljpa":       {rule: "browser-wallet-vault", severity: detectors.Low, title: "Phantom"},
		"backup.zip!bot/.env":                         {rule: "binance-api-secret", severity: detectors.Critical, others: true, archive: "backup.zip"},
		"backups/old-laptop.zip!home.tar.gz!bot/.env": {rule: "binance-api-secret", severity: detectors.Critical, archive: "backups/old-laptop.zip"},
	}
	root := os.Geteuid() == 0
	if root {
		// Root reads a mode-000 directory; everyone else gets a warning.
		wants["private/keys.env"] = want{rule: "binance-api-secret", severity: detectors.Critical}
	}

	got := map[string]detectors.Finding{}
	for _, f := range res.Findings {
		if _, dup := got[f.Path]; dup {
			t.Errorf("%s: more than one finding (%s)", f.Path, f.RuleID)
		}
		got[f.Path] = f
	}
	for p, w := range wants {
		f, ok := got[p]
		if !ok {
			t.Errorf("%s: no finding, want %s", p, w.rule)
			continue
		}
		if f.RuleID != w.rule || f.Severity != w.severity || f.Archive != w.archive {
			t.Errorf("%s: %s %s archive %q; want %s %s archive %q", p, f.RuleID, f.Severity, f.Archive, w.rule, w.severity, w.archive)
		}
		if f.File == nil || f.File.ReadableByOthers != w.others {
			t.Errorf("%s: file access %+v, want readable_by_others=%v", p, f.File, w.others)
		} else if w.others != strings.Contains(strings.Join(f.Notes, " "), "chmod") {
			t.Errorf("%s: notes %q; the chmod advice must appear exactly when others can read", p, f.Notes)
		}
		if !strings.Contains(f.Title, w.title) {
			t.Errorf("%s: title %q, want it to name %q", p, f.Title, w.title)
		}
	}
	for p, f := range got {
		if _, ok := wants[p]; !ok {
			t.Errorf("unexpected finding %s %s", p, f.RuleID)
		}
	}
	if f := got[".zsh_history"]; f.File != nil && f.File.Mode != "0644" {
		t.Errorf(".zsh_history mode %q, want 0644", f.File.Mode)
	}
	for _, v := range got {
		if v.RuleID == "browser-wallet-vault" && !strings.Contains(strings.Join(v.Notes, " "), "presence only") {
			t.Errorf("%s: vault finding must say it was not read: %q", v.Path, v.Notes)
		}
	}

	wantSkips := map[string]int64{
		ReasonCache:          4, // .cache, .npm, browser Cache, Chrome's second MetaMask store is deduplicated not skipped
		ReasonDependency:     2, // node_modules, the venv (pyvenv.cfg)
		ReasonToolchain:      2, // .pyenv, .rustup
		ReasonTrash:          1,
		ReasonPlaceholder:    1,
		ReasonLargeBinary:    1,
		"archive bomb":       1,
		"symlink":            2, // the loop and the link to .aws/credentials
		"not a regular file": 1,
		ReasonPresence:       3, // three vault directories (GnuPG keys are judged by the content layer)
	}
	// go/pkg and .cargo/registry are dependency trees too.
	wantSkips[ReasonDependency] += 2
	if !root {
		wantSkips["unreadable"] = 1
	}
	for reason, n := range wantSkips {
		if res.Stats.Skipped[reason] != n {
			t.Errorf("skipped[%q] = %d, want %d (all: %v)", reason, res.Stats.Skipped[reason], n, res.Stats.Skipped)
		}
	}
	for reason := range res.Stats.Skipped {
		if _, ok := wantSkips[reason]; !ok {
			t.Errorf("unexpected skip reason %q (%d)", reason, res.Stats.Skipped[reason])
		}
	}
	if res.Archives != 3 {
		t.Errorf("archives = %d, want 3", res.Archives)
	}
	var bomb bool
	for _, w := range res.Stats.Warnings {
		if w.Path == "Downloads/bomb.zip" && w.Kind == detectors.WarnNotScanned && strings.HasPrefix(w.Message, "refused") {
			bomb = true
		}
	}
	if !bomb {
		t.Errorf("no bomb warning in %q", res.Stats.Warnings)
	}
	// The refused bomb alone makes the audit incomplete: it was not read.
	if !res.Stats.Incomplete {
		t.Error("audit with a refused archive is not marked incomplete")
	}

	places := map[string]PlaceCount{}
	for _, p := range res.Places {
		places[p.Kind] = p
	}
	for kind, n := range map[string][2]int{
		"shell history": {3, 3}, "wallet": {4, 4}, "SSH key": {3, 2}, "GnuPG secret key": {3, 2},
		"notebook": {2, 2}, "dotenv file": {1, 1}, "REPL history": {2, 1},
		"git and HTTP credentials": {2, 2}, // .git-credentials and a .git/config
	} {
		if p := places[kind]; p.Files != n[0] || p.Findings != n[1] {
			t.Errorf("place %q: %d files, %d findings; want %v", kind, p.Files, p.Findings, n)
		}
	}
}

type entry struct {
	name string
	dir  bool
}

func (e entry) Name() string               { return e.name }
func (e entry) IsDir() bool                { return e.dir }
func (e entry) Type() fs.FileMode          { return map[bool]fs.FileMode{true: fs.ModeDir}[e.dir] }
func (e entry) Info() (fs.FileInfo, error) { return nil, fs.ErrNotExist }

func TestDecide(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "proj", "env"), 0o755)
	os.WriteFile(filepath.Join(dir, "proj", "env", "pyvenv.cfg"), nil, 0o644)
	tests := []struct {
		rel  string
		dir  bool
		skip string
	}{
		{".cache", true, ""}, // entered: an exception lies below
		{".cache/pip", true, ReasonCache},
		{".cache/huggingface", true, ""},
		{".cache/huggingface/token", false, ""},
		{".cache/huggingface/hub", true, ReasonCache},
		{".cache/huggingface/other.json", false, ReasonCache},
		{".m2", true, ""},
		{".m2/settings.xml", false, ""},
		{".m2/repository", true, ReasonCache},
		{".cargo/credentials.toml", false, ""},
		{".cargo/registry", true, ReasonDependency},
		{"go/pkg", true, ReasonDependency},
		{"go/src/mine", true, ""},
		{"a/b/node_modules", true, ReasonDependency},
		{"x/lib/python3.12/site-packages", true, ReasonDependency},
		{"proj/env", true, ReasonDependency},
		{"proj/src", true, ""},
		{".pyenv", true, ReasonToolchain},
		{"Music", true, ReasonMedia},
		{"Documents/Music", true, ""},
		{"Pictures/Photos Library.photoslibrary", true, ReasonMedia},
		{"Documents/.notes.txt.icloud", false, ReasonPlaceholder},
		{".gnupg/private-keys-v1.d/AB.key", false, ""}, // read, and judged, by the content layer
		{".config/google-chrome/Default/Local Extension Settings/nkbihfbeogaeaoehlefnkodbefgpgknn", true, ReasonPresence},
		{".config/google-chrome/Default/Local Extension Settings/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", true, ""},
		{".config/google-chrome/Default/Code Cache", true, ReasonCache},
	}
	m := Default().Matcher()
	for _, tc := range tests {
		d := m.Decide(tc.rel, filepath.Join(dir, filepath.FromSlash(tc.rel)), entry{name: filepath.Base(tc.rel), dir: tc.dir})
		if d.Skip != tc.skip {
			t.Errorf("Decide(%q) skip = %q, want %q", tc.rel, d.Skip, tc.skip)
		}
	}
	if d := m.Decide("/proc", "/proc", entry{name: "proc", dir: true}); d.Skip != ReasonSystem {
		t.Errorf("/proc: %q", d.Skip)
	}
	if d := m.Decide(".aws/credentials", filepath.Join(dir, ".aws/credentials"), entry{name: "credentials"}); d.Place == nil || d.Place.Kind != "cloud credentials" {
		t.Errorf(".aws/credentials place = %+v", d.Place)
	}
}

func TestProfileOverrides(t *testing.T) {
	p := Default()
	if !p.Unskip("trash") || !p.Unskip(".rustup") || p.Unskip("no such rule") {
		t.Fatal("Unskip did not report what it removed")
	}
	p.Skip("work/**/fixtures")
	m := p.Matcher()
	for rel, want := range map[string]string{
		".local/share/Trash": "", ".rustup": "", ".pyenv": ReasonToolchain, "work/a/fixtures": ReasonUser,
	} {
		if d := m.Decide(rel, "/nonexistent/"+rel, entry{name: filepath.Base(rel), dir: true}); d.Skip != want {
			t.Errorf("%s: skip %q, want %q", rel, d.Skip, want)
		}
	}
	list := Default().SkipList()
	for _, s := range []string{"toolchain: ", ".rustup", "**/node_modules", "trash: "} {
		if !strings.Contains(list, s) {
			t.Errorf("SkipList lacks %q:\n%s", s, list)
		}
	}
}

func TestScanCancelled(t *testing.T) {
	dir := t.TempDir()
	newFixture(t, dir).build()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := Scan(ctx, newScanner(t), Options{Root: dir, Common: scanopt.Common{Threads: 1}})
	if err != nil || !res.Stats.Interrupted || len(res.Findings) != 0 {
		t.Errorf("err %v, interrupted %v, %d findings", err, res.Stats.Interrupted, len(res.Findings))
	}
}
