package githistory

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// PushUpdate is one line of a pre-push hook's standard input.
type PushUpdate struct {
	LocalRef, LocalSHA, RemoteRef, RemoteSHA string
}

// ParsePrePush reads the lines git gives a pre-push hook:
// "<local ref> <local sha> <remote ref> <remote sha>".
func ParsePrePush(r io.Reader) ([]PushUpdate, error) {
	var out []PushUpdate
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 4 || !plumbing.IsHash(f[1]) || !plumbing.IsHash(f[3]) {
			return nil, fmt.Errorf("pre-push input line %d: want \"<local ref> <local sha> <remote ref> <remote sha>\", got %q", n, line)
		}
		out = append(out, PushUpdate{f[0], f[1], f[2], f[3]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read pre-push input: %w", err)
	}
	return out, nil
}

// PushRange sets opt to the commits a push to remote would publish: those
// of each local sha not reachable from the remote's current sha, or, when
// the remote ref is new (or its sha unknown here), from the destination's
// own tracking refs — never another remote's: a commit on origin is still
// news to a second remote. remote is the name git gives the hook ("" or a
// URL: no tracking refs, so nothing is taken as already there; "" run by
// hand keeps every remote). With no updates it falls back to every local
// branch's commits that the remote's (or, without one, any remote's)
// tracking refs do not reach. Deletions publish nothing.
func PushRange(opt Options, updates []PushUpdate, remote string) Options {
	opt.Remote = remote
	opt.AllowEmpty = true
	if len(updates) == 0 {
		opt.LocalHeads = true
		opt.ExcludeRemotes = true
		return opt
	}
	opt.Revs = []string{}
	for _, u := range updates {
		if u.LocalSHA == plumbing.ZeroHash.String() {
			continue
		}
		opt.Revs = append(opt.Revs, u.LocalSHA)
		if u.RemoteSHA == plumbing.ZeroHash.String() {
			opt.ExcludeRemotes = true
		} else {
			opt.ExcludeIfKnown = append(opt.ExcludeIfKnown, u.RemoteSHA)
		}
	}
	return opt
}
