package repos

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
)

// Shard is one part of a set of repositories split N ways: K of N,
// counted from 1.
type Shard struct{ K, N int }

// ParseShard reads "K/N".
func ParseShard(s string) (Shard, error) {
	a, b, ok := strings.Cut(s, "/")
	k, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || k < 1 || k > n {
		return Shard{}, fmt.Errorf("%q: want K/N with 1 ≤ K ≤ N (e.g. 2/8)", s)
	}
	return Shard{k, n}, nil
}

// Owner is the shard (1..n) a repository belongs to: the shard with the
// highest hash of (name, shard) — rendezvous hashing, so adding or
// removing a repository moves no other, and changing N moves only about
// 1/N of them.
func Owner(name string, n int) int {
	best, bestScore := 1, uint64(0)
	for k := 1; k <= n; k++ {
		sum := sha256.Sum256([]byte(strconv.Itoa(k) + "\x00" + name))
		if s := binary.BigEndian.Uint64(sum[:8]); k == 1 || s > bestScore {
			best, bestScore = k, s
		}
	}
	return best
}

// Select keeps the repositories of shard s.
func (s Shard) Select(rs []Repo) []Repo {
	if s.N <= 1 {
		return rs
	}
	var out []Repo
	for _, r := range rs {
		if Owner(r.Name, s.N) == s.K {
			out = append(out, r)
		}
	}
	return out
}
