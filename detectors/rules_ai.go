package detectors

import (
	"strings"
)

// aiRules are AI providers.
func aiRules() []Rule {
	return []Rule{
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
	}
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
