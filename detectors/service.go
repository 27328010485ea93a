package detectors

import (
	"strings"
)

// The SaaS rules cover credentials that are neither exchange keys nor wallet
// secrets: chat and payment platforms, AI providers, package registries, and
// the blockchain API providers that trading bots keep beside exchange keys.
//
// Most of these tokens carry their own prefix ("xoxb-", "sk_live_",
// "glpat-"); that prefix is the keyword, so the window is the one line and
// no label is needed. Where the value is a bare hex string, UUID or
// 34-character code, the service's name must stand on the line (or a few
// lines around it for config blocks), because the shape alone matches
// hashes, ids and order numbers.

// uuidPat is a UUID in either case; several providers issue UUIDs as keys.
const uuidPat = `[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`

// tokEnd closes a token whose alphabet is base64url: the next byte must not
// continue it, so a longer string of the same alphabet is not cut short.
const tokEnd = `(?:[^A-Za-z0-9_\-]|$)`

// tokStart is the same guard before a token (RE2 has no look-behind, and \b
// treats '-' as a boundary, so "x-sk-proj-" would otherwise match mid-word).
const tokStart = `(?:^|[^A-Za-z0-9_\-])`

const (
	chatAdvice     = "Revoke the token in the platform's app settings now and issue a new one; check the workspace's audit or access logs for messages read or sent with it."
	webhookAdvice  = "Delete or regenerate the webhook in the channel's integration settings; anyone with the URL can post messages that look official (phishing links to your users)."
	paymentAdvice  = "Roll the key in the Stripe dashboard (Developers → API keys) now, then review recent API requests and payouts in the dashboard logs; keep the new key in a secrets manager."
	aiAdvice       = "Revoke the key in the provider's console now and create a new one; leaked AI keys are abused within hours and bill your account, so check usage and set a spend limit."
	registryAdvice = "Revoke the token in the registry's account settings now, then check that no package version was published with it; give CI a scoped, short-lived token."
	rpcAdvice      = "Rotate the key in the provider's dashboard; until then anyone can spend your request quota. Keep RPC endpoints with keys in the environment, not in front-end code or git."
)

// service is the row a multi-rule service's rules share: a rule that
// names its Service takes the service's Name, Kind, AdviceURL and Advice
// from here unless it sets its own (a webhook's advice differs from a bot
// token's).
type service struct {
	name      string
	kind      Kind
	adviceURL string
	advice    string
}

// services holds the rows of every service with more than one rule.
// Exchanges have their own table (rules_exchange_table.go).
var services = map[string]service{
	"aws":      {name: "AWS", kind: KindCloud},
	"gitlab":   {name: "GitLab", kind: KindSaaS},
	"slack":    {name: "Slack", kind: KindSaaS, adviceURL: "https://api.slack.com/apps"},
	"discord":  {name: "Discord", kind: KindSaaS, adviceURL: "https://discord.com/developers/applications"},
	"twilio":   {name: "Twilio", kind: KindSaaS, adviceURL: "https://console.twilio.com"},
	"stripe":   {name: "Stripe", kind: KindSaaS, adviceURL: "https://dashboard.stripe.com/apikeys"},
	"alchemy":  {name: "Alchemy", kind: KindSaaS, adviceURL: "https://dashboard.alchemy.com"},
	"bitcoin":  {name: "Bitcoin", kind: KindWallet},
	"ethereum": {name: "Ethereum", kind: KindWallet},
	"solana":   {name: "Solana", kind: KindWallet, advice: walletAdvice},
}

// withServices fills each rule's shared fields from its service's row.
func withServices(rs []Rule) []Rule {
	for i := range rs {
		s, ok := services[rs[i].Service]
		if !ok {
			continue
		}
		r := &rs[i]
		if r.Name == "" {
			r.Name = s.name
		}
		if r.Kind == KindUnset {
			r.Kind = s.kind
		}
		if r.AdviceURL == "" {
			r.AdviceURL = s.adviceURL
		}
		if r.Advice == "" {
			r.Advice = s.advice
		}
	}
	return rs
}

// published are keys that libraries and vendors ship in public code or
// documentation. They are shared by everyone, so a copy in a repository is
// not a leak of the owner's credential.
var published = map[string]string{
	"9D13ZE7XSBTJ94N9BNJ2MA33VMAY2YPIRB":                    "ethers' shared default Etherscan key",
	"9aa3d95b3bc440fa88ea12eaa4456161":                      "MetaMask's public Infura project id",
	"84842078b09946638c03157f83405213":                      "ethers' shared default Infura project id",
	"_gg7wSSi0KMBsdKnGVfHDueq6xMB9EkC":                      "ethers' shared default Alchemy key",
	"b54bcf4d-1bca-4e8e-9a24-22ff2c3d462c":                  "CoinMarketCap's sandbox documentation key",
	"sk_test_4eC39HqLyjWDarjtT1zdp7dc":                      "Stripe's documentation test key",
	"sk_test_BQokikJOvBiI2HlWgH4olfQ2":                      "Stripe's documentation test key",
	"sk_test_26PHem9AhJZvU623DfE1x4sd":                      "Stripe's documentation test key",
	"rk_test_26PHem9AhJZvU623DfE1x4sd":                      "Stripe's documentation test key",
	"xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy": "Slack's documentation sample token",
}

// publishedKey marks published keys as Info rather than dropping them: the rule
// still claims the value (so the generic rule does not report it as a leak
// at medium), and the default report, which starts at low, hides it.
func publishedKey(secret string) (Verdict, bool) {
	if why, ok := published[secret]; ok {
		return Verdict{Severity: Info, Note: "well-known public key, not a leak of yours: " + why}, true
	}
	return Verdict{}, false
}

func checkPublished(secret string, _ Candidate) Verdict {
	v, _ := publishedKey(secret)
	return v
}

// randomAfter checks the entropy of the random part only: a fixed prefix
// such as "sk_live_" adds '_' to the alphabet and repeats letters, which
// would drag the ratio of a real key down.
func randomAfter(n int, min float64) func(string, Candidate) Verdict {
	return func(secret string, c Candidate) Verdict {
		if v, ok := publishedKey(secret); ok {
			return v
		}
		if n > len(secret) {
			return Verdict{Reject: true, Reason: "shorter than its prefix"}
		}
		return entropyVerdict(secret[n:], min)
	}
}

// randomAfterLast checks the entropy of what follows the last sep (the
// token part of a webhook URL, the secret part of a SendGrid key).
func randomAfterLast(sep string, min float64) func(string, Candidate) Verdict {
	return func(secret string, c Candidate) Verdict {
		if v, ok := publishedKey(secret); ok {
			return v
		}
		return entropyVerdict(secret[strings.LastIndex(secret, sep)+len(sep):], min)
	}
}

// randomAfterLastPrefix skips a prefix and the version word after it
// ("sk-ant-" + "api03-").
func randomAfterLastPrefix(prefix string, min float64) func(string, Candidate) Verdict {
	return func(secret string, _ Candidate) Verdict {
		rest := strings.TrimPrefix(secret, prefix)
		if i := strings.IndexByte(rest, '-'); i >= 0 {
			rest = rest[i+1:]
		}
		return entropyVerdict(rest, min)
	}
}

func entropyVerdict(body string, min float64) Verdict {
	if r := EntropyRatio(body); r < min {
		return Verdict{Reject: true, Reason: "random part has too little entropy to be generated"}
	}
	// Hand-typed stand-ins ("abc123xyz-456def789ghij-klmnop…") pass an
	// entropy test; a run of six consecutive characters almost never
	// occurs in a generated token (about 1 in 10^7 for 100 base64 chars).
	if sequentialRun(body) >= 6 {
		return Verdict{Reject: true, Reason: "contains a typed sequence, not a generated token"}
	}
	return Verdict{}
}

// sequentialRun is the length of the longest run of consecutive ascending
// or descending bytes ("lmnop", "98765").
func sequentialRun(s string) int {
	best, up, down := 1, 1, 1
	for i := 1; i < len(s); i++ {
		switch int(s[i]) - int(s[i-1]) {
		case 1:
			up, down = up+1, 1
		case -1:
			up, down = 1, down+1
		default:
			up, down = 1, 1
		}
		best = max(best, up, down)
	}
	return best
}

// randomUUID drops nil, sequential and hand-typed UUIDs; the dashes and the
// version nibble would otherwise count against a real one.
func randomUUID(secret string, c Candidate) Verdict {
	if v, ok := publishedKey(secret); ok {
		return v
	}
	return entropyVerdict(strings.ToLower(strings.ReplaceAll(secret, "-", "")), 0.7)
}

func countClasses(s string) (letters, digits int) {
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case '0' <= ch && ch <= '9':
			digits++
		case 'a' <= ch && ch <= 'z', 'A' <= ch && ch <= 'Z':
			letters++
		}
	}
	return
}
