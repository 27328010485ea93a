package detectors

import (
	"strings"
)

// registryRules are package and image registries.
func registryRules() []Rule {
	return []Rule{
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
	}
}

// npmTokenName names a legacy (UUID) npm token outside an .npmrc.
var npmTokenName = lazyRE(`(?i)^npm_?(?:auth_?)?token$`)

func validateNpm(secret string, c Candidate) Verdict {
	if strings.HasPrefix(secret, "npm_") {
		return entropyVerdict(secret[4:], 0.75)
	}
	if !strings.Contains(c.Line, "_authToken") && !npmTokenName.MatchString(valueLabel(c, secret)) {
		return Verdict{Reject: true, Reason: "UUID outside an .npmrc _authToken line or an NPM_TOKEN variable"}
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
