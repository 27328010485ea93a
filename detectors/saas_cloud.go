package detectors

import (
	"strings"
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
	}
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
