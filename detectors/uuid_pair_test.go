package detectors_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/keyward/scan/detectors"
)

// withParts lists the findings at low and above as rule@line:severity,
// followed by +rule of each linked part.
func withParts(fs []detectors.Finding) []string {
	var out []string
	for _, f := range fs {
		if f.Severity < detectors.Low {
			continue
		}
		s := fmt.Sprintf("%s@%d:%s", f.RuleID, f.StartLine, f.Severity)
		for _, p := range f.Parts {
			s += "+" + p.RuleID
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// A UUID under an API-key name beside a secret is the key of that secret,
// for exchanges and services no row names; a UUID anywhere else is an id.
func TestUUIDKeyBesideSecret(t *testing.T) {
	u := detectors.FakeUUID
	s := func(l string) string { return detectors.FakeValue(l, alnum, 40) }
	// A real random UUID whose entropy ratio (0.74) the generic rule's
	// gate rejects: one in five UUID keys was lost that way.
	const lowRatio = "b09e7a58-cd1c-4c7b-be4d-ceb7e885dcb7"
	pair := "generic-uuid-api-secret@%d:critical+generic-uuid-api-key"
	eng := defaultEngine(t)
	for _, tc := range []struct {
		name, path, text string
		want             []string
	}{
		{"INI section of an exchange we have no row for", "config/keys.ini",
			"[MONGO]\nhost = 127.0.0.1\n\n[SOMEX]\naccess_key = " + lowRatio + "\nsecret_key = " + b64With("ini s") + "\n",
			[]string{fmt.Sprintf(pair, 6)}},
		{".env with a service prefix", ".env",
			"# trading bot\nFOO_API_KEY=" + u("env k") + "\nFOO_API_SECRET=" + detectors.FakeValue("env s", hexLow, 64) + "\nLOG_LEVEL=info\n",
			[]string{fmt.Sprintf(pair, 3)}},
		{"ccxt dict for an unknown exchange id", "bot.py",
			"import ccxt\n\nexchange = ccxt.somex({\n    'apiKey': '" + u("py k") + "',\n    'secret': '" + s("py s") + "',\n    'enableRateLimit': True,\n})\n",
			[]string{fmt.Sprintf(pair, 5)}},
		{"YAML with the secret above the key", "config.yaml",
			"exchanges:\n  somex:\n    api_secret: \"" + s("yml s") + "\"\n    api_key: " + strings.ToUpper(u("yml k")) + "\n",
			[]string{fmt.Sprintf(pair, 3)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := withParts(scanFile(t, eng, tc.path, tc.text))
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("%s: got %q, want %q\n%s", tc.path, got, tc.want, tc.text)
			}
		})
	}
}

// UUIDs that are ids, examples or package entries stay unreported; the
// secret beside them is the generic rule's, as before.
func TestUUIDNotAKey(t *testing.T) {
	u := detectors.FakeUUID
	sec := detectors.FakeValue("neg s", alnum, 40)
	for _, tc := range []traderCase{
		{"a UUID alone", "notes.txt", "session " + u("neg alone") + " started\n" + u("neg alone2") + "\n", nil},
		{"a UUID under a key name with no secret near", "settings.py", "API_KEY_HEADER = 'X-Api-Key'\nrequest_id = '" + u("neg lone") + "'\n", nil},
		{"ids beside a secret", "client.py",
			"request_id = '" + u("neg r") + "'\ntrace_id = '" + u("neg t") + "'\nuser_id = '" + u("neg u") + "'\norder_id = '" + u("neg o") + "'\nclient_order_id = '" + u("neg c") + "'\nuuid = '" + u("neg uu") + "'\nid = '" + u("neg i") + "'\nsecret = '" + sec + "'\n",
			[]string{"generic-secret@8"}},
		{"the nil UUID as a key", ".env", "API_KEY=00000000-0000-0000-0000-000000000000\nAPI_SECRET=" + sec + "\n", []string{"generic-secret@2"}},
		{"RFC 4122's example UUID as a key", "README.txt", "access_key = 123e4567-e89b-12d3-a456-426614174000\nsecret_key = " + sec + "\n", []string{"generic-secret@2"}},
		{"a lockfile", "poetry.lock",
			"[[package]]\nname = \"somex-sdk\"\napi_key = \"" + u("neg lock") + "\"\nsecret = \"" + sec + "\"\n", nil},
	} {
		runTraderCases(t, []traderCase{tc})
	}
}
