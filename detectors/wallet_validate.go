package detectors

import (
	"github.com/keyward/scan/internal/assign"

	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"path"
	"strconv"
	"strings"

	"golang.org/x/crypto/ripemd160" //nolint:staticcheck // Bitcoin addresses are defined with RIPEMD-160.
)

// knownVerdict turns a match against public test material into an Info
// finding that still says what was found.
func knownVerdict(reason, note string) Verdict {
	r := "well-known test material: " + reason
	if note != "" {
		r += "; " + note
	}
	return Verdict{Severity: Info, Reason: r, Note: r}
}

func p2pkhAddress(pub []byte, version byte) string {
	s := sha256.Sum256(pub)
	r := ripemd160.New()
	r.Write(s[:])
	return base58CheckEncode(append([]byte{version}, r.Sum(nil)...))
}

// validateWIF is the bitcoin-wif-private-key validator.
func validateWIF(secret string, _ Candidate) Verdict {
	b, ok := base58CheckDecode(secret)
	if !ok {
		return Verdict{Reject: true, Reason: "not base58check"}
	}
	var net string
	var addrVersion byte
	switch b[0] {
	case 0x80:
		net, addrVersion = "mainnet", 0x00
	case 0xef:
		net, addrVersion = "testnet", 0x6f
	default:
		return Verdict{Reject: true, Reason: fmt.Sprintf("version byte 0x%02x is not a Bitcoin WIF", b[0])}
	}
	compressed := false
	switch {
	case len(b) == 33:
	case len(b) == 34 && b[33] == 0x01:
		compressed = true
	default:
		return Verdict{Reject: true, Reason: "payload length is not a WIF key"}
	}
	priv, ok := secpScalar(b[1:33])
	if !ok {
		return Verdict{Reject: true, Reason: "not a valid secp256k1 scalar"}
	}
	pub := priv.PubKey().SerializeUncompressed()
	kind := "uncompressed"
	if compressed {
		pub, kind = priv.PubKey().SerializeCompressed(), "compressed"
	}
	note := fmt.Sprintf("%s WIF private key (%s), legacy address %s", net, kind, p2pkhAddress(pub, addrVersion))
	if reason, ok := knownTestKey(b[1:33]); ok {
		return knownVerdict(reason, note)
	}
	v := Verdict{Note: note}
	if net == "testnet" {
		// A testnet encoding holds no mainnet coins by itself, but the same
		// scalar controls mainnet funds when a developer reuses the key.
		v.Severity = High
		v.Note += "; testnet encoding — the same key controls mainnet coins if reused"
	}
	return v
}

type xprvVersion struct {
	prefix, use string
	testnet     bool
}

// SLIP-132 private versions. Public versions are absent on purpose: an
// xpub exposes balances, not funds.
var xprvVersions = map[uint32]xprvVersion{
	0x0488ade4: {"xprv", "BIP-32/BIP-44 legacy", false},
	0x049d7878: {"yprv", "BIP-49 P2WPKH-in-P2SH", false},
	0x04b2430c: {"zprv", "BIP-84 native SegWit", false},
	0x0295b005: {"Yprv", "multisig P2WSH-in-P2SH", false},
	0x02aa7a99: {"Zprv", "multisig native P2WSH", false},
	0x04358394: {"tprv", "testnet BIP-32/BIP-44", true},
	0x044a4e28: {"uprv", "testnet BIP-49", true},
	0x045f18bc: {"vprv", "testnet BIP-84", true},
	0x024285b5: {"Uprv", "testnet multisig P2WSH-in-P2SH", true},
	0x02575048: {"Vprv", "testnet multisig P2WSH", true},
}

// validateXprv is the bitcoin-extended-private-key validator.
func validateXprv(secret string, _ Candidate) Verdict {
	b, ok := base58CheckDecode(secret)
	if !ok {
		return Verdict{Reject: true, Reason: "not base58check"}
	}
	if len(b) != 78 {
		return Verdict{Reject: true, Reason: "payload is not 78 bytes"}
	}
	ver, ok := xprvVersions[binary.BigEndian.Uint32(b[:4])]
	if !ok {
		return Verdict{Reject: true, Reason: "unknown extended private key version"}
	}
	if ver.prefix != secret[:4] {
		return Verdict{Reject: true, Reason: "prefix does not match version bytes"}
	}
	depth, fingerprint, child := b[4], binary.BigEndian.Uint32(b[5:9]), binary.BigEndian.Uint32(b[9:13])
	if depth == 0 && (fingerprint != 0 || child != 0) {
		return Verdict{Reject: true, Reason: "master key with a parent fingerprint or child number"}
	}
	if b[45] != 0 {
		return Verdict{Reject: true, Reason: "key data does not start with 0x00"}
	}
	if _, ok := secpScalar(b[46:78]); !ok {
		return Verdict{Reject: true, Reason: "not a valid secp256k1 scalar"}
	}
	scope := fmt.Sprintf("depth %d", depth)
	if depth == 0 {
		scope = "master key: every address of the wallet"
	}
	note := fmt.Sprintf("%s extended private key (%s), %s", ver.prefix, ver.use, scope)
	if reason, ok := knownTestKey(b[46:78]); ok {
		return knownVerdict(reason, note)
	}
	v := Verdict{Note: note}
	if ver.testnet {
		v.Severity = High
		v.Note += "; testnet encoding — the same tree controls mainnet coins if the seed is reused"
	}
	return v
}

var (
	// hashWords mark lines whose 64-hex values are digests or identifiers.
	hashWords = lazyRE(`(?i)hash|txid|tx_id|transaction|block|sha-?256|sha3|keccak|checksum|digest|merkle|commit|topic|bytecode|salt|nonce|signature|root|integrity|pubkey|public|ciphertext|\bmac\b|\biv\b|slot|etag`)
	// keyWords mark lines that name a private key outright.
	keyWords = []string{"priv", "secret", "signer", "wallet(", "from_key", "fromkey", "deployer", "pk="}
	// otherSecretWords name 64-hex secrets that are not wallet keys: a
	// freqtrade jwt_secret_key or a Flask SECRET_KEY is a secret, but the
	// generic rule reports it, not as a wallet.
	otherSecretWords = lazyRE(`(?i)jwt|hmac|session|cookie|csrf|encrypt|\baes|webhook|flask|django|rails|secret_key_base|signing_secret|app_secret|api_secret`)
	sha256sumLine    = lazyRE(`^\s*(?:0x)?[0-9a-f]{64}\s+\*?[^\s=:]+\s*$`)
	// evmContext is what the window must hold when the key's own line
	// names nothing (hardhat accounts arrays span lines).
	evmContext = lazyRE(`(?i)accounts\s*:\s*\[|--private-key`)
	// evmWords say a window is about EVM chains. 64 hex digits labelled
	// "PrivateKey" in a crypto library's test vectors are an X25519 or
	// ECDSA test key; the same label next to any of these is a wallet.
	evmWords = lazyRE(`(?i)--private-key|cast |eth|evm|web3|wallet|hardhat|foundry|anvil|forge|solidity|metamask|hyperliquid|deploy|mnemonic|infura|alchemy|rpc|chain|polygon|arbitrum|optimism|bsc|base_|avax|signer|account|address|0x[0-9a-f]{40}`)
)

// configLike reports whether a path is where people keep settings rather
// than code: a bare 64-hex key there needs no further context.
func configLike(p string) bool {
	base := strings.ToLower(path.Base(p))
	if strings.HasPrefix(base, ".env") || strings.HasSuffix(base, "history") {
		return true
	}
	switch path.Ext(base) {
	case ".env", ".sh", ".bash", ".zsh", ".yaml", ".yml", ".toml", ".json", ".ini", ".cfg", ".conf", ".properties", ".txt":
		return true
	}
	return false
}

// validateEVMKey is the ethereum-private-key validator.
func validateEVMKey(secret string, c Candidate) Verdict {
	h := strings.TrimPrefix(strings.TrimPrefix(secret, "0x"), "0X")
	b, err := hex.DecodeString(h)
	if err != nil || len(b) != 32 {
		return Verdict{Reject: true, Reason: "not 32 bytes of hex"}
	}
	line := strings.ToLower(c.Line)
	if sha256sumLine.MatchString(line) {
		return Verdict{Reject: true, Reason: "sha256sum output (digest and file name)"}
	}
	if w := otherSecretWords.FindString(line); w != "" {
		return Verdict{Reject: true, Reason: fmt.Sprintf("the line names another kind of secret (%q), not a wallet key", w)}
	}
	_, keyish := containsAnyFold(line, keyWords)
	if !keyish && passedToWallet(labelBefore(c.Line, secret), c.Window) {
		// pkey = "…" then Web3Wallet(pkey, …): the use names the key.
		keyish = true
	}
	if w := hashWords.FindString(line); w != "" && !keyish {
		return Verdict{Reject: true, Reason: fmt.Sprintf("line names a hash or public value (%q)", w)}
	}
	// The window reaches 8 lines up to see a key passed to a constructor
	// below its assignment; the other context must stand closer.
	near := linesAround(c.Window, secret, 1, 4)
	if !keyish && !evmContext.MatchString(near) {
		return Verdict{Reject: true, Reason: "no private-key context near the value"}
	}
	if !strings.HasPrefix(strings.ToLower(secret), "0x") && !configLike(c.Path) && !evmWords.MatchString(near) && !evmWords.MatchString(c.Line) {
		return Verdict{Reject: true, Reason: "64 hex digits named as a key with nothing about EVM chains nearby (a test vector of another algorithm?)"}
	}
	priv, ok := secpScalar(b)
	if !ok {
		return Verdict{Reject: true, Reason: "not a valid secp256k1 scalar"}
	}
	note := "EVM private key for address " + ethereumAddress(priv)
	if reason, ok := knownTestKey(b); ok {
		return knownVerdict(reason, note)
	}
	// Random hex scores about 1; this only drops patterned fillers that
	// the placeholder filter misses (deadbeef…, repeated blocks).
	if r := EntropyRatio(strings.ToLower(h)); r < 0.8 {
		return Verdict{Reject: true, Reason: fmt.Sprintf("entropy ratio %.2f is too low for a random key", r)}
	}
	return Verdict{Note: note}
}

func solanaKeypair(b []byte) (string, bool) {
	if len(b) != 64 {
		return "", false
	}
	priv := ed25519.NewKeyFromSeed(b[:32])
	pub := priv[32:]
	for i := range pub {
		if pub[i] != b[32+i] {
			return "", false
		}
	}
	return base58Encode(pub), true
}

// validateSolanaJSON is the solana-keypair validator (id.json arrays).
func validateSolanaJSON(secret string, _ Candidate) Verdict {
	fields := strings.FieldsFunc(secret, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })
	if len(fields) != 64 {
		return Verdict{Reject: true, Reason: "not 64 numbers"}
	}
	b := make([]byte, 64)
	for i, f := range fields {
		v, err := strconv.Atoi(f)
		if err != nil || v < 0 || v > 255 {
			return Verdict{Reject: true, Reason: "not a byte array"}
		}
		b[i] = byte(v)
	}
	pub, ok := solanaKeypair(b)
	if !ok {
		return Verdict{Reject: true, Reason: "second half is not the Ed25519 public key of the first"}
	}
	return Verdict{Note: "Solana keypair for public key " + pub}
}

// validateSolanaBase58 is the solana-private-key validator.
func validateSolanaBase58(secret string, c Candidate) Verdict {
	if strings.Contains(c.Line, nearKeyPrefix+secret) {
		return Verdict{Reject: true, Reason: "a NEAR key (near-private-key reports it)"}
	}
	pub, v := base58Keypair(secret)
	if v.Reject {
		return v
	}
	return Verdict{Note: "Solana secret key for public key " + pub}
}

// base58Keypair decodes the base58 form of a 64-byte Ed25519 keypair, as
// Solana and NEAR write secret keys, and returns the public half.
func base58Keypair(secret string) (string, Verdict) {
	b, ok := base58Decode(secret)
	if !ok || len(b) != 64 {
		return "", Verdict{Reject: true, Reason: "does not decode to 64 bytes"}
	}
	pub, ok := solanaKeypair(b)
	if !ok {
		return "", Verdict{Reject: true, Reason: "second half is not the Ed25519 public key of the first"}
	}
	return pub, Verdict{}
}

var (
	keystoreKDF      = lazyRE(`(?i)"?kdf"?\s*:\s*["']?(scrypt|pbkdf2)`)
	keystoreMAC      = lazyRE(`(?i)"?mac"?\s*:\s*["']?[0-9a-f]{64}`)
	keystoreAddress  = lazyRE(`(?i)"?address"?\s*:\s*["']?(?:0x)?([0-9a-f]{40})\b`)
	keystorePassword = lazyRE(`(?i)pass(word|phrase|wd)?\b|keystore_pass|\.pass\b`)
)

// knownKeystores are ciphertexts of the Web3 Secret Storage test vectors
// (password "testpassword"), copied into many libraries' tests.
var knownKeystores = map[string]string{
	"d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c": "Web3 Secret Storage scrypt test vector",
	"5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46": "Web3 Secret Storage pbkdf2 test vector",
}

// validateKeystore is the ethereum-keystore validator. The key is
// encrypted, so the risk is an offline password search; a password in the
// same window removes that barrier.
func validateKeystore(secret string, c Candidate) Verdict {
	if !keystoreKDF.MatchString(c.Window) || !keystoreMAC.MatchString(c.Window) {
		return Verdict{Reject: true, Reason: "no scrypt/pbkdf2 kdf and mac beside the ciphertext"}
	}
	if hummingbotConfPath.MatchString(c.Path) {
		return Verdict{Reject: true, Reason: "hummingbot's encrypted config value (hummingbot-encrypted-key reports it)"}
	}
	if len(secret) != 64 {
		// AES-CTR keeps the length: a private key encrypts to 32 bytes.
		// Applications reuse the keystore format for other values.
		return Verdict{Reject: true, Reason: fmt.Sprintf("ciphertext of %d bytes, not a 32-byte private key", len(secret)/2)}
	}
	note := "Ethereum keystore v3 (encrypted with a password)"
	if m := keystoreAddress.FindStringSubmatch(c.Window); m != nil {
		if a, err := hex.DecodeString(m[1]); err == nil {
			note += " for address " + eip55(a)
		}
	}
	if reason, ok := knownKeystores[strings.ToLower(secret)]; ok {
		return knownVerdict(reason, note)
	}
	if keystorePassword.MatchString(c.Window) {
		return Verdict{Severity: High, Note: note + "; a password appears nearby, so the key may be decryptable"}
	}
	return Verdict{Severity: Medium, Note: note + "; it can be attacked offline by password guessing"}
}

// nearKeyPrefix starts every NEAR key string (near-api-js KeyPair,
// ~/.near-credentials/*.json): the curve name, then base58.
const nearKeyPrefix = "ed25519:"

// validateNEARKey is the near-private-key validator. A NEAR secret key is
// the 64-byte Ed25519 keypair that Solana also uses; the prefix says whose
// wallet it is, and the public half must match the seed.
func validateNEARKey(secret string, _ Candidate) Verdict {
	pub, v := base58Keypair(secret)
	if v.Reject {
		return v
	}
	return Verdict{Note: "NEAR secret key for public key " + nearKeyPrefix + pub, Named: true}
}

// walletCall opens the calls that take a private key as their first
// argument: web3.py Account.from_key and hummingbot's Web3Wallet, ethers'
// new Wallet(key), viem's privateKeyToAccount, web3.js
// privateKeyToAccount, eth_account's Account.from_key / LocalAccount.
var walletCall = lazyRE(`(?i)(?:wallet|from_key|fromkey|privatekeytoaccount|signer|localaccount)\s*\(\s*(?:[a-z_]+\s*=\s*)?`)

// passedToWallet reports whether the variable name is passed as the key to
// a wallet or account constructor somewhere in the window.
func passedToWallet(name, window string) bool {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	if len(name) < 2 {
		return false
	}
	for _, m := range walletCall.FindAllStringIndex(window, -1) {
		rest := window[m[1]:]
		for _, prefix := range []string{"self.", "this.", ""} {
			if arg, ok := strings.CutPrefix(rest, prefix); ok && strings.HasPrefix(arg, name) {
				if after := arg[len(name):]; after == "" || !assign.IsLabelByte(after[0]) || after[0] == '.' {
					return true
				}
			}
		}
	}
	return false
}

// linesAround returns the lines of window from before lines above the one
// holding secret to after lines below it; the whole window if secret is
// not in it.
func linesAround(window, secret string, before, after int) string {
	i := strings.Index(window, secret)
	if i < 0 {
		return window
	}
	s := strings.LastIndexByte(window[:i], '\n') + 1
	for n := 0; n < before && s > 0; n++ {
		s = strings.LastIndexByte(window[:s-1], '\n') + 1
	}
	e := i
	for n := 0; n <= after; n++ {
		k := strings.IndexByte(window[e:], '\n')
		if k < 0 {
			return window[s:]
		}
		e += k + 1
	}
	return window[s:e]
}
