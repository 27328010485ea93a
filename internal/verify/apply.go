package verify

import (
	"context"
	"sort"
	"strings"
	"sync"

	"github.com/keyward/scan/detectors"
)

// WithdrawMessage is the note a live key that can withdraw from anywhere
// gets: the one sentence its owner must read.
const WithdrawMessage = "anyone holding this key can withdraw funds"

// Summary counts verification results by status.
type Summary map[string]int

// Apply verifies every finding in place, at most Options.Concurrency at a
// time, and sets each one's Verification and, for checked credentials, a
// severity that follows the damage the key allows:
//
//   - live, withdrawals enabled, no IP whitelist: critical
//   - live with withdrawals behind a whitelist, or trading: high
//   - live and read-only: medium
//   - invalid (revoked or fake): low
//
// Anything else keeps the scanner's severity. A value that findings of two
// different services claim is sent to neither.
func (c *Checker) Apply(ctx context.Context, findings []detectors.Finding) Summary {
	claims := map[string]map[string]bool{}
	for i := range findings {
		f := &findings[i]
		if f.Exchange == "" {
			continue
		}
		if claims[f.Secret] == nil {
			claims[f.Secret] = map[string]bool{}
		}
		claims[f.Secret][f.Exchange] = true
	}
	// A fixed pool, not a goroutine per finding: a history scan can
	// report thousands, most of them cache hits.
	work := make(chan *detectors.Finding)
	var wg sync.WaitGroup
	for range c.opt.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range work {
				v := c.Verify(ctx, *f)
				f.Verification = &v
			}
		}()
	}
	for i := range findings {
		f := &findings[i]
		if ids := claims[f.Secret]; len(ids) > 1 {
			names := make([]string, 0, len(ids))
			for id := range ids {
				names = append(names, id)
			}
			sort.Strings(names)
			v := unknown("claimed by the rules of " + strings.Join(names, " and ") + "; nothing was sent to either, since the context does not say whose key it is")
			f.Verification = &v
			continue
		}
		work <- f
	}
	close(work)
	wg.Wait()
	sum := Summary{}
	for i := range findings {
		rank(&findings[i])
		sum[findings[i].Verification.Status]++
	}
	return sum
}

// rank sets the severity of a verified finding from what its key may do.
func rank(f *detectors.Finding) {
	v := f.Verification
	p := v.Permissions
	yes := func(b *bool) bool { return b != nil && *b }
	no := func(b *bool) bool { return b != nil && !*b }
	switch {
	case v.Status == detectors.VerifyInvalid:
		f.Severity = detectors.Low
		f.Notes = append(f.Notes, "verified invalid: revoked, expired or fake")
	case v.Status != detectors.VerifyLive:
	case yes(p.Withdrawals) && !yes(p.IPRestricted):
		f.Severity = detectors.Critical
		v.Detail = WithdrawMessage + ": " + v.Detail
		f.Notes = append(f.Notes, "verified live: "+WithdrawMessage)
	case yes(p.Withdrawals):
		f.Severity = detectors.High
		f.Notes = append(f.Notes, "verified live: withdrawals enabled, but only from the whitelisted IP addresses")
	case yes(p.Trading):
		f.Severity = detectors.High
		f.Notes = append(f.Notes, "verified live: can trade, cannot withdraw")
	case yes(p.ReadOnly) || no(p.Trading) && no(p.Withdrawals):
		f.Severity = detectors.Medium
		f.Notes = append(f.Notes, "verified live and read-only")
	}
}
