package detectors

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/keyward/scan/internal/mnemonic"
)

const walletAdvice = "Treat every coin behind this secret as already stolen: create a new wallet on an offline device, " +
	"move all funds to it now (sweep bots drain leaked keys within minutes), and stop using the old one. " +
	"Deleting the file or rewriting git history does not help — the secret can never be made safe again."

// walletRules returns the rules for self-custody wallet secrets: whoever
// holds one of these can move the funds, and nothing can revoke it.
func walletRules() []Rule {
	// Made only when asked for (MakeSamples): deriving the example keys
	// costs more than building every rule.
	ex := sync.OnceValue(walletExamples)
	return []Rule{
		{
			ID:       "bip39-mnemonic",
			Title:    "BIP-39 mnemonic (wallet seed phrase)",
			Severity: Critical,
			Service:  "bip39",
			Name:     "BIP-39 wallet",
			Kind:     KindWallet,
			// The words a 12-word phrase needs nearby; longer phrases in
			// notes and configs are found by ScanAll without any.
			Keywords: append([]string{"mnemonic", "seed", "phrase", "recovery", "words", "bip39", "bip-39"}, localMnemonicWords...),
			// A vertical numbered list of 24 words below a header fits.
			WindowBefore: 4,
			WindowAfter:  26,
			PathKeywords: mnemonicPathWords,
			// Lowercase words of 3–9 letters (the ASCII lists) separated by
			// whitespace, commas, quotes, brackets or list numbers. The
			// validator finds the phrase inside the run.
			Finder:           finderOf(mnemonic.Runs),
			ScanAll:          longMnemonicsOutsideCode,
			KeepPlaceholders: true,
			Validate:         validateMnemonic,
			Advice:           walletAdvice + " Every account and chain derived from the phrase (and any passphrase variant) is exposed.",
			MakeSamples:      func() ([]string, []string) { e := ex(); return e.mnemonic, e.mnemonicNeg },
		},
		{
			ID:       "bitcoin-wif-private-key",
			Title:    "Bitcoin private key (WIF)",
			Severity: Critical,
			Service:  "bitcoin",
			// "key" alone is everywhere in code; these forms are how WIF
			// keys are handed to libraries and written in configs.
			Keywords:     []string{"key(", "key =", "key=", "key:", "key\"", "key'", "wif", "btc", "bitcoin", "secret", "wallet", "priv"},
			WindowBefore: 2,
			WindowAfter:  2,
			Finder:       finderOf(base58Runs(51, 52, "5KLc9")),
			Validate:     validateWIF,
			Advice:       walletAdvice,
			MakeSamples:  func() ([]string, []string) { e := ex(); return e.wif, e.wifNeg },
		},
		{
			ID:          "bitcoin-extended-private-key",
			Title:       "Bitcoin extended private key (xprv/yprv/zprv/tprv…)",
			Severity:    Critical,
			Service:     "bitcoin",
			Keywords:    []string{"xprv", "yprv", "zprv", "tprv", "uprv", "vprv"},
			Pattern:     `\b(?P<secret>(?:[xyztuv]prv|[YZUV]prv)[1-9A-HJ-NP-Za-km-z]{107})\b`,
			Validate:    validateXprv,
			Advice:      walletAdvice + " An extended private key exposes every address below it in the HD tree.",
			MakeSamples: func() ([]string, []string) { e := ex(); return e.xprv, e.xprvNeg },
		},
		{
			ID:       "ethereum-private-key",
			Title:    "Ethereum/EVM private key",
			Severity: Critical,
			Service:  "ethereum",
			Keywords: []string{"private_key", "private-key", "privatekey", "private key", "priv_key", "privkey",
				"secret_key", "secretkey", "accounts", "wallet(", "from_key", "deployer", "signer", "privatekeytoaccount"},
			// A key is often assigned a few lines above the constructor
			// that uses it: pkey = "…" … Web3Wallet(pkey, …).
			WindowBefore: 8,
			// hardhat.config.js lists accounts one per line below "accounts: [".
			WindowAfter: 4,
			Finder:      finderOf(hexKeys),
			Validate:    validateEVMKey,
			Advice:      walletAdvice + " The same key controls the address on every EVM chain (Ethereum, BSC, Arbitrum, Hyperliquid…); revoke token approvals from the new wallet's view of the old address if funds remain.",
			MakeSamples: func() ([]string, []string) { e := ex(); return e.eth, e.ethNeg },
		},
		{
			ID:           "solana-keypair",
			Title:        "Solana keypair (JSON byte array)",
			Severity:     Critical,
			Service:      "solana",
			Keywords:     []string{"keypair", "secretkey", "secret_key", "solana", "uint8array"},
			WindowBefore: 2,
			// Pretty-printed id.json puts one byte per line.
			WindowAfter:  70,
			PathKeywords: []string{"solana", "keypair", "id.json", "wallet"},
			Pattern:      `\[\s*(?P<secret>[0-9]{1,3}(?:\s*,\s*[0-9]{1,3}){63})\s*\]`,
			Validate:     validateSolanaJSON,
			MakeSamples:  func() ([]string, []string) { e := ex(); return e.solJSON, e.solJSONNeg },
		},
		{
			ID:       "solana-private-key",
			Title:    "Solana private key (base58)",
			Severity: Critical,
			Service:  "solana",
			Keywords: []string{"solana", "sol_", "phantom", "solflare", "private_key", "privatekey", "private key",
				"secret_key", "secretkey", "keypair"},
			WindowBefore: 2,
			WindowAfter:  2,
			Finder:       finderOf(base58Runs(86, 88, "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz")),
			Validate:     validateSolanaBase58,
			MakeSamples:  func() ([]string, []string) { e := ex(); return e.solB58, e.solB58Neg },
		},
		{
			ID:       "near-private-key",
			Title:    "NEAR private key (ed25519:…)",
			Severity: Critical,
			Service:  "near",
			Name:     "NEAR",
			Kind:     KindWallet,
			Keywords: []string{nearKeyPrefix},
			// A NEAR public key is the same prefix and 32 bytes (43–44
			// characters): only the 64-byte secret fits.
			Pattern:     nearKeyPrefix + `(?P<secret>[1-9A-HJ-NP-Za-km-z]{86,88})` + end,
			Validate:    validateNEARKey,
			Advice:      walletAdvice + " On NEAR, also delete the access key from the account (near delete-key) once the funds are moved: a full-access key can re-add itself.",
			MakeSamples: func() ([]string, []string) { e := ex(); return e.near, e.nearNeg },
		},
		{
			ID:       "ethereum-keystore",
			Title:    "Ethereum keystore v3 (encrypted private key)",
			Severity: Medium,
			Service:  "ethereum",
			Keywords: []string{"ciphertext"},
			// Pretty-printed keystores spread crypto over ~20 lines.
			WindowBefore: 20,
			WindowAfter:  20,
			Pattern:      `(?i)"?ciphertext"?\s*:\s*["']?(?P<secret>[0-9a-f]{32,})`,
			Validate:     validateKeystore,
			Advice: "The key is only as strong as its password, and the file can be attacked offline forever. " +
				"Move the funds to a fresh wallet generated offline and retire this key; if the password was stored " +
				"next to the file, treat the key as fully exposed.",
			MakeSamples: func() ([]string, []string) { e := ex(); return e.keystore, e.keystoreNeg },
		},
	}
}

// fakeBytes derives n bytes from a label. Example keys come from it so
// that no real key, funded or not, is ever written down, and so the
// repository's own source does not hold secrets that scan would report.
//
// Every rule table is built with its examples, so every scan derives a few
// hundred of them: the message is put together by hand, not by
// fmt.Appendf, which with the growing output cost four times the hashing.
// The bytes are those of "keyward/scan wallet example <label> <i>".
func fakeBytes(label string, n int) []byte {
	out := make([]byte, 0, (n+sha256.Size-1)/sha256.Size*sha256.Size)
	var buf [96]byte
	msg := append(append(append(buf[:0], fakePrefix...), label...), ' ')
	base := len(msg)
	for i := 0; len(out) < n; i++ {
		h := sha256.Sum256(strconv.AppendInt(msg[:base], int64(i), 10))
		out = append(out, h[:]...)
	}
	return out[:n]
}

const fakePrefix = "keyward/scan wallet example "

// fakeScalar is a valid secp256k1 key derived from a label.
func fakeScalar(label string) []byte {
	for i := 0; ; i++ {
		b := fakeBytes(fmt.Sprintf("%s/%d", label, i), 32)
		if _, ok := secpScalar(b); ok {
			return b
		}
	}
}

// fakeMnemonic returns a checksum-valid English phrase of n words from a
// label.
func fakeMnemonic(label string, n int) string {
	return mnemonic.Encode(fakeBytes(label, n*4/3), mnemonic.EnglishWords())
}

// fakeWIF encodes a label-derived key as WIF.
func fakeWIF(label string, version byte, compressed bool) string {
	p := append([]byte{version}, fakeScalar(label)...)
	if compressed {
		p = append(p, 1)
	}
	return base58CheckEncode(p)
}

// fakeExtendedKey builds a 78-byte BIP-32 serialisation with the given
// version; private versions carry a label-derived key.
func fakeExtendedKey(label string, version uint32, private bool) string {
	p := make([]byte, 78)
	binary.BigEndian.PutUint32(p, version)
	p[4] = 3
	copy(p[5:9], fakeBytes(label+"/fp", 4))
	binary.BigEndian.PutUint32(p[9:13], hardened)
	copy(p[13:45], fakeBytes(label+"/chain", 32))
	if private {
		copy(p[46:], fakeScalar(label))
	} else {
		// A compressed key's shape without the curve arithmetic: no rule
		// reads a public key's point, and deriving one cost every start
		// of the scanner 15 ms (secp256k1's tables are built on first use).
		p[45] = 2
		copy(p[46:], fakeBytes(label+"/pub", 32))
	}
	return base58CheckEncode(p)
}

// fakeEVMKey is a label-derived 0x-prefixed EVM private key.
func fakeEVMKey(label string) string { return "0x" + hex.EncodeToString(fakeScalar(label)) }

// fakeSolanaKeypair is a label-derived 64-byte Solana keypair.
func fakeSolanaKeypair(label string) []byte {
	return ed25519.NewKeyFromSeed(fakeBytes(label, 32))
}

func solanaJSON(b []byte, sep string) string {
	parts := make([]string, len(b))
	for i, v := range b {
		parts[i] = fmt.Sprint(v)
	}
	return "[" + strings.Join(parts, sep) + "]"
}

func badChecksumMnemonic(label string, n int) string {
	words := strings.Fields(fakeMnemonic(label, n))
	idx := mnemonic.English()
	for _, w := range []string{"zoo", "abandon", "ability", "able", "about"} {
		words[n-1] = w
		if !mnemonic.Checksum(words, idx) {
			return strings.Join(words, " ")
		}
	}
	panic("unreachable: four candidate last words cannot all pass a checksum of ≥4 bits")
}

func numbered(words []string, sep string) string {
	var b strings.Builder
	for i, w := range words {
		if i > 0 {
			b.WriteString(sep)
		}
		fmt.Fprintf(&b, "%d. %s", i+1, w)
	}
	return b.String()
}

type walletExampleSet struct {
	mnemonic, mnemonicNeg, wif, wifNeg, xprv, xprvNeg, eth, ethNeg []string
	solJSON, solJSONNeg, solB58, solB58Neg, keystore, keystoreNeg  []string
	near, nearNeg                                                  []string
}

func corrupt(s string) string {
	// Swap two characters in the middle: the base58check checksum fails
	// while the shape still matches the pattern.
	b := []byte(s)
	i := len(b) / 2
	if b[i] == b[i+1] {
		i++
	}
	b[i], b[i+1] = b[i+1], b[i]
	return string(b)
}

func walletExamples() walletExampleSet {
	var e walletExampleSet

	m12 := fakeMnemonic("env-12", 12)
	m24 := strings.Fields(fakeMnemonic("json-24", 24))
	m24b := strings.Fields(fakeMnemonic("numbered-24", 24))
	m12b := strings.Fields(fakeMnemonic("seedtxt-12", 12))
	q := func(ws []string) string { return `"` + strings.Join(ws, `", "`) + `"` }
	e.mnemonic = []string{
		"# .env\nMNEMONIC=\"" + m12 + "\"\nRPC_URL=https://rpc.ankr.com/eth\n",
		"{\n  \"name\": \"trading-bot\",\n  \"words\": [" + q(m24) + "]\n}\n",
		"My recovery phrase (seed.txt):\n" + numbered(m12b, "\n") + "\n",
		"wallet backup - 24 words: " + numbered(m24b, " ") + "\n",
		"seed_words = ['" + strings.Join(strings.Fields(fakeMnemonic("python-15", 15)), "', '") + "']\n",
		"module.exports = { networks: { hardhat: { accounts: { mnemonic: \"" + mnemonic.Hardhat + "\" } } } };\n",
		"const seed = bip39.mnemonicToSeedSync('" + mnemonic.Abandon + "');\n",
	}
	prose := "mnemonic docs: always keep your seed phrase private and never share it with anyone. " +
		"cover the paper, lock the door, hide the box, tell nobody, check again, and then sleep well"
	e.mnemonicNeg = []string{
		"MNEMONIC=\"" + badChecksumMnemonic("bad-12", 12) + "\"\n",
		"SEED_PHRASE=\"" + badChecksumMnemonic("bad-24", 24) + "\"\n",
		"// wallet onboarding copy, shuffled for the quiz screen\nconst quiz = \"" + fakeMnemonic("quiz-12", 12) + "\";\n",
		prose + "\n",
		"BIP-39 word list, first words: abandon ability able about above absent absorb abstract absurd abuse access accident account accuse achieve\n",
	}

	wifL := fakeWIF("python-bit", 0x80, true)
	wif5 := fakeWIF("env-uncompressed", 0x80, false)
	wifC := fakeWIF("testnet", 0xef, true)
	e.wif = []string{
		"from bit import Key\nkey = Key('" + wifL + "')\nprint(key.address)\n",
		"BTC_WIF=" + wif5 + "\n",
		"# regtest signer\nbitcoin-cli -regtest importprivkey " + wifC + " \"bot\" false\n",
		"key = Key('" + base58CheckEncode([]byte{0x80, 0x0c, 0x28, 0xfc, 0xa3, 0x86, 0xc7, 0xa2, 0x27, 0x60, 0x0b, 0x2f, 0xe5, 0x0b, 0x7c, 0xae, 0x11, 0xec, 0x86, 0xd3, 0xbf, 0x1f, 0xbe, 0x47, 0x1b, 0xe8, 0x98, 0x27, 0xe1, 0x9d, 0x72, 0xaa, 0x1d}) + "')  # wiki example\n",
	}
	e.wifNeg = []string{
		"key = Key('" + corrupt(wifL) + "')\n",
		"BTC_ADDRESS=" + p2pkhAddress(fakeBytes("addr", 33), 0) + "\n",
		"wallet key: " + base58CheckEncode(append([]byte{0xb0}, append(fakeScalar("ltc"), 1)...)) + "\n",
	}

	xprv := fakeExtendedKey("electrum", 0x0488ade4, true)
	zprv := fakeExtendedKey("sparrow", 0x04b2430c, true)
	tprv := fakeExtendedKey("testnet", 0x04358394, true)
	Zprv := fakeExtendedKey("multisig", 0x02aa7a99, true)
	e.xprv = []string{
		"{\"keystore\": {\"type\": \"bip32\", \"xprv\": \"" + xprv + "\"}}\n",
		"BOT_ZPRV=" + zprv + "\n",
		"descriptor = \"wpkh(" + tprv + "/84'/1'/0'/0/*)\"\n",
		"cosigner_2: " + Zprv + "\n",
	}
	e.xprvNeg = []string{
		"{\"xprv\": null, \"xpub\": \"" + fakeExtendedKey("electrum", 0x0488b21e, false) + "\"}\n",
		"{\"xprv\": \"" + corrupt(xprv) + "\"}\n",
		"zpub for watch-only (no zprv here): " + fakeExtendedKey("sparrow", 0x04b24746, false) + "\n",
	}

	evm := fakeEVMKey("env")
	hh1, hh2 := fakeEVMKey("hardhat-1"), fakeEVMKey("hardhat-2")
	e.eth = []string{
		"# .env\nDEPLOYER_PRIVATE_KEY=" + evm + "\nETHERSCAN_API_KEY=\n",
		"module.exports = {\n  solidity: \"0.8.24\",\n  networks: {\n    sepolia: {\n      url: \"https://rpc.sepolia.org\",\n      accounts: [\n        \"" + hh1 + "\",\n        \"" + hh2 + "\",\n      ],\n    },\n  },\n};\n",
		"forge script script/Deploy.s.sol --rpc-url $RPC --broadcast --private-key " + fakeEVMKey("forge")[2:] + "\n",
		"{\n  \"secret_key\": \"" + fakeEVMKey("hyperliquid") + "\",\n  \"account_address\": \"0x0000000000000000000000000000000000000000\"\n}\n",
		"from eth_account import Account\nacct = Account.from_key('" + fakeEVMKey("ccxt") + "')\n",
		"anvil: cast send $TO --value 1ether --private-key 0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80\n",
		"from hummingbot.wallet.ethereum.web3_wallet import Web3Wallet\nzrx_addr = \"0x" + hex.EncodeToString(fakeBytes("zrx", 20)) + "\"\npkey = \"" + strings.ToUpper(fakeEVMKey("web3wallet")[2:]) + "\"\nserver = \"http://localhost:8545\"\nclock = Clock(ClockMode.REALTIME)\nwallet = Web3Wallet(pkey, [server], token_addresses, chain=EthereumChain.MAIN_NET)\n",
		"import { privateKeyToAccount } from 'viem/accounts'\nconst pk = '" + fakeEVMKey("viem") + "'\nconst account = privateKeyToAccount(pk)\n",
	}
	e.ethNeg = []string{
		"PRIVATE_KEY=${PRIVATE_KEY}\n{\"tx_hash\": \"0x" + hex.EncodeToString(fakeBytes("tx", 32)) + "\", \"status\": 1}\n",
		"const signer = new ethers.Wallet(process.env.PRIVATE_KEY);\nconst blockHash = \"0x" + hex.EncodeToString(fakeBytes("block", 32)) + "\";\n",
		"# sha256 of the release, verify before importing your private key\n" + hex.EncodeToString(fakeBytes("release", 32)) + "  wallet-cli-1.4.2-linux-amd64.tar.gz\n",
		"privateKey: wallet.privateKey, // address 0x" + hex.EncodeToString(fakeBytes("addr", 20)) + "\n",
		"git rev-parse HEAD  # private key rotation commit " + hex.EncodeToString(fakeBytes("git", 20)) + "\n",
		"PRIVATE_KEY=0xdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeef\n",
	}

	kp := fakeSolanaKeypair("id-json")
	bad := append([]byte(nil), fakeSolanaKeypair("mismatch")...)
	copy(bad[32:], fakeSolanaKeypair("other")[32:])
	e.solJSON = []string{
		"// ~/.config/solana/id.json\n" + solanaJSON(kp, ",") + "\n",
		"const payer = Keypair.fromSecretKey(Uint8Array.from(" + solanaJSON(fakeSolanaKeypair("ts"), ", ") + "));\n",
		"{\n  \"keypair\": [\n    " + strings.Trim(solanaJSON(fakeSolanaKeypair("pretty"), ",\n    "), "[]") + "\n  ]\n}\n",
	}
	e.solJSONNeg = []string{
		"// solana keypair fixture\n" + solanaJSON(bad, ",") + "\n",
		"// solana keypair is loaded elsewhere; these are sha512 bytes\n" + solanaJSON(fakeBytes("sha512", 64), ",") + "\n",
	}
	sig := fakeBytes("signature", 64)
	e.solB58 = []string{
		"SOLANA_PRIVATE_KEY=" + base58Encode(fakeSolanaKeypair("phantom")) + "\n",
		"# exported from Phantom\nconst secret = bs58.decode(\"" + base58Encode(fakeSolanaKeypair("bs58")) + "\");\n",
	}
	e.solB58Neg = []string{
		"SOLANA_PUBLIC_KEY=" + base58Encode(fakeSolanaKeypair("phantom")[32:]) + "\n",
		"solana confirm -v " + base58Encode(sig) + "  # tx signature\n",
	}

	nearKP := fakeSolanaKeypair("near-credentials")
	e.near = []string{
		"// ~/.near-credentials/mainnet/bot.near.json\n{\"account_id\":\"bot.near\",\"public_key\":\"ed25519:" + base58Encode(nearKP[32:]) + "\",\"private_key\":\"ed25519:" + base58Encode(nearKP) + "\"}\n",
		"const keyPair = KeyPair.fromString('ed25519:" + base58Encode(fakeSolanaKeypair("near-js")) + "');\n",
	}
	nearBad := append([]byte(nil), fakeSolanaKeypair("near-bad")...)
	copy(nearBad[32:], fakeSolanaKeypair("near-other")[32:])
	e.nearNeg = []string{
		"{\"account_id\":\"bot.near\",\"public_key\":\"ed25519:" + base58Encode(nearKP[32:]) + "\"}\n",
		"const keyPair = KeyPair.fromString('ed25519:" + base58Encode(nearBad) + "');\n",
	}

	addr := hex.EncodeToString(fakeBytes("keystore-addr", 20))
	ks := func(label string) string {
		return `{"address":"` + addr + `","crypto":{"cipher":"aes-128-ctr","ciphertext":"` + hex.EncodeToString(fakeBytes(label+"/ct", 32)) +
			`","cipherparams":{"iv":"` + hex.EncodeToString(fakeBytes(label+"/iv", 16)) + `"},"kdf":"scrypt","kdfparams":{"dklen":32,"n":262144,"p":1,"r":8,"salt":"` +
			hex.EncodeToString(fakeBytes(label+"/salt", 32)) + `"},"mac":"` + hex.EncodeToString(fakeBytes(label+"/mac", 32)) + `"},"id":"3198bc9c-6672-5ab3-d995-4942343ae5b6","version":3}`
	}
	e.keystore = []string{
		ks("utc") + "\n",
		"# hyperliquid bot config\nKEYSTORE_JSON='" + ks("hl") + "'\nKEYSTORE_PASSWORD=hunter2-trading\n",
		"{\n  \"crypto\" : {\n    \"cipher\" : \"aes-128-ctr\",\n    \"cipherparams\" : { \"iv\" : \"83dbcc02d8ccb40e466191a123791e0e\" },\n    \"ciphertext\" : \"d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c\",\n    \"kdf\" : \"scrypt\",\n    \"kdfparams\" : { \"dklen\" : 32, \"n\" : 262144, \"p\" : 8, \"r\" : 1, \"salt\" : \"ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19\" },\n    \"mac\" : \"2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097\"\n  },\n  \"version\" : 3\n}\n",
	}
	e.keystoreNeg = []string{
		"{\"ciphertext\": \"" + hex.EncodeToString(fakeBytes("aes-gcm", 48)) + "\", \"nonce\": \"" + hex.EncodeToString(fakeBytes("n", 12)) + "\"}\n",
		"kdf: argon2id  # ciphertext stored in vault, not here\n",
	}
	return e
}
