package detectors_test

import (
	"encoding/base64"
	"testing"

	"github.com/keyward/scan/detectors"
)

// Noise classes left on the hummingbot history and on a second set of
// unseen bot histories (issue 17), each as the file it was found in,
// rebuilt with made-up values, with a secret beside it that stays found.
func TestLargeHistoryNoiseClasses(t *testing.T) {
	k := func(l string, n int) string { return detectors.FakeValue(l, alnum, n) }
	runTraderCases(t, []traderCase{
		{"dict entries whose values are variables named like their keys", "scripts/amm_portfolio_manager.py",
			"            return {\n                \"profit_amount\": profit_amount,\n                \"fees_cost\": fees_cost,\n                \"fees_cost_in_token1\": fees_cost_in_token1,\n                \"initial_token1_balance\": initial_token1_balance,\n                \"final_token3_balance\": final_token3_balance,\n            }\n",
			nil},
		{"a dict entry with a literal stays", "scripts/amm_portfolio_manager.py",
			"            headers = {\n                \"fees_cost_in_token1\": fees_cost_in_token1,\n                \"api_token\": \"" + k("amm tok", 40) + "\",\n            }\n",
			[]string{"generic-secret@3"}},
		{"raw GitHub links in a token list", "gateway_files/conf/lists/solflare-tokenlist.json",
			`{"name":"Solana Token List","tokens":[{"chainId":101,"symbol":"MYST","logoURI":"https://raw.githubusercontent.com/someone/crypto/master/logo.png?token=GHSA` + detectors.FakeValue("raw gh", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 36) + `","tags":["social-token"]}]}` + "\n",
			nil},
		{"a token= parameter of an API URL stays", "bot/config.json",
			`{"feed": "https://api.example-data.io/v1/prices?token=` + k("feed tok", 40) + `"}` + "\n",
			[]string{"generic-secret@1"}},
		{"a key masked in places in a documented response", "hummingbot/connector/derivative/pacifica_perpetual/pacifica_perpetual_derivative.py",
			"    async def _create_api_key(self):\n        \"\"\"\n        Response:\n        {'success': True, 'data': {'api_key': '2fFZuXXX_CXB5XXXDGMRXXXDiCKTer'}, 'error': None, 'code': None}\n        \"\"\"\n",
			nil},
		{"a key that holds xxx once stays", "bot/settings.py",
			"API_KEY = \"" + "Q7mxxxR2" + k("one xxx", 24) + "\"\n",
			[]string{"generic-secret@1"}},
		{"forge-std vendored under lib/", "lib/forge-std/src/StdChains.sol",
			"        setChainWithDefaultRpcUrl(\"sepolia\", ChainData(\"Sepolia\", 11155111, \"https://sepolia.infura.io/v3/" + detectors.FakeValue("forge infura", hexLow, 32) + "\"));\n",
			nil},
		{"the project's own script with an RPC key stays", "script/Deploy.s.sol",
			"        vm.createSelectFork(\"https://sepolia.infura.io/v3/" + detectors.FakeValue("own infura", hexLow, 32) + "\");\n",
			[]string{"infura-api-key@1"}},
		{".NET user-secrets id in a project file", "src/BinanceBot.Worker/BinanceBot.Worker.csproj",
			"<Project Sdk=\"Microsoft.NET.Sdk.Worker\">\n  <PropertyGroup>\n    <TargetFramework>net8.0</TargetFramework>\n    <UserSecretsId>dotnet-BinanceBot.Worker-" + detectors.FakeUUID("secrets id") + "</UserSecretsId>\n  </PropertyGroup>\n</Project>\n",
			nil},
		{"a secret in a project file stays", "src/Bot/Bot.csproj",
			"<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup>\n    <ApiSecret>" + k("csproj secret", 40) + "</ApiSecret>\n  </PropertyGroup>\n</Project>\n",
			[]string{"generic-secret@3"}},
	})
}

// What the second unseen set missed or left unnamed (issue 17): an RPC
// provider's UUID key in the endpoint URL, and VALR's hex key pairs.
func TestUnseenBotHistoryMisses(t *testing.T) {
	u := detectors.FakeUUID
	hx := func(l string) string { return detectors.FakeValue(l, hexLow, 64) }
	runTraderCases(t, []traderCase{
		{"RPC endpoint with a UUID key in a bot's .env", ".env.multidex",
			"# ================================\n# GRPC BACKUP CONFIGURATION\n# ================================\nGRPC_ENDPOINT=https://edge.rpc.example.global?api-key=" + u("erpc") + "\nGRPC_TIMEOUT_MS=15\n\n# Solana RPC endpoints\nSOLANA_RPC_ENDPOINT=https://edge.rpc.example.global?api-key=" + u("erpc") + "\nRPC_ENDPOINTS=[\"https://edge.rpc.example.global?api-key=" + u("erpc") + "\"]\n",
			[]string{"url-uuid-api-key@4", "url-uuid-api-key@8", "url-uuid-api-key@9"}},
		{"ids in URLs are not keys", "bot/client.py",
			"ORDER_URL = \"https://api.example.com/v1/order?orderId=" + u("oid") + "&requestId=" + u("rid") + "\"\nRPC = \"https://rpc.example.com/?api-key=${RPC_KEY}\"\n",
			nil},
		{"VALR script with its main account's pair", "bots/cm-bot-v2/scripts/close_all_positions.py",
			"import hmac\nimport hashlib\nimport requests\n\n# Configuration\nBASE_URL = \"https://api.valr.com\"\nLOG_FILE = \"logs/close-all-positions.log\"\n\n# API Credentials\nMAIN_API_KEY = \"" + hx("valr main k") + "\"\nMAIN_API_SECRET = \"" + hx("valr main s") + "\"\nCM1_SUBACCOUNT_ID = \"1483472097578319872\"\n",
			[]string{"valr-api-secret@11"}},
		{"VALR monitoring script", "bots/monitoring/check_monitoring.sh",
			"#!/bin/bash\n# check the VALR bot\nexport VALR_API_KEY=" + hx("valr sh k") + "\nexport VALR_API_SECRET=" + hx("valr sh s") + "\npython3 monitor.py\n",
			[]string{"valr-api-secret@4"}},
		{"VALR order ids are not keys", "bots/valr_orders.py",
			"# valr order book\norder_id = \"" + hx("valr oid") + "\"\ncustomer_order_id = \"" + hx("valr coid") + "\"\n",
			nil},
	})
}

// Noise classes of the third unseen set (issue 17): a test password built
// by a template string, and test material under test-results/, test-helpers/
// and *-test.js names. Each comes with a real value beside it that stays.
func TestUnseenSetThreeNoise(t *testing.T) {
	hx := func(l string, n int) string { return detectors.FakeValue(l, hexLow, n) }
	neon := "napi_" + detectors.FakeValue("neon", "abcdefghijklmnopqrstuvwxyz0123456789", 64)
	runTraderCases(t, []traderCase{
		{"a hex secret in YAML stays", "deploy/config.yml",
			"webhook:\n  name: internal\n  secret: " + hx("yaml sec", 40) + "\n",
			[]string{"generic-secret@3"}},
		{"test user's password built by a template", "src/lib/test-helpers/clerk-auth-test-helpers.ts",
			"export async function createTestUser({\n    email = `test_user_${Date.now()}@example.com`,\n    password = `TestPassword${Date.now()}!`,\n    firstName = \"Test\",\n}: Partial<TestUser> = {}) {\n",
			nil},
		{"a template password outside tests, and a literal beside it", "scripts/seed.ts",
			"const tmp = `Onboard${Date.now()}!`;\nconst password = `Onboard${Date.now()}!`;\nconst adminPassword = \"Qz7" + detectors.FakeValue("seed pw", alnum, 13) + "\";\n",
			[]string{"generic-secret@3"}},
		{"a test report holding test sources", "test-results/html.meta.json",
			`{"files":[{"source":"const mockConfig = {\n      apiKey: 'test-api-key-` + detectors.FakeValue("tr k", alnum, 20) + `',\n      secretKey: '` + detectors.FakeValue("tr s", alnum, 32) + `',\n    };"}]}` + "\n",
			nil},
		{"a security test's account password", "multi-user-security-test.js",
			"const user = {\n    email: `sectest${suffix}${Date.now()}@example.com`,\n    password: 'SecureTest123!@#',\n    name: `Security Test User ${suffix}`,\n};\n",
			nil},
		{"a Neon key as a config fallback stays", "vitest.config.unified.js",
			"export default defineConfig({\n  test: {\n    env: {\n      NEON_API_KEY: process.env.NEON_API_KEY || '" + neon + "',\n    },\n  },\n});\n",
			[]string{"generic-secret@4"}},
	})
}

// A miss in the hummingbot history (issue 17): a bloXroute Cloud API
// authorization header, base64 of "account-id:secret-hash", handed to the
// SDK as auth_header= beside the wallet's key.
func TestLargeHistoryAuthHeader(t *testing.T) {
	header := base64.StdEncoding.EncodeToString([]byte(detectors.FakeUUID("bx acct") + ":" + detectors.FakeValue("bx secret", hexLow, 32)))
	runTraderCases(t, []traderCase{
		{"bloXroute provider built with its auth header", "hummingbot/connector/exchange/bloxroute_openbook/bloxroute_openbook_exchange.py",
			"        self._server_response = GetServerTimeResponse\n\n        self._provider_1: Provider = WsProvider(auth_header=\"" + header + "\")\n        asyncio.create_task(self.connect())\n",
			[]string{"generic-secret@3"}},
		{"an auth header read from the config or built per request", "bot/bx_client.py",
			"provider = WsProvider(auth_header=self._auth_header)\nauth_header = os.environ[\"BLOXROUTE_AUTH_HEADER\"]\nheaders = {\"auth_header\": f\"Bearer {token}\"}\n",
			nil},
	})
}
