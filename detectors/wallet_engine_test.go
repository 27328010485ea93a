package detectors_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/engine"
)

func walletEngine(t *testing.T, all bool) *engine.Engine {
	t.Helper()
	rules := detectors.WalletRules()
	if all {
		rules = detectors.Default()
	}
	eng, err := engine.New(rules, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

func scanText(eng *engine.Engine, path, text string) []detectors.Finding {
	return eng.Scan(engine.Chunk{Path: path, Data: []byte(text), Line: 1, Column: 1})
}

// The examples must hold through the real engine (placeholder filter,
// windows, overlap resolution), also next to every other built-in rule.
func TestWalletExamplesThroughEngine(t *testing.T) {
	for _, withCore := range []bool{false, true} {
		eng := walletEngine(t, withCore)
		for _, r := range detectors.WalletRules() {
			examples, negatives := r.Samples()
			for i, ex := range examples {
				if !hasRule(scanText(eng, "snippet.txt", ex), r.ID) {
					t.Errorf("core=%v %s: example %d not found:\n%s", withCore, r.ID, i, ex)
				}
			}
			for i, ex := range negatives {
				if fs := scanText(eng, "snippet.txt", ex); hasRule(fs, r.ID) {
					t.Errorf("core=%v %s: negative %d reported:\n%s", withCore, r.ID, i, ex)
				}
			}
		}
	}
}

func hasRule(fs []detectors.Finding, id string) bool {
	for _, f := range fs {
		if f.RuleID == id {
			return true
		}
	}
	return false
}

type want struct {
	rule string
	line int
	sev  detectors.Severity
	note string
}

func TestWalletFindings(t *testing.T) {
	eng := walletEngine(t, false)
	m12 := detectors.FakeMnemonic("engine-12", 12)
	m24 := detectors.FakeMnemonic("engine-24", 24)
	w24 := strings.Fields(m24)
	var numberedList strings.Builder
	for i, w := range w24 {
		fmt.Fprintf(&numberedList, "%d. %s\n", i+1, w)
	}
	kp := detectors.FakeSolanaKeypair("engine-sol")
	ints := make([]string, 64)
	for i, b := range kp {
		ints[i] = fmt.Sprint(b)
	}
	evm := detectors.FakeEVMKey("engine-evm")
	wif := detectors.FakeWIF("engine-wif", 0x80, true)
	xprv := detectors.FakeExtendedKey("engine-xprv", 0x0488ade4, true)
	xpub := detectors.FakeExtendedKey("engine-xprv", 0x0488b21e, false)

	for _, tc := range []struct {
		name, path, text string
		want             []want
	}{
		{"env mnemonic", ".env", "RPC=https://x\nMNEMONIC=\"" + m12 + "\"\n", []want{{"bip39-mnemonic", 2, detectors.Critical, "12-word"}}},
		{"seed.txt bare", "backup/seed.txt", m12 + "\n", []want{{"bip39-mnemonic", 1, detectors.Critical, "0x"}}},
		{"bare 12 words elsewhere", "notes.txt", "wallet tags: " + m12 + "\n", nil},
		{"numbered vertical list", "notes.md", "# Ledger Recovery Words:\n\n" + numberedList.String(), []want{{"bip39-mnemonic", 3, detectors.Critical, "24-word"}}},
		{"hardhat mnemonic", "hardhat.config.js", "module.exports = {\n  networks: { hardhat: { accounts: {\n    mnemonic: \"test test test test test test test test test test test junk\",\n  } } },\n};\n",
			[]want{{"bip39-mnemonic", 3, detectors.Info, "Hardhat"}}},
		{"abandon about", "test/bip39.spec.ts", "const seed = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';\n",
			[]want{{"bip39-mnemonic", 1, detectors.Info, "abandon"}}},
		{"hardhat accounts", "hardhat.config.ts", "export default {\n  networks: {\n    mainnet: {\n      accounts: [\n        \"" + evm + "\",\n      ],\n    },\n  },\n};\n",
			[]want{{"ethereum-private-key", 5, detectors.Critical, "0x"}}},
		{"anvil key", "script/deploy.sh", "forge script Deploy --broadcast \\\n  --private-key 0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80\n",
			[]want{{"ethereum-private-key", 2, detectors.Info, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"}}},
		{"tx hash beside key name", "out.json", "{\"privateKey\": null,\n \"tx_hash\": \"0x" + strings.Repeat("ab12cd34", 8) + "\"}\n", nil},
		{"wif", "sweep.py", "from bit import Key\n\nk = Key('" + wif + "')\n", []want{{"bitcoin-wif-private-key", 3, detectors.Critical, "legacy address 1"}}},
		{"xprv and xpub", "electrum.json", "{\n  \"xpub\": \"" + xpub + "\",\n  \"xprv\": \"" + xprv + "\"\n}\n", []want{{"bitcoin-extended-private-key", 3, detectors.Critical, "xprv"}}},
		{"id.json", "home/.config/solana/id.json", "[" + strings.Join(ints, ",") + "]", []want{{"solana-keypair", 1, detectors.Critical, detectors.Base58Encode(kp[32:])}}},
		{"id.json pretty", "deploy/keypair.json", "[\n  " + strings.Join(ints, ",\n  ") + "\n]\n", []want{{"solana-keypair", 2, detectors.Critical, ""}}},
		{"solana base58", ".env", "SOLANA_RPC=https://api.mainnet-beta.solana.com\nSOLANA_PRIVATE_KEY=" + detectors.Base58Encode(kp) + "\n", []want{{"solana-private-key", 2, detectors.Critical, detectors.Base58Encode(kp[32:])}}},
		{"solana pubkey only", ".env", "SOLANA_PUBLIC_KEY=" + detectors.Base58Encode(kp[32:]) + "\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := scanText(eng, tc.path, tc.text)
			if len(got) != len(tc.want) {
				t.Fatalf("got %d findings, want %d: %s", len(got), len(tc.want), describe(got))
			}
			for i, w := range tc.want {
				f := got[i]
				if f.RuleID != w.rule || f.StartLine != w.line || f.Severity != w.sev || !strings.Contains(strings.Join(f.Notes, "; "), w.note) {
					t.Errorf("finding %d = %s; want %s line %d %v note~%q", i, describe(got[i:i+1]), w.rule, w.line, w.sev, w.note)
				}
				if f.Advice == "" || f.Service == "" {
					t.Errorf("finding %d lacks advice or service", i)
				}
			}
		})
	}
}

func describe(fs []detectors.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "[%s line %d %v notes=%q] ", f.RuleID, f.StartLine, f.Severity, f.Notes)
	}
	return b.String()
}

// Known test material is reported as info, and path keywords stand in for
// context words.
func TestWalletSeverityAndPathContext(t *testing.T) {
	eng := walletEngine(t, true)
	kp := detectors.FakeSolanaKeypair("bare")
	nums := make([]string, len(kp))
	for i, b := range kp {
		nums[i] = fmt.Sprint(b)
	}
	tests := []struct {
		name, path, text, rule string
		want                   detectors.Severity // SeverityUnset: not found
	}{
		{"bip39 vector", "x.txt", "seed: abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about", "bip39-mnemonic", detectors.Info},
		{"hardhat mnemonic", "hardhat.config.js", "accounts: { mnemonic: \"test test test test test test test test test test test junk\" }", "bip39-mnemonic", detectors.Info},
		{"hardhat key", ".env", "PRIVATE_KEY=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80", "ethereum-private-key", detectors.Info},
		{"bare id.json", "home/.config/solana/id.json", "[" + strings.Join(nums, ",") + "]", "solana-keypair", detectors.Critical},
		{"bare seed.txt", "notes/seed.txt", detectors.FakeMnemonic("bare", 12), "bip39-mnemonic", detectors.Critical},
		{"12 words near wallet only", "notes/todo.txt", "wallet: " + detectors.FakeMnemonic("bare", 12), "bip39-mnemonic", detectors.SeverityUnset},
	}
	for _, tt := range tests {
		got := detectors.SeverityUnset
		for _, f := range scanText(eng, tt.path, tt.text) {
			if f.RuleID == tt.rule {
				got = f.Severity
			}
		}
		if got != tt.want {
			t.Errorf("%s: severity %v, want %v", tt.name, got, tt.want)
		}
	}
}
