package detectors

// messagingRules are SMS, voice, e-mail and push-notification services.
func messagingRules() []Rule {
	return []Rule{
		{
			// Bots send their fills and alerts to the trader's phone
			// through Pushover as often as through Telegram. The
			// application token is the credential; the user key beside it
			// only names whom to notify.
			ID:           "pushover-app-token",
			Title:        "Pushover application API token",
			Severity:     Medium,
			Service:      "pushover",
			Name:         "Pushover",
			Kind:         KindSaaS,
			AdviceURL:    "https://pushover.net/apps",
			Keywords:     []string{"pushover"},
			WindowBefore: 5,
			WindowAfter:  5,
			// Tokens are 30 letters and digits (pushover.net/api).
			Pattern: `(?i:pushover[a-z0-9_\-]*(?:token|app)|app(?:lication)?[_\-]?token|api[_\-]?token|"token"|'token'|\btoken)` + assignOp + `(?P<secret>[A-Za-z0-9]{30})` + end,
			Entropy: 0.75,
			Advice:  "Regenerate the application's API token on its page at pushover.net/apps (the old one stops working) and update the bot; with it anyone can send your users notifications in the app's name, a convincing way to phish a trader.",
			Examples: []string{
				"import requests\n\nUSER_KEY = \"" + fake("pushover u1", alnumChars, 30) + "\"\nAPI_TOKEN = \"" + fake("pushover t1", alnumChars, 30) + "\"\n\ndef notify(message):\n    requests.post(\"https://api.pushover.net/1/messages.json\",\n        data={\"token\": API_TOKEN, \"user\": USER_KEY, \"message\": message})\n",
				"PUSHOVER_USER_KEY=" + fake("pushover u1", alnumChars, 30) + "\nPUSHOVER_APP_TOKEN=" + fake("pushover t2", alnumChars, 30) + "\n",
				"notifications:\n  pushover:\n    token: " + fake("pushover t2", alnumChars, 30) + "\n    user: " + fake("pushover u1", alnumChars, 30) + "\n",
			},
			Negatives: []string{
				"PUSHOVER_APP_TOKEN=${PUSHOVER_APP_TOKEN}\n",
				"PUSHOVER_TOKEN=your_pushover_app_token_here\n",
				"token = os.environ[\"PUSHOVER_TOKEN\"]  # pushover\n",
				// The user key alone names a recipient.
				"PUSHOVER_USER_KEY=" + fake("pushover u1", alnumChars, 30) + "\n",
				"PUSHOVER_TOKEN=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
			},
		},
		{
			ID:           "twilio-api-key",
			Title:        "Twilio API key SID",
			Severity:     Medium,
			Service:      "twilio",
			Keywords:     []string{"twilio"},
			WindowBefore: 5,
			WindowAfter:  5,
			Pattern:      `\b(?P<secret>SK[0-9a-f]{32})\b`,
			Validate:     randomAfter(2, 0.7),
			Advice:       "Delete the API key in the Twilio Console (Account → API keys & tokens); its secret is usually stored beside it.",
			Examples: []string{
				"TWILIO_API_KEY=SKe2f47ebb9f2ca062c401dbbedbb3b147\nTWILIO_API_SECRET=OLOQJDgcAjFUnMcLcBmHKnV8NEWSm5H3\n",
				"from twilio.rest import Client\n\nclient = Client('SKe2f47ebb9f2ca062c401dbbedbb3b147', api_secret, account_sid)\n",
			},
			Negatives: []string{
				"TWILIO_API_KEY=SKxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
				"TWILIO_API_KEY=${TWILIO_API_KEY}\n",
				"client = Client(os.getenv('TWILIO_API_KEY'), os.getenv('TWILIO_API_SECRET'))  # twilio\n",
				// The account SID (AC…) is an identifier, not a key.
				"TWILIO_ACCOUNT_SID=ACb253d71b576100e6c339ea0c9dceab55\n",
			},
		},
		{
			ID:           "twilio-auth-token",
			Title:        "Twilio auth token or API key secret",
			Severity:     High,
			Service:      "twilio",
			Keywords:     []string{"twilio"},
			WindowBefore: 5,
			WindowAfter:  5,
			Pattern:      `(?i:twilio[a-z0-9_\-]*(?:token|secret)|auth[_\-]?token|api[_\-]?secret)` + assignOp + `(?P<secret>[A-Za-z0-9]{32})` + end,
			Entropy:      0.75,
			Advice:       "Rotate the auth token in the Twilio Console (Account → API keys & tokens → Auth tokens → request a secondary token, promote it), or delete the API key whose secret leaked; check the usage logs for messages and calls you did not make.",
			Examples: []string{
				"TWILIO_ACCOUNT_SID=ACb253d71b576100e6c339ea0c9dceab55\nTWILIO_AUTH_TOKEN=94059f99972644ac98be76eaba2e669e\n",
				"from twilio.rest import Client\n\naccount_sid = 'ACb253d71b576100e6c339ea0c9dceab55'\nauth_token = '94059f99972644ac98be76eaba2e669e'\n",
				"TWILIO_API_SECRET: OLOQJDgcAjFUnMcLcBmHKnV8NEWSm5H3\n",
			},
			Negatives: []string{
				"TWILIO_AUTH_TOKEN=your_auth_token_here\n",
				"TWILIO_AUTH_TOKEN=${TWILIO_AUTH_TOKEN}\n",
				"auth_token = os.environ['TWILIO_AUTH_TOKEN']\n",
				"TWILIO_AUTH_TOKEN=[AuthToken]\n",
				// Twilio's own docs hold 32 x's or a short sample.
				"TWILIO_AUTH_TOKEN=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
				// The account SID is 34 characters, not a token.
				"twilio_account_sid: ACb253d71b576100e6c339ea0c9dceab55\n",
			},
		},
		{
			ID:        "sendgrid-api-key",
			Title:     "SendGrid API key",
			Severity:  High,
			Service:   "sendgrid",
			Name:      "SendGrid",
			Kind:      KindSaaS,
			AdviceURL: "https://app.sendgrid.com/settings/api_keys",
			Keywords:  []string{"sg."},
			Pattern:   tokStart + `(?P<secret>SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43})` + tokEnd,
			Validate:  randomAfterLast(".", 0.7),
			Advice:    "Delete the key in SendGrid (Settings → API Keys) now; a leaked mail key is used to send phishing from your domain. Check the activity feed.",
			Examples: []string{
				"SENDGRID_API_KEY=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\n",
				`sg = SendGridAPIClient("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")`,
			},
			Negatives: []string{
				"SENDGRID_API_KEY=SG.xxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
				"SENDGRID_API_KEY=${SENDGRID_API_KEY}\n",
				"sg = SendGridAPIClient(os.environ.get('SENDGRID_API_KEY'))\n",
				"SENDGRID_API_KEY=SG.your-api-key\n",
			},
		},
	}
}
