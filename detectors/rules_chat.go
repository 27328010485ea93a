package detectors

// Chat webhooks beyond Slack and Discord (saas_rules.go): Microsoft Teams
// incoming webhooks, the old outlook.office.com form and the
// *.webhook.office.com form that replaced it. The URL alone posts to the
// channel.

func teamsRules() []Rule {
	return []Rule{
		{
			ID:       "microsoft-teams-webhook",
			Title:    "Microsoft Teams incoming webhook URL",
			Severity: Medium,
			Service:  "microsoft-teams",
			Name:     "Microsoft Teams",
			Kind:     KindSaaS,
			Keywords: []string{"webhook.office", "office.com/webhook"},
			Pattern: `(?P<secret>https://(?:[a-z0-9\-]+\.webhook\.office\.com/webhookb2|outlook\.office(?:365)?\.com/webhook)/` +
				uuidPat + `@` + uuidPat + `/IncomingWebhook/[0-9a-f]{32}/` + uuidPat + `(?:/[A-Za-z0-9_\-]{40,})?)`,
			Validate: randomAfterLast("IncomingWebhook/", 0.6),
			Advice:   webhookAdvice + " Teams: the channel → Connectors (or Workflows) → the Incoming Webhook → Remove.",
			Examples: []string{
				"TEAMS_WEBHOOK_URL=https://contoso.webhook.office.com/webhookb2/" + fakeUUID("teams1") + "@" + fakeUUID("teams2") + "/IncomingWebhook/" + fake("teams3", hexChars, 32) + "/" + fakeUUID("teams4") + "\n",
				`requests.post("https://outlook.office.com/webhook/` + fakeUUID("teams5") + "@" + fakeUUID("teams6") + "/IncomingWebhook/" + fake("teams7", hexChars, 32) + "/" + fakeUUID("teams8") + `", json=card)`,
			},
			Negatives: []string{
				"TEAMS_WEBHOOK_URL=https://contoso.webhook.office.com/webhookb2/<group>@<tenant>/IncomingWebhook/<id>/<owner>\n",
				"TEAMS_WEBHOOK_URL=${TEAMS_WEBHOOK_URL}\n",
			},
		},
	}
}
