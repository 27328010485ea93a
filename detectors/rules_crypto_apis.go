package detectors

import (
	"github.com/keyward/scan/internal/assign"

	"strings"
	"sync"
)

// The market-data, explorer and node APIs that trading bots wire in beside
// their exchange keys. Their keys carry no prefix of their own: a UUID, 32
// hex digits or a run of letters and digits, which alone would match every
// hash and id. So each is found only as a value assigned to a credential
// name (COINAPI_KEY=, "X-CoinAPI-Key": …, ?api_key=) within a few lines of
// the service's own name, and must look generated. Node providers that put
// the key in the endpoint URL (Ankr, GetBlock, NodeReal, Chainstack) are
// found by the URL.
//
// Where a provider documents its key format, the shape follows it; where
// it does not, the shape is what its dashboard issues as seen in public
// code and in peers' detectors, and the spec says "guess". A guessed shape
// costs little: the service's name must stand near the value anyway.

// cryptoAPISpec is one provider's key.
type cryptoAPISpec struct {
	id, name string
	// keywords name the service (lower case); one must stand within
	// three lines of the value.
	keywords []string
	// shape is an RE2 expression for the whole value.
	shape string
	// guess says the shape is not documented by the provider.
	guess  bool
	revoke string
	// example is a value of the shape, written as the provider's users do
	// in exampleFmt ("%s" is the value).
	example    string
	exampleFmt string
}

// credentialName is what the name of an API key's variable, header or
// query parameter contains.
var credentialName = lazyRE(`(?i)key|token|secret|auth|access|credential|pass`)

func cryptoAPISpecs() []cryptoAPISpec {
	hex32 := fake("coinlayer", hexChars, 32)
	return []cryptoAPISpec{
		{id: "coinapi", name: "CoinAPI", keywords: []string{"coinapi"},
			shape: uuidPat, revoke: "customerportal.coinapi.io → API keys",
			example: strings.ToUpper(fakeUUID("coinapi")), exampleFmt: "headers = {\"X-CoinAPI-Key\": \"%s\"}\nrequests.get(\"https://rest.coinapi.io/v1/exchangerate/BTC/USD\", headers=headers)\n"},
		{id: "cryptocompare", name: "CryptoCompare", keywords: []string{"cryptocompare"},
			shape: `[0-9a-f]{64}`, revoke: "cryptocompare.com → API keys (now CoinDesk Data)",
			example: fake("cryptocompare", hexChars, 64), exampleFmt: "CRYPTOCOMPARE_API_KEY=%s\n"},
		{id: "glassnode", name: "Glassnode", keywords: []string{"glassnode"},
			shape: `[A-Za-z0-9]{27,32}`, guess: true, revoke: "studio.glassnode.com → Settings → API",
			example: fake("glassnode", alnumChars, 27), exampleFmt: "glassnode:\n  api_key: %s\n"},
		{id: "ethplorer", name: "Ethplorer", keywords: []string{"ethplorer"},
			shape: `EK-[A-Za-z0-9]{5}-[A-Za-z0-9]{7}-[A-Za-z0-9]{5}|[A-Za-z0-9-]{20,40}`, guess: true, revoke: "ethplorer.io → account → API keys",
			example: "EK-" + fake("ethplorer1", alnumChars, 5) + "-" + fake("ethplorer2", alnumChars, 7) + "-" + fake("ethplorer3", alnumChars, 5), exampleFmt: "url = f\"https://api.ethplorer.io/getAddressInfo/{addr}?apiKey=%s\"\n"},
		{id: "nftport", name: "NFTPort", keywords: []string{"nftport"},
			shape: uuidPat, revoke: "dashboard.nftport.xyz → API keys",
			example: fakeUUID("nftport"), exampleFmt: "NFTPORT_API_KEY=%s\n"},
		{id: "web3-storage", name: "Web3.Storage", keywords: []string{"web3.storage", "web3storage", "web3_storage", "web3-storage"},
			shape: `eyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{20,}\.[A-Za-z0-9_\-]{20,}`, revoke: "web3.storage → Account → API tokens",
			example:    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJkaWQ6ZXRocjoweDRlOWNlMzZlNDQyZTU1ZWNkOTAyNWI5YTZlMGQ4ODQ4NWQ2MjhhNjciLCJpc3MiOiJ3ZWIzLXN0b3JhZ2UiLCJpYXQiOjE2NTQ3MjA3OTk1NTUsIm5hbWUiOiJib3QifQ." + fake("web3storage", b64urlChars, 43),
			exampleFmt: "import { Web3Storage } from 'web3.storage'\nconst client = new Web3Storage({ token: '%s' })\n"},
		{id: "tatum", name: "Tatum", keywords: []string{"tatum"},
			shape: `t-[0-9a-f]{24}-[0-9a-f]{32}|` + uuidPat, guess: true, revoke: "dashboard.tatum.io → API keys",
			example: "t-" + fake("tatum1", hexChars, 24) + "-" + fake("tatum2", hexChars, 32), exampleFmt: "TATUM_API_KEY=%s\n"},
		{id: "blocknative", name: "Blocknative", keywords: []string{"blocknative"},
			shape: uuidPat, revoke: "account.blocknative.com → API keys",
			example: fakeUUID("blocknative"), exampleFmt: "const onboard = Onboard({\n  // blocknative\n  dappId: '%s',\n})\n"},
		{id: "bitquery", name: "Bitquery", keywords: []string{"bitquery"},
			shape: `BQY[A-Za-z0-9]{26,32}|ory_at_[A-Za-z0-9_\-.]{40,}`, guess: true, revoke: "account.bitquery.io → API keys / Applications",
			example: "BQY" + fake("bitquery", alnumChars, 29), exampleFmt: "headers = {'X-API-KEY': '%s'}  # bitquery graphql\n"},
		{id: "covalent", name: "Covalent (GoldRush)", keywords: []string{"covalent", "goldrush"},
			shape: `(?:ckey|cqt_[a-z]{2})_[A-Za-z0-9]{26,32}`, revoke: "goldrush.dev/platform → API keys",
			example: "ckey_" + fake("covalent", alnumChars, 27), exampleFmt: "COVALENT_API_KEY=%s\n"},
		{id: "dune", name: "Dune", keywords: []string{"dune"},
			shape: `[A-Za-z0-9]{32}`, guess: true, revoke: "dune.com/settings/api → delete the key",
			example: fake("dune", alnumChars, 32), exampleFmt: "from dune_client.client import DuneClient\ndune = DuneClient(api_key=\"%s\")\n"},
		{id: "messari", name: "Messari", keywords: []string{"messari"},
			shape: `[A-Za-z0-9+/_\-]{24,64}`, guess: true, revoke: "messari.io/account/api → regenerate",
			example: fake("messari", alnumChars, 40), exampleFmt: "curl -H \"x-messari-api-key: %s\" https://data.messari.io/api/v1/assets\n"},
		{id: "kaiko", name: "Kaiko", keywords: []string{"kaiko"},
			shape: `[A-Za-z0-9]{32,40}`, guess: true, revoke: "ask Kaiko support or your account manager to revoke the key",
			example: fake("kaiko", alnumChars, 32), exampleFmt: "KAIKO_API_KEY=%s\n"},
		{id: "coinmarketcal", name: "CoinMarketCal", keywords: []string{"coinmarketcal"},
			shape: `[A-Za-z0-9]{40}`, guess: true, revoke: "coinmarketcal.com/en/developer → API key",
			example: fake("coinmarketcal", alnumChars, 40), exampleFmt: "r = requests.get('https://developers.coinmarketcal.com/v1/events', headers={'x-api-key': '%s'})\n"},
		{id: "santiment", name: "Santiment", keywords: []string{"santiment", "sanpy", "san.apiconfig"},
			shape: `[a-z0-9]{16}_[a-z0-9]{16}`, guess: true, revoke: "app.santiment.net/account → API keys",
			example: fake("santiment1", "abcdefghijklmnopqrstuvwxyz0123456789", 16) + "_" + fake("santiment2", "abcdefghijklmnopqrstuvwxyz0123456789", 16), exampleFmt: "import san\nsan.ApiConfig.api_key = '%s'\n"},
		{id: "amberdata", name: "Amberdata", keywords: []string{"amberdata"},
			shape: `UAK[0-9a-f]{29}|[A-Za-z0-9]{32}`, guess: true, revoke: "amberdata.io → dashboard → API keys",
			example: "UAK" + fake("amberdata", hexChars, 29), exampleFmt: "curl -H 'x-api-key: %s' https://api.amberdata.com/market/spot/prices/pairs\n"},
		{id: "coinlayer", name: "Coinlayer", keywords: []string{"coinlayer"},
			shape: `[0-9a-f]{32}`, revoke: "coinlayer.com/dashboard → reset the access key",
			example: hex32, exampleFmt: "curl \"https://api.coinlayer.com/live?access_key=%s\"\n"},
		{id: "coinlib", name: "Coinlib", keywords: []string{"coinlib"},
			shape: `[0-9a-f]{16}`, guess: true, revoke: "coinlib.io → profile → API",
			example: fake("coinlib", hexChars, 16), exampleFmt: "COINLIB_KEY=%s\n"},
		{id: "bitcoinaverage", name: "BitcoinAverage", keywords: []string{"bitcoinaverage"},
			shape: `[A-Za-z0-9]{43}`, revoke: "bitcoinaverage.com → account → API keys",
			example: fake("bitcoinaverage", alnumChars, 43), exampleFmt: "BITCOINAVERAGE_SECRET_KEY=%s\n"},
		{id: "request-finance", name: "Request Finance", keywords: []string{"request.finance", "requestfinance", "request_finance"},
			shape: `[0-9A-Z]{7}-[0-9A-Z]{7}-[0-9A-Z]{7}-[0-9A-Z]{7}`, revoke: "app.request.finance → Settings → API keys",
			example:    fake("rf1", "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", 7) + "-" + fake("rf2", "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", 7) + "-" + fake("rf3", "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", 7) + "-" + fake("rf4", "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", 7),
			exampleFmt: "curl -H \"Authorization: %s\" https://api.request.finance/invoices  # request finance\n"},
	}
}

// nodeURLSpecs are node providers whose key is a path segment of the
// endpoint URL: the host is the keyword and the URL the evidence. A
// function, so that the examples' fake keys are made with the rules, not
// at start-up.
func nodeURLSpecs() []nodeURLSpec {
	return []nodeURLSpec{
		{"ankr", "Ankr", "rpc.ankr.com", `https://rpc\.ankr\.com/[a-z0-9_]+/(?P<secret>[0-9a-f]{64})\b`, "ankr.com/rpc → Projects → the project's API key",
			"RPC_URL=https://rpc.ankr.com/eth/" + fake("ankr", hexChars, 64) + "\n"},
		{"getblock", "GetBlock", "getblock.io", `(?:https|wss)://go\.getblock\.io/(?P<secret>[0-9a-f]{32})\b`, "account.getblock.io → Endpoints → roll the access token",
			"w3 = Web3(Web3.HTTPProvider('https://go.getblock.io/" + fake("getblock", hexChars, 32) + "'))\n"},
		{"nodereal", "NodeReal", "nodereal.io", `(?:https|wss)://[a-z0-9\-]+\.nodereal\.io/(?:ws/)?v1/(?P<secret>[0-9a-f]{32})\b`, "nodereal.io → API keys → delete the key",
			"BSC_RPC=https://bsc-mainnet.nodereal.io/v1/" + fake("nodereal", hexChars, 32) + "\n"},
		{"chainstack", "Chainstack", "p2pify.com", `(?:https|wss)://[a-z0-9\-]+\.p2pify\.com/(?:ws/)?(?P<secret>[0-9a-f]{32})\b`, "console.chainstack.com → the node → Access → reset credentials",
			"provider: \"https://nd-123-456-789.p2pify.com/" + fake("chainstack", hexChars, 32) + "\"\n"},
	}
}

type nodeURLSpec struct {
	id, name, keyword, pattern, revoke, example string
}

const dataAPIAdvice = "Revoke the key in the provider's dashboard and create a new one; until then anyone can spend your plan's quota and read what the account holds. Keep API keys in the environment or a secrets manager, not in code or git."

func cryptoAPIRules() []Rule {
	var rs []Rule
	for _, s := range cryptoAPISpecs() {
		rs = append(rs, Rule{
			ID:           s.id + "-api-key",
			Title:        s.name + " API key",
			Severity:     Medium,
			Service:      s.id,
			Name:         s.name,
			Kind:         KindSaaS,
			Keywords:     s.keywords,
			WindowBefore: 3,
			WindowAfter:  3,
			Finder:       namedValueFinder(s.shape),
			Validate:     validateDataAPIKey,
			Advice:       dataAPIAdvice + " " + s.name + ": " + s.revoke + ".",
			Examples:     []string{strings.ReplaceAll(s.exampleFmt, "%s", s.example)},
			Negatives: []string{
				strings.ToUpper(strings.ReplaceAll(s.id, "-", "_")) + "_API_KEY=${" + strings.ToUpper(strings.ReplaceAll(s.id, "-", "_")) + "_API_KEY}\n",
				"# " + s.keywords[0] + "\napi_key = os.environ[\"API_KEY\"]\n",
				// A value of the key's length under a name that is not a
				// credential's (a request id, a hash).
				s.keywords[0] + "_request_id = \"" + s.example + "\"\n",
			},
		})
	}
	for _, s := range nodeURLSpecs() {
		rs = append(rs, Rule{
			ID:       s.id + "-endpoint",
			Title:    s.name + " RPC endpoint key",
			Severity: Medium,
			Service:  s.id,
			Name:     s.name,
			Kind:     KindSaaS,
			Keywords: []string{s.keyword},
			Pattern:  s.pattern,
			Validate: func(secret string, _ Candidate) Verdict {
				return entropyVerdict(strings.ReplaceAll(secret, "-", ""), 0.7)
			},
			Advice:   rpcAdvice + " " + s.name + ": " + s.revoke + ".",
			Examples: []string{s.example},
			Negatives: []string{
				"RPC_URL=https://" + s.keyword + "/<YOUR_API_KEY>\n",
				"RPC_URL=https://rpc.example/" + fake(s.id+"neg", hexChars, 64) + " # not " + s.keyword + "\n",
			},
		})
	}
	return rs
}

// namedValueFinder returns values of one shape assigned to a name that
// reads as a credential's (api_key, X-CoinAPI-Key, token, dappId is not).
func namedValueFinder(shape string) func(*Window) [][2]int {
	// Parsed on first use, as shapeFinder's.
	re := sync.OnceValue(func() *wholeMatcher { return newWholeMatcher(shape) })
	return func(win *Window) [][2]int {
		w := win.Text
		var out [][2]int
		for _, a := range win.Assignments() {
			name, v := a.Name, a.Value
			if re().Match(w[v[0]:v[1]]) && (credentialName.Match(w[name[0]:name[1]]) || dappName.Match(w[name[0]:name[1]])) {
				out = append(out, v)
			}
		}
		return assign.UniqueSpans(out)
	}
}

// dataAPINamed returns the data API whose name a value's label holds
// (CRYPTOCOMPARE_API_KEY), or "": exchange rules whose keyword is a prefix
// of such a name ("cryptocom") must not claim the value.
//
// The service's name must begin a word of the label: kucoinAPIKey and
// okcoinApiSecret hold "coinapi" but name KuCoin and OKCoin.
func dataAPINamed(label string) string {
	l := strings.ToLower(label)
	for _, s := range dataAPIKeywords() {
		for i := 0; ; {
			j := strings.Index(l[i:], s[0])
			if j < 0 {
				break
			}
			if wordStart(label, i+j) {
				return s[1]
			}
			i += j + 1
		}
	}
	return ""
}

// wordStart reports whether a word of s begins at byte i: at the start, after
// a character that is not a letter, or at a camel-case hump (apiKey).
func wordStart(s string, i int) bool {
	if i == 0 {
		return true
	}
	prev, cur := s[i-1], s[i]
	isLetter := func(b byte) bool { return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' }
	if !isLetter(prev) {
		return true
	}
	return 'a' <= prev && prev <= 'z' && 'A' <= cur && cur <= 'Z'
}

var dataAPIKeywords = sync.OnceValue(func() [][2]string {
	var out [][2]string
	for _, s := range cryptoAPISpecs() {
		for _, k := range s.keywords {
			if !strings.ContainsAny(k, "./") {
				out = append(out, [2]string{k, s.id})
			}
		}
	}
	return out
})

// dappName is Blocknative's name for its key in Onboard configs.
var dappName = lazyRE(`(?i)^dapp_?id$`)

// validateDataAPIKey drops values that a person typed rather than a
// dashboard generated.
func validateDataAPIKey(secret string, c Candidate) Verdict {
	if v, ok := publishedKey(secret); ok {
		return v
	}
	body := strings.ReplaceAll(secret, "-", "")
	min := 0.7
	if len(body) < 24 {
		min = 0.6 // 16 hex digits score lower by chance
	}
	if v := entropyVerdict(strings.ToLower(body), min); v.Reject {
		return v
	}
	letters, digits := countClasses(secret)
	if letters == 0 || digits == 0 {
		return Verdict{Reject: true, Reason: "generated keys mix letters and digits"}
	}
	// A name that says the service wins over rules that only found the
	// value near their keyword.
	return Verdict{Named: dataAPINamed(valueLabel(c, secret)) != ""}
}
