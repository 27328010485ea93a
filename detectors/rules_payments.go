package detectors

import (
	"strings"
)

// paymentRules are payment platforms.
func paymentRules() []Rule {
	return []Rule{
		{
			ID:       "stripe-secret-key",
			Title:    "Stripe secret key",
			Severity: High,
			Service:  "stripe",
			Keywords: []string{"sk_live_", "sk_test_", "sk_prod_"},
			Pattern:  `\b(?P<secret>sk_(?:live|test|prod)_[A-Za-z0-9]{24,247})\b`,
			Validate: validateStripe,
			Advice:   paymentAdvice,
			Examples: []string{
				"STRIPE_SECRET_KEY=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\n",
				`stripe.api_key = "sk_test_QXEmKtyh88H8erwJicL9uDzP"`,
				`curl https://api.stripe.com/v1/charges -u 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:`,
			},
			Negatives: []string{
				"STRIPE_SECRET_KEY=sk_live_your_secret_key_here\n",
				"const stripe = require('stripe')(process.env.STRIPE_SECRET_KEY);\n",
				"STRIPE_SECRET_KEY=${STRIPE_SECRET_KEY}\n",
				// Publishable keys are public by design.
				"STRIPE_PUBLISHABLE_KEY=pk_live_51WExcnEtZjj2dut3vMhXqrezPrXRDbb7dbp5gHMDIQ05SA6bIUwiz\n",
				"NEXT_PUBLIC_STRIPE_KEY=pk_test_QXEmKtyh88H8erwJicL9uDzP\n",
			},
		},
		{
			ID:       "stripe-restricted-key",
			Title:    "Stripe restricted key",
			Severity: High,
			Service:  "stripe",
			Keywords: []string{"rk_live_", "rk_test_", "rk_prod_"},
			Pattern:  `\b(?P<secret>rk_(?:live|test|prod)_[A-Za-z0-9]{24,247})\b`,
			Validate: validateStripe,
			Advice:   paymentAdvice + " Check which permissions the restricted key had before deciding how far to look.",
			Examples: []string{
				"STRIPE_RESTRICTED_KEY=rk_live_ouL2WSVfgOc2BxRR1P7rMtSn\n",
				"stripe:\n  api_key: rk_live_ouL2WSVfgOc2BxRR1P7rMtSn\n",
			},
			Negatives: []string{
				"STRIPE_RESTRICTED_KEY=rk_live_xxxxxxxxxxxxxxxxxxxxxxxx\n",
				"STRIPE_RESTRICTED_KEY=${STRIPE_RESTRICTED_KEY}\n",
				"key = os.environ.get('STRIPE_RK')  # rk_live_...\n",
				"PUBLISHABLE=pk_live_ouL2WSVfgOc2BxRR1P7rMtSn\n",
			},
		},
	}
}

func validateStripe(secret string, c Candidate) Verdict {
	if v, ok := publishedKey(secret); ok {
		return v
	}
	if v := entropyVerdict(secret[8:], 0.75); v.Reject {
		return v
	}
	if strings.Contains(secret[:8], "_test_") {
		return Verdict{Severity: Low, Note: "test-mode key: no real money, but it reads and writes the account's test data"}
	}
	return Verdict{}
}
