package verify

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/verify/exchangetest"
)

// BenchmarkApply verifies a history-sized report: 2,000 findings of 20
// distinct Bybit credentials (the same keys in many commits and files).
// requests/op shows the per-credential cache at work.
func BenchmarkApply(b *testing.B) {
	base := fixtures(b)[1]
	var accounts []exchangetest.Account
	var findings []detectors.Finding
	for i := range 20 {
		fx := base
		fx.key = shape(fmt.Sprint("bench key ", i), alnum, 18)
		fx.secret = shape(fmt.Sprint("bench secret ", i), alnum, 36)
		accounts = append(accounts, fx.account(exchangetest.LiveWithdraw))
		for j := range 100 {
			f := fx.finding()
			f.Path = fmt.Sprintf("commit%d/.env", j)
			findings = append(findings, f)
		}
	}
	srv := exchangetest.New(b, "bybit", accounts...)
	work := make([]detectors.Finding, len(findings))
	for b.Loop() {
		copy(work, findings)
		c := newChecker(b, "bybit", srv, 5*time.Second)
		c.Apply(context.Background(), work)
	}
	b.ReportMetric(float64(srv.Hits())/float64(b.N), "requests/op")
}
