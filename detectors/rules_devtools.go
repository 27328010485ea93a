package detectors

import (
	"github.com/keyward/scan/internal/assign"

	"encoding/base64"
	"strings"
)

// Developer-tool credentials that no prefix-only rule covers: a container
// registry login stored by `docker login` (~/.docker/config.json, a CI
// variable holding the same JSON, a Kubernetes pull secret) and GitLab's
// runner registration tokens.

const registryLoginAdvice = "Change the password (or revoke the access token) at the registry now: the \"auth\" field is base64 of user:password, not a hash. Then log in again with a credential helper (docker-credential-*) so the file keeps no password."

var registryAuthValue = lazyRE(`^[A-Za-z0-9+/]{8,400}={0,2}$`)

func devToolRules() []Rule {
	login := base64.StdEncoding.EncodeToString([]byte("deploybot:" + fake("registry password", alnumChars, 20)))
	return []Rule{
		{
			ID:       "docker-registry-auth",
			Title:    "Container registry login (docker config auth)",
			Severity: High,
			Service:  "docker",
			Name:     "Docker registry",
			Kind:     KindSaaS,
			Keywords: []string{"auths"},
			// config.json puts each registry's "auth" a line or two below
			// "auths".
			WindowAfter: 12,
			Finder: func(win *Window) [][2]int {
				w := win.Text
				var out [][2]int
				for _, a := range win.Assignments() {
					if string(w[a.Name[0]:a.Name[1]]) == "auth" && registryAuthValue.Match(w[a.Value[0]:a.Value[1]]) {
						out = append(out, a.Value)
					}
				}
				return assign.UniqueSpans(out)
			},
			Validate: validateRegistryAuth,
			Advice:   registryLoginAdvice,
			Examples: []string{
				"{\n  \"auths\": {\n    \"https://index.docker.io/v1/\": {\n      \"auth\": \"" + login + "\"\n    }\n  }\n}\n",
				"variables:\n  DOCKER_AUTH_CONFIG: '{\"auths\": {\"registry.gitlab.example.com\": {\"auth\": \"" + login + "\"}}}'\n",
			},
			Negatives: []string{
				// A credential helper keeps the password elsewhere.
				"{\n  \"auths\": {\n    \"https://index.docker.io/v1/\": {}\n  },\n  \"credsStore\": \"desktop\"\n}\n",
				// user:password with an empty password is a template.
				"{\"auths\": {\"ghcr.io\": {\"auth\": \"" + base64.StdEncoding.EncodeToString([]byte("user:")) + "\"}}}\n",
				"{\"auths\": {\"ghcr.io\": {\"auth\": \"${REGISTRY_AUTH}\"}}}\n",
				// Documentation's dummy pull secret.
				"pullSecret: '{\"auths\":{\"\":{\"auth\":\"" + base64.StdEncoding.EncodeToString([]byte("my_username:my_password")) + "\"}}}'\n",
			},
		},
		{
			ID:       "gitlab-runner-registration-token",
			Title:    "GitLab runner registration token",
			Severity: High,
			Service:  "gitlab",
			Keywords: []string{"gr1348941"},
			Pattern:  tokStart + `(?P<secret>GR1348941[A-Za-z0-9_\-]{20,24})` + tokEnd,
			Validate: randomAfter(len("GR1348941"), 0.7),
			Advice:   "Reset the registration token in GitLab (the project's, group's or instance's CI/CD → Runners settings) and remove runners you do not recognise; anyone with the token can register a runner and receive your jobs and their secrets.",
			Examples: []string{
				"sudo gitlab-runner register \\\n  --non-interactive \\\n  --url \"https://gitlab.com/\" \\\n  --registration-token \"GR1348941" + fake("gitlab runner", alnumChars, 20) + "\" \\\n  --executor \"docker\"\n",
			},
			Negatives: []string{
				"--registration-token \"GR1348941xxxxxxxxxxxxxxxxxxxx\"\n",
				"--registration-token \"$REGISTRATION_TOKEN\"\n",
			},
		},
	}
}

// validateRegistryAuth decodes the user:password pair and drops templates.
func validateRegistryAuth(secret string, _ Candidate) Verdict {
	raw, err := base64.StdEncoding.DecodeString(secret)
	if err != nil {
		return Verdict{Reject: true, Reason: "not base64"}
	}
	user, pass, ok := strings.Cut(string(raw), ":")
	if !ok || user == "" || pass == "" {
		return Verdict{Reject: true, Reason: "not a user:password pair"}
	}
	for _, c := range raw {
		if c < 0x20 || c > 0x7e {
			return Verdict{Reject: true, Reason: "not printable text"}
		}
	}
	if ok, why := Placeholder(pass); ok {
		return Verdict{Reject: true, Reason: "the password is a placeholder: " + why}
	}
	// Documentation writes my_username:my_password and user:pass.
	lp := strings.ToLower(pass)
	for _, w := range []string{"pass", "pwd", "secret", "changeme", "example", "dummy"} {
		if strings.Contains(lp, w) {
			return Verdict{Reject: true, Reason: "the password is a word, not a credential (" + w + ")"}
		}
	}
	return Verdict{Note: "registry user and password, base64-encoded (not encrypted)"}
}
