package detectors

import (
	"github.com/keyward/scan/internal/assign"

	"encoding/base64"
	"strings"
)

// assignOp is the shared shape of "label = value" as people write it in .env
// files, shell exports, YAML, JSON, Python, JS and Go: an optional quote
// around the label, one of : = := => and an optional quote around the value.
// A backslash may precede the quotes: notebooks and other JSON-embedded
// code escape them.
const assignOp = `\\?["']?\s*(?::=|=>|=|:)\s*(?:[A-Za-z_][A-Za-z0-9_]*\()?\\?["'\x60]{0,3}`

// end is what may follow a value: a quote, a separator, or the line's end.
const end = `(?:["'\x60\s,;)}\]&\\]|$)`

const cloudAdvice = "Revoke the key at the provider now and create a new one; check the provider's audit log for use of the old key; keep the new key in a secrets manager or environment, never in git."

func coreRules() []Rule {
	return []Rule{
		{
			ID:        "aws-access-key-id",
			Title:     "AWS access key ID",
			Severity:  Medium,
			Service:   "aws",
			AdviceURL: "https://console.aws.amazon.com/iam/home#/security_credentials",
			Part:      PartKey,
			Keywords:  []string{"akia", "asia", "abia", "acca"},
			Pattern:   `\b(?P<secret>(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b`,
			Entropy:   0.6,
			Validate:  validateAWSKeyID,
			Advice:    cloudAdvice,
			Examples: []string{
				"[default]\naws_access_key_id = AKIAOK5AIJWPAZJPJIS7\n",
				`export AWS_ACCESS_KEY_ID="ASIAY34FZKBOKMUTVV7A"`,
			},
			Negatives: []string{
				"aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
				"aws_access_key_id = AKIAXXXXXXXXXXXXXXXX",
			},
		},
		{
			ID:        "aws-secret-access-key",
			Title:     "AWS secret access key",
			Severity:  High,
			Service:   "aws",
			AdviceURL: "https://console.aws.amazon.com/iam/home#/security_credentials",
			Part:      PartSecret,
			Keywords:  []string{"secret_access_key", "secretaccesskey", "secret-access-key", "aws_secret", "awssecret"},
			Pattern:   `(?i)(?:aws)?_?secret_?(?:access)?_?key["']?` + assignOp + `(?P<secret>[A-Za-z0-9/+]{40})` + end,
			Entropy:   0.8,
			Advice:    cloudAdvice,
			Examples: []string{
				"aws_access_key_id = AKIAOK5AIJWPAZJPJIS7\naws_secret_access_key = GRj3juJ6yIedHqdNud7W7JJeYAd9D5TTtGPNmDcl\n",
				`AWS_SECRET_ACCESS_KEY: "qD0cVs8mZ4LBCz/3ZtP9rX1eHNwY7KdGfA2uJoiT"`,
			},
			Negatives: []string{
				"aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
				"aws_secret_access_key = ${AWS_SECRET_ACCESS_KEY}",
				"aws_secret_access_key = os.environ['AWS_SECRET_ACCESS_KEY']",
			},
		},
		{
			ID:        "github-token",
			Title:     "GitHub token",
			Severity:  High,
			Service:   "github",
			Name:      "GitHub",
			Kind:      KindSaaS,
			AdviceURL: "https://github.com/settings/tokens",
			Keywords:  []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"},
			Pattern:   `\b(?P<secret>(?:gh[pousr]_[A-Za-z0-9]{36}|ghr_[A-Za-z0-9]{76}|github_pat_[A-Za-z0-9_]{82}))\b`,
			Entropy:   0.75,
			Validate:  validateGitHubToken,
			Advice:    "Revoke the token in GitHub (Settings → Developer settings, or the organisation's token list) now, and review the audit log for its use.",
			Examples: []string{
				`GITHUB_TOKEN=ghp_R8bmXJ1yPq0Tz4WcV6nKdE2sLhA9uF3oGi7N`,
				`git clone https://x-access-token:ghs_2Ld9QwXbZ7mK4cRt1VnE8yHpJ6sAu3FoGk5T@github.com/o/r.git`,
			},
			Negatives: []string{
				`token = "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"`,
				`prefix := "ghp_"`,
			},
		},
		{
			ID:    "private-key",
			Title: "Private key (PEM)",
			// Exchange rules claim the PEM keys that stand beside an
			// exchange's key id; this rule takes the rest.
			Generic:          true,
			Severity:         High,
			Service:          "pem",
			Name:             "PEM private key",
			Kind:             KindGeneric,
			Keywords:         []string{"private key-----", "private key block-----"},
			WindowAfter:      120,
			Pattern:          `(?P<secret>-----BEGIN[ A-Z0-9]{0,20}PRIVATE KEY(?: BLOCK)?-----(?:[A-Za-z0-9+/=\s:,\-\\]|\\n|\\r|"\s*\+?\s*")+?-----END[ A-Z0-9]{0,20}PRIVATE KEY(?: BLOCK)?-----)`,
			Validate:         validatePEM,
			KeepPlaceholders: true,
			Advice:           "Treat the key as compromised: replace it (new key pair, new certificate or deploy key), remove the old public key from every server, service and exchange that trusts it, and keep private keys out of repositories.",
			Examples: []string{
				"-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAtWeXgqhjyW3++xpLS2nyGBhvcjO0Ezr1X7d//TdBoMUcpNwa\ng/Lo/WWq6zFH6a/hGyEIO3rH3XlxiKQLfBF4v/SwPbJgZ6GJ8pQ6u4E5vPo3Bv45\n-----END RSA PRIVATE KEY-----\n",
				`{"privateKey": "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIGp4aLgYqk2Z7x2bqQy0Y6jN1Kc1oXK3Qy6mNQn4XyZLoAoGCCqGSM49\nAwEHoUQDQgAE8l6mVvXoYk1v0x1pQ==\n-----END EC PRIVATE KEY-----\n"}`,
			},
			Negatives: []string{
				"-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE8l6mVvXoYk1v0x1pQ0b3c4d5e6f7g8h9\n-----END PUBLIC KEY-----\n",
				"-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ4e0aW1nZ2F0ZXdheS1leGFtcGxlLWNlcnQwCgYIKoZI\n-----END CERTIFICATE-----\n",
				"const header = \"-----BEGIN RSA PRIVATE KEY-----\"\nconst footer = \"-----END RSA PRIVATE KEY-----\"\n",
				// Binance's FIX API guide signs its example logon with it.
				"The Ed25519 private key used in the example computation is shown below:\n\n```\n-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIIJEYWtGBrhACmb9Dvy+qa8WEf0lQOl1s4CLIAB9m89u\n-----END PRIVATE KEY-----\n```\n",
			},
		},
		{
			ID:       "generic-secret",
			Title:    "Secret assigned to a secret-looking name",
			Severity: Medium,
			Service:  "generic",
			Name:     "Unknown issuer",
			Kind:     KindGeneric,
			Generic:  true,
			Keywords: []string{"secret", "token", "passwd", "password", "api_key", "apikey", "api-key", "access_key", "accesskey", "auth_key", "auth_header", "private_key", "credential"},
			Finder:   genericFinder,
			Entropy:  0.8,
			Validate: validateGeneric,
			Advice:   "Rotate this secret where it was issued, then move it out of the file into an environment variable or a secrets manager.",
			Examples: []string{
				`SENTRY_AUTH_TOKEN=8f3a9c1e5b7d2f4a6c8e0b1d3f5a7c9e2b4d6f8a0c1e3b5d7f9a2c4e6b8d0f1a`,
				`db_password: "V9q!mT2#rLx7pK"`,
				`client_secret = "q8ZfXW1cVb5nM3kJ7hGd2sAp9oLe4iUy"`,
				// An exchange SDK's import at the top does not make a
				// database password far below the exchange's passphrase.
				"from okx import MarketData, PublicData\n" + strings.Repeat("\n", 12) + "conn = pymysql.connect(\n    host=\"192.168.123.11\",\n    user=\"root\",\n    password=\"qwe12345\",\n    database=\"trading_db\",\n)\n",
			},
			Negatives: []string{
				`password = getpass.getpass()`,
				`"key": "ctrl+shift+down"`,
				`secret_key = settings.SECRET_KEY_FROM_ENV`,
				`token: ${{ secrets.GITHUB_TOKEN }}`,
				`password: "changeme"`,
				`api_key = os.getenv("API_KEY")`,
				`tokenizer = AutoTokenizer.from_pretrained("bert-base-uncased")`,
				`"integrity": "sha512-9a1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c=="`,
				`password_hash = "$2b$12$KIXQJ4a1r0h8e6T2y5Wn4uG9ZcH7LkM3pQ1sV8xB0nD2fJ6gE4aC"`,
				`val apiToken = apiAccessTokenRepository.findById("3f6c2a9e-8b1d-4e7f-a2c5-9d0b7e4f1a63").orElseThrow {`,
				// ClickHouse's users.xml and config.xml as shipped: a
				// password's hash under a name that says so, and a type.
				"<users>\n    <default>\n        <password_sha256_hex>65e84be33532fb784c48129675f9eff3a682b27168c0ea744b2cf58ee02337c5</password_sha256_hex>\n    </default>\n</users>\n",
				"<clickhouse>\n    <default_password_type>sha256_password</default_password_type>\n</clickhouse>\n",
				"JWT_SECRET: test-secret-key-for-ci-pipeline-minimum-32-chars\n",
				// A crypto token's mint and program ids are public keys.
				`TOKEN_MINT = "JLPzQ2nUv8ZG4ykJ3yBVDmXcWo5LqT7rsAUeHt6YfxNk"`,
				`private static readonly TOKEN_2022_PROGRAM = 'TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEuBvf9Ss623VQ5DA';`,
				"except ImportError:\n    TOKEN_2022_PROGRAM_ID = Pubkey.from_string(\"TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEuBvf9Ss623VQ5DA\")\n",
				// detect-secrets' baseline keeps a hash of each secret.
				"{\n  \"results\": {\n    \"config.py\": [\n      {\n        \"type\": \"Secret Keyword\",\n        \"filename\": \"config.py\",\n        \"hashed_secret\": \"1024a5b3c8f9e2d7a6b5c4d3e2f1a0b9c8d7e6f5\",\n        \"is_verified\": false\n      }\n    ]\n  }\n}\n",
				// A Rails form saved with its page: a CSRF token.
				"<input type=\"hidden\" name=\"authenticity_token\" id=\"authenticity_token\" value=\"Ueq2Wm8kP1bX9vZc3Lr7Tn5Yd0Hf4Ja6Qs2Eg8Ku\">\n",
				// A regular expression that reads the value, and a string
				// joined to the variable that holds it.
				"const DB_PASSWORD = env.match(/^SUPABASE_DB_PASSWORD=(.*)$/m)?.[1]?.trim();\n",
				"cmd.Env = append(os.Environ(),\n\t\"BEATPORT_PASSWORD=\"+bpCfg.BeatportPassword,\n)\n",
				// Midnight Commander's anonymous FTP login, and a sentence
				// in place of a password.
				"[Misc]\nftpfs_password=anonymous@\n",
				"SSMTP_PASSWORD=\"henninb08@gmail.com password\"\n",
				// PostHog's project key ships in every page that loads it.
				"const POSTHOG_API_KEY = \"phc_zj3Kq8WmP1bX9vZc3Lr7Tn5Yd0Hf4Ja6Qs2Eg8KuA1c\";\n",
				// A crypto token's price list, typed in an SDK's docs.
				"export interface AlphaTokenPrice {\n  tokenPriceInfoList: AlphaBizTokenPriceV5[];\n}\n",
				// An expired one-hour session token in a REST client's file.
				"@accessToken = eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VySWQiOiI2NjIxYzBmZmVlIiwiaWF0IjoxNzQwNTkzNTQ1LCJleHAiOjE3NDA1OTcxNDV9.3q8xW2nV5tY7rK1mC4bL9sD3fG6hP0zA2eU5iO8u-1Q\n",
			},
		},
	}
}

// validateAWSKeyID lowers a key id that signs a presigned link: the link
// carries a signature made with the secret, never the secret, and stops
// working after its X-Amz-Expires (seven days at most).
func validateAWSKeyID(secret string, c Candidate) Verdict {
	if strings.Contains(c.Line, "X-Amz-Credential="+secret) {
		return Verdict{Severity: Low, Note: "the key id of a presigned link: the link expires within seven days of its X-Amz-Date, and the secret is not in it"}
	}
	return Verdict{}
}

var (
	pemConcat        = lazyRE(`"\s*\+?\s*"|^\s*"\s*\+?|"\s*\+?\s*$`)
	pemOpenSSHHeader = lazyRE(`-----BEGIN OPENSSH PRIVATE KEY-----`)
	pemBody          = lazyRE(`-----BEGIN[^\n]*?-----((?:.|\n)*?)-----END`)
)

// validatePEM rejects bodies too short or not base64 to be a key and lowers
// the severity of keys that are encrypted with a passphrase.
func validatePEM(secret string, c Candidate) Verdict {
	v := classifyPEM(secret)
	if !v.Reject && v.Severity == SeverityUnset && testPath(c.Path) {
		v.Severity = Low
		v.Note += "; in a test file or fixture: probably a test key"
	}
	return v
}

func classifyPEM(secret string) Verdict {
	body := ""
	if m := pemBody.FindStringSubmatch(secret); m != nil {
		body = m[1]
	}
	// A key pasted into code as concatenated string literals
	// ("MIIE…" +\n "…") keeps its quotes and plus signs between lines.
	body = pemConcat.ReplaceAllString(body, "\n")
	body = strings.NewReplacer(`\n`, "", `\r`, "", "\\", "").Replace(body)
	var header []string
	var b64 strings.Builder
	for _, line := range strings.Split(body, "\n") {
		line = strings.TrimSpace(line)
		if strings.Contains(line, ":") {
			header = append(header, line)
			continue
		}
		b64.WriteString(line)
	}
	if note, ok := KnownExample(b64.String()); ok {
		return Verdict{Reject: true, Reason: note}
	}
	raw, err := base64.StdEncoding.DecodeString(b64.String())
	if err != nil || len(raw) < 32 {
		// Redacted or truncated samples ("MIIE...") and test fixtures with
		// a broken body are not usable keys.
		if len(b64.String()) < 64 {
			return Verdict{Reject: true, Reason: "PEM body too short or not base64 to be a key"}
		}
		return Verdict{Note: "the body does not decode as base64; it may be truncated"}
	}
	switch {
	case strings.Contains(secret, "ENCRYPTED PRIVATE KEY") || strings.Contains(strings.Join(header, " "), "ENCRYPTED"):
		return Verdict{Severity: Medium, Note: "encrypted with a passphrase: exposed to offline guessing"}
	case pemOpenSSHHeader.MatchString(secret):
		if openSSHEncrypted(raw) {
			return Verdict{Severity: Medium, Note: "OpenSSH key encrypted with a passphrase: exposed to offline guessing"}
		}
		return Verdict{Note: "unencrypted OpenSSH private key"}
	case strings.HasPrefix(b64.String(), "MC4CAQAwBQYDK2Vw"):
		return Verdict{Note: "unencrypted Ed25519 private key (the kind Binance and Coinbase use for API keys)"}
	}
	return Verdict{Note: "unencrypted private key"}
}

// openSSHEncrypted reads the cipher name of an openssh-key-v1 blob.
func openSSHEncrypted(raw []byte) bool {
	const magic = "openssh-key-v1\x00"
	if len(raw) < len(magic)+4 || string(raw[:len(magic)]) != magic {
		return false
	}
	rest := raw[len(magic):]
	n := int(rest[0])<<24 | int(rest[1])<<16 | int(rest[2])<<8 | int(rest[3])
	if n < 0 || 4+n > len(rest) {
		return false
	}
	return string(rest[4:4+n]) != "none"
}

var (
	identifierLike = lazyRE(`^[A-Za-z_][A-Za-z_.\-]*$`)
	dottedName     = lazyRE(`^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+$`)
	passwordLabel  = lazyRE(`(?i)passw(?:or)?d|pwd`)
	tokenizerLabel = lazyRE(`(?i)tokeni[sz]|passw(?:or)?d_?(?:hash|hashed|digest|type|(?:double_)?sha\d*(?:_hex)?|md5|bcrypt)|token[a-z0-9_\-]*(?:mint|program|address|addr|contract|decimals|symbol|price|balance|amount|supply|list)|_(?:path|file|dir|url|uri|filename)$|shared_?secret|exporter|traffic|master_?secret|handshake|early_?secret|secret_?(?:hash|len|length|size|bytes)|^tokens$|_tokens?_(?:count|limit|len|max|num|type)|max_?tokens|token_?(?:type|count|limit|url|uri|endpoint|file|path|name|len|length|expir)|secrets?_?(?:name|ref|path|file|arn|id)$|key_?(?:name|id|path|file)$|credentials?_?ids?$|(?i:public_?(?:token|key))|csrf|xsrf|authenticity_?token|hashed_?secret|(?:^|_)(?:is|has|use|need)_`)
)

var (
	genericLabel = lazyRE(`(?i)secret|token|passw(?:or)?d|api[_\-]?key|access[_\-]?key|auth[_\-]?(?:key|header)|private[_\-]?key|credential`)
	// genericValue is ^[A-Za-z0-9+/=_\-.~!@#$%^*]{8,200}$ as a byte table:
	// it is asked of every assignment in a window, and a regular
	// expression's call cost more than the check.
	genericValue = newByteRun("A-Za-z0-9+/=_-.~!@#$%^*", 8, 200)
)

// genericFinder returns values assigned to secret-sounding names.
func genericFinder(w *Window) [][2]int {
	return spansIn(w.Text, w.labelled(genericLabelMatch), genericValue.Match, nil)
}

// genericLabelWords holds a word of every alternative of genericLabel: a
// name with none of them cannot match, and most names in a window (self,
// data, url) have none, so the pattern runs on few.
var genericLabelWords = []string{"secret", "token", "passw", "key", "auth", "credential"}

func genericLabelMatch(name []byte) bool {
	return mayContainAny(name, genericLabelWords) && genericLabel.Match(name)
}

// fileName is a value (or a name) that names a file: conf/erc20_tokens.json.
var fileName = lazyRE(`(?i)^[\w./-]+\.(?:json|ya?ml|toml|ini|cfg|conf|txt|csv|py|js|ts|sh|log|db|sqlite|pem|crt|html?|sql|go|rs|java|rb|php|lock|md|zip|gz|tgz|tar|whl|png|jpe?g|svg|wasm|so|dll|exe|bin|map|css)$`)

// variableRef is a shell, CI or template reference standing for a value:
// $API_KEY, ${API_KEY}, $(API_KEY), %API_KEY%.
var variableRef = lazyRE(`^(?:\$\{?[A-Za-z_][A-Za-z0-9_.]*\}?|\$\([A-Za-z_][A-Za-z0-9_.]*\)|%[A-Za-z_][A-Za-z0-9_]*%)$`)

// defaultOfReference reports whether secret is the default of a reference,
// ${POSTGRES_PASSWORD:-postgres}: the value in use comes from the
// environment, and the default is what a reader would type anyway.
func defaultOfReference(line, secret string) bool {
	i := strings.Index(line, secret)
	if i < 0 {
		return false
	}
	before := strings.TrimRight(line[:i], "-=?+")
	before = strings.TrimSuffix(before, ":")
	j := strings.LastIndex(before, "${")
	return j >= 0 && j+2 < len(before) && strings.Trim(before[j+2:], "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") == ""
}

// saltedHash reports whether secret is the hash of a salted password
// hash stored as hex salt, a colon, hex hash: a user table's row (a SQLite
// file or its write-ahead log) where the salt reads as the end of a name.
func saltedHash(line, secret string) bool {
	i := strings.Index(line, secret)
	if i < 17 || line[i-1] != ':' || len(secret) < 32 || !allHex(secret) {
		return false
	}
	n := 0
	for j := i - 2; j >= 0 && isHexByte(line[j]); j-- {
		n++
	}
	return n >= 16
}

func allHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isHexByte(s[i]) {
			return false
		}
	}
	return s != ""
}

// interpolated reports whether secret is cut short by an interpolation
// (${…} in a JavaScript template or shell string, #{…} in Ruby): what
// follows is computed, so the literal is only a prefix.
func interpolated(line, secret string) bool {
	i := strings.Index(line, secret)
	if i < 0 {
		return false
	}
	// The value's alphabet holds '$' and '#', so the cut may fall
	// after them: "TestPassword$" before "{Date.now()}".
	rest := line[i+len(secret)-1:]
	if !strings.HasPrefix(rest, "${") && !strings.HasPrefix(rest, "#{") {
		rest = rest[1:]
	}
	return strings.HasPrefix(rest, "${") || strings.HasPrefix(rest, "#{")
}

// randomDefault reports whether the default of ${NAME:-default} reads as
// a generated secret (long, letters and digits, near the entropy of random
// text of its alphabet): someone pasted the real value as the fallback.
func randomDefault(s string) bool {
	var letters, digits bool
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case 'a' <= ch && ch <= 'z', 'A' <= ch && ch <= 'Z':
			letters = true
		case '0' <= ch && ch <= '9':
			digits = true
		}
	}
	if !(len(s) >= 16 && letters && digits && EntropyRatio(s) >= 0.8) {
		return false
	}
	// coin-trading-bot-jwt-secret-key-2024: words joined by dashes or
	// underscores are a phrase someone typed, not generated bytes.
	words := 0
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
		if len(part) >= 3 && strings.Trim(part, "abcdefghijklmnopqrstuvwxyz") == "" {
			words++
		}
	}
	return words < 2
}

// secretLabel is a name that says its value is secret material even when
// the value has the shape of an address.
var secretLabel = lazyRE(`(?i)secret|priv|seed|pass|api|auth(?:[^o]|$)|access|credential|signing`)

// solanaAddress reports whether secret is base58 of 32 bytes: a Solana
// public key (mint, program id, wallet). A Solana secret key is 64 bytes.
func solanaAddress(secret string) bool {
	if len(secret) < 32 || len(secret) > 44 {
		return false
	}
	b, ok := base58Decode(secret)
	return ok && len(b) == 32
}

// pathOrURL tells a path or URL from a base64 value by structure rather
// than by the presence of '/': about three in four 88-character base64
// secrets hold one. A URL has a scheme; a path has segments that read as
// names (lowercase words, dots, dashes, underscores), where base64 has
// segments of mixed-case letters and digits, '+' and '=' padding.
func pathOrURL(s string) bool {
	switch {
	case strings.Contains(s, "://") || strings.HasPrefix(s, "http") || strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../") || strings.HasPrefix(s, "~/"):
		return true
	case fileName.MatchString(s):
		return true
	case !strings.Contains(s, "/"):
		return false
	case base64Shaped(s):
		return false
	}
	return strings.Count(s, "/") >= 2
}

// base64Shaped reports whether s reads as standard base64: only its
// alphabet, and most of its characters in segments (between '/') that mix
// upper case, lower case and digits, or hold '+', as random bytes do.
func base64Shaped(s string) bool {
	body := strings.TrimRight(s, "=")
	if len(body) < 20 || len(s)-len(body) > 2 || strings.Trim(body, b64Chars) != "" {
		return false
	}
	random := 0
	for _, seg := range strings.Split(body, "/") {
		var upper, lower, digit, plus bool
		for i := 0; i < len(seg); i++ {
			switch c := seg[i]; {
			case 'A' <= c && c <= 'Z':
				upper = true
			case 'a' <= c && c <= 'z':
				lower = true
			case '0' <= c && c <= '9':
				digit = true
			case c == '+':
				plus = true
			}
		}
		// Short segments carry too few characters to show a mix.
		if len(seg) <= 3 || plus || upper && lower && digit {
			random += len(seg)
		}
	}
	return random*10 >= len(body)*8
}

// publicDownloadToken reports whether secret is the token= parameter of a
// file's download link: a Firebase Storage URL (…?alt=media&token=…) or a
// raw.githubusercontent.com URL (…/logo.png?token=…, a short-lived
// token GitHub adds to a private file's raw link). Token lists and CMS
// exports carry thousands of them, each as public as the image it opens.
func publicDownloadToken(line, secret string) bool {
	i := strings.Index(line, secret)
	if i < 0 {
		return false
	}
	before := line[:i]
	if !strings.HasSuffix(before, "token=") {
		return false
	}
	if strings.Contains(before, "alt=media") {
		return true
	}
	// The URL this token= belongs to starts at the last scheme before it.
	j := strings.LastIndex(before, "://")
	return j >= 0 && strings.HasPrefix(before[j+3:], "raw.githubusercontent.com/")
}

// validateGeneric is where the generic rule earns its keep: most "secret =
// value" matches in real code are identifiers, hashes, file names and
// options, and each is dropped here with a reason.
func validateGeneric(secret string, c Candidate) Verdict {
	// Most candidates in code are expressions, turned down without the
	// label's regexp, the costliest of these checks.
	if codeFile(c.Path) && !quoted(c.Line, secret) {
		return Verdict{Reject: true, Reason: "unquoted value in source code is an expression, not a literal"}
	}
	if strings.HasPrefix(secret, "eyJ") {
		// A JWT assigned to a token name: what its claims say about its
		// life is what the JWT rules judge by, and an expired session
		// token in a REST client's file is no leak under any name.
		if claims, ok := jwtPayload(secret); ok {
			if why, spent := spentJWT(claims); spent {
				return Verdict{Reject: true, Reason: "JWT: " + why}
			}
		}
	}
	label := valueLabel(c, secret)
	if tokenizerLabel.MatchString(label) {
		return Verdict{Reject: true, Reason: "the name says this is not a secret value (" + label + ")"}
	}
	if lockfile(c.Path) {
		return Verdict{Reject: true, Reason: "a lockfile: its values are package hashes and ids, written by a tool"}
	}
	if bundlePath(c.Path) {
		return Verdict{Reject: true, Reason: "a source map or bundler output: minified identifiers and hashes, not values someone wrote"}
	}
	switch {
	case strings.HasPrefix(secret, hummingbotKeyfile):
		return Verdict{Reject: true, Reason: "hummingbot's password-encrypted key file (hummingbot-encrypted-key reports it)"}
	case identifierLike.MatchString(secret):
		return Verdict{Reject: true, Reason: "identifier, not a secret"}
	case dottedName.MatchString(secret):
		return Verdict{Reject: true, Reason: "dotted name, not a secret"}
	case strings.HasPrefix(secret, "sha") && strings.Contains(secret, "-"):
		return Verdict{Reject: true, Reason: "integrity hash"}
	case strings.HasPrefix(secret, "$2") || strings.HasPrefix(secret, "$argon") || strings.HasPrefix(secret, "$6$"):
		return Verdict{Reject: true, Reason: "password hash, not a password"}
	case pathOrURL(secret):
		return Verdict{Reject: true, Reason: "path or URL"}
	case saltedHash(c.Line, secret):
		return Verdict{Reject: true, Reason: "the hash half of a salted password hash written salt:hash (better-auth, scrypt, PBKDF2 rows)"}
	case interpolated(c.Line, secret):
		return Verdict{Reject: true, Reason: "the literal start of an interpolated string (`Test${Date.now()}`): the value is built at run time"}
	case strings.IndexByte(secret, '@') > 0 && emailAddress.MatchString(secret):
		return Verdict{Reject: true, Reason: "an email address: a login, not a password"}
	case regexOrConcat(c.Line, secret):
		return Verdict{Reject: true, Reason: "a regular expression (/^NAME=(.*)$/) or a string joined to an expression (\"NAME=\"+cfg.Password), not a value"}
	case publicDownloadToken(c.Line, secret):
		return Verdict{Reject: true, Reason: "download token of a public file URL (alt=media), shared with the link"}
	case variableRef.MatchString(secret):
		return Verdict{Reject: true, Reason: "a variable reference, not a value"}
	case defaultOfReference(c.Line, secret) && !randomDefault(secret):
		// A known default password is reported at info by
		// default-password; a word or a name is what a reader would type.
		return Verdict{Reject: true, Reason: "the default of a variable reference (${NAME:-default}): the value in use comes from the environment"}
	case fileName.MatchString(label):
		// "0024_api_key_verification.sql": "<sha256>" is a checksum
		// keyed by a file whose name says api_key.
		return Verdict{Reject: true, Reason: "the name is a file name: a checksum or file entry, not a secret"}
	case solanaAddress(secret) && !secretLabel.MatchString(label):
		return Verdict{Reject: true, Reason: "a 32-byte base58 value is a Solana address (token mint, program id, wallet), not a secret key"}
	}
	var letters, digits, others int
	for i := 0; i < len(secret); i++ {
		ch := secret[i]
		switch {
		case 'a' <= ch && ch <= 'z', 'A' <= ch && ch <= 'Z':
			letters++
		case '0' <= ch && ch <= '9':
			digits++
		default:
			others++
		}
	}
	if passwordLabel.MatchString(label) {
		if len(secret) < 8 || letters == 0 || (digits == 0 && others == 0) {
			return Verdict{Reject: true, Reason: "too simple to be a real password"}
		}
		return testMaterial(c.Path, Verdict{})
	}
	if len(secret) < 16 {
		return Verdict{Reject: true, Reason: "too short for a generated key or token"}
	}
	if letters == 0 || digits == 0 {
		return Verdict{Reject: true, Reason: "generated keys mix letters and digits"}
	}
	return testMaterial(c.Path, Verdict{})
}

// testMaterial marks what the generic rule finds in tests and fixtures as
// info: such values are overwhelmingly test vectors and dummy passwords,
// and a reviewer who wants them asks with --min-severity info.
func testMaterial(p string, v Verdict) Verdict {
	switch {
	case testPath(p):
		v.Severity = Info
		v.Note = "in a test file or fixture: probably test material"
	case docPath(p):
		v.Severity = Info
		v.Note = "in documentation or an example file: probably a sample value"
	}
	return v
}

var docPathRE = lazyRE(`(?i)(?:^|/)docs?/|(?:^|/)documentation/|\.(?:md|rst|adoc|mdx)$|(?:^|[/._-])(?:example|sample|template)s?(?:[/._-]|$)`)

var docDirRE = lazyRE(`(?i)(?:^|/)docs?/|(?:^|/)documentation/|(?:^|[/._-])(?:example|sample|template)s?(?:[/._-]|$)`)

// renderedDocRE matches documentation that a site generator built from
// docs/*.md: the same sample values, wrapped in HTML or a search index.
// mkdocs writes site/ and search/search_index.json, mike and Read the Docs
// publish each build under [lang/]version/ (a gh-pages branch holds dozens:
// en/2019.6/rest-api/index.html), Sphinx writes _build/html/ with
// searchindex.js and _static/, Jekyll writes _site/, Docusaurus build/docs/.
// Only built pages count under a version directory: a versioned .json or
// .env there is configuration, not documentation.
var renderedDocRE = lazyRE(`(?i)(?:^|/)search/search_index\.json$|(?:^|/)searchindex\.js$|(?:^|/)(?:site|_site|_build|_static|build/docs)/|^(?:[a-z]{2}(?:[_-][a-z]{2})?/)?(?:latest|stable|dev|develop|main|master|v?\d+(?:\.\d+)+[a-z0-9.-]*)/(?:[^/]+/)*[^/]+\.html?$`)

// docPath reports whether a path is documentation or an example file,
// written by hand (docs/, *.md) or rendered (HTML and search indexes built
// by mkdocs, Sphinx or Docusaurus).
func docPath(p string) bool { return docPathRE.MatchString(p) || renderedDocRE.MatchString(p) }

// DocDir reports whether a path is in a documentation tree, an example
// file or rendered documentation: where sample values live. A bare notes.md
// is not enough, since people keep real keys in notes on their laptops.
func DocDir(p string) bool {
	return containsAnyLower(p, docWords) && (docDirRE.MatchString(p) || renderedDocRE.MatchString(p))
}

// docWords are what every match of docDirRE or renderedDocRE holds, in
// lower case: the expressions cost microseconds a path, and most paths
// hold none of these.
var docWords = []string{"doc", "example", "sample", "template", "search", "site", "_build", "_static", ".htm"}

// vendoredWords are what every match of vendoredRE holds.
var vendoredWords = []string{"node_modules", "bower_components", "site-packages", "dist-packages", "vendor/bundle", "lib/"}

// testWords are what every match of testPathRE holds, in lower case.
var testWords = []string{"test", "fixture", "spec", "mock", "playwright", "fake", "dummy"}

// containsAnyLower reports whether p, lowercased, contains one of words.
func containsAnyLower(p string, words []string) bool {
	lp := strings.ToLower(p)
	for _, w := range words {
		if strings.Contains(lp, w) {
			return true
		}
	}
	return false
}

var mockMarker = lazyRE(`(?i)(?:#|//|/\*|--|;)\s*(?:noqa:\s*)?(?:mock|dummy|fake|test(?:ing)? (?:key|only|value)|not a real)`)

// TestMaterial lowers the severity of what any rule finds in tests and
// fixtures, where keys are overwhelmingly made up, and marks values whose
// own line calls them mock or dummy as info. It returns the new severity
// and a note, or ok=false when nothing changes.
func TestMaterial(path, line string, sev Severity) (Severity, string, bool) {
	if root, ok := VendoredRoot(path); ok && sev > Info {
		return Info, "in a vendored environment (" + root + "): a library's own test or example material, not a secret of this project", true
	}
	if mockMarker.MatchString(line) && sev > Info {
		return Info, "the line marks this value as a mock or dummy", true
	}
	if testPath(path) && sev > Low {
		return Low, "in a test file or fixture: revoke it if it is real", true
	}
	// Documentation folders and example files hold sample keys; a notes.md
	// on a laptop holds real ones, so a bare .md does not count here.
	if DocDir(path) && sev > Low {
		return Low, "in documentation or an example file: revoke it if it is real", true
	}
	return sev, "", false
}

// vendoredRE finds a vendored environment committed with a project: a
// virtualenv's site-packages, node_modules, bower_components, Ruby's
// vendor/bundle, and the Solidity libraries forge installs under lib/
// (forge-std's chain table carries its own public RPC key). What it holds
// is other people's code, with their self-test keys and docstring
// examples.
var vendoredRE = lazyRE(`^(?:.*?/)?(?:node_modules|bower_components|site-packages|dist-packages|vendor/bundle|lib/(?:forge-std|ds-test|openzeppelin-contracts(?:-upgradeable)?|solmate|solady))/`)

// VendoredRoot returns the vendored tree a path lies in (the prefix up to
// and including node_modules/ or site-packages/), if any.
func VendoredRoot(p string) (string, bool) {
	if !containsAnyLower(p, vendoredWords) {
		return "", false
	}
	m := vendoredRE.FindString(p)
	return strings.TrimSuffix(m, "/"), m != ""
}

// bundleRE finds generated JavaScript: source maps, minified files and
// bundler output, where identifiers and hashes stand where values do.
var bundleRE = lazyRE(`(?i)\.(?:js|css)\.map$|\.min\.(?:js|css)$|\.bundle\.js$|(?:^|/)(?:dist|build|_next/static|static/js)/(?:[^/]+/)*[^/]+\.js$|(?:^|/)(?:chunk|vendors?|main|runtime)[.~-][0-9a-f]{6,}[^/]*\.js$`)

// bundlePath reports whether a path is a source map or a bundle.
func bundlePath(p string) bool {
	// Every alternative of bundleRE ends in .js, .css or .map.
	lp := strings.ToLower(p)
	if !strings.HasSuffix(lp, ".js") && !strings.HasSuffix(lp, ".css") && !strings.HasSuffix(lp, ".map") {
		return false
	}
	return bundleRE.MatchString(p)
}

// A test directory may carry a qualifier (manual-tests/, integration_tests/,
// e2e-test/): the same keys under test/ and manual-tests/ are rated alike.
var testPathRE = lazyRE(`(?i)(?:^|/)(?:[a-z0-9]+[_-])*(?:testdata|test_data|tests?|testing|fixtures?|__tests__|spec|mocks?)(?:[_-](?:results|helpers|utils|reports?))?/|(?:^|/)playwright-report/|_test\.go$|_test_?data\.|(?:^|/)test_[^/]*\.py$|_test\.py$|[._-](?:test|spec)\.[mc]?[jt]sx?$|Test\.java$|(?:^|[/_.-])(?:fake|mock|dummy)[^/]*$`)

var emailAddress = lazyRE(`^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$`)

// regexOrConcat reports whether secret, on line, opens a regular
// expression literal (env.match(/^DB_PASSWORD=(.*)$/m)) or is the
// expression a string is joined to ("PASSWORD="+cfg.Password).
func regexOrConcat(line, secret string) bool {
	i := strings.Index(line, secret)
	if i < 1 {
		return false
	}
	if secret[0] == '+' && assign.IsQuote(line[i-1]) {
		return true
	}
	return strings.HasPrefix(secret, "/^") || i >= 2 && line[i-2:i] == "/^"
}

// testPath reports whether a path is a test, fixture or test-data file.
func testPath(p string) bool { return containsAnyLower(p, testWords) && testPathRE.MatchString(p) }

// TestPath reports whether a path is a test, fixture or test-data file,
// where TestMaterial lowers what is found.
func TestPath(p string) bool { return testPath(p) }

var codeExt = map[string]bool{
	".go": true, ".py": true, ".js": true, ".jsx": true, ".ts": true, ".tsx": true, ".java": true, ".kt": true,
	".rb": true, ".php": true, ".c": true, ".h": true, ".cc": true, ".cpp": true, ".cs": true, ".rs": true,
	".swift": true, ".scala": true, ".m": true, ".dart": true, ".lua": true, ".pl": true,
	".pyx": true, ".pxd": true, ".hpp": true, ".mjs": true, ".cjs": true, ".mts": true, ".cts": true,
}

func codeFile(p string) bool {
	i := strings.LastIndexByte(p, '.')
	return i >= 0 && codeExt[strings.ToLower(p[i:])]
}

// quoted reports whether secret stands right after a quote on line. The
// value is its last occurrence: a label comes before its value and may
// spell the same word ("fees_in_token1": fees_in_token1 is a dict entry
// whose value is a variable).
func quoted(line, secret string) bool {
	i := strings.LastIndex(line, secret)
	if i <= 0 {
		return false
	}
	switch line[i-1] {
	case '"', '\'', '`':
		return true
	case '=':
		// A query parameter inside a URL literal:
		// url = f"https://…/api/v1?items=3&token=<value>".
		j := i - 1
		for j > 0 && assign.IsLabelByte(line[j-1]) && line[j-1] != '.' {
			j--
		}
		return j > 0 && j < i-1 && (line[j-1] == '?' || line[j-1] == '&') && strings.ContainsAny(line[:j], "\"'`")
	}
	return false
}

// labelBefore returns the word that names the value: the identifier-ish text
// immediately before the assignment that precedes secret on its line. It
// reads the syntaxes of assign.Syntaxes: compound operators (.= ?= ::=), a
// type between name and value (var key string = "…", key: str = "…") and
// a call's name argument (setProperty("NAME", "…")).
func labelBefore(line, secret string) string {
	if first, _, ok := strings.Cut(secret, "\n"); ok {
		secret = first
	}
	i := strings.Index(line, secret)
	if i < 0 {
		return ""
	}
	s := line[:i]
	// A literal after a fallback operator is named by the assignment
	// whose environment lookup it stands in for: apiKey:
	// process.env.KEY || '…', "secret": os.getenv("S") or "…".
	if t := strings.TrimRight(s, " \t\"'`"); strings.HasSuffix(t, "||") || strings.HasSuffix(t, "??") || strings.HasSuffix(t, " or") {
		j := strings.LastIndexAny(strings.TrimRight(t[:len(t)-2], " \t"), "=:")
		if j < 0 {
			return ""
		}
		s = s[:j+1]
	}
	// A backslash escapes the quote in JSON-embedded code (notebook
	// cells: "api_key = \"…\"\n"); PHP's .= and a Makefile's ?= leave
	// their first byte.
	s = strings.TrimRight(s, " \t\"'`=:>(\\.?")
	if t, ok := strings.CutSuffix(s, ","); ok {
		// setProperty("NAME", "value"): the first argument names the second.
		t = strings.TrimRight(t, " \t")
		if n := len(t); n > 1 && assign.IsQuote(t[n-1]) {
			t = t[:n-1]
			name := assign.TrailingLabel(t)
			j := len(t) - len(name)
			if name != "" && j > 0 && assign.IsQuote(t[j-1]) && strings.HasSuffix(strings.TrimRight(t[:j-1], " \t"), "(") {
				return name
			}
		}
		return ""
	}
	label := assign.TrailingLabel(s)
	if rest, ok := strings.CutSuffix(strings.TrimRight(line[:i], " \t\"'`"), "("); ok && label != "" {
		// A literal wrapped in a call stands for the name the call's
		// result is assigned to, as the assignment parser reads it:
		// api_key = SecretStr("…"), TOKEN_PROGRAM_ID =
		// Pubkey.from_string("…"). The callee is no name of the value.
		if t := strings.TrimRight(rest[:len(rest)-len(assign.TrailingLabel(rest))], " \t"); len(t) > 1 && (t[len(t)-1] == '=' && !strings.ContainsRune("=!<>", rune(t[len(t)-2])) || t[len(t)-1] == ':') {
			if name := assign.TrailingLabel(strings.TrimRight(t[:len(t)-1], " \t:\"'`")); name != "" {
				return name
			}
		}
	}
	if strings.EqualFold(label, "value") {
		// <add key="ApiKey" value="…"/>: the key attribute names it.
		for _, a := range []string{`key="`, `name="`, `key='`, `name='`} {
			if i := strings.LastIndex(s, a); i >= 0 {
				t := s[i+len(a):]
				if k := strings.IndexAny(t, `"'`); k > 0 && assign.TrailingLabel(t[:k]) == t[:k] {
					return t[:k]
				}
			}
		}
	}
	if assign.TypeNames[label] {
		// A typed declaration names the value before its type:
		// self.partner_key: str = "…" (Python), apiKey: string = '…'
		// (TypeScript), var apiKey string = "…" (Go).
		t := strings.TrimRight(s[:len(s)-len(label)], " \t")
		if u, ok := strings.CutSuffix(t, ":"); ok {
			return assign.TrailingLabel(strings.TrimRight(u, " \t\"'`"))
		}
		if name := assign.TrailingLabel(t); assign.GoVarDecl(t[:len(t)-len(name)]) {
			return name
		}
	}
	return label
}

// valueLabel is labelBefore for a candidate, and also reads the name of a
// value that stands alone on its line below its opener: an XML element
// (<apiKey>, value, </apiKey>) or a YAML block scalar (api_key: |).
func valueLabel(c Candidate, secret string) string {
	if l := labelBefore(c.Line, secret); l != "" {
		return l
	}
	if l, _ := noteLabel(c, secret); l != "" {
		return l
	}
	if !strings.HasPrefix(strings.TrimLeft(strings.TrimSpace(c.Line), "\"'`"), firstLine(secret)) {
		return ""
	}
	return openerName(c.Above)
}

func firstLine(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}

// openerName returns the name on a line that opens a value on the lines
// below it ("<apiKey>", "api_key: |", "apiKey ="), or "".
func openerName(line string) string {
	t := strings.TrimRight(line, " \t\r")
	if strings.HasSuffix(t, ">") {
		if i := strings.LastIndexByte(t, '<'); i >= 0 {
			if name := t[i+1 : len(t)-1]; name != "" && assign.TrailingLabel(name) == name {
				return name
			}
		}
	}
	if u, ok := strings.CutSuffix(t, "="); ok && !strings.HasSuffix(u, "=") && !strings.HasSuffix(u, "!") {
		// const apiKey =\n  '…': a literal wrapped onto the next line.
		return assign.TrailingLabel(strings.TrimRight(u, " \t:"))
	}
	t = strings.TrimRight(t, "-+123456789")
	if u, ok := strings.CutSuffix(t, "|"); ok {
		t = u
	} else if u, ok := strings.CutSuffix(t, ">"); ok {
		t = u
	} else {
		return ""
	}
	t = strings.TrimRight(t, " \t")
	t, ok := strings.CutSuffix(t, ":")
	if !ok {
		return ""
	}
	return assign.TrailingLabel(strings.TrimRight(t, " \t\"'"))
}

// validateGitHubToken lowers the job token that actions/checkout writes into
// .git/config (http.extraheader, base64 of "x-access-token:ghs_…"): it
// expires when the job ends, so finding it in a runner's checkout is not a
// leak to act on.
func validateGitHubToken(secret string, c Candidate) Verdict {
	if !strings.HasPrefix(secret, "ghs_") {
		return Verdict{}
	}
	if gitConfigPath(c.Path) || strings.Contains(strings.ToLower(c.Line), "extraheader") {
		return Verdict{Severity: Info, Note: "GitHub Actions job token written by actions/checkout: it expires when the job ends"}
	}
	return Verdict{}
}

// gitConfigPath reports whether p is a repository's .git/config, where
// actions/checkout writes the job's token.
func gitConfigPath(p string) bool { return strings.HasSuffix(strings.ToLower(p), ".git/config") }
