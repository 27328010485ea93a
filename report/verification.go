package report

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/display"
)

// notRequested is the verification of a finding when --verify was not
// given: JSON and SARIF always carry the object, so readers need not tell
// a missing key from "not checked".
var notRequested = detectors.Verification{
	Status: detectors.VerifyNotChecked,
	Detail: "verification was not requested (scan with --verify)",
}

// verificationOf returns the finding's verification for JSON and SARIF,
// with every known secret redacted from its detail.
func verificationOf(f *detectors.Finding, vw *view) *detectors.Verification {
	v := notRequested
	if f.Verification != nil {
		v = *f.Verification
		v.Detail = vw.text(v.Detail)
	}
	return &v
}

// verifiedDanger reports whether a finding is a key its service confirmed
// live and rated critical: the ones to act on first.
func verifiedDanger(f *detectors.Finding) bool {
	return f.Verification.Live() && f.Severity == detectors.Critical
}

// writeTextUrgent lists verified critical keys before the report, each
// with where its owner manages it and what to change.
func writeTextUrgent(b *bytes.Buffer, findings []detectors.Finding, v *view, p painter) {
	n := 0
	for i := range findings {
		if verifiedDanger(&findings[i]) {
			n++
		}
	}
	if n == 0 {
		return
	}
	b.WriteString(p.paint(ansiBoldRd, fmt.Sprintf("VERIFIED LIVE — %s to revoke first:", plural(int64(n), "key"))) + "\n")
	for i := range findings {
		f := &findings[i]
		if !verifiedDanger(f) {
			continue
		}
		fmt.Fprintf(b, "  %s:%d  %s\n", display.Text(f.Path), f.StartLine, display.Text(titleOf(f)))
		for _, line := range wrap(v.text(f.Verification.Detail), 70) {
			fmt.Fprintf(b, "      %s\n", display.Text(line))
		}
		for i, line := range wrap(f.Verification.Steps, 70) {
			lead := "      "
			if i == 0 {
				lead = "    → "
			}
			fmt.Fprintf(b, "%s%s\n", lead, display.Text(line))
		}
	}
	b.WriteByte('\n')
}

// verifiedWords says a verification in words for the text report, or ""
// when verification did not run.
func verifiedWords(f *detectors.Finding, vw *view) string {
	v := f.Verification
	if v == nil {
		return ""
	}
	var s string
	switch v.Status {
	case detectors.VerifyLive:
		s = "LIVE"
	case detectors.VerifyLiveIPRestricted:
		s = "LIVE, bound to other IP addresses"
	case detectors.VerifyInvalid:
		s = "invalid (revoked or fake)"
	case detectors.VerifyUnknown:
		s = "could not tell"
	default:
		s = "not checked"
	}
	perms := permissionWords(v.Permissions)
	if perms != "" {
		s += " — " + perms
	}
	if v.Detail != "" {
		s += " (" + vw.text(v.Detail) + ")"
	}
	return s
}

func permissionWords(p detectors.Permissions) string {
	word := func(b *bool) string {
		switch {
		case b == nil:
			return "unknown"
		case *b:
			return "yes"
		}
		return "no"
	}
	if p == (detectors.Permissions{}) {
		return ""
	}
	return strings.Join([]string{
		"withdraw: " + word(p.Withdrawals),
		"trade: " + word(p.Trading),
		"IP whitelist: " + word(p.IPRestricted),
		"read-only: " + word(p.ReadOnly),
	}, ", ")
}
