package detectors

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"
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

func saasRules() []Rule {
	return []Rule{
		// Blockchain API providers (exchanges.md §30).
		{
			ID:        "etherscan-api-key",
			Title:     "Etherscan-family explorer API key",
			Severity:  Medium,
			Service:   "etherscan",
			Name:      "Etherscan",
			Kind:      KindSaaS,
			AdviceURL: "https://etherscan.io/myapikey",
			Keywords:  []string{"etherscan", "bscscan", "polygonscan", "arbiscan", "ftmscan", "snowtrace", "basescan", "celoscan", "lineascan", "blastscan", "scrollscan", "gnosisscan", "moonscan", "snowscan"},
			// Hardhat keeps the key a few lines below "etherscan: {", often
			// as a per-network map.
			WindowBefore: 1,
			WindowAfter:  6,
			Pattern:      `\b(?P<secret>[0-9A-Z]{34})\b`,
			Entropy:      0.8,
			Validate:     validateEtherscan,
			Advice:       "Delete the key at etherscan.io/myapikey (or the BscScan/Polygonscan account page) and create a new one; the key only reads public chain data, but its quota and account are yours.",
			Examples: []string{
				"ETHERSCAN_API_KEY=1DV60Q5YEOJUX73E1B98UT0OJSVMIWH2DV\n",
				"  etherscan: {\n    apiKey: {\n      mainnet: \"1DV60Q5YEOJUX73E1B98UT0OJSVMIWH2DV\",\n      bsc: \"A7BV8I0XSXH4L5ZSDL38970O8TPI96GB10\",\n    },\n  },\n",
				`curl "https://api.bscscan.com/api?module=account&action=balance&address=0x4e9ce36e442e55ecd9025b9a6e0d88485d628a67&apikey=A7BV8I0XSXH4L5ZSDL38970O8TPI96GB10"`,
			},
			Negatives: []string{
				"ETHERSCAN_API_KEY=YOUR_ETHERSCAN_API_KEY_HERE\n",
				"etherscan: { apiKey: process.env.ETHERSCAN_API_KEY },\n",
				"ETHERSCAN_API_KEY=${ETHERSCAN_API_KEY}\n",
				// An upper-case hex digest beside the word is not a key.
				"etherscan verified source hash: 8F3A9C1E5B7D2F4A6C8E0B1D3F5A7C9E2B\n",
			},
		},
		{
			ID:        "infura-api-key",
			Title:     "Infura project ID / API key",
			Severity:  Medium,
			Service:   "infura",
			Name:      "Infura",
			Kind:      KindSaaS,
			AdviceURL: "https://app.infura.io",
			Keywords:  []string{"infura"},
			Pattern:   `(?:infura\.io/(?:ws/)?v3/|(?i:infura)[A-Za-z0-9_\-]*` + assign + `)(?P<secret>[0-9a-f]{32})\b`,
			Entropy:   0.7,
			Validate:  checkPublished,
			Advice:    rpcAdvice + " Infura: app.infura.io → the key's settings → delete, and restrict new keys by origin or contract.",
			Examples: []string{
				`const provider = new ethers.JsonRpcProvider("https://mainnet.infura.io/v3/991131af44a785e0bcfa9c6c6465d74a");`,
				"WEB3_WS=wss://sepolia.infura.io/ws/v3/8329dd1e598b539461746692d214e79e\n",
				"INFURA_PROJECT_ID=991131af44a785e0bcfa9c6c6465d74a\n",
			},
			Negatives: []string{
				"RPC_URL=https://mainnet.infura.io/v3/<INFURA_PROJECT_ID>\n",
				"RPC_URL=https://mainnet.infura.io/v3/${INFURA_PROJECT_ID}\n",
				`const url = "https://mainnet.infura.io/v3/" + process.env.INFURA_KEY;`,
				"INFURA_PROJECT_ID=your_infura_project_id_here\n",
				// A commit hash in a changelog line that mentions Infura.
				"fix infura retry (commit 3b8e1f0c2d9a7b6e5f4c3d2a1b0e9f8d7c6b5a49)\n",
			},
		},
		{
			ID:        "alchemy-api-key",
			Title:     "Alchemy API key",
			Severity:  Medium,
			Service:   "alchemy",
			Name:      "Alchemy",
			Kind:      KindSaaS,
			AdviceURL: "https://dashboard.alchemy.com",
			Keywords:  []string{"alchemy"},
			Pattern:   `(?:alchemy(?:api)?\.(?:com|io)/(?:nft/)?v[23]/|(?i:alchemy)[A-Za-z0-9_\-]*(?:\(\{\s*[A-Za-z]+)?` + assign + `)(?P<secret>[A-Za-z0-9_\-]{32})` + tokEnd,
			Entropy:   0.8,
			Validate:  validateAlchemy,
			Advice:    rpcAdvice + " Alchemy: dashboard.alchemy.com → Apps → the app → rotate the API key, and add an allowlist of domains or addresses.",
			Examples: []string{
				`ALCHEMY_URL="https://eth-mainnet.g.alchemy.com/v2/6k7mXBiZuOJq5s2B9cRcT9V1KfmQ2Rdr"`,
				"ALCHEMY_API_KEY=6k7mXBiZuOJq5s2B9cRcT9V1KfmQ2Rdr\n",
				`w3 = Web3(Web3.WebsocketProvider("wss://polygon-mainnet.g.alchemy.com/v2/6k7mXBiZuOJq5s2B9cRcT9V1KfmQ2Rdr"))`,
			},
			Negatives: []string{
				"https://eth-mainnet.g.alchemy.com/v2/demo\n",
				"ALCHEMY_URL=https://eth-mainnet.g.alchemy.com/v2/${ALCHEMY_API_KEY}\n",
				"ALCHEMY_API_KEY=your-alchemy-api-key-goes-here00\n",
				`alchemyProvider({ apiKey: process.env.NEXT_PUBLIC_ALCHEMY_ID })`,
				// An app slug of the key's length.
				"ALCHEMY_APP=eth-mainnet-indexer-production-1\n",
			},
		},
		{
			ID:        "alchemy-auth-token",
			Title:     "Alchemy auth token",
			Severity:  High,
			Service:   "alchemy",
			Name:      "Alchemy",
			Kind:      KindSaaS,
			AdviceURL: "https://dashboard.alchemy.com",
			Keywords:  []string{"alcht_"},
			Pattern:   `\b(?P<secret>alcht_[A-Za-z0-9]{30})\b`,
			Validate:  randomAfter(len("alcht_"), 0.75),
			Advice:    "Delete the token in the Alchemy dashboard (account → auth tokens); it manages apps and webhooks for the whole team.",
			Examples: []string{
				"ALCHEMY_AUTH_TOKEN=alcht_b0XLWIEG8IdyrmRjXYg5gk3gEPZHjH\n",
				`curl -H "X-Alchemy-Token: alcht_b0XLWIEG8IdyrmRjXYg5gk3gEPZHjH" https://dashboard.alchemy.com/api/team-webhooks`,
			},
			Negatives: []string{
				"ALCHEMY_AUTH_TOKEN=alcht_<your auth token>\n",
				"ALCHEMY_AUTH_TOKEN=${ALCHEMY_AUTH_TOKEN}\n",
				`const token = process.env.ALCHEMY_AUTH_TOKEN // starts with alcht_`,
				"ALCHEMY_AUTH_TOKEN=alcht_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
			},
		},
		{
			ID:           "moralis-api-key",
			Title:        "Moralis API key",
			Severity:     Medium,
			Service:      "moralis",
			Name:         "Moralis",
			Kind:         KindSaaS,
			AdviceURL:    "https://admin.moralis.io",
			Keywords:     []string{"moralis"},
			WindowBefore: 2,
			WindowAfter:  3,
			Pattern: `(?i:moralis[a-z0-9_\-]*|api[_\-]?key)` + assign +
				`(?P<secret>[A-Za-z0-9]{64}|eyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{20,}\.[A-Za-z0-9_\-]{20,})` + end,
			Validate: validateMoralis,
			Advice:   rpcAdvice + " Moralis: admin.moralis.io → Settings → API keys.",
			Examples: []string{
				"MORALIS_API_KEY=VLYyd8sRv4zC9rmBwLQ2s3QzWfoRy1Jgg4ae03N1GMtIES0wa93gBknTiqqu2vMp\n",
				"await Moralis.start({\n  apiKey: \"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJub25jZSI6ImIxZjBjMmU0LTdkM2EtNGU1OS05YzFkLThhNmYyYjNlNGQ1YyIsIm9yZ0lkIjoiMzE4NDQ3IiwidXNlcklkIjoiMzMxMjA5IiwidHlwZUlkIjoiOWUyZDRjMWItNWE2Zi00YjhlLWEzYzctMWQwZjllOGI3YTZjIiwidHlwZSI6IlBST0pFQ1QiLCJpYXQiOjE3MDAwMDAwMDAsImV4cCI6NDg1NTc2MDAwMH0.e4I-dO9c7tAPq5aXGaIX-s7XKlF50id8ewO_QO3vPag\",\n});\n",
				`curl -H "X-API-Key: VLYyd8sRv4zC9rmBwLQ2s3QzWfoRy1Jgg4ae03N1GMtIES0wa93gBknTiqqu2vMp" "https://deep-index.moralis.io/api/v2.2/0x4e9ce36e442e55ecd9025b9a6e0d88485d628a67/nft?chain=eth"`,
			},
			Negatives: []string{
				"MORALIS_API_KEY=<your moralis api key>\n",
				"await Moralis.start({ apiKey: process.env.MORALIS_API_KEY });\n",
				"MORALIS_API_KEY=${MORALIS_API_KEY}\n",
				// A 64-hex private key in the same hardhat config is not the
				// Moralis key.
				"// moralis\nconst api_key = \"4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318\";\n",
			},
		},
		{
			ID:        "quicknode-endpoint",
			Title:     "QuickNode endpoint token",
			Severity:  Medium,
			Service:   "quicknode",
			Name:      "QuickNode",
			Kind:      KindSaaS,
			AdviceURL: "https://dashboard.quicknode.com",
			Keywords:  []string{"quiknode.pro"},
			Pattern:   `(?:https?|wss)://[a-z0-9\-]+\.(?:[a-z0-9\-]+\.)*quiknode\.pro/(?P<secret>[0-9a-f]{40})\b`,
			Entropy:   0.7,
			Advice:    rpcAdvice + " QuickNode: dashboard → Endpoints → Security → rotate the token, and enable token or JWT authentication with a referrer allowlist.",
			Examples: []string{
				"SOLANA_RPC=https://wild-misty-pond.solana-mainnet.quiknode.pro/1a4dea15d64e8b9db535f5bd7a3d4d6023e7a5ee/\n",
				`provider = Web3.HTTPProvider("https://icy-silent-lake.quiknode.pro/1a4dea15d64e8b9db535f5bd7a3d4d6023e7a5ee/")`,
			},
			Negatives: []string{
				"RPC=https://your-endpoint.quiknode.pro/<token>/\n",
				"RPC=https://icy-silent-lake.quiknode.pro/${QUICKNODE_TOKEN}/\n",
				"RPC=https://docs-demo.quiknode.pro/\n",
				`rpc = os.getenv("QUICKNODE_URL")  # https://<name>.quiknode.pro/<token>/`,
			},
		},
		{
			ID:        "helius-api-key",
			Title:     "Helius (Solana RPC) API key",
			Severity:  Medium,
			Service:   "helius",
			Name:      "Helius",
			Kind:      KindSaaS,
			AdviceURL: "https://dashboard.helius.dev",
			Keywords:  []string{"helius"},
			Pattern: `(?:helius(?:-rpc\.com|\.xyz)[^\s"'\x60?#]*\?(?:[^\s"'\x60#]*&)?api-key=|(?i:helius)[A-Za-z0-9_\-]*` + assign + `)` +
				`(?P<secret>` + uuidPat + `)\b`,
			Validate: randomUUID,
			Advice:   rpcAdvice + " Helius: dashboard.helius.dev → API keys → delete the key and create a new one.",
			Examples: []string{
				"SOLANA_RPC_URL=https://mainnet.helius-rpc.com/?api-key=ced34719-78cd-4a00-81f6-db4e69f3baed\n",
				`const ws = new WebSocket("wss://atlas-mainnet.helius-rpc.com/?api-key=ced34719-78cd-4a00-81f6-db4e69f3baed");`,
				"HELIUS_API_KEY: 4dd4e280-9e0b-4189-a1bd-1e5dc94301d0\n",
			},
			Negatives: []string{
				"SOLANA_RPC_URL=https://mainnet.helius-rpc.com/?api-key=<api-key>\n",
				"SOLANA_RPC_URL=https://mainnet.helius-rpc.com/?api-key=${HELIUS_API_KEY}\n",
				`const rpc = ` + "`https://mainnet.helius-rpc.com/?api-key=${process.env.HELIUS_KEY}`",
				"HELIUS_API_KEY=00000000-0000-0000-0000-000000000000\n",
				// A UUID near the word that is a request id, not the key.
				`log.info("helius request", request_id="cb8fabb2-e0d5-403a-a38b-e0c7cbc75831")`,
			},
		},
		{
			ID:           "coinmarketcap-api-key",
			Title:        "CoinMarketCap API key",
			Severity:     Medium,
			Service:      "coinmarketcap",
			Name:         "CoinMarketCap",
			Kind:         KindSaaS,
			AdviceURL:    "https://pro.coinmarketcap.com/account",
			Keywords:     []string{"x-cmc_pro_api_key", "coinmarketcap", "cmc_", "cmc-"},
			WindowBefore: 2,
			WindowAfter:  2,
			Pattern:      `(?i:x-cmc_pro_api_key|cmc[_\-][a-z0-9_\-]*key|coinmarketcap[a-z0-9_\-]*|api[_\-]?key)` + assign + `(?P<secret>` + uuidPat + `)\b`,
			Validate:     randomUUID,
			Advice:       "Rotate the key at pro.coinmarketcap.com/account (API key → regenerate); the key reads market data but its credits and plan are billed to you.",
			Examples: []string{
				"headers = {\n    'Accepts': 'application/json',\n    'X-CMC_PRO_API_KEY': 'cb8fabb2-e0d5-403a-a38b-e0c7cbc75831',\n}\n",
				"CMC_API_KEY=34fbf9cb-a4df-41fa-b0ec-7beab0a2fbbe\n",
				`curl -H "X-CMC_PRO_API_KEY: cb8fabb2-e0d5-403a-a38b-e0c7cbc75831" https://pro-api.coinmarketcap.com/v1/key/info`,
				"coinmarketcap:\n  api_key: 34fbf9cb-a4df-41fa-b0ec-7beab0a2fbbe\n",
			},
			Negatives: []string{
				"CMC_API_KEY=your-coinmarketcap-key-here\n",
				"headers = {'X-CMC_PRO_API_KEY': os.getenv('CMC_API_KEY')}\n",
				"CMC_PRO_API_KEY=${CMC_PRO_API_KEY}\n",
				// A UUID that is an order id on a line that mentions CoinMarketCap.
				`order = {"source": "coinmarketcap", "order_id": "ced34719-78cd-4a00-81f6-db4e69f3baed"}`,
			},
		},
		{
			ID:        "coingecko-api-key",
			Title:     "CoinGecko API key",
			Severity:  Medium,
			Service:   "coingecko",
			Name:      "CoinGecko",
			Kind:      KindSaaS,
			AdviceURL: "https://www.coingecko.com/en/developers/dashboard",
			Keywords:  []string{"cg-"},
			Pattern:   `\b(?P<secret>CG-[A-Za-z0-9]{24})\b`,
			Validate:  randomAfter(len("CG-"), 0.75),
			Advice:    "Delete the key in the CoinGecko developer dashboard (coingecko.com/en/developers/dashboard) and create a new one; pro keys carry a paid plan's quota.",
			Examples: []string{
				"COINGECKO_API_KEY=CG-qrT3R8GvhVByIXjC80TUXSUa\n",
				`requests.get(url, headers={"x-cg-pro-api-key": "CG-qrT3R8GvhVByIXjC80TUXSUa"})`,
			},
			Negatives: []string{
				"COINGECKO_API_KEY=CG-xxxxxxxxxxxxxxxxxxxxxxxx\n",
				`headers={"x-cg-demo-api-key": os.getenv("COINGECKO_API_KEY")}`,
				"COINGECKO_API_KEY=${COINGECKO_API_KEY}\n",
				// Same prefix, but a CSS class and a too-short product code.
				`<div class="cg-tooltip cg-AbCdEfGhIjKlMnOpQrStUvWxYz">`,
				"part: CG-4417A2\n",
			},
		},
		{
			ID:           "blockcypher-api-token",
			Title:        "BlockCypher API token",
			Severity:     Medium,
			Service:      "blockcypher",
			Name:         "BlockCypher",
			Kind:         KindSaaS,
			AdviceURL:    "https://accounts.blockcypher.com",
			Keywords:     []string{"blockcypher"},
			WindowBefore: 2,
			WindowAfter:  2,
			Pattern:      `(?:blockcypher\.com/[^\s"'\x60#]*[?&]token=|(?i:blockcypher[a-z0-9_\-]*|api[_\-]?key|api[_\-]?token|token)` + assign + `)(?P<secret>[0-9a-f]{32})\b`,
			Entropy:      0.7,
			Advice:       "Delete the token at accounts.blockcypher.com and create a new one; it can create webhooks and push transactions under your quota.",
			Examples: []string{
				"BLOCKCYPHER_TOKEN=c13b8c5a97a7ae3f6655dd4405230860\n",
				`curl "https://api.blockcypher.com/v1/btc/main/addrs/1DEP8i3QJCsomS4BSMY2RpU1upv62aGvhD/balance?token=c13b8c5a97a7ae3f6655dd4405230860"`,
				"import blockcypher\n\nAPI_KEY = 'c13b8c5a97a7ae3f6655dd4405230860'\n",
			},
			Negatives: []string{
				"BLOCKCYPHER_TOKEN=<YOUR_TOKEN>\n",
				"BLOCKCYPHER_TOKEN=${BLOCKCYPHER_TOKEN}\n",
				"token = os.getenv('BLOCKCYPHER_TOKEN')  # blockcypher\n",
				// A transaction's md5 in a BlockCypher response is not a token.
				`{"source": "blockcypher", "md5": "9e107d9d372bb6826bd81d3542a419d6"}`,
			},
		},

		// Chat platforms.
		{
			ID:        "slack-token",
			Title:     "Slack token",
			Severity:  High,
			Service:   "slack",
			Name:      "Slack",
			Kind:      KindSaaS,
			AdviceURL: "https://api.slack.com/apps",
			Keywords:  []string{"xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xoxo-", "xoxe-", "xoxe.", "xapp-"},
			Pattern: `\b(?P<secret>xox[abeoprs]-(?:[0-9]{1,14}-){1,4}[A-Za-z0-9]{18,64}` +
				`|xoxe(?:\.xox[bp])?-[0-9]-[A-Za-z0-9]{100,260}` +
				`|xapp-[0-9]-[A-Z0-9]{8,14}-[0-9]{8,16}-[a-f0-9]{32,80})\b`,
			Validate: validateSlack,
			Advice:   chatAdvice + " Slack: api.slack.com/apps → the app → OAuth & Permissions → revoke tokens (or call auth.revoke).",
			Examples: []string{
				"SLACK_BOT_TOKEN=xoxb-956422939865-1425372204526-KMctuHkc6KBOG7HkQ8rvhKim\n",
				`client = WebClient(token="xoxp-992957587420-862352990439-3192643025572-3fdd7ac3357698e55701c25f723abea3")`,
				"slack:\n  app_token: xapp-1-ACMWFLG5HIT-8732531294868-282924bd785a5d1d4e78b13cfa20a007b0a852f78dcdeb1a0458c59c4f49707f\n",
				`curl -H "Authorization: Bearer xoxe.xoxp-1-GS8KEBjMHPSFozejcIby7R6jJDmSSgKogOpLrRlxy9ef1dvxVciemATffZ7qjNrgvgIv5TQDWdVqNwMzizZMn0DmJww7KmQ4mtdpe5K8mnnyQCxWvVK0K5Kaomv4w5vhkjh5taBkVsWvx3YtJ8WRFt" https://slack.com/api/auth.test`,
			},
			Negatives: []string{
				"SLACK_BOT_TOKEN=xoxb-your-bot-token-here\n",
				`token = os.environ["SLACK_BOT_TOKEN"]  # xoxb-...`,
				"SLACK_BOT_TOKEN=${SLACK_BOT_TOKEN}\n",
				"SLACK_BOT_TOKEN=xoxb-000000000000-0000000000000-xxxxxxxxxxxxxxxxxxxxxxxx\n",
				// The token's shape in a validation regex.
				`BOT_TOKEN_RE = re.compile(r"^xoxb-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{24}$")`,
			},
		},
		{
			ID:        "slack-webhook",
			Title:     "Slack incoming webhook URL",
			Severity:  Medium,
			Service:   "slack",
			Name:      "Slack",
			Kind:      KindSaaS,
			AdviceURL: "https://api.slack.com/apps",
			Keywords:  []string{"hooks.slack.com"},
			Pattern: `(?P<secret>https://hooks\.slack\.com/(?:services/T[A-Z0-9]{8,12}/B[A-Z0-9]{8,12}/[A-Za-z0-9]{23,25}` +
				`|workflows/T[A-Z0-9]{8,12}/A[A-Z0-9]{8,12}/[0-9]{17,20}/[A-Za-z0-9]{23,25}` +
				`|triggers/T[A-Z0-9]{8,12}/[0-9]{8,20}/[a-f0-9]{32}))\b`,
			Validate: randomAfterLast("/", 0.7),
			Advice:   webhookAdvice + " Slack: api.slack.com/apps → the app → Incoming Webhooks → remove the URL.",
			Examples: []string{
				"SLACK_WEBHOOK_URL=https://hooks.slack.com/services/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\n",
				`curl -X POST -H 'Content-type: application/json' --data '{"text":"deploy done"}' https://hooks.slack.com/services/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`,
			},
			Negatives: []string{
				"SLACK_WEBHOOK_URL=https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX\n",
				"SLACK_WEBHOOK_URL=https://hooks.slack.com/services/<team>/<channel>/<token>\n",
				"webhook_url: ${SLACK_WEBHOOK_URL}  # https://hooks.slack.com/services/...\n",
				`url = "https://hooks.slack.com/services/" + os.getenv("SLACK_HOOK_PATH")`,
			},
		},
		{
			ID:        "telegram-bot-token",
			Title:     "Telegram bot token",
			Severity:  High,
			Service:   "telegram",
			Name:      "Telegram",
			Kind:      KindSaaS,
			AdviceURL: "https://t.me/BotFather",
			// Current tokens' hash part starts with "AA", which anchors a
			// token even when nothing names Telegram; older or odd shapes
			// need the name nearby (checked in the validator).
			// Bot tokens' secret half starts with "AA"; the other words
			// catch the rest without opening a window at every "token".
			Keywords:     []string{":aa", "telegram", "tg_", "bot_token", "bot token", "/bot"},
			WindowBefore: 3,
			WindowAfter:  3,
			Finder:       telegramTokens,
			Validate:     validateTelegram,
			Advice:       chatAdvice + " Telegram: message @BotFather, /revoke for the bot (or /token to issue a new one); the old token stops working at once.",
			Examples: []string{
				"TELEGRAM_BOT_TOKEN=8720606271:AALdWLk6V25rC3hrotkJLcIkg3WGtbrcvje\n",
				`curl "https://api.telegram.org/bot1229769389:AAhB70drs0elXGLaIWo_kbgHcENY_fNDe15/sendMessage?chat_id=-1001882261822&text=filled"`,
				"bot = telebot.TeleBot('1229769389:AAhB70drs0elXGLaIWo_kbgHcENY_fNDe15')\n",
				"telegram:\n  token: \"1229769389:BzhB70drs0elXGLaIWo_kbgHcENY_fNDe15\"\n",
			},
			Negatives: []string{
				"TELEGRAM_BOT_TOKEN=<your-bot-token>\n",
				"TELEGRAM_BOT_TOKEN=${TELEGRAM_BOT_TOKEN}\n",
				`bot = Bot(token=os.getenv("TELEGRAM_TOKEN"))`,
				"TELEGRAM_BOT_TOKEN=123456789:AAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
				// The Bot API docs' sample (34-character hash, not a real shape).
				"bot110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw\n",
				// A timestamp-prefixed id without any Telegram context.
				"1716912000:Zk3Qm9Vx2LpR7sT1uW4yB6nC8dE0fG5hJ2a\n",
			},
		},
		{
			ID:        "discord-bot-token",
			Title:     "Discord bot token",
			Severity:  High,
			Service:   "discord",
			Name:      "Discord",
			Kind:      KindSaaS,
			AdviceURL: "https://discord.com/developers/applications",
			// "token" and "bot" are on every line of a trading bot; a Discord
			// token stands near its library's name or its run call.
			Keywords:     []string{"discord", "bot.run(", "client.run(", "bot_token", "bot token"},
			WindowBefore: 3,
			WindowAfter:  3,
			Pattern:      `(?:^|[^A-Za-z0-9_\-.])(?P<secret>[MNO][A-Za-z0-9_\-]{23,25}\.[A-Za-z0-9_\-]{6}\.[A-Za-z0-9_\-]{27,38})(?:[^A-Za-z0-9_\-.]|$)`,
			Validate:     validateDiscordToken,
			Advice:       chatAdvice + " Discord: discord.com/developers/applications → the app → Bot → Reset Token.",
			Examples: []string{
				"DISCORD_TOKEN=NTMwMDg0MTQwOTMyNTkyMjE0Mg.HUrUMG.UvKgegMd_QZPw_a62Kr7Vdy87pPj4nDmxRkQvR\n",
				"import discord\n\nclient = discord.Client(intents=intents)\nclient.run('NTMwMDg0MTQwOTMyNTkyMjE0Mg.HUrUMG.UvKgegMd_QZPw_a62Kr7Vdy87pPj4nDmxRkQvR')\n",
			},
			Negatives: []string{
				"DISCORD_TOKEN=your_discord_bot_token_here\n",
				"client.run(os.getenv('DISCORD_TOKEN'))\n",
				"DISCORD_TOKEN=${DISCORD_TOKEN}\n",
				// Same three-part shape, but the first part is not a user id.
				"DISCORD_TOKEN=MzZkYmQxZjQtYWJjZC00ZWZnLWhp.HUrUMG.UvKgegMd_QZPw_a62Kr7Vdy87pPj4nDmxRkQvR\n",
				// A version string with dots near the word "bot".
				"bot version Node.v18abcdefghijklmnopqrstuv.123456.AbCdEfGhIjKlMnOpQrStUvWxYz012\n",
			},
		},
		{
			ID:        "discord-webhook",
			Title:     "Discord webhook URL",
			Severity:  Medium,
			Service:   "discord",
			Name:      "Discord",
			Kind:      KindSaaS,
			AdviceURL: "https://discord.com/developers/applications",
			Keywords:  []string{"discord.com/api", "discordapp.com/api"},
			Pattern:   `(?P<secret>https://(?:(?:canary|ptb)\.)?discord(?:app)?\.com/api/(?:v[0-9]+/)?webhooks/[0-9]{17,20}/[A-Za-z0-9_\-]{60,68})` + tokEnd,
			Validate:  randomAfterLast("/", 0.7),
			Advice:    webhookAdvice + " Discord: Server Settings → Integrations → Webhooks → delete it.",
			Examples: []string{
				"DISCORD_WEBHOOK=https://discord.com/api/webhooks/5523364784680862869/FcrOj72TMV-coZtfo2C6RQ2zN01DpSqgUp95zjYtQkHGe53guvyiolDeTdOQy7iM5X63\n",
				`requests.post("https://discordapp.com/api/webhooks/5523364784680862869/FcrOj72TMV-coZtfo2C6RQ2zN01DpSqgUp95zjYtQkHGe53guvyiolDeTdOQy7iM5X63", json={"content": "filled"})`,
			},
			Negatives: []string{
				"DISCORD_WEBHOOK=https://discord.com/api/webhooks/<id>/<token>\n",
				"DISCORD_WEBHOOK=https://discord.com/api/webhooks/${WEBHOOK_ID}/${WEBHOOK_TOKEN}\n",
				`url = "https://discord.com/api/webhooks/" + process.env.DISCORD_HOOK`,
				"DISCORD_WEBHOOK=https://discord.com/api/webhooks/123456789012345678/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
			},
		},

		// Payments.
		{
			ID:        "stripe-secret-key",
			Title:     "Stripe secret key",
			Severity:  High,
			Service:   "stripe",
			Name:      "Stripe",
			Kind:      KindSaaS,
			AdviceURL: "https://dashboard.stripe.com/apikeys",
			Keywords:  []string{"sk_live_", "sk_test_"},
			Pattern:   `\b(?P<secret>sk_(?:live|test)_[A-Za-z0-9]{24,247})\b`,
			Validate:  validateStripe,
			Advice:    paymentAdvice,
			Examples: []string{
				"STRIPE_SECRET_KEY=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\n",
				`stripe.api_key = "sk_test_QXEmKtyh88H8erwJicL9uDzP"`,
				`curl https://api.stripe.com/v1/charges -u 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:`,
			},
			Negatives: []string{
				"STRIPE_SECRET_KEY=sk_live_your_secret_key_here\n",
				"const stripe = require('stripe')(process.env.STRIPE_SECRET_KEY);\n",
				"STRIPE_SECRET_KEY=${STRIPE_SECRET_KEY}\n",
				// Publishable keys are public by design.
				"STRIPE_PUBLISHABLE_KEY=pk_live_51WExcnEtZjj2dut3vMhXqrezPrXRDbb7dbp5gHMDIQ05SA6bIUwiz\n",
				"NEXT_PUBLIC_STRIPE_KEY=pk_test_QXEmKtyh88H8erwJicL9uDzP\n",
			},
		},
		{
			ID:        "stripe-restricted-key",
			Title:     "Stripe restricted key",
			Severity:  High,
			Service:   "stripe",
			Name:      "Stripe",
			Kind:      KindSaaS,
			AdviceURL: "https://dashboard.stripe.com/apikeys",
			Keywords:  []string{"rk_live_", "rk_test_"},
			Pattern:   `\b(?P<secret>rk_(?:live|test)_[A-Za-z0-9]{24,247})\b`,
			Validate:  validateStripe,
			Advice:    paymentAdvice + " Check which permissions the restricted key had before deciding how far to look.",
			Examples: []string{
				"STRIPE_RESTRICTED_KEY=rk_live_ouL2WSVfgOc2BxRR1P7rMtSn\n",
				"stripe:\n  api_key: rk_live_ouL2WSVfgOc2BxRR1P7rMtSn\n",
			},
			Negatives: []string{
				"STRIPE_RESTRICTED_KEY=rk_live_xxxxxxxxxxxxxxxxxxxxxxxx\n",
				"STRIPE_RESTRICTED_KEY=${STRIPE_RESTRICTED_KEY}\n",
				"key = os.environ.get('STRIPE_RK')  # rk_live_...\n",
				"PUBLISHABLE=pk_live_ouL2WSVfgOc2BxRR1P7rMtSn\n",
			},
		},

		// AI providers.
		{
			ID:        "openai-api-key",
			Title:     "OpenAI API key",
			Severity:  High,
			Service:   "openai",
			Name:      "OpenAI",
			Kind:      KindSaaS,
			AdviceURL: "https://platform.openai.com/api-keys",
			Keywords:  []string{"sk-proj-", "sk-svcacct-", "sk-admin-", "t3blbkfj"},
			// "T3BlbkFJ" is base64 of "OpenAI" and sits in the middle of
			// every legacy key; project and service-account keys carry
			// their own prefix.
			Pattern:  tokStart + `(?P<secret>sk-(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{40,250}|sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})` + tokEnd,
			Validate: validateOpenAI,
			Advice:   aiAdvice + " OpenAI: platform.openai.com/api-keys (project keys under the project's settings).",
			Examples: []string{
				"OPENAI_API_KEY=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\n",
				`client = OpenAI(api_key="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")`,
				`curl https://api.openai.com/v1/models -H "Authorization: Bearer sk-svcacct-Nftu9lkoBWmj8bbCG6A3CWZySRsP9rPLTr-ynIGg6VkfgIQnhiagRfAfqXijT3BlbkFJORjLF23FQGDySgYyazmKofDuSV4tacX2crtHwdTdBdufBk8a_VoTDkKfaZBA"`,
			},
			Negatives: []string{
				"OPENAI_API_KEY=sk-proj-your-openai-api-key-here-replace-me-with-a-real-one\n",
				"client = OpenAI(api_key=os.environ[\"OPENAI_API_KEY\"])\n",
				"OPENAI_API_KEY=${OPENAI_API_KEY}\n",
				"OPENAI_API_KEY=sk-proj-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
				// A CSS/JS identifier that happens to start with sk-proj-.
				`<div class="sk-proj-card sk-proj-card--highlighted">`,
			},
		},
		{
			ID:        "anthropic-api-key",
			Title:     "Anthropic API key",
			Severity:  High,
			Service:   "anthropic",
			Name:      "Anthropic",
			Kind:      KindSaaS,
			AdviceURL: "https://console.anthropic.com/settings/keys",
			Keywords:  []string{"sk-ant-"},
			Pattern:   tokStart + `(?P<secret>sk-ant-(?:api|admin|oat|ort)[0-9]{2}-[A-Za-z0-9_\-]{80,120})` + tokEnd,
			Validate:  randomAfterLastPrefix("sk-ant-", 0.75),
			Advice:    aiAdvice + " Anthropic: console.anthropic.com → Settings → API keys (admin keys under Admin keys).",
			Examples: []string{
				"ANTHROPIC_API_KEY=sk-ant-api03-VWo1Gwj0S-IjexVmeHQ7pvwKZ-2E1lc9jc5dUhT9yE133E3gA3sCsrl2LoSTzEFQXCfNSB6HgotItAoHlJLktNXGFxefdAA\n",
				`client = anthropic.Anthropic(api_key="sk-ant-admin01-P-UqM_QSsDEuSlV0S1dP2sM94KWhxVNXIGuG5V_N5cC5spJp1c_qJ1o796_GKIkPzn7mN83Bw_nYucvivBanqNpR2cCrCAA")`,
			},
			Negatives: []string{
				"ANTHROPIC_API_KEY=sk-ant-api03-...\n",
				"ANTHROPIC_API_KEY=${ANTHROPIC_API_KEY}\n",
				"client = anthropic.Anthropic(api_key=os.getenv(\"ANTHROPIC_API_KEY\"))\n",
				"ANTHROPIC_API_KEY=sk-ant-api03-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxAA\n",
				`if key.startswith("sk-ant-api03-"): kind = "anthropic"`,
			},
		},

		// Cloud and source hosting.
		{
			ID:        "google-api-key",
			Title:     "Google API key",
			Severity:  Medium,
			Service:   "google",
			Name:      "Google Cloud",
			Kind:      KindCloud,
			AdviceURL: "https://console.cloud.google.com/apis/credentials",
			Keywords:  []string{"aiza"},
			// Firebase configs name their authDomain a line or two away.
			WindowBefore: 3,
			WindowAfter:  3,
			Pattern:      tokStart + `(?P<secret>AIza[0-9A-Za-z_\-]{35})` + tokEnd,
			Validate:     validateGoogleKey,
			Advice:       "Delete or regenerate the key in Google Cloud Console → APIs & Services → Credentials, and restrict the new one to the APIs and apps (referrers, package names, IPs) that need it; check billing for unexpected use.",
			Examples: []string{
				"GOOGLE_API_KEY=AIzauSkFwY9V2B7u706D1JZ04w0BgppJOAWX6VT\n",
				`genai.configure(api_key="AIzaUAOxeaEK_kWPgL2Dx4JSGY0KcYAD4Y9r-I0")`,
				"const firebaseConfig = {\n  apiKey: \"AIzaUAOxeaEK_kWPgL2Dx4JSGY0KcYAD4Y9r-I0\",\n  authDomain: \"shop-9f3a1.firebaseapp.com\",\n};\n",
			},
			Negatives: []string{
				"GOOGLE_API_KEY=AIzaSyXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX\n",
				"GOOGLE_API_KEY=${GOOGLE_API_KEY}\n",
				"genai.configure(api_key=os.environ['GOOGLE_API_KEY'])\n",
				"GOOGLE_API_KEY=AIza-your-key-here\n",
				// "AIza" inside a longer base64 blob (an integrity hash).
				`"integrity": "sha512-Qx7mAIzauSkFwY9V2B7u706D1JZ04w0BgppJOAWX6VTz8KpL3nVb=="`,
			},
		},
		{
			ID:        "gitlab-token",
			Title:     "GitLab token",
			Severity:  High,
			Service:   "gitlab",
			Name:      "GitLab",
			Kind:      KindSaaS,
			AdviceURL: "https://gitlab.com/-/user_settings/personal_access_tokens",
			Keywords:  []string{"glpat-", "gldt-", "glrt-", "glrtr-", "glptt-", "glft-", "glsoat-", "glimt-", "glagent-", "gloas-", "glcbt-", "glffct-"},
			Pattern:   tokStart + `(?P<secret>gl(?:pat|dt|rt|rtr|ptt|ft|soat|imt|agent|oas|cbt|ffct)-[A-Za-z0-9_\-]{20,80}(?:\.[0-9a-z]{2}\.[0-9a-z]{7,11})?)` + `(?:[^A-Za-z0-9_\-.]|\.(?:[^0-9a-z]|$)|$)`,
			Validate:  validateGitLab,
			Advice:    "Revoke the token in GitLab (User settings → Access tokens, the project's or group's Access tokens / Deploy tokens, or the runner's page) now, and review the audit events for its use.",
			Examples: []string{
				"GITLAB_TOKEN=glpat-aPeZW8Qp7E0LZyKbFPV8\n",
				`git clone https://deploy:gldt-SqwNRP6V_OCcRzxhUol3@gitlab.com/acme/infra.git`,
				"  token = \"glrt-iKpzYQtM1KnA-2FXI3UQ\"\n",
				`curl -X POST -F token=glptt-743bcff7745abc8753b8044a50b8eb81629ccdc7 -F ref=main https://gitlab.com/api/v4/projects/4412/trigger/pipeline`,
			},
			Negatives: []string{
				"GITLAB_TOKEN=glpat-xxxxxxxxxxxxxxxxxxxx\n",
				"GITLAB_TOKEN=${GITLAB_TOKEN}\n",
				"token = os.getenv('GITLAB_TOKEN')  # glpat-...\n",
				"GITLAB_TOKEN=glpat-<your_access_token>\n",
				// A docs sentence naming the prefixes.
				"Personal access tokens start with glpat- and deploy tokens with gldt-.\n",
			},
		},

		// Messaging and email.
		{
			ID:           "twilio-api-key",
			Title:        "Twilio API key SID",
			Severity:     Medium,
			Service:      "twilio",
			Name:         "Twilio",
			Kind:         KindSaaS,
			AdviceURL:    "https://console.twilio.com",
			Keywords:     []string{"twilio"},
			WindowBefore: 5,
			WindowAfter:  5,
			Pattern:      `\b(?P<secret>SK[0-9a-f]{32})\b`,
			Validate:     randomAfter(2, 0.7),
			Advice:       "Delete the API key in the Twilio Console (Account → API keys & tokens); its secret is usually stored beside it.",
			Examples: []string{
				"TWILIO_API_KEY=SKe2f47ebb9f2ca062c401dbbedbb3b147\nTWILIO_API_SECRET=OLOQJDgcAjFUnMcLcBmHKnV8NEWSm5H3\n",
				"from twilio.rest import Client\n\nclient = Client('SKe2f47ebb9f2ca062c401dbbedbb3b147', api_secret, account_sid)\n",
			},
			Negatives: []string{
				"TWILIO_API_KEY=SKxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
				"TWILIO_API_KEY=${TWILIO_API_KEY}\n",
				"client = Client(os.getenv('TWILIO_API_KEY'), os.getenv('TWILIO_API_SECRET'))  # twilio\n",
				// The account SID (AC…) is an identifier, not a key.
				"TWILIO_ACCOUNT_SID=ACb253d71b576100e6c339ea0c9dceab55\n",
			},
		},
		{
			ID:           "twilio-auth-token",
			Title:        "Twilio auth token or API key secret",
			Severity:     High,
			Service:      "twilio",
			Name:         "Twilio",
			Kind:         KindSaaS,
			AdviceURL:    "https://console.twilio.com",
			Keywords:     []string{"twilio"},
			WindowBefore: 5,
			WindowAfter:  5,
			Pattern:      `(?i:twilio[a-z0-9_\-]*(?:token|secret)|auth[_\-]?token|api[_\-]?secret)` + assign + `(?P<secret>[A-Za-z0-9]{32})` + end,
			Entropy:      0.75,
			Advice:       "Rotate the auth token in the Twilio Console (Account → API keys & tokens → Auth tokens → request a secondary token, promote it), or delete the API key whose secret leaked; check the usage logs for messages and calls you did not make.",
			Examples: []string{
				"TWILIO_ACCOUNT_SID=ACb253d71b576100e6c339ea0c9dceab55\nTWILIO_AUTH_TOKEN=94059f99972644ac98be76eaba2e669e\n",
				"from twilio.rest import Client\n\naccount_sid = 'ACb253d71b576100e6c339ea0c9dceab55'\nauth_token = '94059f99972644ac98be76eaba2e669e'\n",
				"TWILIO_API_SECRET: OLOQJDgcAjFUnMcLcBmHKnV8NEWSm5H3\n",
			},
			Negatives: []string{
				"TWILIO_AUTH_TOKEN=your_auth_token_here\n",
				"TWILIO_AUTH_TOKEN=${TWILIO_AUTH_TOKEN}\n",
				"auth_token = os.environ['TWILIO_AUTH_TOKEN']\n",
				"TWILIO_AUTH_TOKEN=[AuthToken]\n",
				// Twilio's own docs hold 32 x's or a short sample.
				"TWILIO_AUTH_TOKEN=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
				// The account SID is 34 characters, not a token.
				"twilio_account_sid: ACb253d71b576100e6c339ea0c9dceab55\n",
			},
		},
		{
			ID:        "sendgrid-api-key",
			Title:     "SendGrid API key",
			Severity:  High,
			Service:   "sendgrid",
			Name:      "SendGrid",
			Kind:      KindSaaS,
			AdviceURL: "https://app.sendgrid.com/settings/api_keys",
			Keywords:  []string{"sg."},
			Pattern:   tokStart + `(?P<secret>SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43})` + tokEnd,
			Validate:  randomAfterLast(".", 0.7),
			Advice:    "Delete the key in SendGrid (Settings → API Keys) now; a leaked mail key is used to send phishing from your domain. Check the activity feed.",
			Examples: []string{
				"SENDGRID_API_KEY=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\n",
				`sg = SendGridAPIClient("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")`,
			},
			Negatives: []string{
				"SENDGRID_API_KEY=SG.xxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
				"SENDGRID_API_KEY=${SENDGRID_API_KEY}\n",
				"sg = SendGridAPIClient(os.environ.get('SENDGRID_API_KEY'))\n",
				"SENDGRID_API_KEY=SG.your-api-key\n",
			},
		},

		// Package registries.
		{
			ID:        "npm-token",
			Title:     "npm access token",
			Severity:  High,
			Service:   "npm",
			Name:      "npm",
			Kind:      KindSaaS,
			AdviceURL: "https://docs.npmjs.com/revoking-access-tokens",
			Keywords:  []string{"npm_", "_authtoken"},
			// Legacy tokens are UUIDs; they count only after _authToken=
			// in an .npmrc, where nothing else is a UUID.
			Pattern:  `\b(?P<secret>npm_[A-Za-z0-9]{36}|` + uuidPat + `)\b`,
			Validate: validateNpm,
			Advice:   registryAdvice + " npm: npmjs.com → Access Tokens (or `npm token revoke`).",
			Examples: []string{
				"//registry.npmjs.org/:_authToken=npm_snZLhNfCWRbbnwL4gCaAkspNU2g3f7k6dsaK\n",
				"NPM_TOKEN=npm_snZLhNfCWRbbnwL4gCaAkspNU2g3f7k6dsaK\n",
				"//registry.npmjs.org/:_authToken=170a5019-67dd-48fc-948e-259a0df2e00c\n",
			},
			Negatives: []string{
				"//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n",
				"NPM_TOKEN=npm_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
				"const token = process.env.NPM_TOKEN\n",
				"//registry.npmjs.org/:_authToken=<token>\n",
				// npm sets npm_config_* and npm_package_* variables.
				"echo $npm_config_registry $npm_package_version\n",
				`"resolved": "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz", "id": "170a5019-67dd-48fc-948e-259a0df2e00c"`,
			},
		},
		{
			ID:        "pypi-token",
			Title:     "PyPI API token",
			Severity:  High,
			Service:   "pypi",
			Name:      "PyPI",
			Kind:      KindSaaS,
			AdviceURL: "https://pypi.org/manage/account/token/",
			// "pypi-" then base64 of the macaroon's location "pypi.org"
			// (or "test.pypi.org").
			Keywords: []string{"pypi-ageichlwas5vcmc", "pypi-agendgvzdc5wexbplm9yzw"},
			Pattern:  tokStart + `(?P<secret>pypi-(?:AgEIcHlwaS5vcmc|AgENdGVzdC5weXBpLm9yZw)[A-Za-z0-9_\-]{50,})`,
			Validate: validatePyPI,
			Advice:   registryAdvice + " PyPI: pypi.org/manage/account/token/ (or the project's API tokens); prefer Trusted Publishing from CI.",
			Examples: []string{
				"[pypi]\n  username = __token__\n  password = pypi-AgEIcHlwaS5vcmcT5USTWoNr28U4zSAduaf4l2ruLSefmQnwudfPyD86TLazzY2uo08JofljGGvIIZhXTmv4_UcuWrthpxDon--kxzF7Wb2pbC6onfPCWnHH8NhNqPu_SVqVM4odMXxwn4htveUjIgFLkXd_s-rxeKLlC0evIsv2BBl\n",
				"TWINE_PASSWORD=pypi-AgEIcHlwaS5vcmcT5USTWoNr28U4zSAduaf4l2ruLSefmQnwudfPyD86TLazzY2uo08JofljGGvIIZhXTmv4_UcuWrthpxDon--kxzF7Wb2pbC6onfPCWnHH8NhNqPu_SVqVM4odMXxwn4htveUjIgFLkXd_s-rxeKLlC0evIsv2BBl\n",
			},
			Negatives: []string{
				"TWINE_PASSWORD=pypi-AgEIcHlwaS5vcmc...\n",
				"TWINE_PASSWORD=${PYPI_TOKEN}\n",
				"password: ${{ secrets.PYPI_API_TOKEN }}  # pypi-AgEIcHlwaS5vcmc\n",
				"password = pypi-AgEIcHlwaS5vcmcxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
			},
		},
		{
			ID:        "dockerhub-token",
			Title:     "Docker Hub access token",
			Severity:  High,
			Service:   "dockerhub",
			Name:      "Docker Hub",
			Kind:      KindSaaS,
			AdviceURL: "https://app.docker.com/settings/personal-access-tokens",
			Keywords:  []string{"dckr_pat_", "dckr_oat_"},
			Pattern:   tokStart + `(?P<secret>dckr_(?:pat|oat)_[A-Za-z0-9_\-]{27,32})` + tokEnd,
			Validate:  randomAfter(len("dckr_pat_"), 0.7),
			Advice:    registryAdvice + " Docker Hub: Account settings → Personal access tokens (organisation tokens under the organisation's settings); check that no image tag was pushed with it.",
			Examples: []string{
				"echo dckr_pat_Me-Atwfsoi3yYnEfkdG32cRxSGt | docker login -u acmebot --password-stdin\n",
				"DOCKERHUB_TOKEN=dckr_pat_Me-Atwfsoi3yYnEfkdG32cRxSGt\n",
			},
			Negatives: []string{
				"DOCKERHUB_TOKEN=dckr_pat_xxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
				"DOCKERHUB_TOKEN=${DOCKERHUB_TOKEN}\n",
				"password: ${{ secrets.DOCKERHUB_TOKEN }}  # dckr_pat_...\n",
				"DOCKERHUB_TOKEN=dckr_pat_<token>\n",
			},
		},

		// JWTs. Most JWTs in repositories are expired session tokens from
		// test fixtures, tutorials and HAR files, or public keys by design
		// (Supabase and Firebase "anon" keys ship in browser bundles).
		// Reporting every "eyJ…" is the noise users turn scanners off for.
		// A JWT is worth a finding when it is a long-lived credential: a
		// Supabase service_role key (bypasses row-level security), or a
		// signed token with no expiry (or a lifetime of months) that
		// carries authority — a role, scopes or permissions.
		{
			ID:        "supabase-service-role-key",
			Title:     "Supabase service_role key",
			Severity:  High,
			Service:   "supabase",
			Name:      "Supabase",
			Kind:      KindSaaS,
			AdviceURL: "https://supabase.com/dashboard",
			Keywords:  []string{"eyj"},
			Pattern:   jwtPat,
			Validate:  validateSupabase,
			Advice:    "Roll the project's JWT secret or API keys in the Supabase dashboard (Project settings → API) now: this key bypasses row-level security and reads and writes every table. Then review the database logs.",
			Examples: []string{
				"SUPABASE_SERVICE_ROLE_KEY=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6InFrdndocnR6cGxtZXhvbmJqZHNhIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImlhdCI6MTcyMTM4NDQ1NywiZXhwIjoyMDM2OTYwNDU3fQ.4v0brctMx2oTUxlx4c88bWMfxhMghho3hRwqVg7Z6wZ\n",
				`const supabase = createClient("https://qkvwhrtzplmexonbjdsa.supabase.co", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6InFrdndocnR6cGxtZXhvbmJqZHNhIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImlhdCI6MTcyMTM4NDQ1NywiZXhwIjoyMDM2OTYwNDU3fQ.4v0brctMx2oTUxlx4c88bWMfxhMghho3hRwqVg7Z6wZ")`,
			},
			Negatives: []string{
				"SUPABASE_SERVICE_ROLE_KEY=your-service-role-key\n",
				"SUPABASE_SERVICE_ROLE_KEY=${SUPABASE_SERVICE_ROLE_KEY}\n",
				"createClient(process.env.SUPABASE_URL, process.env.SUPABASE_SERVICE_ROLE_KEY)\n",
				// The anon key is public by design.
				"NEXT_PUBLIC_SUPABASE_ANON_KEY=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6InFrdndocnR6cGxtZXhvbmJqZHNhIiwicm9sZSI6ImFub24iLCJpYXQiOjE3MjEzODQ0NTcsImV4cCI6MjAzNjk2MDQ1N30.oCGtAIIx9J7Zds6KhHpjXa7I4Q-15qYXO4kKXmwBdui\n",
			},
		},
		{
			ID:       "jwt-long-lived",
			Title:    "Long-lived JWT carrying a role or scopes",
			Severity: Medium,
			Service:  "jwt",
			Name:     "JSON Web Token",
			Kind:     KindGeneric,
			Keywords: []string{"eyj"},
			Pattern:  jwtPat,
			Validate: validateJWT,
			Advice:   "Find the issuer (the token's iss claim) and revoke the token or rotate the signing key there; a token without expiry stays valid until its key changes.",
			Examples: []string{
				"API_TOKEN=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzdmMtYmlsbGluZy1leHBvcnQiLCJyb2xlIjoiYWRtaW4iLCJzY29wZSI6Imludm9pY2VzOndyaXRlIHBheW1lbnRzOnJlYWQiLCJpYXQiOjE3MTY5MTIwMDB9.x8I5BpIMHg45_LBPftAbkNc3DMTr0RtJcEBAsMeA0LM\n",
				`curl -H "Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzdmMtYmlsbGluZy1leHBvcnQiLCJyb2xlIjoiYWRtaW4iLCJzY29wZSI6Imludm9pY2VzOndyaXRlIHBheW1lbnRzOnJlYWQiLCJpYXQiOjE3MTY5MTIwMDB9.x8I5BpIMHg45_LBPftAbkNc3DMTr0RtJcEBAsMeA0LM" https://billing.internal/api/export`,
			},
			Negatives: []string{
				"API_TOKEN=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.<payload>.<signature>\n",
				"API_TOKEN=${API_TOKEN}\n",
				"headers = {'Authorization': f'Bearer {os.getenv(\"API_TOKEN\")}'}\n",
				// Expired session tokens from a test fixture.
				`{"access_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI4MTIzNCIsInJvbGUiOiJ1c2VyIiwiaWF0IjoxNjAwMDAwMDAwLCJleHAiOjE2MDAwMDM2MDB9.3kBR0zjdng9e32bjcyk2iLm3AYxENTiFXhXpP-5f3pY"}`,
				`{"id_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI4MTIzNCIsInNjb3BlIjoicmVhZCIsImlhdCI6MTcxNjkxMjAwMCwiZXhwIjoxNzE2OTE1NjAwfQ.EoLmxl-X3P-OJO9basJHUvlYrVUtbD1nT62f-gaR1F_"}`,
				// A public anon key.
				"SUPABASE_ANON_KEY=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6InFrdndocnR6cGxtZXhvbmJqZHNhIiwicm9sZSI6ImFub24iLCJpYXQiOjE3MjEzODQ0NTcsImV4cCI6MjAzNjk2MDQ1N30.oCGtAIIx9J7Zds6KhHpjXa7I4Q-15qYXO4kKXmwBdui\n",
			},
		},
	}
}

// jwtPat is a signed compact JWS whose header and payload are JSON objects.
const jwtPat = `(?:^|[^A-Za-z0-9_\-.])(?P<secret>eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{16,})` + `(?:[^A-Za-z0-9_\-.]|$)`

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

// validateEtherscan accepts only the mix of letters and digits that random
// base-36 keys have; all-hex values near the word are digests and ids.
func validateEtherscan(secret string, c Candidate) Verdict {
	if v, ok := publishedKey(secret); ok {
		return v
	}
	letters, digits := countClasses(secret)
	if letters < 6 || digits < 4 {
		return Verdict{Reject: true, Reason: "too few letters or digits for a random base-36 key"}
	}
	if strings.Trim(secret, "0123456789ABCDEF") == "" {
		return Verdict{Reject: true, Reason: "upper-case hex: a digest, not an explorer key"}
	}
	return Verdict{}
}

// validateAlchemy: in an Alchemy URL the shape is enough; after a label
// such as ALCHEMY_APP= a value must also look generated (both cases and a
// digit), which app names and slugs do not.
func validateAlchemy(secret string, c Candidate) Verdict {
	if v, ok := publishedKey(secret); ok {
		return v
	}
	if strings.Contains(c.Line, "/v2/"+secret) || strings.Contains(c.Line, "/v3/"+secret) {
		return Verdict{}
	}
	_, digits := countClasses(secret)
	if digits == 0 || strings.ToLower(secret) == secret || strings.ToUpper(secret) == secret {
		return Verdict{Reject: true, Reason: "does not mix cases and digits like a generated key"}
	}
	return Verdict{}
}

func validateMoralis(secret string, c Candidate) Verdict {
	if strings.HasPrefix(secret, "eyJ") {
		if _, ok := jwtPayload(secret); !ok {
			return Verdict{Reject: true, Reason: "not a decodable JWT"}
		}
		return Verdict{}
	}
	if strings.Trim(strings.ToLower(secret), "0123456789abcdef") == "" {
		// Moralis keys are mixed-case alphanumerics; 64 hex is a private
		// key or a hash sitting in the same config block.
		return Verdict{Reject: true, Reason: "64 hex: a private key or hash, not a Moralis key"}
	}
	return entropyVerdict(secret, 0.8)
}

var slackKind = map[string]string{
	"xoxb": "bot token", "xoxp": "user token", "xoxa": "workspace app token", "xoxr": "refresh token",
	"xoxs": "legacy session token", "xoxo": "legacy token", "xoxe": "rotating token", "xapp": "app-level token",
}

func validateSlack(secret string, c Candidate) Verdict {
	if v, ok := publishedKey(secret); ok {
		return v
	}
	if v := entropyVerdict(secret[strings.LastIndexByte(secret, '-')+1:], 0.7); v.Reject {
		return v
	}
	return Verdict{Note: "Slack " + slackKind[secret[:4]]}
}

// telegramContext is checked when the token's hash lacks the usual "AA".
var telegramContext = []string{"telegram", "bot", "token", "tg_"}

func validateTelegram(secret string, c Candidate) Verdict {
	hash := secret[strings.IndexByte(secret, ':')+1:]
	if !strings.HasPrefix(hash, "AA") {
		lw := strings.ToLower(c.Window)
		ok := false
		for _, w := range telegramContext {
			if strings.Contains(lw, w) {
				ok = true
				break
			}
		}
		if !ok {
			return Verdict{Reject: true, Reason: "no Telegram context and no \"AA\" hash prefix"}
		}
	}
	return entropyVerdict(hash, 0.7)
}

// validateDiscordToken checks that the first part is the base64 of the
// bot's user id (a snowflake: 17–20 digits); that one check removes nearly
// every other three-part dotted string.
func validateDiscordToken(secret string, _ Candidate) Verdict {
	parts := strings.Split(secret, ".")
	id, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[0], "="))
	if err != nil || len(id) < 17 || len(id) > 20 || strings.Trim(string(id), "0123456789") != "" {
		return Verdict{Reject: true, Reason: "first part is not a base64 user id"}
	}
	return entropyVerdict(parts[2], 0.7)
}

func validateStripe(secret string, c Candidate) Verdict {
	if v, ok := publishedKey(secret); ok {
		return v
	}
	if v := entropyVerdict(secret[8:], 0.75); v.Reject {
		return v
	}
	if strings.Contains(secret[:8], "_test_") {
		return Verdict{Severity: Low, Note: "test-mode key: no real money, but it reads and writes the account's test data"}
	}
	return Verdict{}
}

func validateOpenAI(secret string, _ Candidate) Verdict {
	body := secret[3:]
	for _, p := range []string{"proj-", "svcacct-", "admin-"} {
		if strings.HasPrefix(body, p) {
			body = body[len(p):]
			break
		}
	}
	// Project keys must mix cases and digits like generated ones; class
	// names and slugs ("sk-proj-card--highlighted") do not.
	letters, digits := countClasses(body)
	if digits < 4 || letters < 10 || strings.ToLower(body) == body {
		return Verdict{Reject: true, Reason: "does not mix cases and digits like a generated key"}
	}
	return entropyVerdict(body, 0.75)
}

// validateGoogleKey lowers browser and mobile config keys: Firebase and
// Android configs ship their key in every copy of the app, so the leak is
// only as bad as the key's API restrictions.
func validateGoogleKey(secret string, c Candidate) Verdict {
	if v := entropyVerdict(secret[4:], 0.7); v.Reject {
		return v
	}
	lp := strings.ToLower(c.Path)
	w := strings.ToLower(c.Window)
	if strings.HasSuffix(lp, "google-services.json") || strings.HasSuffix(lp, "googleservice-info.plist") ||
		strings.Contains(w, "firebase") || strings.Contains(w, "authdomain") || strings.Contains(w, "current_key") {
		return Verdict{Severity: Low, Note: "Firebase/app config key: public by design; check its API restrictions"}
	}
	return Verdict{}
}

func validateGitLab(secret string, _ Candidate) Verdict {
	i := strings.IndexByte(secret, '-')
	kind, body := secret[:i], secret[i+1:]
	if j := strings.IndexByte(body, '.'); j >= 0 {
		body = body[:j]
	}
	if v := entropyVerdict(body, 0.7); v.Reject {
		return v
	}
	switch kind {
	case "glcbt":
		return Verdict{Severity: Low, Note: "CI job token: valid only while its job runs"}
	case "glft":
		return Verdict{Severity: Medium, Note: "feed token: reads activity and calendar feeds"}
	case "gldt":
		return Verdict{Note: "deploy token"}
	case "glrt", "glrtr":
		return Verdict{Note: "runner token: can pick up jobs and their secrets"}
	}
	return Verdict{}
}

func validateNpm(secret string, c Candidate) Verdict {
	if strings.HasPrefix(secret, "npm_") {
		return entropyVerdict(secret[4:], 0.75)
	}
	if !strings.Contains(c.Line, "_authToken") {
		return Verdict{Reject: true, Reason: "UUID outside an .npmrc _authToken line"}
	}
	return randomUUID(secret, c)
}

func validatePyPI(secret string, _ Candidate) Verdict {
	const test = "pypi-AgENdGVzdC5weXBpLm9yZw"
	if strings.HasPrefix(secret, test) {
		if v := entropyVerdict(secret[len(test):], 0.7); v.Reject {
			return v
		}
		return Verdict{Severity: Low, Note: "token for test.pypi.org"}
	}
	return entropyVerdict(secret[len("pypi-AgEIcHlwaS5vcmc"):], 0.7)
}

// jwtPayload decodes the claims of a compact JWS, or reports false.
func jwtPayload(tok string) (map[string]any, bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, false
	}
	var claims map[string]any
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil || json.Unmarshal(raw, &claims) != nil {
		return nil, false
	}
	return claims, true
}

func jwtAlg(tok string) string {
	var hdr struct {
		Alg string `json:"alg"`
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(tok[:strings.IndexByte(tok, '.')], "="))
	if err != nil || json.Unmarshal(raw, &hdr) != nil {
		return ""
	}
	return hdr.Alg
}

func claimNum(claims map[string]any, k string) (float64, bool) {
	v, ok := claims[k].(float64)
	return v, ok
}

func claimStr(claims map[string]any, k string) string {
	s, _ := claims[k].(string)
	return s
}

// expired reports whether the token's exp has passed; time is read at scan
// time on purpose: a token that can no longer be used is no longer a leak.
func expired(claims map[string]any) bool {
	exp, ok := claimNum(claims, "exp")
	return ok && time.Unix(int64(exp), 0).Before(time.Now())
}

func validateSupabase(secret string, _ Candidate) Verdict {
	claims, ok := jwtPayload(secret)
	if !ok || claimStr(claims, "role") != "service_role" {
		return Verdict{Reject: true, Reason: "not a service_role JWT"}
	}
	iss := claimStr(claims, "iss")
	if iss == "supabase-demo" {
		return Verdict{Severity: Info, Note: "well-known public key: the Supabase CLI's local demo key"}
	}
	if iss != "supabase" && claimStr(claims, "ref") == "" && !strings.Contains(iss, "supabase") {
		return Verdict{Reject: true, Reason: "service_role claim without a Supabase issuer"}
	}
	if expired(claims) {
		return Verdict{Reject: true, Reason: "expired"}
	}
	if ref := claimStr(claims, "ref"); ref != "" {
		return Verdict{Note: "project " + ref}
	}
	return Verdict{}
}

// authorityClaims are claims that make a token grant something beyond
// "this user logged in".
var authorityClaims = []string{"role", "roles", "scope", "scp", "scopes", "permissions", "perms", "admin", "is_admin", "grants", "access", "authorities"}

// publicRoles mark keys meant to be public.
var publicRoles = map[string]bool{"anon": true, "anonymous": true, "public": true, "guest": true}

func validateJWT(secret string, _ Candidate) Verdict {
	switch strings.ToLower(jwtAlg(secret)) {
	case "", "none":
		// Unsigned tokens can be minted by anyone; they prove nothing.
		return Verdict{Reject: true, Reason: "unsigned or undecodable JWT"}
	}
	claims, ok := jwtPayload(secret)
	if !ok {
		return Verdict{Reject: true, Reason: "payload is not JSON"}
	}
	if claimStr(claims, "name") == "John Doe" || claimStr(claims, "sub") == "1234567890" {
		return Verdict{Severity: Info, Note: "well-known public token: jwt.io's sample"}
	}
	if v := validateSupabase(secret, Candidate{}); !v.Reject {
		return Verdict{Reject: true, Reason: "left to supabase-service-role-key"}
	}
	if publicRoles[strings.ToLower(claimStr(claims, "role"))] {
		return Verdict{Reject: true, Reason: "public (anon) key by design"}
	}
	if exp, ok := claimNum(claims, "exp"); ok {
		if expired(claims) {
			return Verdict{Reject: true, Reason: "expired"}
		}
		// Session tokens live minutes to days; a lifetime of months is a
		// credential someone minted to keep.
		if iat, ok := claimNum(claims, "iat"); !ok || exp-iat < 90*24*3600 {
			return Verdict{Reject: true, Reason: "short-lived session token"}
		}
	}
	for _, k := range authorityClaims {
		if _, ok := claims[k]; ok {
			if _, ok := claims["exp"]; !ok {
				return Verdict{Note: "signed token with no expiry"}
			}
			return Verdict{Note: "long-lived signed token"}
		}
	}
	return Verdict{Reject: true, Reason: "no role, scope or permission claim"}
}

// telegramTokens finds bot tokens (8–10 digits, a colon, 35 token
// characters) with a byte loop: trading bots mention Telegram on every
// other line, and a regex per window there was the slowest rule.
func telegramTokens(w []byte) [][2]int {
	var out [][2]int
	tokenByte := func(c byte) bool {
		return c == '_' || c == '-' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
	}
	for i := 0; i < len(w); i++ {
		if w[i] != ':' {
			continue
		}
		d := i
		for d > 0 && '0' <= w[d-1] && w[d-1] <= '9' {
			d--
		}
		if n := i - d; n < 8 || n > 10 {
			continue
		}
		// Before the id: a non-token byte, or the "bot" of an API URL.
		if d > 0 && tokenByte(w[d-1]) && !(d >= 3 && string(w[d-3:d]) == "bot") {
			continue
		}
		e := i + 1
		for e < len(w) && tokenByte(w[e]) {
			e++
		}
		if e-i-1 == 35 {
			out = append(out, [2]int{d, e})
		}
	}
	return out
}
