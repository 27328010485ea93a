package detectors_test

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/assign"
	"github.com/keyward/scan/internal/engine"
	"github.com/keyward/scan/internal/mnemonic"
	"github.com/tyler-smith/go-bip39"
	"github.com/tyler-smith/go-bip39/wordlists"
)

// scanFile writes text to rel under a temporary directory, reads it back
// and scans it with every built-in rule, as a source would.
func scanFile(t *testing.T, eng *engine.Engine, rel, text string) []detectors.Finding {
	t.Helper()
	p := filepath.Join(t.TempDir(), filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return eng.Scan(engine.Chunk{Path: rel, Data: data, Line: 1, Column: 1})
}

func defaultEngine(t *testing.T) *engine.Engine {
	t.Helper()
	eng, err := engine.New(detectors.Default(), engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

// Every syntax of the shared table, for rules that read a labelled value:
// the generic rule, a labelled service key, an exchange key and
// self-identifying tokens written in the same places.
func TestAssignSyntaxes(t *testing.T) {
	eng := defaultEngine(t)
	cases := []struct {
		rule, name, value string
	}{
		{"generic-secret", "api_token", detectors.FakeValue("syntax generic", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 40)},
		{"coinapi-api-key", "coinapi_key", strings.ToUpper(detectors.FakeUUID("syntax coinapi"))},
		{"binance-api-key", "binance_api_key", detectors.FakeValue("syntax binance", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 64)},
		{"telegram-bot-token", "telegram_bot_token", "8720606271:AA" + detectors.FakeValue("syntax telegram", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-", 33)},
		{"stripe-secret-key", "stripe_secret_key", "sk_live_" + detectors.FakeValue("syntax stripe", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 99)},
	}
	for _, s := range assign.Syntaxes {
		for _, c := range cases {
			text := strings.NewReplacer("{name}", c.name, "{NAME}", strings.ToUpper(c.name), "{value}", c.value).Replace(s.Sample)
			if !hasRule(scanFile(t, eng, s.File, text), c.rule) {
				t.Errorf("%s: %s not found in %s:\n%s", s.Name, c.rule, s.File, text)
			}
		}
	}
}

// The parser must not turn comparisons, markup and references into
// assignments of a value.
func TestAssignSyntaxNegatives(t *testing.T) {
	eng := defaultEngine(t)
	value := detectors.FakeValue("syntax neg", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 40)
	for file, text := range map[string]string{
		"check.py":     "if api_token == \"" + value + "\":\n    pass\n",
		"check.go":     "if apiToken != \"" + value + "\" {\n}\n",
		"page.html":    "<p class=\"token\">\n  Your token looks like " + value + " and more text\n</p>\n",
		"Dockerfile":   "FROM python:3.12\nENV API_TOKEN ${API_TOKEN}\n",
		"setup.ps1":    "$env:API_TOKEN = $env:CI_TOKEN\n",
		"config.yaml":  "api_token: |\n  ${API_TOKEN}\n",
		"Main.java":    "System.setProperty(\"API_TOKEN\", System.getenv(\"API_TOKEN\"));\n",
		"settings.xml": "<apiToken>\n  ${env.API_TOKEN}\n</apiToken>\n",
		"api_auth.py":  "ws_token = api_config.get('ws_token', '" + value + "')\n",
		"cli.py":       "parser.add_argument(\"--config-password\", \"--wallet-password\", \"-p\", type=str)\n",
	} {
		if fs := scanFile(t, eng, file, text); len(fs) > 0 {
			t.Errorf("%s: reported %s:\n%s", file, describe(fs), text)
		}
	}
}

// Checksum-valid phrases in every BIP-39 list, as wallets show them: the
// Japanese one joined by the ideographic space, Spanish and French also
// typed without accents.
func TestMnemonicLanguages(t *testing.T) {
	eng := defaultEngine(t)
	entropy := make([]byte, 16)
	for i := range entropy {
		entropy[i] = byte(i*37 + 11)
	}
	english, err := bip39.NewMnemonic(entropy)
	if err != nil {
		t.Fatal(err)
	}
	index := map[string]int{}
	for i, w := range wordlists.English {
		index[w] = i
	}
	// The same phrase with its first word changed so that the checksum
	// fails; the checksum depends on word indices only, so it fails in
	// every list.
	ew := strings.Fields(english)
	var broken string
	for i := 1; ; i++ {
		w := append([]string{wordlists.English[(index[ew[0]]+i)%2048]}, ew[1:]...)
		if broken = strings.Join(w, " "); !bip39.IsMnemonicValid(broken) {
			break
		}
	}
	translate := func(phrase string, list []string, sep string, strip bool) string {
		var out []string
		for _, w := range strings.Fields(phrase) {
			word := list[index[w]]
			if strip {
				word = mnemonic.StripAccents(word)
			}
			out = append(out, word)
		}
		return strings.Join(out, sep)
	}
	for _, c := range []struct {
		lang, file, format string
		list               []string
		sep                string
		strip              bool
	}{
		{"Spanish", "notas/cartera.txt", "frase semilla (seed phrase):\n%s\n", wordlists.Spanish, " ", false},
		{"Spanish", "notas/cartera.txt", "seed: %s\n", wordlists.Spanish, " ", true},
		{"French", "notes/portefeuille.md", "Phrase de récupération (seed) :\n%s\n", wordlists.French, " ", false},
		{"French", "notes/portefeuille.md", "mnemonic = \"%s\"\n", wordlists.French, " ", true},
		{"Japanese", "メモ/wallet.txt", "ニーモニック (mnemonic):\n%s\n", wordlists.Japanese, "\u3000", false},
		{"Japanese", "メモ.txt", "ニーモニック：\n%s\n", wordlists.Japanese, "\u3000", false},
		{"Korean", "메모.txt", "니모닉: %s\n", wordlists.Korean, " ", false},
		{"Chinese (simplified)", "备忘.txt", "助记词：%s\n", wordlists.ChineseSimplified, " ", false},
		{"Spanish", "notas.txt", "frase semilla: %s\n", wordlists.Spanish, " ", false},
		{"Korean", "backup/seed.txt", "%s\n", wordlists.Korean, " ", false},
		{"Chinese (simplified)", "备份/seed.txt", "助记词 mnemonic: %s\n", wordlists.ChineseSimplified, " ", false},
		{"Chinese (traditional)", "notes.txt", "seed phrase 助記詞: %s\n", wordlists.ChineseTraditional, " ", false},
	} {
		text := fmt.Sprintf(c.format, translate(english, c.list, c.sep, c.strip))
		fs := scanFile(t, eng, c.file, text)
		if !hasRule(fs, "bip39-mnemonic") || !strings.Contains(noteOf(fs), c.lang) {
			t.Errorf("%s phrase not found (or language not named) in %s: %s %s\n%s", c.lang, c.file, describe(fs), noteOf(fs), text)
		}
		bad := fmt.Sprintf(c.format, translate(broken, c.list, c.sep, c.strip))
		if hasRule(scanFile(t, eng, c.file, bad), "bip39-mnemonic") {
			t.Errorf("%s phrase with a bad checksum reported:\n%s", c.lang, bad)
		}
	}
}

func noteOf(fs []detectors.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(strings.Join(f.Notes, "; "))
	}
	return b.String()
}

// A 24-word phrase pasted into code needs no context word.
func TestLongMnemonicInSource(t *testing.T) {
	eng := defaultEngine(t)
	entropy := make([]byte, 32)
	for i := range entropy {
		entropy[i] = byte(i*53 + 7)
	}
	phrase, err := bip39.NewMnemonic(entropy)
	if err != nil {
		t.Fatal(err)
	}
	for file, text := range map[string]string{
		"cmd/bot/main.go":   "package main\n\nconst words = \"" + phrase + "\"\n",
		"scripts/deploy.py": "# " + phrase + "\nimport os\n",
		"src/index.ts":      "const w = new Wallet(fromWords(`" + phrase + "`));\n",
	} {
		if !hasRule(scanFile(t, eng, file, text), "bip39-mnemonic") {
			t.Errorf("%s: 24-word phrase not found:\n%s", file, text)
		}
	}
	words := strings.Fields(phrase)
	words[0], words[1] = words[1], words[0]
	bad := strings.Join(words, " ")
	if fs := scanFile(t, eng, "cmd/bot/main.go", "package main\n\nconst words = \""+bad+"\"\n"); hasRule(fs, "bip39-mnemonic") {
		t.Errorf("24 words with a bad checksum reported in code")
	}
}

// The services added for peers' examples, each in a file as a bot's
// author writes it, and a look-alike that must stay quiet.
func TestServiceFiles(t *testing.T) {
	eng := defaultEngine(t)
	alnum := "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	hex := "0123456789abcdef"
	uuid := detectors.FakeUUID("service files")
	b64 := base64Std
	cases := []struct {
		rule, file, text string
		want             bool
	}{
		{"coinapi-api-key", "docker-compose.yml", "services:\n  collector:\n    image: ghcr.io/acme/collector\n    environment:\n      COINAPI_KEY: " + strings.ToUpper(uuid) + "\n", true},
		{"coinapi-api-key", "collector/settings.py", "# coinapi\nREQUEST_ID = \"" + strings.ToUpper(uuid) + "\"\n", false},
		{"cryptocompare-api-key", "bot/.env", "CRYPTOCOMPARE_API_KEY=" + detectors.FakeValue("svc cc", hex, 64) + "\n", true},
		{"santiment-api-key", "research/sentiment.ipynb", "{\"cells\": [{\"source\": [\"import san\\n\", \"san.ApiConfig.api_key = '" + detectors.FakeValue("svc san1", "abcdefghijklmnopqrstuvwxyz0123456789", 16) + "_" + detectors.FakeValue("svc san2", "abcdefghijklmnopqrstuvwxyz0123456789", 16) + "'\\n\"]}]}\n", true},
		{"nodereal-endpoint", "hardhat.config.js", "module.exports = {\n  networks: {\n    bsc: { url: \"https://bsc-mainnet.nodereal.io/v1/" + detectors.FakeValue("svc nodereal", hex, 32) + "\" },\n  },\n};\n", true},
		{"ankr-endpoint", "config.toml", "[rpc]\nurl = \"https://rpc.ankr.com/eth/" + detectors.FakeValue("svc ankr", hex, 64) + "\"\n", true},
		{"ankr-endpoint", "config.toml", "[rpc]\nurl = \"https://rpc.ankr.com/eth\"\n", false},
		{"microsoft-teams-webhook", ".github/workflows/notify.yml", "jobs:\n  notify:\n    runs-on: ubuntu-latest\n    steps:\n      - run: curl -H 'Content-Type: application/json' -d '{\"text\":\"done\"}' https://acme.webhook.office.com/webhookb2/" + detectors.FakeUUID("t1") + "@" + detectors.FakeUUID("t2") + "/IncomingWebhook/" + detectors.FakeValue("t3", hex, 32) + "/" + detectors.FakeUUID("t4") + "\n", true},
		{"slack-webhook", "notify.sh", "curl -X POST --data '{\"text\":\"filled\"}' hooks.slack.com/services/T024BE7LD/B08AFLL6Y/" + detectors.FakeValue("svc slack", alnum, 24) + "\n", true},
		{"slack-token", "legacy/slack.rb", "SLACK_TOKEN = 'xoxs-416843729158-132049654-5609968301-" + detectors.FakeValue("svc xoxs", hex, 12) + "'\n", true},
		{"aws-session-token", ".aws/credentials", "[temp]\naws_access_key_id = ASIAY34FZKBOKMUTVV7A\naws_secret_access_key = qD0cVs8mZ4LBCz/3ZtP9rX1eHNwY7KdGfA2uJoiT\naws_session_token = IQoJb3JpZ2luX2VjE" + detectors.FakeValue("svc sts", alnum+"+/", 280) + "\n", true},
		{"aws-appsync-api-key", "src/aws-exports.js", "const awsmobile = {\n  aws_appsync_graphqlEndpoint: 'https://x7kq2w.appsync-api.eu-west-1.amazonaws.com/graphql',\n  aws_appsync_apiKey: 'da2-" + detectors.FakeValue("svc appsync", "abcdefghijklmnopqrstuvwxyz0123456789", 26) + "',\n};\n", true},
		{"aws-bedrock-api-key", "agent/.env", "AWS_BEARER_TOKEN_BEDROCK=ABSKQmVkcm9ja0FQSUtleS1" + detectors.FakeValue("svc bedrock", alnum+"+/", 120) + "\n", true},
		{"github-token", "ci/release.sh", "export GH_TOKEN=github_pat_" + detectors.FakeValue("svc gh1", alnum, 22) + "_" + detectors.FakeValue("svc gh2", alnum, 59) + "\n", true},
		{"stripe-secret-key", "Makefile", "STRIPE_KEY ?= sk_live_" + detectors.FakeValue("svc stripe", alnum, 99) + "\n", true},
		{"telegram-bot-token", "alerts.ps1", "$env:TELEGRAM_BOT_TOKEN = '7412589630:AA" + detectors.FakeValue("svc tg", alnum+"_-", 33) + "'\n", true},
		{"docker-registry-auth", ".docker/config.json", "{\n\t\"auths\": {\n\t\t\"ghcr.io\": {\n\t\t\t\"auth\": \"" + b64("trader:"+detectors.FakeValue("svc docker", alnum, 24)) + "\"\n\t\t}\n\t}\n}\n", true},
		{"docker-registry-auth", ".docker/config.json", "{\n\t\"auths\": {\n\t\t\"ghcr.io\": {}\n\t},\n\t\"credsStore\": \"osxkeychain\"\n}\n", false},
		{"gitlab-runner-registration-token", "scripts/runner.sh", "gitlab-runner register --url https://gitlab.com/ --registration-token GR1348941" + detectors.FakeValue("svc runner", alnum, 20) + "\n", true},
		{"npm-token", ".github/workflows/publish.yml", "env:\n  NPM_TOKEN: " + uuid + "\n", true},
		{"generic-secret", "Web.config", "<configuration>\n  <appSettings>\n    <add key=\"PaymentApiSecret\" value=\"" + detectors.FakeValue("svc dotnet", alnum, 32) + "\" />\n  </appSettings>\n</configuration>\n", true},
		{"private-key", "src/main/java/Keys.java", "String key = \"-----BEGIN PRIVATE KEY-----\\n\" +\n  \"" + strings.Repeat(detectors.FakeValue("svc pem", alnum+"+/", 64)+"\" +\n  \"", 3) + "\" +\n  \"-----END PRIVATE KEY-----\";\n", true},
	}
	for _, c := range cases {
		fs := scanFile(t, eng, c.file, c.text)
		if got := hasRule(fs, c.rule); got != c.want {
			t.Errorf("%s in %s: found=%v, want %v (%s)\n%s", c.rule, c.file, got, c.want, describe(fs), c.text)
		}
	}
}

func base64Std(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
