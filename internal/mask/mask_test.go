//go:build unix

package mask

import (
	"encoding/base64"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Fake values in a key's shape, built at run time.
var (
	secretA = "Zq8" + strings.Repeat("xK3p", 8)
	secretB = "Wm2" + strings.Repeat("rT7v", 8)
)

func write(t *testing.T, dir, rel, body string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), mode); err != nil {
		t.Fatal(err)
	}
	os.Chmod(p, mode)
	return p
}

func item(rel string, secrets ...string) Item {
	return Item{Path: rel, RuleID: "generic", Line: 1, Secrets: secrets}
}

func TestScope(t *testing.T) {
	for _, tc := range []struct {
		rel  string
		ok   bool
		want string
	}{
		{".bash_history", true, ""},
		{".zsh_sessions/ABC.history", true, ""},
		{".local/share/fish/fish_history", true, ""},
		{"AppData/Roaming/Microsoft/Windows/PowerShell/PSReadLine/ConsoleHost_history.txt", true, ""},
		{"research/.ipynb_checkpoints/a-checkpoint.ipynb", true, ""},
		{"bots/grid/logs/run.txt", true, ""},
		{"freqtrade.log.1", true, ""},
		{"bots/.env.bak", true, ""},
		{"user_data/config.json.orig", true, ""},
		{"config copy.json", true, ""},
		{".aws/credentials.bak", true, ""},
		{".aws/credentials", false, ReasonStore},
		{".git-credentials", false, ReasonStore},
		{".npmrc", false, ReasonStore},
		{".netrc", false, ReasonStore},
		{"Library/Keychains/login.keychain-db", false, ReasonStore},
		{".ssh/id_ed25519", false, ReasonKeyFile},
		{"notes/seed.txt", false, ReasonWallet},
		{"Documents/my-mnemonic.txt.bak", false, ReasonWallet},
		{"wallet.dat.bak", false, ReasonWallet},
		{".electrum/wallets/default_wallet", false, ReasonWallet},
		{".config/solana/id.json", false, ReasonWallet},
		{"ft_userdata/user_data/config.json", false, ReasonBotConfig},
		{"bots/grid/.env", false, ReasonBotConfig},
		{"hummingbot/conf/connectors/binance.yml", false, ReasonBotConfig},
		{"notes/todo.md", false, ReasonOutOfScope},
	} {
		ok, why := Scope(tc.rel)
		if ok != tc.ok || why != tc.want {
			t.Errorf("Scope(%q) = %v, %q; want %v, %q", tc.rel, ok, why, tc.ok, tc.want)
		}
	}
}

// A directory swapped for a symlink between the listing and the answer
// must not lead the write out of the audited directory.
func TestApplyRefusesDirectorySwappedForSymlink(t *testing.T) {
	home, outside := t.TempDir(), t.TempDir()
	write(t, home, "logs/bot.log", "key="+secretA+"\n", 0o600)
	victim := write(t, outside, "bot.log", "key="+secretA+"\n", 0o600)
	plan, err := Prepare(home, []Item{item("logs/bot.log", secretA)}, nil)
	if err != nil || len(plan.Files) != 1 {
		t.Fatalf("plan %+v, %v", plan, err)
	}
	os.Rename(filepath.Join(home, "logs"), filepath.Join(home, "logs.moved"))
	if err := os.Symlink(outside, filepath.Join(home, "logs")); err != nil {
		t.Fatal(err)
	}
	res, err := plan.Apply(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(victim); !strings.Contains(string(b), secretA) {
		t.Fatal("the write followed the symlink out of the home")
	}
	if len(res.Masked) != 0 || len(res.Refused) != 1 || !strings.Contains(res.Refused[0].Reason, "not followed") {
		t.Errorf("result %+v", res)
	}
	if res.Backup != "" {
		t.Errorf("a backup folder is claimed although nothing was written: %s", res.Backup)
	}
}

func TestPrepareRefusesHardLinks(t *testing.T) {
	home := t.TempDir()
	p := write(t, home, ".bash_history", "export K="+secretA+"\n", 0o600)
	if err := os.Link(p, filepath.Join(home, ".aws-credentials-copy")); err != nil {
		t.Fatal(err)
	}
	plan, err := Prepare(home, []Item{item(".bash_history", secretA)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Files) != 0 || len(plan.Refused) != 1 || !strings.Contains(plan.Refused[0].Reason, "hard links") {
		t.Errorf("plan %+v", plan)
	}
}

// Secrets written UTF-16 or JSON-escaped are masked in their own form;
// one only in base64 is reported as not masked, with no backup claimed.
func TestEncodedSecrets(t *testing.T) {
	home := t.TempDir()
	u16 := func(s string) string {
		b := make([]byte, 2*len(s))
		for i, c := range []byte(s) {
			binary.LittleEndian.PutUint16(b[2*i:], uint16(c))
		}
		return string(b)
	}
	slashy := secretB[:10] + "/" + secretB[10:]
	write(t, home, "ps_history.txt", "\xff\xfe"+u16("$env:KEY='"+secretA+"'\r\n"), 0o600)
	write(t, home, "run.log", `{"msg":"key `+strings.ReplaceAll(slashy, "/", `\/`)+`"}`+"\n", 0o600)
	write(t, home, "b64.log", "token "+base64.StdEncoding.EncodeToString([]byte(secretA))+"\n", 0o600)
	plan, err := Prepare(home, []Item{item("ps_history.txt", secretA), item("run.log", slashy), item("b64.log", secretA)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := plan.Apply(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Masked) != 2 || len(res.Refused) != 1 || res.Refused[0].Path != "b64.log" ||
		!strings.Contains(res.Refused[0].Reason, "nothing changed") {
		t.Fatalf("result %+v", res)
	}
	b, _ := os.ReadFile(filepath.Join(home, "ps_history.txt"))
	if strings.Contains(string(b), u16(secretA)) || !strings.Contains(string(b), u16(secretA[:4]+Suffix)) {
		t.Error("UTF-16 secret not masked in UTF-16")
	}
	b, _ = os.ReadFile(filepath.Join(home, "run.log"))
	if strings.Contains(string(b), secretB[10:]) {
		t.Errorf("JSON-escaped secret not masked: %s", b)
	}
	if _, err := os.Stat(filepath.Join(res.Backup, "files", "b64.log")); err == nil {
		t.Error("a backup of an unmasked file")
	}
}

// An earlier run's backup folder never stops a later run half-way.
func TestExistingBackupDoesNotStop(t *testing.T) {
	home := t.TempDir()
	write(t, home, "a.log", "k="+secretA+"\n", 0o600)
	write(t, home, "b.log", "k="+secretB+"\n", 0o600)
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	write(t, home, ".keyward/backups/20260102T030405Z/files/b.log", "old", 0o600)
	plan, err := Prepare(home, []Item{item("a.log", secretA), item("b.log", secretB)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := plan.Apply(now)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Masked) != 2 || filepath.Base(res.Backup) != "20260102T030405Z-1" {
		t.Fatalf("result %+v", res)
	}
}

// Masking writes through the descriptor: owner, group, mode and inode stay.
func TestApplyKeepsOwnerModeAndInode(t *testing.T) {
	home := t.TempDir()
	p := write(t, home, ".python_history", "k='"+secretA+"'\n", 0o640)
	if os.Geteuid() == 0 {
		os.Chown(p, 4242, 4343)
	}
	before, _ := os.Stat(p)
	plan, _ := Prepare(home, []Item{item(".python_history", secretA)}, nil)
	if _, err := plan.Apply(time.Now()); err != nil {
		t.Fatal(err)
	}
	after, _ := os.Stat(p)
	bs, as := before.Sys().(*syscall.Stat_t), after.Sys().(*syscall.Stat_t)
	if after.Mode() != before.Mode() || as.Uid != bs.Uid || as.Gid != bs.Gid || as.Ino != bs.Ino {
		t.Errorf("before %v %d:%d ino %d, after %v %d:%d ino %d", before.Mode(), bs.Uid, bs.Gid, bs.Ino, after.Mode(), as.Uid, as.Gid, as.Ino)
	}
	if b, _ := os.ReadFile(p); strings.Contains(string(b), secretA) {
		t.Error("not masked")
	}
}

// A file changed after masking is not overwritten by --unmask.
func TestUnmaskLeavesChangedFiles(t *testing.T) {
	home := t.TempDir()
	p := write(t, home, "a.log", "k="+secretA+"\n", 0o600)
	plan, _ := Prepare(home, []Item{item("a.log", secretA)}, nil)
	if _, err := plan.Apply(time.Now()); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(p, []byte("new content\n"), 0o600)
	r, err := Unmask(home)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Restored) != 0 || len(r.Refused) != 1 || !strings.Contains(r.Refused[0].Reason, "changed since it was masked") {
		t.Errorf("unmask %+v", r)
	}
	if b, _ := os.ReadFile(p); string(b) != "new content\n" {
		t.Error("unmask overwrote a file changed since")
	}
}

// A notebook's outputs are a record and are masked; its code runs with
// the key, so a secret written in a cell's source stays, everywhere in
// the file, unless the user names the notebook.
func TestNotebookCodeKept(t *testing.T) {
	dir := t.TempDir()
	body := `{"cells": [{"cell_type": "code", "source": ["client = Client(\"` + secretA + `\")\n", "client.ping()\n"],
  "outputs": [{"output_type": "stream", "name": "stdout", "text": ["key ` + secretA + `\n", "token ` + secretB + `\n"]}]}],
 "nbformat": 4, "nbformat_minor": 5, "metadata": {}}` + "\n"
	write(t, dir, "research/live.ipynb", body, 0o600)
	items := []Item{item("research/live.ipynb", secretA), item("research/live.ipynb", secretB)}

	p, err := Prepare(dir, items, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Files) != 1 || len(p.Files[0].Kept) != 1 || p.Files[0].Kept[0].Reason != ReasonNotebookCode || len(p.Files[0].Changes) != 1 {
		t.Fatalf("plan: %+v", p.Files)
	}
	masked := string(p.Files[0].masked)
	if strings.Count(masked, secretA) != 2 || strings.Contains(masked, secretB) {
		t.Errorf("the code's secret must stay (twice), the output-only one go:\n%s", masked)
	}

	// Only code secrets: the file is left whole, with the reason.
	p, _ = Prepare(dir, items[:1], nil)
	if len(p.Files) != 0 || len(p.Refused) != 1 || p.Refused[0].Reason != ReasonNotebookCode {
		t.Errorf("code only: files %+v refused %+v", p.Files, p.Refused)
	}
	// Named with --mask-file: every copy is masked.
	p, _ = Prepare(dir, items, []string{"research/live.ipynb"})
	if len(p.Files) != 1 || strings.Contains(string(p.Files[0].masked), secretA) {
		t.Errorf("named: %+v", p.Files)
	}
}
