// Package fingerprint derives the identity of a leak — which rule found
// which value — in a form that may be stored where other people can read
// it: a committed baseline, a SARIF file uploaded to code scanning.
//
// A fast hash of a secret is not safe there. Many secrets are short or
// chosen by people (passwords, passphrases), and sha256(rule, secret) lets
// anyone who can read the file confirm a guess in nanoseconds, or look it up
// in a precomputed table. A fingerprint here is scrypt over the rule id and
// the secret with a salt: the salt defeats precomputed tables, and the cost
// (memory and time per guess) makes guessing a password offline as slow as
// guessing it against a login form that rate-limits.
package fingerprint

import (
	"encoding/hex"
	"runtime"
	"sync"

	"golang.org/x/crypto/scrypt"
)

// Cost is scrypt's CPU/memory cost N (a power of two); r is 8 and p is 1,
// so one derivation needs 128·N·8 bytes of memory.
type Cost int

const (
	// Stored is for files kept for years in a repository (baselines):
	// 16 MiB and tens of milliseconds per guess.
	Stored Cost = 1 << 14
	// Reported is for reports that carry one fingerprint per finding and
	// are written on every scan (SARIF): 256 KiB and a fraction of a
	// millisecond per guess, still thousands of times slower than a plain
	// hash on the hardware that cracks them, and salted per rule so no
	// table serves all rules. A report of thousands of findings pays for
	// each, so this is as far as the cost can go.
	Reported Cost = 1 << 8
)

// keyLen is the fingerprint length in bytes: 128 bits make accidental
// collisions between distinct secrets impossible in practice.
const keyLen = 16

// Deriver computes fingerprints with one salt and one cost, remembering
// those already computed. It is safe for concurrent use.
type Deriver struct {
	salt []byte
	cost Cost

	mu    sync.Mutex
	cache map[key]string
}

type key struct{ rule, secret string }

// New returns a Deriver. The salt should be random per stored file (a
// baseline keeps its own) or at least specific to the use.
func New(salt []byte, cost Cost) *Deriver {
	return &Deriver{salt: append([]byte(nil), salt...), cost: cost, cache: map[key]string{}}
}

// Of returns the fingerprint of secret as found by rule: 32 hex digits.
func (d *Deriver) Of(rule, secret string) string {
	k := key{rule, secret}
	d.mu.Lock()
	fp, ok := d.cache[k]
	d.mu.Unlock()
	if ok {
		return fp
	}
	fp = d.derive(rule, secret)
	d.mu.Lock()
	d.cache[k] = fp
	d.mu.Unlock()
	return fp
}

func (d *Deriver) derive(rule, secret string) string {
	// The rule id goes into the salt, not the password, so that the same
	// value found by two rules gives unrelated fingerprints and a table
	// built for one rule serves no other.
	salt := make([]byte, 0, len(d.salt)+1+len(rule))
	salt = append(append(append(salt, d.salt...), 0), rule...)
	out, err := scrypt.Key([]byte(secret), salt, int(d.cost), 8, 1, keyLen)
	if err != nil {
		// Only invalid parameters fail, and the costs are constants.
		panic("fingerprint: " + err.Error())
	}
	return hex.EncodeToString(out)
}

// Pair is one (rule, secret) to fingerprint.
type Pair struct{ Rule, Secret string }

// All fingerprints every pair, spreading the work over the CPUs, and
// returns the fingerprints in the order of pairs. Derivations are slow by
// design; a report of thousands of findings would otherwise wait on one core.
func (d *Deriver) All(pairs []Pair) []string {
	out := make([]string, len(pairs))
	workers := min(runtime.GOMAXPROCS(0), len(pairs))
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i] = d.Of(pairs[i].Rule, pairs[i].Secret)
			}
		}()
	}
	for i := range pairs {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}
