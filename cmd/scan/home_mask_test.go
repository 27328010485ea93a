package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pelletier/go-toml/v2"
	"go.yaml.in/yaml/v3"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/display"
	"github.com/keyward/scan/internal/mask"
)

// ruleExample returns example i of a built-in rule: realistic fake values
// the rule is checked to find, so this file holds no secret of its own.
func ruleExample(t *testing.T, id string, i int) string {
	t.Helper()
	for _, r := range detectors.Default() {
		if r.ID == id {
			examples, _ := r.Samples()
			return examples[i]
		}
	}
	t.Fatalf("no rule %s", id)
	return ""
}

// maskHome is a trader's home with every kind of file masking must tell
// apart: histories, a notebook, a log and copies (masked), and wallets,
// seed backups, key files, credential stores and a live bot config (never
// touched).
type maskHome struct {
	dir     string
	masked  []string // files --mask rewrites
	kept    []string // files --mask must leave byte for byte
	content map[string][]byte
}

func newMaskHome(t *testing.T) *maskHome {
	t.Helper()
	h := &maskHome{dir: t.TempDir(), content: map[string][]byte{}}
	binanceEnv := ruleExample(t, "binance-api-key", 0)
	krakenEnv := ruleExample(t, "kraken-api-key", 1)
	seed := ruleExample(t, "bip39-mnemonic", 0)
	aws := "aws_access_key_id = " + awsKeyID + "\naws_secret_access_key = " + awsSecret + "\n"
	key := strings.SplitN(strings.SplitN(binanceEnv, "\n", 2)[0], "=", 2)[1]
	secret := strings.SplitN(strings.SplitN(binanceEnv, "\n", 3)[1], "=", 2)[1]
	nb, _ := json.Marshal(map[string]any{
		"cells": []any{map[string]any{"cell_type": "code", "source": []string{"client.account()\n"},
			"outputs": []any{map[string]any{"output_type": "stream", "name": "stdout",
				"text": []string{"BINANCE_API_KEY=" + key + "\n", "BINANCE_API_SECRET=" + secret + "\n"}}}}},
		"nbformat": 4, "nbformat_minor": 5, "metadata": map[string]any{}})
	write := func(rel string, body string, mode os.FileMode, masked bool) {
		p := filepath.Join(h.dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), mode); err != nil {
			t.Fatal(err)
		}
		os.Chmod(p, mode)
		h.content[rel] = []byte(body)
		if masked {
			h.masked = append(h.masked, rel)
		} else {
			h.kept = append(h.kept, rel)
		}
	}
	// Masked: where a key should never have been.
	write(".bash_history", "ls\nexport "+strings.ReplaceAll(strings.TrimSpace(binanceEnv), "\n", "\nexport ")+"\npython bot.py\n", 0o600, true)
	write(".python_history", "import os\n"+strings.ReplaceAll(strings.TrimSpace(krakenEnv), "\n", "\n")+"\n", 0o640, true)
	write("research/backtest.ipynb", string(nb)+"\n", 0o644, true)
	write("bots/grid/logs/bot.log", "2024-01-01 start\n"+aws+"2024-01-01 stop\n", 0o600, true)
	write("bots/grid/config.yaml.bak", "exchange:\n  name: kraken\n  key: "+strings.SplitN(strings.SplitN(krakenEnv, "\n", 2)[0], "=", 2)[1]+"\n  secret: \""+strings.SplitN(strings.SplitN(krakenEnv, "\n", 3)[1], "=", 2)[1]+"\"\n", 0o600, true)
	write("bots/grid/settings.toml.orig", "[aws]\n"+strings.ReplaceAll(aws, " = ", " = \"")[:0]+"aws_access_key_id = \""+awsKeyID+"\"\naws_secret_access_key = \""+awsSecret+"\"\n", 0o600, true)
	// Never touched.
	okx := ruleExample(t, "okx-api-key", 0)
	live, _ := json.Marshal(map[string]any{
		"cells": []any{map[string]any{"cell_type": "code", "source": strings.SplitAfter(okx, "\n"),
			"outputs": []any{map[string]any{"output_type": "stream", "name": "stdout", "text": []string{"{'total': {'USDT': 1250.0}}\n"}}}}},
		"nbformat": 4, "nbformat_minor": 5, "metadata": map[string]any{}})
	write("research/live.ipynb", string(live)+"\n", 0o600, false)
	write(".aws/credentials", "[default]\n"+aws, 0o600, false)
	write(".git-credentials", "https://trader:"+awsSecret+"@git.example-desk.net\n", 0o600, false)
	write(".npmrc", "//registry.npmjs.org/:_authToken=npm_"+strings.Repeat("aB3dE5fG7h", 3)+"k9L2m4\n", 0o600, false)
	write(".netrc", "machine api.example-desk.net login trader password "+awsSecret+"\n", 0o600, false)
	write("notes/seed.txt", seed, 0o600, false)
	write("wallets/seed-backup.txt.bak", seed, 0o600, false)
	write(".electrum/wallets/default_wallet", `{"keystore": {"seed": "`+strings.Fields(strings.SplitN(seed, "\"", 3)[1])[0]+`", "xprv": "x"}, "use_encryption": false, "aws": "`+awsSecret+`"}`, 0o600, false)
	write("ft_userdata/user_data/config.json", ruleExample(t, "binance-api-key", 1), 0o600, false)
	write("bots/grid/.env", binanceEnv, 0o600, false)
	return h
}

func readAll(t *testing.T, dir string, rels []string) map[string][]byte {
	out := map[string][]byte{}
	for _, rel := range rels {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		out[rel] = b
	}
	return out
}

func TestHomeMaskKeepsWalletsAndStoresAndRestores(t *testing.T) {
	t.Parallel()
	h := newMaskHome(t)
	infos := map[string]os.FileInfo{}
	for _, rel := range h.masked {
		infos[rel], _ = os.Stat(filepath.Join(h.dir, rel))
	}

	// Without a terminal and without --yes nothing changes.
	code, _, errOut := runCLI(t, "home", h.dir, "--mask")
	if code != 2 || !strings.Contains(errOut, "add --yes") {
		t.Fatalf("--mask without a terminal: exit %d, stderr %q", code, errOut)
	}
	// --dry-run lists every file and changes nothing.
	_, _, dry := runCLI(t, "home", h.dir, "--mask", "--dry-run")
	for _, rel := range append(append([]string{}, h.masked...), ".aws/credentials", ".git-credentials", ".npmrc", "notes/seed.txt",
		"wallets/seed-backup.txt.bak", "ft_userdata/user_data/config.json", "bots/grid/.env", "research/live.ipynb") {
		if !strings.Contains(dry, "  "+display.Shell(rel)+"\n") {
			t.Errorf("--dry-run does not list %s:\n%s", rel, dry)
		}
	}
	if !strings.Contains(dry, "nothing changed") || strings.Contains(dry, awsSecret) || !strings.Contains(dry, mask.ReasonNotebookCode) {
		t.Errorf("--dry-run output:\n%s", dry)
	}
	for rel, b := range readAll(t, h.dir, append(append([]string{}, h.masked...), h.kept...)) {
		if string(b) != string(h.content[rel]) {
			t.Fatalf("%s changed before the user said yes", rel)
		}
	}

	code, _, errOut = runCLI(t, "home", h.dir, "--mask", "--yes")
	maskOut := errOut
	if code != 1 {
		t.Fatalf("exit %d; stderr %s", code, errOut)
	}
	if !strings.Contains(errOut, "in "+display.Shell(".bash_history")) || !strings.Contains(errOut, "scan home --unmask") {
		t.Errorf("mask output does not say what it did:\n%s", errOut)
	}
	after := readAll(t, h.dir, h.masked)
	for _, rel := range h.masked {
		b := after[rel]
		if string(b) == string(h.content[rel]) || !strings.Contains(string(b), mask.Suffix) {
			t.Errorf("%s not masked:\n%s", rel, b)
		}
		info, _ := os.Stat(filepath.Join(h.dir, rel))
		if info.Mode() != infos[rel].Mode() {
			t.Errorf("%s: mode %v, was %v", rel, info.Mode(), infos[rel].Mode())
		}
	}
	for rel, b := range readAll(t, h.dir, h.kept) {
		if string(b) != string(h.content[rel]) {
			t.Errorf("%s was changed; masking must never touch it", rel)
		}
	}
	var nb map[string]any
	if err := json.Unmarshal(after["research/backtest.ipynb"], &nb); err != nil {
		t.Errorf("notebook no longer parses: %v", err)
	}
	var y map[string]any
	if err := yaml.Unmarshal(after["bots/grid/config.yaml.bak"], &y); err != nil || y["exchange"] == nil {
		t.Errorf("YAML no longer parses: %v", err)
	}
	var tm map[string]any
	if err := toml.Unmarshal(after["bots/grid/settings.toml.orig"], &tm); err != nil || tm["aws"] == nil {
		t.Errorf("TOML no longer parses: %v", err)
	}

	// Backups: one folder, owner-only, not reported as new findings.
	bk := filepath.Join(h.dir, ".keyward", "backups")
	if info, err := os.Stat(bk); err != nil || info.Mode().Perm() != 0o700 {
		t.Fatalf("backup folder: %v %v", info, err)
	}
	filepath.Walk(bk, func(p string, info os.FileInfo, err error) error {
		if err == nil && info.Mode().IsRegular() && info.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", p, info.Mode().Perm())
		}
		return nil
	})
	_, out, _ := runCLI(t, "home", h.dir)
	if strings.Contains(out, ".keyward/backups/") && !strings.Contains(out, "in keyward's own backups") {
		t.Errorf("backups reported as findings:\n%s", out)
	}
	if !strings.Contains(out, "finding(s) are in keyward's own backups") {
		t.Errorf("the report does not say findings sit in keyward's backups:\n%s", out)
	}

	// A second run masks nothing and changes nothing.
	_, _, errOut = runCLI(t, "home", h.dir, "--mask", "--yes")
	if !strings.Contains(errOut, "nothing to mask") {
		t.Errorf("second --mask:\n%s", errOut)
	}
	for rel, b := range readAll(t, h.dir, h.masked) {
		if string(b) != string(after[rel]) {
			t.Errorf("%s changed on the second run", rel)
		}
	}
	if entries, _ := os.ReadDir(bk); len(entries) != 1 {
		t.Errorf("second run left %d backup folders, want 1", len(entries))
	}

	// --unmask restores byte for byte.
	// The undo command is run as the mask run printed it.
	undo := regexp.MustCompile(`to undo: scan home --unmask (\S+)\n`).FindStringSubmatch(maskOut)
	if undo == nil {
		t.Fatalf("no undo command in:\n%s", maskOut)
	}
	code, _, errOut = runCLI(t, "home", "--unmask", undo[1])
	if code != 0 {
		t.Fatalf("--unmask: exit %d: %s", code, errOut)
	}
	for rel, b := range readAll(t, h.dir, append(append([]string{}, h.masked...), h.kept...)) {
		if string(b) != string(h.content[rel]) {
			t.Errorf("%s not restored byte for byte", rel)
		}
	}

	// Undo asked again has nothing left to do, and that is not an error.
	code, _, errOut = runCLI(t, "home", "--unmask", undo[1])
	if code != 0 || !strings.Contains(errOut, "restored already: nothing to restore") {
		t.Errorf("second --unmask: exit %d: %s", code, errOut)
	}
}
