package detectors

import (
	"bytes"
	"strings"

	"github.com/keyward/scan/internal/assign"
)

// Several exchanges and services issue a UUID as the API key (OKX, some
// Korean exchanges). Where a row names the exchange, its rules pair the
// UUID with the secret; where nothing names it (an INI section, a ccxt id
// or an env prefix we have no row for), a UUID is too plain to stand
// alone — request ids, user ids and lockfile entries have the same shape,
// and one in five random UUIDs fails the generic rule's entropy gate.
// What makes it a key is its place: under an API-key or access-key name,
// a few lines from a value under a secret name. These two rules report
// that pair as one credential: the secret, with the UUID as its key.

// uuidPairLines is how far apart the key and its secret may stand: the
// lines of one INI section, dict or .env block.
const uuidPairLines = 4

var (
	uuidValue = lazyRE(`^(?:` + uuidAnyCase + `)$`)
	// uuidKeyLabel is a name that says API key or access key; an id
	// (request_id, order_id, uuid) is no key.
	uuidKeyLabel = lazyRE(`(?i)api[_\-.]?key|access[_\-.]?key|^key$`)
	// uuidPairSecretLabel names the signing half: secret, secret_key,
	// api_secret, privateKey (not a password, which its owner chose).
	uuidPairSecretLabel = lazyRE(`(?i)secret|private[_\-.]?key`)
	uuidNotKeyLabel     = lazyRE(`(?i)secret|private|pass|public|uuid|request|trace|order|user|session`)
)

// uuidPlaceholders are UUIDs that documentation prints: the nil UUID, the
// max UUID and RFC 4122's example, copied into countless READMEs.
var uuidPlaceholders = map[string]bool{
	"00000000-0000-0000-0000-000000000000": true,
	"ffffffff-ffff-ffff-ffff-ffffffffffff": true,
	"123e4567-e89b-12d3-a456-426614174000": true,
}

type labelledValue struct {
	name, value [2]int
	line        int
}

// uuidLabelled are a window's UUIDs under key names and values under
// secret names, found once for the key rule and the secret rule.
type uuidLabelled struct{ keys, secrets []labelledValue }

// uuidPairs finds, in a window, the UUIDs under key names and the values
// under secret names that stand within uuidPairLines of each other, and
// returns the spans of the part asked for.
func uuidPairs(win *Window, part string) [][2]int {
	if win.done&haveUUID == 0 {
		win.done |= haveUUID
		// A pair needs a UUID key: a window without the shape of one has
		// none, whatever its assignments — and the windows around "key"
		// in code, most of a history's, have none.
		if holdsUUIDShape(win.Text) {
			win.uuid.keys, win.uuid.secrets = uuidLabels(win)
		}
	}
	keys, secrets := win.uuid.keys, win.uuid.secrets
	var out [][2]int
	near := func(a labelledValue, bs []labelledValue) bool {
		for _, b := range bs {
			if d := a.line - b.line; d <= uuidPairLines && d >= -uuidPairLines {
				return true
			}
		}
		return false
	}
	mine, other := keys, secrets
	if part == PartSecret {
		mine, other = secrets, keys
	}
	for _, m := range mine {
		if near(m, other) {
			out = append(out, m.value)
		}
	}
	return assign.UniqueSpans(out)
}

// holdsUUIDShape reports whether w holds 8-4-4-4-12 hex digits, in any
// case: what every value uuidValue accepts is.
func holdsUUIDShape(w []byte) bool {
	hexRun := func(b []byte) bool {
		for _, c := range b {
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
		return true
	}
	for i := 8; i+28 <= len(w); i++ {
		d := bytes.IndexByte(w[i:len(w)-27], '-')
		if d < 0 {
			return false
		}
		i += d
		if w[i+5] == '-' && w[i+10] == '-' && w[i+15] == '-' &&
			hexRun(w[i-8:i]) && hexRun(w[i+1:i+5]) && hexRun(w[i+6:i+10]) && hexRun(w[i+11:i+15]) && hexRun(w[i+16:i+28]) {
			return true
		}
	}
	return false
}

func uuidLabels(win *Window) (keys, secrets []labelledValue) {
	w := win.Text
	// Lines are counted on from the last value that was kept, not from
	// the window's start for each: a window merged over a file full of
	// "key" holds thousands of assignments.
	counted, line := 0, 0
	lineOf := func(at int) int {
		if at < counted {
			counted, line = 0, 0
		}
		line += bytes.Count(w[counted:at], []byte{'\n'})
		counted = at
		return line
	}
	for _, a := range win.Assignments() {
		name, value := a.Name, a.Value
		label, v := w[name[0]:name[1]], w[value[0]:value[1]]
		// The value's length and shape first: most assignments fail them,
		// and the label patterns are the costly ones.
		switch {
		case len(v) == 36 && uuidValue.Match(v) && uuidKeyLabel.Match(label) && !uuidNotKeyLabel.Match(label) && !uuidPlaceholders[strings.ToLower(string(v))]:
			keys = append(keys, labelledValue{name, value, lineOf(value[0])})
		case len(v) >= 16 && genericValue.Match(v) && uuidPairSecretLabel.Match(label) && !tokenizerLabel.Match(label):
			secrets = append(secrets, labelledValue{name, value, lineOf(value[0])})
		}
	}
	return keys, secrets
}

// lockfile reports whether a path is a package manager's lockfile, where
// UUIDs are package or registry ids, never someone's key.
func lockfile(p string) bool {
	base := p[strings.LastIndexByte(p, '/')+1:]
	return strings.HasSuffix(base, ".lock") || strings.HasSuffix(base, "-lock.json") || strings.HasSuffix(base, "-lock.yaml") || base == "go.sum"
}

func uuidPairRules() []Rule {
	const advice = "A UUID API key beside its secret is a complete credential for an exchange or service we cannot name: find where it was issued (the section, dict or variable prefix around it says), delete the key there, and keep the new one out of the repository."
	keywords := []string{"api_key", "apikey", "api-key", "access_key", "accesskey", "access-key", "key"}
	uuidKey := fakeUUID("uuid pair k1")
	return []Rule{
		{
			ID:          "generic-uuid-api-key",
			Title:       "UUID API key beside a secret",
			Severity:    Medium,
			Service:     "generic",
			Name:        "Unknown issuer",
			Kind:        KindGeneric,
			Part:        PartKey,
			Generic:     true,
			Keywords:    keywords,
			WindowAfter: uuidPairLines,
			// The window must reach a secret above the key too.
			WindowBefore: uuidPairLines,
			Finder:       func(w *Window) [][2]int { return uuidPairs(w, PartKey) },
			Validate: func(secret string, c Candidate) Verdict {
				if lockfile(c.Path) {
					return Verdict{Reject: true, Reason: "a lockfile: its values are package hashes and ids, written by a tool"}
				}
				if v := randomUUID(secret, c); v.Reject {
					return v
				}
				// Named: a UUID under a key name beside a secret is this
				// rule's, not the single-value generic rule's.
				return testMaterial(c.Path, Verdict{Named: true})
			},
			Advice: advice,
			Examples: []string{
				"[SOMEX]\naccess_key = " + uuidKey + "\nsecret_key = " + fake("uuid pair s1", b64Chars, 44) + "\n",
			},
			Negatives: []string{
				"request_id = \"" + fakeUUID("uuid pair n1") + "\"\napi_secret = \"" + fake("uuid pair n2", b64Chars, 44) + "\"\n",
				"API_KEY=" + fakeUUID("uuid pair n3") + "\n",
			},
		},
		{
			// RPC and data providers (Helius, ERPC and others) issue a UUID
			// key that the user pastes into the endpoint URL:
			// https://…/?api-key=<uuid>. The URL is the whole credential;
			// no request id is passed under that name.
			ID:       "url-uuid-api-key",
			Title:    "UUID API key in a URL's query",
			Severity: Medium,
			Service:  "generic",
			Name:     "Unknown issuer",
			Kind:     KindGeneric,
			Generic:  true,
			Keywords: []string{"api-key=", "api_key=", "apikey=", "apikey%3d", "api-key%3d"},
			Pattern:  `[?&;](?i:api[-_]?key)(?:=|%3[dD])(?P<secret>` + uuidAnyCase + `)(?:[^0-9A-Za-z-]|$)`,
			Validate: func(secret string, c Candidate) Verdict {
				if lockfile(c.Path) {
					return Verdict{Reject: true, Reason: "a lockfile: its values are package hashes and ids, written by a tool"}
				}
				if uuidPlaceholders[strings.ToLower(secret)] {
					return Verdict{Reject: true, Reason: "a UUID documentation prints"}
				}
				if v := randomUUID(secret, c); v.Reject {
					return v
				}
				return Verdict{Named: true}
			},
			Advice: "Anyone with this URL uses the key: rotate it in the provider's dashboard (the host in the URL says which), and keep the endpoint URL in the environment, not in the repository.",
			Examples: []string{
				"SOLANA_RPC_ENDPOINT=https://edge.rpc.example.net?api-key=" + fakeUUID("url uuid 1") + "\n",
				`RPC_ENDPOINTS=["https://mainnet.rpc.example.com/?api-key=` + fakeUUID("url uuid 2") + `"]` + "\n",
				"const rpc = `https://mainnet.rpc.example.com/?cluster=mainnet&api_key=" + fakeUUID("url uuid 3") + "`\n",
			},
			Negatives: []string{
				"RPC=https://mainnet.rpc.example.com/?api-key=00000000-0000-0000-0000-000000000000\n",
				"RPC=https://mainnet.rpc.example.com/?api-key=${RPC_API_KEY}\n",
				"curl 'https://api.example.com/v1/orders?request_id=" + fakeUUID("url uuid n1") + "'\n",
				"RPC=https://mainnet.rpc.example.com/?api-key=<your-api-key>\n",
			},
		},
		{
			ID:           "generic-uuid-api-secret",
			Title:        "Secret beside a UUID API key",
			Severity:     High,
			Service:      "generic",
			Name:         "Unknown issuer",
			Kind:         KindGeneric,
			Part:         PartSecret,
			Generic:      true,
			Keywords:     []string{"secret", "private"},
			WindowAfter:  uuidPairLines,
			WindowBefore: uuidPairLines,
			Finder:       func(w *Window) [][2]int { return uuidPairs(w, PartSecret) },
			Entropy:      0.8,
			Validate: func(secret string, c Candidate) Verdict {
				v := validateGeneric(secret, c)
				v.Named = !v.Reject
				return v
			},
			Advice: advice,
			Examples: []string{
				"FOO_API_KEY=" + fakeUUID("uuid pair k2") + "\nFOO_API_SECRET=" + fake("uuid pair s2", hexChars, 64) + "\n",
			},
			Negatives: []string{
				"trace_id: " + fakeUUID("uuid pair n4") + "\nsecret: " + fake("uuid pair n5", b64Chars, 44) + "\n",
				"api_key = \"00000000-0000-0000-0000-000000000000\"\nsecret_key = \"" + fake("uuid pair n6", b64Chars, 44) + "\"\n",
			},
		},
	}
}
