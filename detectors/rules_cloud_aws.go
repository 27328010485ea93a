package detectors

import (
	"regexp"
	"strings"
)

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

var sessionTokenName = regexp.MustCompile(`(?i)session_?token|security[_\-]?token`)

func awsMoreRules() []Rule {
	// Eight characters of each prefix keep the keyword automaton small.
	var sessionKeywords []string
	for _, p := range awsSessionPrefixes {
		sessionKeywords = append(sessionKeywords, strings.ToLower(p[:8]))
	}
	sessionRE := regexp.MustCompile(`(?:^|[^A-Za-z0-9+/])(?P<secret>(?:` + strings.Join(awsSessionPrefixes, "|") + `)[A-Za-z0-9+/]{80,}={0,2})`)
	labelled := regexp.MustCompile(`^[A-Za-z0-9+/]{100,}={0,2}$`)
	sessionToken := "IQoJb3JpZ2luX2VjE" + fake("aws session", b64Chars, 300) + "=="
	return []Rule{
		{
			ID:       "aws-session-token",
			Title:    "AWS temporary session token",
			Severity: Medium,
			Service:  "aws",
			Name:     "AWS",
			Kind:     KindCloud,
			Keywords: append(sessionKeywords, "session_token", "sessiontoken", "security_token", "security-token"),
			Finder: func(w []byte) [][2]int {
				var out [][2]int
				for _, m := range sessionRE.FindAllSubmatchIndex(w, -1) {
					out = append(out, [2]int{m[2], m[3]})
				}
				eachAssignment(w, func(name, v [2]int) {
					if sessionTokenName.Match(w[name[0]:name[1]]) && labelled.Match(w[v[0]:v[1]]) {
						out = append(out, v)
					}
				})
				return uniqueSpans(out)
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
			Name:     "AWS",
			Kind:     KindCloud,
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
			Name:     "AWS",
			Kind:     KindCloud,
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
