package detectors

import (
	"bytes"
	"encoding/hex"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/keyward/scan/internal/assign"
)

// Exchange credentials are mostly generic shapes (64 alphanumerics, a UUID,
// 32 hex digits) that mean nothing without the exchange's name nearby. Each
// exchange is therefore one row of data — names, shapes per part, examples —
// and exchangeRules turns every row into rules of the same form: the
// exchange's names open a window of a few lines, and inside it a value of
// the right shape must be assigned to a name that says which part it is
// ("apiKey", "BINANCE_API_SECRET", "X-MBX-APIKEY", "passphrase").

type exchangeSpec struct {
	id   string // rule id prefix and Exchange value: "binance"
	name string // for titles: "Binance"
	// guess says the shapes come from SDK examples, masked screenshots or
	// a likeness to another exchange rather than from the exchange's own
	// documentation; findings say so, so that a reader weighs them.
	guess bool
	// keywords open the search window: names, ccxt ids, SDK packages.
	// Lowercase; matched case-insensitively.
	keywords []string
	// headers are request-header names no other service uses
	// (x-mbx-apikey): a file that sends one is this exchange's client, and
	// all of it is the context of the values in it (Rule.FileKeywords).
	// Lowercase; each is searched as a keyword too.
	headers []string
	// imports are how code loads the exchange's own SDK (from pybit,
	// require('binance-api-node')): like headers they make a whole file
	// the exchange's, since imports stand at the top and the keys further
	// down than a window reaches. Lowercase; searched as keywords too.
	imports []string
	// aliases are the names that, inside a label such as BINANCE_API_KEY,
	// say which exchange the value belongs to; defaults to keywords.
	aliases                 []string
	key, secret, passphrase string // value shapes (RE2, no group); "" if none
	// selfKey is a key shape that identifies the exchange without any
	// label or name nearby (bg_…, mx0…, organizations/…/apiKeys/…), with
	// the keywords that find it.
	selfKey         string
	selfKeyKeywords []string
	// pemSecret accepts a PEM private key as the secret (Coinbase CDP EC
	// keys; Binance, Bybit and Bitget Ed25519/RSA keys beside an API key).
	pemSecret                 bool
	keyEntropy, secretEntropy float64
	// secretCheck runs after the shared checks on the secret part: wallet
	// keys used as exchange credentials (Hyperliquid) are validated as
	// wallet keys.
	secretCheck func(string, Candidate) Verdict
	// secretLabels are words that, in a label, name this exchange's
	// secret although they say "key": KuCoin's broker partner key is the
	// HMAC key of the KC-API-PARTNER-SIGN header, a secret.
	secretLabels []string
	perms        string // what a key can do, for the advice
	// apiURL is the exchange's API-key management page, where a leaked
	// key is deleted; empty where we have not confirmed one.
	apiURL    string
	examples  []string
	negatives []string
}

const (
	uuidShape = `[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`
	// uuidAnyCase is a UUID in lower or upper case (not mixed).
	uuidAnyCase = uuidShape + `|[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}`
	pemShape    = `-----BEGIN[ A-Z0-9]{0,20}PRIVATE KEY-----(?:[A-Za-z0-9+/=\s:,\-\\]|\\n|\\r){40,}?-----END[ A-Z0-9]{0,20}PRIVATE KEY-----`
	// A passphrase may hold '$' (people pick "Tr4d3r$"), but one that
	// starts with it is a shell or template reference ($PASS, ${PASS}).
	passphraseSpec = `[^\s'"\x60,;(){}\[\]<>$][^\s'"\x60,;(){}\[\]<>]{5,63}`
)

// aliasEntry ties one alias to its exchange id. buildAliases lists every
// alias longest first, so a label such as BINANCE_US_API_KEY names
// binanceus, not binance.
type aliasEntry struct{ alias, id string }

func buildAliases(specs []exchangeSpec) []aliasEntry {
	var out []aliasEntry
	for _, s := range specs {
		names := s.aliases
		if len(names) == 0 {
			names = append(append([]string(nil), s.keywords...), s.headers...)
		}
		for _, a := range names {
			a = normLabel(a)
			if len(a) >= 3 {
				out = append(out, aliasEntry{a, s.id})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].alias) > len(out[j].alias) })
	return out
}

// normLabel lowercases a label and drops separators: BINANCE_API_KEY,
// binance-api-key and binanceApiKey all become binanceapikey.
func normLabel(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			b.WriteByte(c)
		case 'A' <= c && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
		}
	}
	return b.String()
}

// labelPart says which part of a credential a label names.
func labelPart(label string) string {
	l := normLabel(label)
	switch {
	case strings.Contains(l, "pass") || strings.Contains(l, "pwd"):
		return PartPassphrase
	case strings.Contains(l, "signature"):
		// A request's signature is derived from the secret, not the secret.
		return ""
	case strings.Contains(l, "secret") || strings.Contains(l, "private") || strings.Contains(l, "signing"):
		return PartSecret
	case strings.Contains(l, "key") || strings.Contains(l, "clientid") || strings.Contains(l, "access") || strings.Contains(l, "token") || strings.HasSuffix(l, "apiid"):
		return PartKey
	}
	return ""
}

// withSelfKey extends a finder with a self-identifying key shape, looked for
// only in windows that hold one of its literal prefixes.
func withSelfKey(finder func(*Window) [][2]int, selfKey string, prefixes []string) func(*Window) [][2]int {
	re := sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?:^|[^A-Za-z0-9_/-])(` + selfKey + `)` + end) })
	return func(win *Window) [][2]int {
		out := finder(win)
		w := win.Text
		for _, p := range prefixes {
			if !bytes.Contains(w, []byte(p)) {
				continue
			}
			for _, m := range re().FindAllSubmatchIndex(w, -1) {
				sp := [2]int{m[2], m[3]}
				dup := false
				for _, o := range out {
					if o == sp {
						dup = true
					}
				}
				if !dup {
					out = append(out, sp)
				}
			}
			break
		}
		sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
		return out
	}
}

// pathNames are the exchange's names as they appear in a file path
// (tools/kucoin_account.sh, connector/exchange/bitmart/): such a file is
// about that exchange throughout, so its name need not stand within a few
// lines of the key. Short or common names (gate, htx, futures) would match
// unrelated paths and are left out.
func pathNames(s exchangeSpec) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range slices.Concat([]string{s.id}, s.aliases, s.keywords, s.headers) {
		n = strings.ToLower(n)
		if len(n) < 5 || n == "futures" || seen[n] || strings.Trim(n, "abcdefghijklmnopqrstuvwxyz0123456789_-") != "" {
			continue
		}
		seen[n] = true
		out = append(out, n)
	}
	return out
}

// labelWords are what the name of a labelled value contains; a line
// without one (or the exchange's name, or a client constructor) cannot
// hold a value these rules accept.
var labelWords = []string{"key", "secret", "pass", "pwd", "private", "client", "token", "access", "signing"}

// ExchangeAdvice is what a trader does about a leaked key of the exchange
// called name; an exchange rule's Advice is it, then what the key could do.
func ExchangeAdvice(name string) string {
	return "Revoke this " + name + " API key now (API management in your " + name + exchangeAdviceRest
}

// exchangeAdviceRest ends ExchangeAdvice. The advice is put together by
// concatenation, one allocation: every scan builds it for every exchange
// rule, and fmt.Sprintf's, with exchangeAdvice's second concatenation,
// were a percent of a small scan's CPU.
const exchangeAdviceRest = " account), then check the account's orders, withdrawals and address book. Create a new key with withdrawals disabled and an IP whitelist, give it only the permissions the bot needs, keep it in an environment variable or secrets manager — never in plain text or in git — and rotate it regularly."

// ExchangeAdviceAll is ExchangeAdvice for several exchanges at once, as a
// report says it once under a list of keys at more than one exchange.
const ExchangeAdviceAll = "At each exchange above: revoke the keys now (in the account's API management), then check the account's orders, withdrawals and address book. Create new keys with withdrawals disabled and an IP whitelist, give each only the permissions the bot needs, keep them in environment variables or a secrets manager — never in plain text or in git — and rotate them regularly."

func exchangeAdvice(name, perms string) string {
	return strings.TrimSpace("Revoke this " + name + " API key now (API management in your " + name + exchangeAdviceRest + " What the leaked key could do: " + perms + ".")
}

// fileKeywords are the words that make a whole file the context of a part.
// An SDK's import does not reach the passphrase: a bot that imports
// python-okx and connects to its database with password="…" five hundred
// lines below has a database password there, not an OKX passphrase.
func fileKeywords(s exchangeSpec, part string) []string {
	if part == PartPassphrase {
		return s.headers
	}
	return slices.Concat(s.headers, s.imports)
}

func exchangeRules() []Rule {
	specs := exchangeSpecs()
	aliases := buildAliases(specs)
	rules := make([]Rule, 0, 3*len(specs)+8) // key, secret, passphrase, and a few of their own
	for _, s := range specs {
		advice := exchangeAdvice(s.name, s.perms)
		parts := []struct {
			part, shape, suffix, title string
			sev                        Severity
			entropy                    float64
		}{
			{PartKey, s.key, "api-key", "API key", Medium, s.keyEntropy},
			{PartSecret, s.secret, "api-secret", "API secret", High, s.secretEntropy},
			{PartPassphrase, s.passphrase, "passphrase", "API passphrase", Low, 0},
		}
		for _, p := range parts {
			if p.shape == "" {
				continue
			}
			shape := p.shape
			if p.part == PartSecret && s.pemSecret {
				shape = pemShape + "|" + shape
			}
			ent := p.entropy
			if ent == 0 && p.part != PartPassphrase {
				ent = 0.7
			}
			finder := shapeFinder(shape)
			keywords := slices.Concat(s.keywords, s.headers, s.imports)
			if p.part == PartKey && s.selfKey != "" {
				// A self-identifying key needs neither label nor name.
				finder = withSelfKey(finder, s.selfKey, s.selfKeyKeywords)
				keywords = append(keywords, s.selfKeyKeywords...)
			}
			r := Rule{
				PathKeywords:   pathNames(s),
				FileKeywords:   fileKeywords(s, p.part),
				LineKeywords:   append(append([]string(nil), labelWords...), keywords...),
				MultilineValue: p.part == PartSecret && s.pemSecret,
				ID:             s.id + "-" + p.suffix,
				Title:          s.name + " " + p.title,
				Severity:       p.sev,
				Service:        s.id,
				Exchange:       s.id,
				Name:           s.name,
				Kind:           KindExchange,
				AdviceURL:      s.apiURL,
				Part:           p.part,
				Keywords:       keywords,
				WindowBefore:   8,
				WindowAfter:    8,
				Finder:         finder,
				Entropy:        ent,
				Validate:       exchangeValidator(s.id, p.part, s, aliases),
				Advice:         advice,
			}
			if p.part == PartPassphrase {
				r.Entropy = 0
			}
			r.Negatives = s.negatives
			for _, ex := range s.examples {
				// Every example shows a key and a secret; only some show
				// a passphrase.
				if p.part != PartPassphrase || strings.Contains(strings.ToLower(ex), "pass") {
					r.Examples = append(r.Examples, ex)
				}
			}
			rules = append(rules, r)
		}
	}
	return append(rules, hummingbotRule(), krakenKeyFileRule(specs))
}

// krakenKeyFileLine is the first line of krakenex's key file (API.load_key): the API
// key on the first line and the private key on the second, with no names.
var krakenKeyFileLine = lazyRE(`^[A-Za-z0-9+/]{56}$`)

// krakenKeyFileRule finds the private key in krakenex's kraken.key, which
// names neither part: the file name is the context, and the line above
// must be the 56-character API key.
func krakenKeyFileRule(specs []exchangeSpec) Rule {
	var advice string
	for _, s := range specs {
		if s.id == "kraken" {
			advice = exchangeAdvice(s.name, s.perms)
		}
	}
	return Rule{
		ID:           "kraken-key-file",
		Title:        "Kraken API key file (krakenex kraken.key)",
		Severity:     High,
		Service:      "kraken",
		Exchange:     "kraken",
		Name:         "Kraken",
		Kind:         KindExchange,
		AdviceURL:    "https://pro.kraken.com/app/settings/api",
		Part:         PartSecret,
		PathKeywords: []string{"kraken.key"},
		Pattern:      `(?m)^(?P<secret>[A-Za-z0-9+/]{86}==)\r?$`,
		Entropy:      0.7,
		Validate: func(secret string, c Candidate) Verdict {
			if !krakenKeyFileLine.MatchString(strings.TrimSpace(c.Above)) {
				return Verdict{Reject: true, Reason: "the line above is not a Kraken API key"}
			}
			return Verdict{Note: "API key on the line above", Named: true}
		},
		Advice:    advice,
		Examples:  []string{fake("kraken file k", b64Chars, 56) + "\n" + fake("kraken file s", b64Chars, 86) + "==\n"},
		Negatives: []string{"# kraken.key holds two lines: the API key, then the private key\n" + strings.Repeat("A", 86) + "==\n"},
	}
}

// hummingbotKeyfile is hex of `{"crypto":`, how hummingbot stores each
// connector's API key and secret: an eth-keyfile encrypted with the user's
// password.
const hummingbotKeyfile = "7b2263727970746f223a"

// hummingbotConfPath is where hummingbot 0.x–1.x kept each encrypted
// connector setting: conf/encrypted_<setting>.json, an eth-keyfile of the
// setting's value (not of a wallet key) under the hummingbot password.
var hummingbotConfPath = lazyRE(`(?:^|/)conf/encrypted_([A-Za-z0-9_]+)\.json$`)

func hummingbotRule() Rule {
	return Rule{
		ID:       "hummingbot-encrypted-key",
		Title:    "Hummingbot password-encrypted exchange credential",
		Severity: Low,
		Service:  "hummingbot",
		Name:     "Hummingbot",
		Kind:     KindExchange,
		// When the decoded text is a whole keystore, the keystore rule
		// describes it better.
		Generic:      true,
		Keywords:     []string{hummingbotKeyfile},
		PathKeywords: []string{"conf/encrypted_"},
		Pattern:      `(?P<secret>` + hummingbotKeyfile + `[0-9a-f]{20,})|"ciphertext"\s*:\s*"(?P<secret>[0-9a-f]{16,})"`,
		Validate: func(secret string, c Candidate) Verdict {
			note := "encrypted with the hummingbot password: exposed to offline guessing of that password"
			if !strings.HasPrefix(secret, hummingbotKeyfile) {
				m := hummingbotConfPath.FindStringSubmatch(c.Path)
				if m == nil {
					return Verdict{Reject: true, Reason: "a ciphertext outside hummingbot's conf/encrypted_*.json"}
				}
				return Verdict{Note: note + " (" + m[1] + ")"}
			}
			raw, err := hex.DecodeString(secret[:len(secret)&^1])
			if err != nil || !strings.Contains(string(raw), `"cipher"`) && len(raw) > 64 {
				return Verdict{Reject: true, Reason: "not an eth-keyfile"}
			}
			if l := labelBefore(c.Line, secret); l != "" {
				note += " (" + l + ")"
			}
			return Verdict{Note: note}
		},
		Advice: "This API credential is encrypted with your hummingbot password, so it is only as safe as that password. Keep conf/ out of git; if the password is weak or was shared, revoke the exchange key, create a new one with withdrawals disabled and an IP whitelist, and choose a long password.",
		Examples: []string{
			"binance_api_key: " + hex.EncodeToString([]byte(`{"crypto": {"cipher": "aes-128-ctr", "cipherparams": {"iv": "`+fake("hb iv", hexChars, 32)+`"}, "ciphertext": "`+fake("hb ct", hexChars, 64)+`"}, "version": 3}`)) + "\n",
		},
		Negatives: []string{
			"binance_api_key: \"\"\n",
			"prefix = '" + hummingbotKeyfile + "'\n",
		},
	}
}

var placeholderLabelValue = lazyRE(`(?i)^(?:none|null|nil|true|false|undefined|string|required|optional|testnet|sandbox|demo)$`)

// exchangeValidator checks what the pattern cannot: that the label names
// this part (a 64-character Binance key and secret share one shape) and no
// other exchange, and that a passphrase is a value rather than code.
func exchangeValidator(id, part string, s exchangeSpec, aliases []aliasEntry) func(string, Candidate) Verdict {
	return func(secret string, c Candidate) Verdict {
		label := valueLabel(c, secret)
		if strings.Contains(normLabel(label), "listenkey") {
			// Binance's user-data-stream token: it reads account events
			// for an hour and cannot sign a request.
			return Verdict{Reject: true, Reason: "a user-data-stream listen key, not an API key"}
		}
		if strings.Contains(normLabel(label), "jwt") {
			// A bot's own API server signs its logins with it
			// (freqtrade's jwt_secret_key, beside the exchange's keys):
			// the exchange has no such key to revoke.
			return Verdict{Reject: true, Reason: "the name " + label + " names a JWT signing key, not an exchange credential"}
		}
		if svc := dataAPINamed(label); svc != "" {
			return Verdict{Reject: true, Reason: "the name " + label + " belongs to " + svc}
		}
		if strings.HasPrefix(secret, "-----BEGIN") {
			if v := validatePEM(secret, c); v.Reject {
				return v
			}
		}
		selfIdentifying := s.selfKey != "" && part == PartKey && selfKeyRE(s).MatchString(secret)
		if !selfIdentifying && codeFile(c.Path) && !quotedOrEscaped(c.Line, secret) {
			// In source code an unquoted value is an expression: *key =
			// __pyx_n_s_key; in generated C, api_key=self._api_key.
			return Verdict{Reject: true, Reason: "unquoted value in source code is an expression, not a literal"}
		}
		named := selfIdentifying
		if positionalArg(c.Line, secret, part) || wrappedPositionalArg(c, secret, part) {
			if camelWords(secret) {
				// Unnamed, a value has only its shape to go on, and
				// define("AttributeTypeValue", …) in a bundle has a
				// key's length.
				return Verdict{Reject: true, Reason: "capitalised words joined (a type or function name), not a key"}
			}
			label = ""
			selfIdentifying = true
		}
		if label != "" || !selfIdentifying {
			got := labelPart(label)
			for _, w := range s.secretLabels {
				if strings.Contains(normLabel(label), w) {
					got = PartSecret
				}
			}
			if got == "" && !selfIdentifying {
				return Verdict{Reject: true, Reason: "the name " + strconv.Quote(label) + " does not say which credential this is"}
			}
			if got != "" && got != part {
				return Verdict{Reject: true, Reason: "the name " + label + " says this is the " + got}
			}
			l := normLabel(label)
			for _, a := range aliases {
				if strings.Contains(l, a.alias) {
					if a.id != id {
						return Verdict{Reject: true, Reason: "the name " + label + " belongs to " + a.id}
					}
					named = true
					break
				}
			}
		}
		// A table row names its exchange in a cell: binance,KEY,SECRET.
		if _, table := noteLabel(c, secret); table {
			for _, cell := range strings.FieldsFunc(c.Line, func(r rune) bool { return r == ',' || r == ';' || r == '\t' }) {
				cell = strings.Trim(strings.TrimSpace(cell), "\"'")
				if cell == secret || len(cell) > 32 {
					continue
				}
				if sid := aliasOf(cell, aliases); sid != "" {
					if sid != id {
						return Verdict{Reject: true, Reason: "the row names " + sid}
					}
					named = true
				}
			}
		}
		// A section names the exchange of every value in it: an INI
		// header ([GOPAX]), a Markdown heading (## binance), the key of an
		// enclosing block (binance:, "okx": {).
		if sec, sid := sectionExchange(c, aliases); sid != "" {
			if sid != id {
				return Verdict{Reject: true, Reason: "the section " + strconv.Quote(sec) + " belongs to " + sid}
			}
			named = true
		}
		if !named && part == PartSecret && plainSecretLabel(label) {
			// SECRET_KEY beside the exchange's name is its secret, not a
			// wallet key that happens to share a 64-hex shape: wallets
			// name theirs PRIVATE_KEY, MNEMONIC, WALLET_…
			named = true
		}
		if !named && hexShape.MatchString(partShape(s, part)) {
			// The exchange documents a hex secret and its name opened this
			// window: 64 hex digits here are its secret, not a wallet key
			// that happens to share the shape.
			named = true
		}
		if part == PartSecret && s.secretCheck != nil {
			// The exchange's name opened this window: a wallet key beside
			// it is that exchange's credential, not just a wallet.
			v := s.secretCheck(secret, c)
			v.Named = true
			return v
		}
		if part == PartPassphrase {
			if placeholderLabelValue.MatchString(secret) || identifierLike.MatchString(secret) && strings.ContainsAny(secret, "._") || dottedName.MatchString(secret) {
				return Verdict{Reject: true, Reason: "a name or keyword, not a passphrase"}
			}
		}
		v := Verdict{Named: named}
		if s.guess {
			v.Note = guessNote
		}
		return v
	}
}

// guessNote is shown with findings of rows whose shapes are not documented.
const guessNote = "found by its label: the exchange does not document this credential's format, so its shape here is a guess"

// hexShape matches a part shape that is hex digits only.
var hexShape = lazyRE(`^\[0-9(?:a-f|A-F|A-Fa-f|a-fA-F)\]\{\d+(?:,\d+)?\}$`)

func partShape(s exchangeSpec, part string) string {
	switch part {
	case PartKey:
		return s.key
	case PartSecret:
		return s.secret
	}
	return s.passphrase
}

// knownExamples are credentials published in exchanges' API documentation:
// anyone can read them, so finding one is not a leak.
var knownExamples = map[string]string{
	"vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A":                         "Binance API documentation example key",
	"NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j":                         "Binance API documentation example secret",
	"09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7":                         "FastAPI documentation example SECRET_KEY",
	"kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==": "Kraken API documentation example private key",
	"123e4567-e89b-12d3-a456-426614174000":                                                     "the example UUID of RFC 4122 tutorials and countless API docs",
	"AEDHIGAT-QATEGWOX-OPCSCPQX-2E00B1L7-VJBXXKMA":                                             "Indodax API documentation example key",
	"f60617a68fcce028f0a90bc9eb765d17379eb548cc935c01a7ee3186eecf870e9b68f27a31bcfe8d":         "Indodax API documentation example secret",
	// VALR's authentication guide shows it as both the key and the
	// secret, and signs its request-signing test vectors with it.
	"4961b74efac86b25cce8fbe4c9811c4c7a787b7a5996660afcc2e287ad864363": "VALR API documentation example key and secret",
	// Binance's REST, WebSocket and FIX API documentation signs its
	// examples with these keys; its SDKs copy them into docstrings.
	"4yNzx3yWC5bS6YTwEkSRaC0nRmSQIIStAUOh1b6kqaBrTLIhjCpI5lJH8q8R8WNO": "Binance API documentation example key",
	"CAvIjXy3F44yW6Pou5k8Dy1swsYDWJZLeoK2r8G4cFDnE9nosRppc2eKc1T8TRTQ": "Binance API documentation example key",
	"u5lgqJb97QWXWfgeV4cROuHbReSJM9rgQL0IvYcYc7BVeA5lpAqqc3a5p2OARIFk": "Binance API documentation example key",
	"Rf07JlnL9PHVxjs27O5CvKNyOsV4qJ5gXdrRfpvlOdvMZbGZbPO5Ce2nIwfRP0iA": "Binance API documentation example key",
	"nQ6kG5gDExDd5MZSO0MfOOWEVZmdkRllpNMfm1FjMjkMnmw1NUd3zPDfvcnDJlil": "Binance API documentation example key",
	"mjcKCrJzTU6TChLsnPmgnQJJMR616J4yWvdZWDUeXkk6vL6dLyS7rcVOQlADlVjA": "Binance API documentation example key",
	"duwNf97YPLqhFIk7kZF0dDdGYVAXStA7BeEz0fIT9RAhUbixJtyS6kJ3hhzJsRXC": "Binance API documentation example key",
	"aHb4Ur1cK1biW3sgibqUFs39SE58f9d5Xwf4uEW0tFh7ibun5g035QKSktxoOBfE": "Binance API documentation example key",
	"T59MTDLWlpRW16JVeZ2Nju5A5C98WkMm8CSzWC4oqynUlTm1zXOxyauT8LmwXEv9": "Binance API documentation example key",
	"Rl1KOMDCpSg6xviMYOkNk9ENUB5QOTnufXukVe0Ijd40yduAlpHn78at3rJyJN4F": "Binance API documentation example key",
	"N3Swv7WaBF7S2rzA12UkPunM3udJiDddbgv1W7CzFGnsQXH9H62zzSCST0CndjeE": "Binance API documentation example key",
	"2wiKgTLyllTCu0QWXaEtKWX9tUQ5iQMiDQqTQPdUe2bZ1IVT9aXoS6o19wkYIKl2": "Binance API documentation example key",
	"vmPUZE6mv9SD5VNHk9HlWFsOr9aLE2zvsw0MuIgwCIPy8atIco14y7Ju91duEh8A": "Binance API documentation example key",
	"k5V49ldtn4tszj6W3hystegdfvmGbqDzjmkCtpTvC0G74WhK7yd4rfCTo4lShf":   "Binance API documentation example key",
	"dbefbc809e3e83c283a984c3a1459732ea7db1360ca80c5c2c8867408d28cc83": "Binance futures API documentation example key",
	"22BjeOROKiXJ3NxbR3zjh3uoGcaflPu3VMyBXAg8Jj2J1xVSnY0eB4dzacdE9IWn": "Binance options and portfolio margin API documentation example key",
	"YtP1BudNOWZE1ag5uzCkh4hIC7qSmQOu797r5EJBFGhxBYivjj8HIX0iiiPof5yG": "Binance options and portfolio margin API documentation example secret",
	"vE3BDAL1gP1UaexugRLtteaAHg3UO8Nza20uexEuW1Kh3tVwQfFHdAiyjjY428o2": "Binance derivatives API documentation example key",
	"xTaDyrmvA9XT2oBHHjy39zyPzKCvMdtH3b9q4xadkAg2dNSJXQGCxzui26L823W2": "Binance futures API documentation example key",
	"yeqKcXjtA9Eu4Tr3nJk61UJAGzXsEmFqqfVterxpMpR4peNfqE7Zl7oans8Qj089": "Binance futures API documentation example key",
	"HMOchcfii9ZRZnhjp2XjGXhsOBd6msAhKz9joQaWwZ7arcJTlD2hGPHQj1lGdTjR": "Binance futures API documentation example key",
	"HMOchcfiT9ZRZnhjp2XjGXhsOBd6msAhKz9joQaWwZ7arcJTlD2hGPHQj1lGdTjR": "Binance futures API documentation example key",
	"HsOehcfih8ZRxnhjp2XjGXhsOBd6msAhKz9joQaWwZ7arcJTlD2hGOGQj1lGdTjR": "Binance futures API documentation example key",
	// The access key id of a presigned download link in Binance's
	// documentation (the link expired a day after 2023-09-25).
	"AKIAVL364M5ZNFZ74IPP": "Binance API documentation presigned link",
	"2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9": "Binance futures API documentation example secret",
	"MC4CAQAwBQYDK2VwBCIEIIJEYWtGBrhACmb9Dvy+qa8WEf0lQOl1s4CLIAB9m89u": "Binance FIX API documentation example Ed25519 private key",
	// KuCoin's documentation: the signing example and the sub-account
	// API responses, also in its Python SDK's docstrings.
	"5c2db93503aa674c74a31734":             "KuCoin API documentation example key",
	"f03a5284-5c39-4aaa-9b20-dea10bdcf8e3": "KuCoin API documentation example secret",
	"630325e0e750870001829864":             "KuCoin API documentation example key",
	"630329b4e7508700018298c5":             "KuCoin API documentation example key",
	"63032453e75087000182982b":             "KuCoin API documentation example key",
	"110f31fc-61c5-4baf-a29f-3f19a62bbf5d": "KuCoin API documentation example secret",
}

// KnownExample reports whether a value is published documentation material
// and says whose. The engine drops such values for every rule.
func KnownExample(secret string) (string, bool) {
	note, ok := knownExamples[secret]
	if ok {
		return "published documentation example: " + note, true
	}
	return "", false
}

// positionalArg reports whether secret is the first (key) or second
// (secret) quoted argument of a call on line.
func positionalArg(line, secret, part string) bool {
	i := strings.Index(line, secret)
	if i < 1 {
		return false
	}
	before := strings.TrimRight(line[:i-1], " \t")
	switch part {
	case PartKey:
		if !strings.HasSuffix(before, "(") {
			return false
		}
		// client.get_payment_method("<uuid>") looks a record up by its
		// id: the one argument of a getter is the id, not a key.
		after := strings.TrimLeft(line[i+len(secret):], "\"'`")
		return !(strings.HasPrefix(strings.TrimSpace(after), ")") && recordLookup(before[:len(before)-1]))
	case PartSecret:
		if !strings.HasSuffix(before, ",") {
			return false
		}
		return strings.Contains(before, "(")
	}
	return false
}

// camelWords reports whether v is two or more capitalised words of three or
// more letters run together, as type names are: AttributeTypeValue. A random
// 18-character alphanumeric value has that form about once in 30,000.
func camelWords(v string) bool {
	words := 0
	for i := 0; i < len(v); {
		if v[i] < 'A' || v[i] > 'Z' {
			return false
		}
		j := i + 1
		for j < len(v) && 'a' <= v[j] && v[j] <= 'z' {
			j++
		}
		if j-i < 3 {
			return false
		}
		words++
		i = j
	}
	return words >= 2
}

// recordLookup reports whether the callee at the end of code is named for
// reading or acting on one record (get_order, fetchDeposit, cancel_order).
func recordLookup(code string) bool {
	i := len(code)
	for i > 0 && code[i-1] != '.' && code[i-1] != '-' && assign.IsLabelByte(code[i-1]) {
		i--
	}
	name := strings.ToLower(code[i:])
	for _, verb := range []string{"get", "fetch", "find", "load", "cancel", "delete", "remove", "query", "retrieve", "lookup", "show", "describe"} {
		if rest, ok := strings.CutPrefix(name, verb); ok && (rest == "" || rest[0] == '_' || code[i+len(verb)] >= 'A' && code[i+len(verb)] <= 'Z') {
			return true
		}
	}
	return false
}

// wrappedPositionalArg reports whether secret is the first (key) or second
// (secret) quoted argument of a call wrapped one argument per line:
//
//	client = Client(
//	    "key",
//	    "secret",
//	)
func wrappedPositionalArg(c Candidate, secret, part string) bool {
	line := strings.TrimSpace(c.Line)
	if len(line) < 2 || !assign.IsQuote(line[0]) || !strings.HasPrefix(line[1:], secret) {
		return false
	}
	// The lines above this one, nearest first, within the window.
	i := strings.Index(c.Window, c.Line)
	if i < 0 {
		return false
	}
	var above []string
	for _, l := range strings.Split(c.Window[:i], "\n") {
		if l = strings.TrimSpace(l); l != "" {
			above = append([]string{l}, above...)
		}
	}
	switch part {
	case PartKey:
		return len(above) > 0 && strings.HasSuffix(above[0], "(")
	case PartSecret:
		return len(above) > 1 && strings.HasSuffix(above[1], "(") && quotedArg(above[0])
	}
	return false
}

// quotedArg reports whether line is one quoted argument and its comma.
func quotedArg(line string) bool {
	if len(line) < 4 || !assign.IsQuote(line[0]) || !strings.HasSuffix(line, string(line[0])+",") {
		return false
	}
	return !strings.ContainsRune(line[1:len(line)-2], rune(line[0]))
}

var selfKeyCache sync.Map // exchange id -> *regexp.Regexp

func selfKeyRE(s exchangeSpec) *regexp.Regexp {
	if re, ok := selfKeyCache.Load(s.id); ok {
		return re.(*regexp.Regexp)
	}
	re := regexp.MustCompile(`^(?:` + s.selfKey + `)$`)
	selfKeyCache.Store(s.id, re)
	return re
}

const (
	alnumChars  = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	hexChars    = "0123456789abcdef"
	upperHex    = "0123456789ABCDEF"
	b64Chars    = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/"
	b64urlChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
)

// fake derives an example value of n characters from alphabet. Examples are
// generated so that no real credential is ever written down, and so that
// this repository's own source holds nothing a scan would report.
func fake(label, alphabet string, n int) string {
	b := fakeBytes("exchange "+label, n)
	for i, v := range b {
		b[i] = alphabet[int(v)%len(alphabet)]
	}
	return string(b)
}

func fakeUUID(label string) string {
	h := fake(label, hexChars, 32)
	return h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:]
}

// quotedOrEscaped reports whether secret stands right after a quote, or
// after an escaped quote inside a string (JSON in a Python literal).
func quotedOrEscaped(line, secret string) bool {
	if first, _, ok := strings.Cut(secret, "\n"); ok {
		secret = first // a PEM block continues below its line
	}
	return quoted(line, secret) || strings.Contains(line, `\"`+secret) || strings.Contains(line, `\'`+secret)
}

// sectionExchange returns the nearest section around the candidate's line
// that names an exchange, and that exchange's id: an INI header
// ([COINONE]) or a Markdown heading (## binance) above it, or an enclosing
// block's key (binance:, "okx": {, okx = {) less indented than it. A
// header ends the search: the values below it are its own.
func sectionExchange(c Candidate, aliases []aliasEntry) (string, string) {
	i := strings.Index(c.Window, c.Line)
	if i < 0 || c.Line == "" {
		return "", ""
	}
	indent := leadingSpace(c.Line)
	above := c.Window[:i]
	for above != "" {
		j := strings.LastIndexByte(strings.TrimSuffix(above, "\n"), '\n')
		line := above[j+1:]
		above = above[:j+1]
		t := strings.TrimSpace(line)
		if t == "" {
			continue
		}
		name, header := sectionHeader(t)
		if !header {
			if leadingSpace(line) >= indent {
				continue
			}
			name = blockKey(t)
			if name == "" {
				continue
			}
			indent = leadingSpace(line)
		}
		if id := aliasOf(name, aliases); id != "" {
			return name, id
		}
		if header {
			return "", ""
		}
	}
	return "", ""
}

// sectionHeader reads an INI header ([gopax], [exchange.okx]) or a
// Markdown heading (## Binance).
func sectionHeader(t string) (string, bool) {
	if len(t) > 2 && t[0] == '[' && t[len(t)-1] == ']' && !strings.ContainsAny(t[1:len(t)-1], "[]\"',=") {
		return t[1 : len(t)-1], true
	}
	if h := strings.TrimLeft(t, "#"); len(h) < len(t) && len(t)-len(h) <= 6 && strings.HasPrefix(h, " ") {
		return strings.TrimSpace(h), true
	}
	return "", false
}

// blockKey reads the key that opens a nested block: binance:, "okx": {,
// okx = {, 'kucoin': {.
func blockKey(t string) string {
	t = strings.TrimRight(t, " \t{([")
	t = strings.TrimRight(t, " \t")
	for _, op := range []string{":", "=", "=>"} {
		if k, ok := strings.CutSuffix(t, op); ok {
			k = strings.Trim(strings.TrimSpace(k), "\"'`")
			if k != "" && assign.TrailingLabel(k) == k {
				return k
			}
		}
	}
	return ""
}

// aliasOf returns the exchange a name is an alias of: the whole name, or
// one of its words (exchange.okx, binance_main, "Binance keys").
func aliasOf(name string, aliases []aliasEntry) string {
	n := normLabel(name)
	if n == "" {
		return ""
	}
	// Two exchanges in one name ("coinbase and binance keys") name
	// neither.
	id := ""
	for _, a := range aliases {
		if strings.Contains(n, a.alias) {
			if id != "" && id != a.id {
				return ""
			}
			id = a.id
			n = strings.ReplaceAll(n, a.alias, " ")
		}
	}
	return id
}

func leadingSpace(s string) int {
	return len(s) - len(strings.TrimLeft(s, " \t"))
}

// plainSecretLabel reports whether a label says "secret" and nothing that
// belongs to a wallet.
func plainSecretLabel(label string) bool {
	l := normLabel(label)
	if !strings.Contains(l, "secret") {
		return false
	}
	for _, w := range []string{"private", "wallet", "mnemonic", "seed", "eth", "sol", "evm", "phrase"} {
		if strings.Contains(l, w) {
			return false
		}
	}
	return true
}
