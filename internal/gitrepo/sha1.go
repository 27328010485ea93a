package gitrepo

import (
	"crypto"
	"crypto/sha1"

	"github.com/go-git/go-git/v5/plumbing/hash"
)

// go-git hashes every object it reconstructs from a delta, with a
// collision-detecting SHA-1 that costs several times the standard one. A
// scanner reads objects and never writes them, so detection buys nothing
// here and cost about a tenth of a history scan. The registration happens
// at init, before any goroutine can read go-git's table of hashes.
func init() {
	if err := hash.RegisterHash(crypto.SHA1, sha1.New); err != nil {
		panic(err)
	}
}
