package home

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/ed25519"
	"encoding/pem"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/crypto/ssh"
)

// fixture builds the secrets of a trader's laptop. Values are random (from
// a fixed seed) in the shapes the rules expect, so the tests hold no
// literal secret and no rule example.
type fixture struct {
	t   testing.TB
	dir string
	src *rand.ChaCha8
	rnd *rand.Rand
}

func newFixture(t testing.TB, dir string) *fixture {
	src := rand.NewChaCha8([32]byte{7})
	return &fixture{t: t, dir: dir, src: src, rnd: rand.New(src)}
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func (f *fixture) str(n int, alphabet string) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[f.rnd.IntN(len(alphabet))]
	}
	return string(b)
}

func (f *fixture) write(rel string, mode os.FileMode, content string) string {
	f.t.Helper()
	p := filepath.Join(f.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		f.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		f.t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil { // umask
		f.t.Fatal(err)
	}
	return p
}

func (f *fixture) binance() string {
	return fmt.Sprintf("BINANCE_API_KEY=%s\nBINANCE_API_SECRET=%s\n", f.str(64, alnum), f.str(64, alnum))
}

func (f *fixture) sshKey(passphrase string) string {
	f.t.Helper()
	_, priv, err := ed25519.GenerateKey(f.src)
	if err != nil {
		f.t.Fatal(err)
	}
	var blk *pem.Block
	if passphrase == "" {
		blk, err = ssh.MarshalPrivateKey(priv, "me@laptop")
	} else {
		blk, err = ssh.MarshalPrivateKeyWithPassphrase(priv, "me@laptop", []byte(passphrase))
	}
	if err != nil {
		f.t.Fatal(err)
	}
	return string(pem.EncodeToMemory(blk))
}

func zipOf(t testing.TB, files map[string]string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	zw.Close()
	return buf.Bytes()
}

func tgzOf(t testing.TB, files map[string]string) []byte {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for name, body := range files {
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(body)), Typeflag: tar.TypeReg})
		tw.Write([]byte(body))
	}
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

// build writes the whole home. It returns the paths whose permission
// tests need root to be meaningful.
func (f *fixture) build() {
	t := f.t
	ghToken := "ghp_" + "R8bmXJ1yPq0Tz4WcV6nKdE2sLhA9uF3oGi7N"

	// Shell and REPL histories: private bash, world-readable zsh.
	f.write(".bash_history", 0o600, "ls\ncd bots\nexport "+strings.ReplaceAll(f.binance(), "\n", "\nexport ")+"python grid.py\n")
	f.write(".zsh_history", 0o644, ": 1700000000:0;export BYBIT_API_KEY="+f.str(18, alnum)+"\n: 1700000001:0;export BYBIT_API_SECRET="+f.str(36, alnum)+"\n: 1700000002:0;git status\n")
	f.write(".local/share/fish/fish_history", 0o600, "- cmd: curl https://api.telegram.org/bot"+f.str(10, "123456789")+":AA"+f.str(33, alnum)+"/getMe\n  when: 1700000000\n")
	f.write(".psql_history", 0o600, "\\c postgres://trader:"+f.str(16, alnum)+"@db.prod-trading.net/trades\nselect 1;\n")
	f.write(".python_history", 0o600, "import os\nprint(1)\n")

	// Bots: dotenv, ccxt keys, freqtrade, hummingbot.
	f.write("bots/grid/.env", 0o644, "OKX_API_KEY="+fmt.Sprintf("%s-%s-%s-%s-%s", f.str(8, "0123456789abcdef"), f.str(4, "0123456789abcdef"), f.str(4, "0123456789abcdef"), f.str(4, "0123456789abcdef"), f.str(12, "0123456789abcdef"))+"\nOKX_API_SECRET="+f.str(32, "0123456789ABCDEF")+"\nOKX_PASSPHRASE=gr1d#Runner9\n")
	f.write("ccxt/keys.json", 0o600, `{"kraken": {"apiKey": "`+f.str(56, alnum)+`", "secret": "`+f.str(86, alnum)+`=="}}`+"\n")
	f.write("ft_userdata/user_data/config.json", 0o600, "{\n  \"exchange\": {\n    \"name\": \"binance\",\n    \"key\": \""+f.str(64, alnum)+"\",\n    \"secret\": \""+f.str(64, alnum)+"\"\n  }\n}\n")
	f.write("hummingbot/conf/connectors/binance.yml", 0o600, "binance_api_key: 7b2263727970746f223a207b22636970686572223a20226165732d3132382d637472222c2022636970686572706172616d73223a207b226976223a20223733323133393061623534303338363464363462386264616163646266666434227d2c202263697068657274657874223a202235376664393739383235323331393734303833313833646161646265326133373031663633396537336538366133333632633961663466323133326136393664227d2c202276657273696f6e223a20337d\n")

	// A notebook and its checkpoint.
	nb := `{"cells": [{"cell_type": "code", "source": ["import boto3\n", "s3 = boto3.client('s3', aws_access_key_id='AKIA` + f.str(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") + `', aws_secret_access_key='` + f.str(40, alnum) + `')\n"], "outputs": []}], "nbformat": 4}` + "\n"
	f.write("research/backtest.ipynb", 0o644, nb)
	f.write("research/.ipynb_checkpoints/backtest-checkpoint.ipynb", 0o644, nb)

	// Cloud and registry credentials.
	f.write(".aws/credentials", 0o600, "[default]\naws_access_key_id = AKIA"+f.str(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")+"\naws_secret_access_key = "+f.str(40, alnum)+"\n")
	f.write(".git-credentials", 0o600, "https://trader:"+ghToken+"@github.com\n")
	f.write(".npmrc", 0o644, "//registry.npmjs.org/:_authToken=npm_"+f.str(36, alnum)+"\n")
	f.write(".pypirc", 0o600, "[pypi]\n  username = __token__\n  password = pypi-AgEIcHlwaS5vcmc"+f.str(150, alnum+"_-")+"\n")
	f.write("code/bot/.git/config", 0o644, "[remote \"origin\"]\n\turl = https://trader:"+f.str(20, alnum)+"@gitea.trading-desk.net/bots/grid.git\n")
	f.write("code/bot/.git/objects/ab/cdef", 0o644, f.binance())

	// Keys and wallets.
	f.write(".ssh/id_ed25519", 0o600, f.sshKey(""))
	f.write(".ssh/id_ed25519_work", 0o600, f.sshKey("correct horse battery staple"))
	f.write(".ssh/id_ed25519.pub", 0o644, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl me@laptop\n")
	f.write(".gnupg/private-keys-v1.d/0A1B2C3D.key", 0o600, "Key: (protected-private-key (ecc (curve Ed25519)(q #40A1#)(protected openpgp-s2k3-ocb-aes ((sha1 #1A2B# \"43860992\")#0102#)#FFEE#)))\n")
	f.write(".gnupg/private-keys-v1.d/4E5F6A7B.key", 0o644, "Key: (private-key (rsa (n #00C8#)(e #010001#)(d #4B3A#)))\n")
	f.write(".gnupg/private-keys-v1.d/CARD0001.key", 0o600, "Key: (shadowed-private-key (rsa (n #00C8#)(e #010001#)(shadowed t1-v1 (#D276# OPENPGP.1))))\n")
	_, sol, err := ed25519.GenerateKey(f.src)
	if err != nil {
		t.Fatal(err)
	}
	ints := make([]string, 64)
	for i, b := range sol {
		ints[i] = fmt.Sprint(b)
	}
	f.write(".config/solana/id.json", 0o600, "["+strings.Join(ints, ",")+"]")
	f.write(".ethereum/keystore/UTC--2024-01-02T03-04-05.000000000Z--b992af26f6fabf90a7cf79f68e423849e238082b", 0o600,
		`{"address":"b992af26f6fabf90a7cf79f68e423849e238082b","crypto":{"cipher":"aes-128-ctr","ciphertext":"`+f.str(64, "0123456789abcdef")+`","cipherparams":{"iv":"`+f.str(32, "0123456789abcdef")+`"},"kdf":"scrypt","kdfparams":{"dklen":32,"n":262144,"p":1,"r":8,"salt":"`+f.str(64, "0123456789abcdef")+`"},"mac":"`+f.str(64, "0123456789abcdef")+`"},"id":"3198bc9c-6672-5ab3-d995-4942343ae5b6","version":3}`)
	wallet := make([]byte, 4096)
	copy(wallet[12:], []byte{0x62, 0x31, 0x05, 0x00})
	copy(wallet[600:], "\xff\x07version\x21\x02\xff\x03key\x21\x02")
	f.write(".bitcoin/wallets/main/wallet.dat", 0o600, string(wallet))
	f.write(".electrum/wallets/default_wallet", 0o600, "QklFM"+f.str(400, alnum+"+/")+"==")
	vault := `{"KeyringController":{"vault":"{\"data\":\"` + f.str(200, alnum+"+/") + `\",\"iv\":\"` + f.str(22, alnum) + `==\",\"salt\":\"` + f.str(43, alnum) + `=\"}"}}`
	f.write(".config/google-chrome/Default/Local Extension Settings/nkbihfbeogaeaoehlefnkodbefgpgknn/000003.log", 0o600, vault)
	f.write(".config/google-chrome/Default/IndexedDB/chrome-extension_nkbihfbeogaeaoehlefnkodbefgpgknn_0.indexeddb.leveldb/000005.ldb", 0o600, vault)
	f.write(".config/BraveSoftware/Brave-Browser/Profile 1/Local Extension Settings/bfnaelmomeimhlpmgjnjophhpkkoljpa/000004.log", 0o600, vault)
	f.write(".config/google-chrome/Default/Cache/Cache_Data/f_000001", 0o600, f.binance())

	// Caches and third-party trees, each holding a "secret" that must
	// not be reported.
	f.write("bots/grid/node_modules/ccxt/examples/keys.env", 0o644, f.binance())
	f.write(".cache/pip/http/x", 0o644, f.binance())
	f.write(".pyenv/versions/3.12.1/lib/python3.12/test/env.txt", 0o644, f.binance())
	f.write("go/pkg/mod/github.com/adshao/go-binance/v2@v2.4.0/testdata/.env", 0o644, f.binance())
	f.write(".rustup/toolchains/stable/share/doc/x.env", 0o644, f.binance())
	f.write(".cargo/registry/src/x/.env", 0o644, f.binance())
	f.write(".m2/repository/org/x/settings.env", 0o644, f.binance())
	f.write(".npm/_cacache/index/x", 0o644, f.binance())
	f.write(".local/share/Trash/files/old.env", 0o644, f.binance())
	f.write("bots/venv/pyvenv.cfg", 0o644, "home = /usr/bin\n")
	f.write("bots/venv/lib/python3.12/site-packages/binance/.env", 0o644, f.binance())
	f.write("Documents/.wallet-notes.txt.icloud", 0o644, f.binance())

	// Archives: a backup at the top, a nested one, and a zip bomb.
	f.write("backup.zip", 0o644, string(zipOf(t, map[string]string{"bot/.env": f.binance(), "bot/README.md": "grid bot\n"})))
	inner := tgzOf(t, map[string]string{"bot/.env": f.binance()})
	f.write("backups/old-laptop.zip", 0o600, string(zipOf(t, map[string]string{"home.tar.gz": string(inner)})))
	f.write("Downloads/bomb.zip", 0o644, string(zipOf(t, map[string]string{"zeros.txt": strings.Repeat("\x00", 64<<20)})))

	// Things a walker must survive: a symlink loop, a symlink out of the
	// home, a FIFO, an unreadable directory, a large binary.
	if err := os.Symlink(".", filepath.Join(f.dir, "loop")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(f.dir, ".aws", "credentials"), filepath.Join(f.dir, "aws-link")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(f.dir, "bots", "grid", "events.fifo"), 0o600); err != nil {
		t.Fatal(err)
	}
	f.write("private/keys.env", 0o600, f.binance())
	if err := os.Chmod(filepath.Join(f.dir, "private"), 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(filepath.Join(f.dir, "private"), 0o755) })
	big := make([]byte, 12<<20)
	f.src.Read(big)
	f.write("vm/disk.img", 0o644, string(big))
	f.write("notes/todo.md", 0o644, "buy milk\n")
}

// TestWriteFixture writes the fixture home to $KEYWARD_HOME_FIXTURE, for
// trying `scan home` by hand; it does nothing otherwise.
func TestWriteFixture(t *testing.T) {
	dir := os.Getenv("KEYWARD_HOME_FIXTURE")
	if dir == "" {
		t.Skip("KEYWARD_HOME_FIXTURE not set")
	}
	newFixture(t, dir).build()
}
