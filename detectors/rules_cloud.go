package detectors

import (
	"regexp"
	"strings"
	"sync"

	"github.com/keyward/scan/internal/assign"
)

// cloudRules are cloud platforms and source hosting.
func cloudRules() []Rule {
	return []Rule{
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
	}
}

// validateGoogleKey lowers browser and mobile config keys: Firebase and
// Android configs ship their key in every copy of the app, so the leak is
// only as bad as the key's API restrictions.
func validateGoogleKey(secret string, c Candidate) Verdict {
	if v := entropyVerdict(secret[4:], 0.7); v.Reject {
		return v
	}
	w := strings.ToLower(c.Window)
	if appConfigPath(c.Path) || strings.Contains(w, "firebase") || strings.Contains(w, "authdomain") || strings.Contains(w, "current_key") {
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

// AWS credentials beyond the access key pair: temporary session tokens,
// AppSync API keys and Amazon Bedrock API keys. Each carries a fixed
// prefix, so none needs a label.

// awsSessionPrefixes open every STS session token: the base64 of the
// token's first bytes ("\x21\x0a\x09origin_ec…", the older "…er/aws").
var awsSessionPrefixes = []string{"IQoJb3JpZ2luX2Vj", "AgoJb3JpZ2luX2Vj", "FwoGZXIvYXdz", "FQoGZXIvYXdz"}

// bedrockLongPrefix is base64 of "BedrockAPIKey-" after the "ABSK" marker.
const bedrockLongPrefix = "ABSKQmVkcm9ja0FQSUtleS"

// bedrockShortPrefix is the marker and base64 of "bedrock.amazonaws.com"
// that opens a short-lived key (a presigned request, valid up to 12 hours).
const bedrockShortPrefix = "bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t"

var sessionTokenName = lazyRE(`(?i)session_?token|security[_\-]?token`)

func awsRules() []Rule {
	// Eight characters of each prefix keep the keyword automaton small.
	var sessionKeywords []string
	for _, p := range awsSessionPrefixes {
		sessionKeywords = append(sessionKeywords, strings.ToLower(p[:8]))
	}
	// Compiled on first use, as every rule's expressions: building the
	// rules must not cost a commit hook what its scan never needs.
	sessionRE := sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?:^|[^A-Za-z0-9+/])(?P<secret>(?:` + strings.Join(awsSessionPrefixes, "|") + `)[A-Za-z0-9+/]{80,}={0,2})`)
	})
	labelled := lazyRE(`^[A-Za-z0-9+/]{100,}={0,2}$`)
	sessionToken := "IQoJb3JpZ2luX2VjE" + fake("aws session", b64Chars, 300) + "=="
	return []Rule{
		{
			ID:       "aws-session-token",
			Title:    "AWS temporary session token",
			Severity: Medium,
			Service:  "aws",
			Keywords: append(sessionKeywords, "session_token", "sessiontoken", "security_token", "security-token"),
			Finder: func(win *Window) [][2]int {
				w := win.Text
				var out [][2]int
				for _, m := range sessionRE().FindAllSubmatchIndex(w, -1) {
					out = append(out, [2]int{m[2], m[3]})
				}
				for _, a := range win.Assignments() {
					if sessionTokenName.Match(w[a.Name[0]:a.Name[1]]) && labelled.Match(w[a.Value[0]:a.Value[1]]) {
						out = append(out, a.Value)
					}
				}
				return assign.UniqueSpans(out)
			},
			Entropy:  0.7,
			Validate: checkPublished,
			Advice:   "A session token works with its access key pair until it expires (up to 36 hours). Revoke the role's active sessions now (IAM → the role → Revoke active sessions) or delete the user's access key that minted it, and check CloudTrail for its use.",
			Examples: []string{
				"[default]\naws_access_key_id = ASIAY34FZKBOKMUTVV7A\naws_secret_access_key = qD0cVs8mZ4LBCz/3ZtP9rX1eHNwY7KdGfA2uJoiT\naws_session_token = " + sessionToken + "\n",
				"export AWS_SESSION_TOKEN=\"" + sessionToken + "\"\n",
			},
			Negatives: []string{
				"export AWS_SESSION_TOKEN=$(aws sts get-session-token --query Credentials.SessionToken --output text)\n",
				"aws_session_token = ${AWS_SESSION_TOKEN}\n",
				"session_token: " + strings.Repeat("A", 120) + "\n",
			},
		},
		{
			ID:       "aws-appsync-api-key",
			Title:    "AWS AppSync API key",
			Severity: Medium,
			Service:  "aws",
			Keywords: []string{"da2-"},
			Pattern:  `(?:^|[^A-Za-z0-9_\-])(?P<secret>da2-[a-z0-9]{26})` + tokEnd,
			Validate: randomAfter(len("da2-"), 0.7),
			Advice:   "Delete the API key in the AppSync console (the API → Settings → API keys) and create a new one with a short expiry; anyone with it can query the GraphQL API within its authorisation rules.",
			Examples: []string{
				"const client = new AWSAppSyncClient({\n  url: 'https://kx3zl5d2ebh4nofv6rwdqzjz4a.appsync-api.eu-west-1.amazonaws.com/graphql',\n  auth: { type: 'API_KEY', apiKey: 'da2-" + fake("appsync", "abcdefghijklmnopqrstuvwxyz0123456789", 26) + "' },\n});\n",
			},
			Negatives: []string{
				"apiKey: 'da2-xxxxxxxxxxxxxxxxxxxxxxxxxx'\n",
				"# the key looks like da2-<26 characters>\n",
			},
		},
		{
			ID:       "aws-bedrock-api-key",
			Title:    "Amazon Bedrock API key",
			Severity: High,
			Service:  "aws",
			Keywords: []string{strings.ToLower(bedrockLongPrefix[:12]), "bedrock-api-key-"},
			Pattern: `(?:^|[^A-Za-z0-9+/\-])(?P<secret>` + bedrockLongPrefix + `[A-Za-z0-9+/]{80,280}={0,2}` +
				`|` + bedrockShortPrefix + `[A-Za-z0-9+/]{100,}={0,2})`,
			Validate: func(secret string, _ Candidate) Verdict {
				body := strings.TrimPrefix(strings.TrimPrefix(secret, bedrockLongPrefix), bedrockShortPrefix)
				return entropyVerdict(body, 0.6)
			},
			Advice: "Delete the key in the Bedrock console (API keys) or, for a long-lived key, the IAM user's service-specific credential; a Bedrock key runs models billed to your account. Check CloudTrail for InvokeModel calls you did not make.",
			Examples: []string{
				"AWS_BEARER_TOKEN_BEDROCK=" + bedrockLongPrefix + "1" + fake("bedrock", b64Chars, 110) + "=\n",
			},
			Negatives: []string{
				"AWS_BEARER_TOKEN_BEDROCK=${AWS_BEARER_TOKEN_BEDROCK}\n",
				"# long-lived keys start with " + bedrockLongPrefix + "\n",
			},
		},
	}
}

// appConfigPath reports whether p is an Android or iOS app's Firebase
// config (google-services.json, GoogleService-Info.plist).
func appConfigPath(p string) bool {
	lp := strings.ToLower(p)
	return strings.HasSuffix(lp, "google-services.json") || strings.HasSuffix(lp, "googleservice-info.plist")
}
