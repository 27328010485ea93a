package report

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/keyward/scan/detectors"
)

func yes() *bool { b := true; return &b }
func no() *bool  { b := false; return &b }

// verifiedFindings are testFindings after --verify: the Binance key live
// and able to withdraw, the AWS key not checked.
func verifiedFindings() []detectors.Finding {
	fs := testFindings()
	fs[0].Verification = &detectors.Verification{Status: detectors.VerifyNotChecked, Detail: "no verification for this kind of secret"}
	fs[1].Verification = &detectors.Verification{
		Status:      detectors.VerifyLive,
		Permissions: detectors.Permissions{Withdrawals: yes(), Trading: yes(), IPRestricted: no(), ReadOnly: no()},
		// A detail must never leak even if a service echoed the key.
		Detail: "anyone holding this key can withdraw funds: the key works (" + binanceKey + ")",
		Steps:  "binance.com → Account → API Management → untick \"Enable Withdrawals\"",
	}
	return fs
}

// TestJSONVerificationContract pins the object tests and CI read: every
// finding has it, the four permissions are always present, null when
// unknown.
func TestJSONVerificationContract(t *testing.T) {
	out := write(t, "json", verifiedFindings(), testStats(), testOptions())
	var rep struct {
		Findings []map[string]json.RawMessage `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	want := []string{
		`{"status":"not-checked","permissions":{"withdrawals":null,"trading":null,"ip_restricted":null,"read_only":null},"detail":"no verification for this kind of secret"}`,
		`{"status":"live","permissions":{"withdrawals":true,"trading":true,"ip_restricted":false,"read_only":false},"detail":"anyone holding this key can withdraw funds: the key works (` + detectors.Redact(binanceKey) + `)"}`,
		`{"status":"not-checked","permissions":{"withdrawals":null,"trading":null,"ip_restricted":null,"read_only":null},"detail":"verification was not requested (scan with --verify)"}`,
	}
	for i, w := range want {
		var got, exp any
		if err := json.Unmarshal(rep.Findings[i]["verification"], &got); err != nil {
			t.Fatalf("finding %d: %v", i, err)
		}
		json.Unmarshal([]byte(w), &exp)
		if !reflect.DeepEqual(got, exp) {
			t.Errorf("finding %d: verification %s, want %s", i, rep.Findings[i]["verification"], w)
		}
	}
	if strings.Contains(out, binanceKey) || strings.Contains(out, "Enable Withdrawals") {
		t.Error("the JSON report holds the key or the text-only steps")
	}
}

func TestSARIFVerification(t *testing.T) {
	out := write(t, "sarif", verifiedFindings(), testStats(), testOptions())
	sch := compileSARIFSchema(t)
	var doc any
	json.Unmarshal([]byte(out), &doc)
	if err := sch.Validate(doc); err != nil {
		t.Fatalf("SARIF with verification does not validate: %v", err)
	}
	log := decodeSARIF(t, out)
	v := log.Runs[0].Results[1].Properties.Verification
	if v == nil || v.Status != detectors.VerifyLive || v.Permissions.Withdrawals == nil || !*v.Permissions.Withdrawals {
		t.Errorf("properties.verification = %+v", v)
	}
	if strings.Contains(out, binanceKey) {
		t.Error("SARIF holds the key")
	}
}

// TestTextVerifiedFirst: the verified critical key opens the report with
// its steps, although its file sorts after another.
func TestTextVerifiedFirst(t *testing.T) {
	out := write(t, "text", verifiedFindings(), testStats(), testOptions())
	if !strings.HasPrefix(out, "VERIFIED LIVE — 1 key to revoke first:\n  config/bot.json:4  Binance API secret\n") {
		t.Errorf("report does not open with the verified key:\n%s", out)
	}
	if !strings.Contains(out, "→ binance.com → Account → API Management → untick \"Enable Withdrawals\"") {
		t.Errorf("steps missing:\n%s", out)
	}
	if !strings.Contains(out, "checked LIVE — withdraw: yes, trade: yes, IP whitelist: no, read-only: no") {
		t.Errorf("verification not said in words:\n%s", out)
	}
	if strings.Contains(out, binanceKey) {
		t.Error("text report holds the key")
	}
	// Without verification the report is as before.
	plain := write(t, "text", testFindings(), testStats(), testOptions())
	if strings.Contains(plain, "VERIFIED") || strings.Contains(plain, "checked ") {
		t.Errorf("unverified report mentions verification:\n%s", plain)
	}
}
