package detectors

import (
	"strings"
)

// blockchainAPIRules are the blockchain API providers — explorers, RPC nodes,
// market data — whose keys trading bots keep beside their exchange keys.
func blockchainAPIRules() []Rule {
	return []Rule{
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
			Pattern:   `(?:infura\.io/(?:ws/)?v3/|(?i:infura)[A-Za-z0-9_\-]*` + assignOp + `)(?P<secret>[0-9a-f]{32})\b`,
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
			ID:       "alchemy-api-key",
			Title:    "Alchemy API key",
			Severity: Medium,
			Service:  "alchemy",
			Keywords: []string{"alchemy"},
			Pattern:  `(?:alchemy(?:api)?\.(?:com|io)/(?:nft/)?v[23]/|(?i:alchemy)[A-Za-z0-9_\-]*(?:\(\{\s*[A-Za-z]+)?` + assignOp + `)(?P<secret>[A-Za-z0-9_\-]{32})` + tokEnd,
			Entropy:  0.8,
			Validate: validateAlchemy,
			Advice:   rpcAdvice + " Alchemy: dashboard.alchemy.com → Apps → the app → rotate the API key, and add an allowlist of domains or addresses.",
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
			ID:       "alchemy-auth-token",
			Title:    "Alchemy auth token",
			Severity: High,
			Service:  "alchemy",
			Keywords: []string{"alcht_"},
			Pattern:  `\b(?P<secret>alcht_[A-Za-z0-9]{30})\b`,
			Validate: randomAfter(len("alcht_"), 0.75),
			Advice:   "Delete the token in the Alchemy dashboard (account → auth tokens); it manages apps and webhooks for the whole team.",
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
			Pattern: `(?i:moralis[a-z0-9_\-]*|api[_\-]?key)` + assignOp +
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
			Pattern: `(?:helius(?:-rpc\.com|\.xyz)[^\s"'\x60?#]*\?(?:[^\s"'\x60#]*&)?api-key=|(?i:helius)[A-Za-z0-9_\-]*` + assignOp + `)` +
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
			Pattern:      `(?i:x-cmc_pro_api_key|cmc[_\-][a-z0-9_\-]*key|coinmarketcap[a-z0-9_\-]*|api[_\-]?key)` + assignOp + `(?P<secret>` + uuidPat + `)\b`,
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
			Pattern:      `(?:blockcypher\.com/[^\s"'\x60#]*[?&]token=|(?i:blockcypher[a-z0-9_\-]*|api[_\-]?key|api[_\-]?token|token)` + assignOp + `)(?P<secret>[0-9a-f]{32})\b`,
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
	}
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
