package detectors

import (
	"crypto/hmac"
	"crypto/sha512"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"sync"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/keyward/scan/internal/mnemonic"
	"golang.org/x/crypto/sha3"
)

// secpScalar accepts 32 bytes that are a usable secp256k1 private key:
// 1 ≤ k < n. Zero and overflowing values are hashes or filler, not keys.
func secpScalar(b []byte) (*secp256k1.PrivateKey, bool) {
	if len(b) != 32 {
		return nil, false
	}
	var s secp256k1.ModNScalar
	if overflow := s.SetByteSlice(b); overflow || s.IsZero() {
		return nil, false
	}
	return secp256k1.NewPrivateKey(&s), true
}

// ethereumAddress derives the EIP-55 checksummed address of a private key.
// The address is public and lets the owner see which account leaked.
func ethereumAddress(priv *secp256k1.PrivateKey) string {
	pub := priv.PubKey().SerializeUncompressed()
	h := sha3.NewLegacyKeccak256()
	h.Write(pub[1:])
	return eip55(h.Sum(nil)[12:])
}

func eip55(addr []byte) string {
	lower := hex.EncodeToString(addr)
	h := sha3.NewLegacyKeccak256()
	h.Write([]byte(lower))
	sum := h.Sum(nil)
	out := []byte(lower)
	for i, c := range out {
		nibble := sum[i/2]
		if i%2 == 0 {
			nibble >>= 4
		}
		if c >= 'a' && nibble&0xf >= 8 {
			out[i] = c - 'a' + 'A'
		}
	}
	return "0x" + string(out)
}

// hdKey is a BIP-32 extended private key, enough to derive the public test
// accounts that must be recognised as test material.
type hdKey struct {
	key   [32]byte
	chain [32]byte
}

func hdMaster(seed []byte) hdKey {
	m := hmac.New(sha512.New, []byte("Bitcoin seed"))
	m.Write(seed)
	sum := m.Sum(nil)
	var k hdKey
	copy(k.key[:], sum[:32])
	copy(k.chain[:], sum[32:])
	return k
}

const hardened = 0x80000000

func (k hdKey) child(i uint32) hdKey {
	m := hmac.New(sha512.New, k.chain[:])
	if i >= hardened {
		m.Write([]byte{0})
		m.Write(k.key[:])
	} else {
		priv, _ := secpScalar(k.key[:])
		m.Write(priv.PubKey().SerializeCompressed())
	}
	var ib [4]byte
	binary.BigEndian.PutUint32(ib[:], i)
	m.Write(ib[:])
	sum := m.Sum(nil)
	// IL ≥ n or a zero child has probability < 2^-127; BIP-32 says to skip
	// the index, which no test vector here needs.
	var il, parent secp256k1.ModNScalar
	il.SetByteSlice(sum[:32])
	parent.SetByteSlice(k.key[:])
	il.Add(&parent)
	var c hdKey
	il.PutBytes(&c.key)
	copy(c.chain[:], sum[32:])
	return c
}

func (k hdKey) path(p ...uint32) hdKey {
	for _, i := range p {
		k = k.child(i)
	}
	return k
}

type knownKey struct {
	reason string
}

var (
	knownKeysOnce sync.Once
	knownKeys     map[[32]byte]knownKey
)

// knownTestKey says whether a 32-byte private key is public test material.
// The set is derived on first use rather than listed so that it cannot
// drift from the mnemonics it comes from; the cost is two PBKDF2 runs.
func knownTestKey(k []byte) (string, bool) {
	knownKeysOnce.Do(buildKnownKeys)
	var a [32]byte
	copy(a[:], k)
	v, ok := knownKeys[a]
	return v.reason, ok
}

func buildKnownKeys() {
	knownKeys = map[[32]byte]knownKey{}
	add := func(k [32]byte, reason string) {
		if _, dup := knownKeys[k]; !dup {
			knownKeys[k] = knownKey{reason}
		}
	}
	for _, tm := range []struct{ mnemonic, name string }{
		{mnemonic.Hardhat, "Hardhat/Anvil default"},
		{mnemonic.Abandon, "BIP-39 test vector (abandon … about)"},
	} {
		master := hdMaster(mnemonic.Seed(tm.mnemonic, ""))
		add(master.key, tm.name+" master key")
		eth := master.path(44+hardened, 60+hardened, 0+hardened, 0)
		for i := uint32(0); i < 20; i++ {
			add(eth.child(i).key, fmt.Sprintf("%s account #%d (m/44'/60'/0'/0/%d)", tm.name, i, i))
		}
		for _, purpose := range []uint32{44, 49, 84, 86} {
			for _, coin := range []uint32{0, 1} {
				acct := master.path(purpose+hardened, coin+hardened, 0+hardened)
				add(acct.key, fmt.Sprintf("%s account key m/%d'/%d'/0'", tm.name, purpose, coin))
				for i := uint32(0); i < 5; i++ {
					add(acct.path(0, i).key, fmt.Sprintf("%s key m/%d'/%d'/0'/0/%d", tm.name, purpose, coin, i))
				}
			}
		}
	}
	// BIP-32 test vector 1 seed; its master key appears in most HD-wallet
	// test suites.
	add(hdMaster([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}).key, "BIP-32 test vector 1 master key")
	for _, d := range documentedKeys {
		b, err := hex.DecodeString(d.hex)
		if err != nil || len(b) != 32 {
			panic("detectors: bad documented key " + d.hex)
		}
		add([32]byte(b), d.reason)
	}
}

// documentedKeys are private keys printed in official documentation and
// specifications; anyone can sweep them, so they are test material.
var documentedKeys = []struct{ hex, reason string }{
	{"0000000000000000000000000000000000000000000000000000000000000001", "private key 1 (textbook example)"},
	{"0c28fca386c7a227600b2fe50b7cae11ec86d3bf1fbe471be89827e19d72aa1d", "Bitcoin wiki WIF example key"},
	{"4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318", "web3.js documentation example key"},
}
