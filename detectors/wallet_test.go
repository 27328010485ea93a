package detectors

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/keyward/scan/internal/mnemonic"
)

func TestBase58(t *testing.T) {
	for _, tc := range []struct {
		hex, b58 string
	}{
		{"", ""},
		{"00", "1"},
		{"0000", "11"},
		{"61", "2g"},
		{"626262", "a3gV"},
		{"00010966776006953d5567439e5e39f86a0d273beed61967f6", "16UwLL9Risc3QfPqBUvKofHmBQ7wMtjvM"},
	} {
		b, _ := hex.DecodeString(tc.hex)
		if got := base58Encode(b); got != tc.b58 {
			t.Errorf("base58Encode(%s) = %q, want %q", tc.hex, got, tc.b58)
		}
		got, ok := base58Decode(tc.b58)
		if !ok || !bytes.Equal(got, b) {
			t.Errorf("base58Decode(%q) = %x, %v; want %s", tc.b58, got, ok, tc.hex)
		}
	}
	if _, ok := base58Decode("0OIl"); ok {
		t.Error("base58Decode accepted characters outside the alphabet")
	}
	for i := range 200 {
		b := fakeBytes(fmt.Sprint("b58-", i), i%90)
		if i%7 == 0 && len(b) > 2 {
			b[0], b[1] = 0, 0
		}
		got, ok := base58Decode(base58Encode(b))
		if !ok || !bytes.Equal(got, b) {
			t.Fatalf("round trip of %x gave %x", b, got)
		}
	}
	if _, ok := base58CheckDecode(corrupt(base58CheckEncode(fakeBytes("chk", 33)))); ok {
		t.Error("base58CheckDecode accepted a corrupted string")
	}
}

func TestValidateMnemonic(t *testing.T) {
	m12 := FakeMnemonic("v-12", 12)
	m24 := FakeMnemonic("v-24", 24)
	for _, tc := range []struct {
		name, secret string
		c            Candidate
		reject       bool
		sev          Severity
	}{
		{"12 with context", m12, Candidate{Window: "MNEMONIC=\"" + m12 + "\""}, false, SeverityUnset},
		{"12 without context", m12, Candidate{Window: "const quiz = \"" + m12 + "\""}, true, 0},
		{"12 with wallet-ish path", m12, Candidate{Path: "backups/Wallet.txt", Window: m12}, false, SeverityUnset},
		{"24 without context", m24, Candidate{Window: m24}, false, SeverityUnset},
		{"hardhat", mnemonic.Hardhat, Candidate{Window: "mnemonic: \"" + mnemonic.Hardhat + "\""}, false, Info},
		{"abandon about", mnemonic.Abandon, Candidate{Window: "seed: " + mnemonic.Abandon}, false, Info},
		{"bip39 vector", "legal winner thank year wave sausage worth useful legal winner thank yellow", Candidate{Window: "mnemonic"}, false, Info},
		{"bad checksum", badChecksumMnemonic("v-bad", 24), Candidate{Window: "seed"}, true, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := validateMnemonic(tc.secret, tc.c)
			if v.Reject != tc.reject || (!v.Reject && v.Severity != tc.sev) {
				t.Errorf("verdict %+v; want reject=%v severity=%v", v, tc.reject, tc.sev)
			}
			if tc.sev == Info && !strings.Contains(v.Note, "test") {
				t.Errorf("Info verdict must say why: %+v", v)
			}
		})
	}
	v := validateMnemonic(m24, Candidate{})
	if !regexp.MustCompile(`0x[0-9a-fA-F]{40}`).MatchString(v.Note) {
		t.Errorf("note should show the first Ethereum address: %q", v.Note)
	}
}

func TestKnownKeysDerived(t *testing.T) {
	// Hardhat/Anvil accounts #0 and #1, as printed by `npx hardhat node`.
	for i, tc := range []struct{ key, addr string }{
		{"ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80", "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"},
		{"59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"},
	} {
		b, _ := hex.DecodeString(tc.key)
		reason, ok := knownTestKey(b)
		if !ok || !strings.Contains(reason, fmt.Sprintf("#%d", i)) {
			t.Errorf("hardhat key #%d not recognised: %q", i, reason)
		}
		priv, _ := secpScalar(b)
		if got := ethereumAddress(priv); got != tc.addr {
			t.Errorf("address of hardhat #%d = %s, want %s", i, got, tc.addr)
		}
	}
	if _, ok := knownTestKey(fakeScalar("not known")); ok {
		t.Error("a random key was taken for test material")
	}
}

func TestValidateWIF(t *testing.T) {
	for _, tc := range []struct {
		name, secret string
		reject       bool
		sev          Severity
		note         string
	}{
		// Bitcoin wiki "Wallet import format" example.
		{"wiki example", "5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ", false, Info, "wiki"},
		{"compressed mainnet", FakeWIF("w1", 0x80, true), false, SeverityUnset, "mainnet WIF private key (compressed), legacy address 1"},
		{"uncompressed mainnet", FakeWIF("w2", 0x80, false), false, SeverityUnset, "uncompressed"},
		{"testnet", FakeWIF("w3", 0xef, true), false, High, "testnet"},
		{"bad checksum", corrupt(FakeWIF("w1", 0x80, true)), true, 0, ""},
		{"litecoin version", base58CheckEncode(append([]byte{0xb0}, fakeScalar("ltc")...)), true, 0, ""},
		{"compressed flag wrong", base58CheckEncode(append(append([]byte{0x80}, fakeScalar("f")...), 2)), true, 0, ""},
		{"key ≥ n", base58CheckEncode(append([]byte{0x80}, bytes.Repeat([]byte{0xff}, 32)...)), true, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := validateWIF(tc.secret, Candidate{})
			if v.Reject != tc.reject || (!v.Reject && (v.Severity != tc.sev || !strings.Contains(v.Note, tc.note))) {
				t.Errorf("verdict %+v; want reject=%v severity=%v note~%q", v, tc.reject, tc.sev, tc.note)
			}
		})
	}
}

func TestValidateXprv(t *testing.T) {
	for _, tc := range []struct {
		name, secret string
		reject       bool
		sev          Severity
	}{
		// BIP-32 test vector 1: master (public material) and m/0H.
		{"bip32 vector master", "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi", false, Info},
		{"bip32 vector m/0H", "xprv9uHRZZhk6KAJC1avXpDAp4MDc3sQKNxDiPvvkX8Br5ngLNv1TxvUxt4cV1rGL5hj6KCesnDYUhd7oWgT11eZG7XnxHrnYeSvkzY7d2bhkJ7", false, SeverityUnset},
		{"zprv", FakeExtendedKey("z", 0x04b2430c, true), false, SeverityUnset},
		{"Yprv", FakeExtendedKey("Y", 0x0295b005, true), false, SeverityUnset},
		{"vprv testnet", FakeExtendedKey("v", 0x045f18bc, true), false, High},
		{"xpub", FakeExtendedKey("x", 0x0488b21e, false), true, 0},
		{"corrupt", corrupt(FakeExtendedKey("x", 0x0488ade4, true)), true, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := validateXprv(tc.secret, Candidate{})
			if v.Reject != tc.reject || (!v.Reject && v.Severity != tc.sev) {
				t.Errorf("verdict %+v; want reject=%v severity=%v", v, tc.reject, tc.sev)
			}
		})
	}
	// Every private version must produce the prefix the pattern expects.
	for ver, x := range xprvVersions {
		if s := FakeExtendedKey("p", ver, true); !strings.HasPrefix(s, x.prefix) || len(s) != 111 {
			t.Errorf("version %08x encodes as %q, want prefix %s and 111 characters", ver, s[:4], x.prefix)
		}
	}
}

func TestValidateEVMKey(t *testing.T) {
	k := FakeEVMKey("evm")
	for _, tc := range []struct {
		name, secret, line, window string
		reject                     bool
		sev                        Severity
	}{
		{"env", k, "PRIVATE_KEY=" + k, "", false, SeverityUnset},
		{"no 0x", k[2:], "--private-key " + k[2:], "", false, SeverityUnset},
		{"hardhat array line", k, `    "` + k + `",`, "accounts: [\n    \"" + k + "\",", false, SeverityUnset},
		{"hardhat default", "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80", "PRIVATE_KEY=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80", "", false, Info},
		{"web3 docs", "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318", "privateKeyToAccount('0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318')", "", false, Info},
		{"tx hash", k, `"tx_hash": "` + k + `"`, "PRIVATE_KEY=x", true, 0},
		{"block hash", k, "blockHash: " + k, "privateKey", true, 0},
		{"sha256sum", k[2:], k[2:] + "  wallet.tar.gz", "private key", true, 0},
		{"no context", k, `  "` + k + `",`, "accounts = load()", true, 0},
		{"zero", "0x" + strings.Repeat("0", 64), "PRIVATE_KEY=0x" + strings.Repeat("0", 64), "", true, 0},
		{"over n", "0x" + strings.Repeat("f", 64), "PRIVATE_KEY=0x" + strings.Repeat("f", 64), "", true, 0},
		{"low entropy", "0x" + strings.Repeat("deadbeef", 8), "PRIVATE_KEY=0x" + strings.Repeat("deadbeef", 8), "", true, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := tc.window
			if w == "" {
				w = tc.line
			}
			v := validateEVMKey(tc.secret, Candidate{Line: tc.line, Window: w})
			if v.Reject != tc.reject || (!v.Reject && v.Severity != tc.sev) {
				t.Errorf("verdict %+v; want reject=%v severity=%v", v, tc.reject, tc.sev)
			}
			if !v.Reject && !strings.Contains(v.Note, "0x") {
				t.Errorf("note lacks the address: %q", v.Note)
			}
		})
	}
	// Random keys must clear the entropy floor.
	for i := range 2000 {
		h := hex.EncodeToString(fakeScalar(fmt.Sprint("e", i)))
		if r := EntropyRatio(h); r < 0.8 {
			t.Fatalf("random key %s has entropy ratio %.3f", h, r)
		}
	}
}

func TestValidateSolana(t *testing.T) {
	kp := FakeSolanaKeypair("sol")
	bad := append([]byte(nil), kp...)
	bad[40] ^= 1
	if v := validateSolanaJSON(strings.Trim(solanaJSON(kp, ", "), "[]"), Candidate{}); v.Reject || !strings.Contains(v.Note, base58Encode(kp[32:])) {
		t.Errorf("keypair: %+v", v)
	}
	if v := validateSolanaJSON(strings.Trim(solanaJSON(bad, ","), "[]"), Candidate{}); !v.Reject {
		t.Errorf("mismatched keypair accepted: %+v", v)
	}
	if v := validateSolanaJSON(strings.Repeat("300,", 63)+"1", Candidate{}); !v.Reject {
		t.Errorf("values over 255 accepted: %+v", v)
	}
	if v := validateSolanaBase58(base58Encode(kp), Candidate{}); v.Reject {
		t.Errorf("base58 keypair rejected: %+v", v)
	}
	for _, s := range []string{base58Encode(bad), base58Encode(kp[32:]), base58Encode(fakeBytes("sig", 64))} {
		if v := validateSolanaBase58(s, Candidate{}); !v.Reject {
			t.Errorf("%s accepted: %+v", s, v)
		}
	}
}

func TestValidateKeystore(t *testing.T) {
	ex := walletExamples()
	ct := regexp.MustCompile(`"ciphertext" ?: ?"([0-9a-f]+)"`)
	for _, tc := range []struct {
		name, window string
		reject       bool
		sev          Severity
	}{
		{"utc file", ex.keystore[0], false, Medium},
		{"password nearby", ex.keystore[1], false, High},
		{"spec vector", ex.keystore[2], false, Info},
		{"no kdf", ex.keystoreNeg[0], true, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			secret := ct.FindStringSubmatch(tc.window)[1]
			v := validateKeystore(secret, Candidate{Window: tc.window})
			if v.Reject != tc.reject || (!v.Reject && v.Severity != tc.sev) {
				t.Errorf("verdict %+v; want reject=%v severity=%v", v, tc.reject, tc.sev)
			}
		})
	}
}

func TestWalletRuleExamples(t *testing.T) {
	ids := map[string]bool{}
	for _, r := range withServices(walletRules()) {
		if ids[r.ID] {
			t.Errorf("duplicate id %s", r.ID)
		}
		ids[r.ID] = true
		examples, negatives := r.Samples()
		if r.Title == "" || r.Advice == "" || r.Service == "" || r.Validate == nil || len(examples) == 0 || len(negatives) == 0 {
			t.Errorf("%s: incomplete rule", r.ID)
		}
		if r.Severity != Critical && r.ID != "ethereum-keystore" {
			t.Errorf("%s: wallet secrets are critical", r.ID)
		}
	}
	for _, id := range []string{"bip39-mnemonic", "bitcoin-wif-private-key", "bitcoin-extended-private-key",
		"ethereum-private-key", "solana-keypair", "solana-private-key", "ethereum-keystore"} {
		if !ids[id] {
			t.Errorf("missing rule %s", id)
		}
	}
}

// Known test material must come out as Info, not disappear.
