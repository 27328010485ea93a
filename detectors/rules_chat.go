package detectors

import (
	"encoding/base64"
	"strings"
)

// chatRules are chat platforms: bot tokens and incoming webhooks.
func chatRules() []Rule {
	return []Rule{
		{
			ID:       "slack-token",
			Title:    "Slack token",
			Severity: High,
			Service:  "slack",
			Keywords: []string{"xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xoxo-", "xoxe-", "xoxe.", "xapp-"},
			// Legacy workspace and user tokens (xoxs-, xoxo-) end in a hex
			// part as short as ten digits after four numeric parts.
			Pattern: `\b(?P<secret>xox[abeoprs]-(?:[0-9]{1,14}-){1,4}[A-Za-z0-9]{18,64}` +
				`|xox[os]-[0-9]{6,14}-[0-9]{6,14}-[0-9]{6,14}-[0-9a-f]{10,64}` +
				`|xoxe(?:\.xox[bp])?-[0-9]-[A-Za-z0-9]{100,260}` +
				`|xapp-[0-9]-[A-Z0-9]{8,14}-[0-9]{8,16}-[a-f0-9]{32,80})\b`,
			Validate: validateSlack,
			Advice:   chatAdvice + " Slack: api.slack.com/apps → the app → OAuth & Permissions → revoke tokens (or call auth.revoke).",
			Examples: []string{
				"SLACK_BOT_TOKEN=xoxb-956422939865-1425372204526-KMctuHkc6KBOG7HkQ8rvhKim\n",
				`client = WebClient(token="xoxp-992957587420-862352990439-3192643025572-3fdd7ac3357698e55701c25f723abea3")`,
				"slack:\n  app_token: xapp-1-ACMWFLG5HIT-8732531294868-282924bd785a5d1d4e78b13cfa20a007b0a852f78dcdeb1a0458c59c4f49707f\n",
				`curl -H "Authorization: Bearer xoxe.xoxp-1-GS8KEBjMHPSFozejcIby7R6jJDmSSgKogOpLrRlxy9ef1dvxVciemATffZ7qjNrgvgIv5TQDWdVqNwMzizZMn0DmJww7KmQ4mtdpe5K8mnnyQCxWvVK0K5Kaomv4w5vhkjh5taBkVsWvx3YtJ8WRFt" https://slack.com/api/auth.test`,
			},
			Negatives: []string{
				"SLACK_BOT_TOKEN=xoxb-your-bot-token-here\n",
				`token = os.environ["SLACK_BOT_TOKEN"]  # xoxb-...`,
				"SLACK_BOT_TOKEN=${SLACK_BOT_TOKEN}\n",
				"SLACK_BOT_TOKEN=xoxb-000000000000-0000000000000-xxxxxxxxxxxxxxxxxxxxxxxx\n",
				// The token's shape in a validation regex.
				`BOT_TOKEN_RE = re.compile(r"^xoxb-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{24}$")`,
			},
		},
		{
			ID:       "slack-webhook",
			Title:    "Slack incoming webhook URL",
			Severity: Medium,
			Service:  "slack",
			Keywords: []string{"hooks.slack.com"},
			// Early webhooks had 8-character team and channel ids, and URLs
			// are pasted without their scheme or with http.
			Pattern: `(?P<secret>(?:https?://)?hooks\.slack\.com/(?:services/T[A-Z0-9]{6,12}/B[A-Z0-9]{6,12}/[A-Za-z0-9]{23,25}` +
				`|workflows/T[A-Z0-9]{6,12}/A[A-Z0-9]{6,12}/[0-9]{17,20}/[A-Za-z0-9]{23,25}` +
				`|triggers/T[A-Z0-9]{8,12}/[0-9]{8,20}/[a-f0-9]{32}))\b`,
			Validate: randomAfterLast("/", 0.7),
			Advice:   webhookAdvice + " Slack: api.slack.com/apps → the app → Incoming Webhooks → remove the URL.",
			Examples: []string{
				"SLACK_WEBHOOK_URL=https://hooks.slack.com/services/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\n",
				`curl -X POST -H 'Content-type: application/json' --data '{"text":"deploy done"}' https://hooks.slack.com/services/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`,
			},
			Negatives: []string{
				"SLACK_WEBHOOK_URL=https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX\n",
				"SLACK_WEBHOOK_URL=https://hooks.slack.com/services/<team>/<channel>/<token>\n",
				"webhook_url: ${SLACK_WEBHOOK_URL}  # https://hooks.slack.com/services/...\n",
				`url = "https://hooks.slack.com/services/" + os.getenv("SLACK_HOOK_PATH")`,
			},
		},
		{
			ID:        "telegram-bot-token",
			Title:     "Telegram bot token",
			Severity:  High,
			Service:   "telegram",
			Name:      "Telegram",
			Kind:      KindSaaS,
			AdviceURL: "https://t.me/BotFather",
			// Current tokens' hash part starts with "AA", which anchors a
			// token even when nothing names Telegram; older or odd shapes
			// need the name nearby (checked in the validator).
			// Bot tokens' secret half starts with "AA"; the other words
			// catch the rest without opening a window at every "token".
			Keywords:     []string{":aa", "telegram", "tg_", "bot_token", "bot token", "/bot"},
			WindowBefore: 3,
			WindowAfter:  3,
			Finder:       finderOf(telegramTokens),
			Validate:     validateTelegram,
			Advice:       chatAdvice + " Telegram: message @BotFather, /revoke for the bot (or /token to issue a new one); the old token stops working at once.",
			Examples: []string{
				"TELEGRAM_BOT_TOKEN=8720606271:AALdWLk6V25rC3hrotkJLcIkg3WGtbrcvje\n",
				`curl "https://api.telegram.org/bot1229769389:AAhB70drs0elXGLaIWo_kbgHcENY_fNDe15/sendMessage?chat_id=-1001882261822&text=filled"`,
				"bot = telebot.TeleBot('1229769389:AAhB70drs0elXGLaIWo_kbgHcENY_fNDe15')\n",
				"telegram:\n  token: \"1229769389:BzhB70drs0elXGLaIWo_kbgHcENY_fNDe15\"\n",
			},
			Negatives: []string{
				"TELEGRAM_BOT_TOKEN=<your-bot-token>\n",
				"TELEGRAM_BOT_TOKEN=${TELEGRAM_BOT_TOKEN}\n",
				`bot = Bot(token=os.getenv("TELEGRAM_TOKEN"))`,
				"TELEGRAM_BOT_TOKEN=123456789:AAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
				// The Bot API docs' sample (34-character hash, not a real shape).
				"bot110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw\n",
				// A timestamp-prefixed id without any Telegram context.
				"1716912000:Zk3Qm9Vx2LpR7sT1uW4yB6nC8dE0fG5hJ2a\n",
			},
		},
		{
			ID:       "discord-bot-token",
			Title:    "Discord bot token",
			Severity: High,
			Service:  "discord",
			// "token" and "bot" are on every line of a trading bot; a Discord
			// token stands near its library's name or its run call.
			Keywords:     []string{"discord", "bot.run(", "client.run(", "bot_token", "bot token"},
			WindowBefore: 3,
			WindowAfter:  3,
			Pattern:      `(?:^|[^A-Za-z0-9_\-.])(?P<secret>[MNO][A-Za-z0-9_\-]{23,25}\.[A-Za-z0-9_\-]{6}\.[A-Za-z0-9_\-]{27,38})(?:[^A-Za-z0-9_\-.]|$)`,
			Validate:     validateDiscordToken,
			Advice:       chatAdvice + " Discord: discord.com/developers/applications → the app → Bot → Reset Token.",
			Examples: []string{
				"DISCORD_TOKEN=NTMwMDg0MTQwOTMyNTkyMjE0Mg.HUrUMG.UvKgegMd_QZPw_a62Kr7Vdy87pPj4nDmxRkQvR\n",
				"import discord\n\nclient = discord.Client(intents=intents)\nclient.run('NTMwMDg0MTQwOTMyNTkyMjE0Mg.HUrUMG.UvKgegMd_QZPw_a62Kr7Vdy87pPj4nDmxRkQvR')\n",
			},
			Negatives: []string{
				"DISCORD_TOKEN=your_discord_bot_token_here\n",
				"client.run(os.getenv('DISCORD_TOKEN'))\n",
				"DISCORD_TOKEN=${DISCORD_TOKEN}\n",
				// Same three-part shape, but the first part is not a user id.
				"DISCORD_TOKEN=MzZkYmQxZjQtYWJjZC00ZWZnLWhp.HUrUMG.UvKgegMd_QZPw_a62Kr7Vdy87pPj4nDmxRkQvR\n",
				// A version string with dots near the word "bot".
				"bot version Node.v18abcdefghijklmnopqrstuv.123456.AbCdEfGhIjKlMnOpQrStUvWxYz012\n",
			},
		},
		{
			ID:       "discord-webhook",
			Title:    "Discord webhook URL",
			Severity: Medium,
			Service:  "discord",
			Keywords: []string{"discord.com/api", "discordapp.com/api"},
			Pattern:  `(?P<secret>https://(?:(?:canary|ptb)\.)?discord(?:app)?\.com/api/(?:v[0-9]+/)?webhooks/[0-9]{17,20}/[A-Za-z0-9_\-]{60,68})` + tokEnd,
			Validate: randomAfterLast("/", 0.7),
			Advice:   webhookAdvice + " Discord: Server Settings → Integrations → Webhooks → delete it.",
			Examples: []string{
				"DISCORD_WEBHOOK=https://discord.com/api/webhooks/5523364784680862869/FcrOj72TMV-coZtfo2C6RQ2zN01DpSqgUp95zjYtQkHGe53guvyiolDeTdOQy7iM5X63\n",
				`requests.post("https://discordapp.com/api/webhooks/5523364784680862869/FcrOj72TMV-coZtfo2C6RQ2zN01DpSqgUp95zjYtQkHGe53guvyiolDeTdOQy7iM5X63", json={"content": "filled"})`,
			},
			Negatives: []string{
				"DISCORD_WEBHOOK=https://discord.com/api/webhooks/<id>/<token>\n",
				"DISCORD_WEBHOOK=https://discord.com/api/webhooks/${WEBHOOK_ID}/${WEBHOOK_TOKEN}\n",
				`url = "https://discord.com/api/webhooks/" + process.env.DISCORD_HOOK`,
				"DISCORD_WEBHOOK=https://discord.com/api/webhooks/123456789012345678/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
			},
		},
	}
}

var slackKind = map[string]string{
	"xoxb": "bot token", "xoxp": "user token", "xoxa": "workspace app token", "xoxr": "refresh token",
	"xoxs": "legacy session token", "xoxo": "legacy token", "xoxe": "rotating token", "xapp": "app-level token",
}

func validateSlack(secret string, c Candidate) Verdict {
	if v, ok := publishedKey(secret); ok {
		return v
	}
	if v := entropyVerdict(secret[strings.LastIndexByte(secret, '-')+1:], 0.7); v.Reject {
		return v
	}
	return Verdict{Note: "Slack " + slackKind[secret[:4]]}
}

// telegramContext is checked when the token's hash lacks the usual "AA".
var telegramContext = []string{"telegram", "bot", "token", "tg_"}

func validateTelegram(secret string, c Candidate) Verdict {
	hash := secret[strings.IndexByte(secret, ':')+1:]
	if !strings.HasPrefix(hash, "AA") {
		lw := strings.ToLower(c.Window)
		ok := false
		for _, w := range telegramContext {
			if strings.Contains(lw, w) {
				ok = true
				break
			}
		}
		if !ok {
			return Verdict{Reject: true, Reason: "no Telegram context and no \"AA\" hash prefix"}
		}
	}
	return entropyVerdict(hash, 0.7)
}

// validateDiscordToken checks that the first part is the base64 of the
// bot's user id (a snowflake: 17–20 digits); that one check removes nearly
// every other three-part dotted string.
func validateDiscordToken(secret string, _ Candidate) Verdict {
	parts := strings.Split(secret, ".")
	id, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[0], "="))
	if err != nil || len(id) < 17 || len(id) > 20 || strings.Trim(string(id), "0123456789") != "" {
		return Verdict{Reject: true, Reason: "first part is not a base64 user id"}
	}
	return entropyVerdict(parts[2], 0.7)
}

// telegramTokens finds bot tokens (8–10 digits, a colon, 35 token
// characters) with a byte loop: trading bots mention Telegram on every
// other line, and a regex per window there was the slowest rule.
func telegramTokens(w []byte) [][2]int {
	var out [][2]int
	tokenByte := func(c byte) bool {
		return c == '_' || c == '-' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
	}
	for i := 0; i < len(w); i++ {
		if w[i] != ':' {
			continue
		}
		d := i
		for d > 0 && '0' <= w[d-1] && w[d-1] <= '9' {
			d--
		}
		if n := i - d; n < 8 || n > 10 {
			continue
		}
		// Before the id: a non-token byte, or the "bot" of an API URL.
		if d > 0 && tokenByte(w[d-1]) && !(d >= 3 && string(w[d-3:d]) == "bot") {
			continue
		}
		e := i + 1
		for e < len(w) && tokenByte(w[e]) {
			e++
		}
		if e-i-1 == 35 {
			out = append(out, [2]int{d, e})
		}
	}
	return out
}

// Chat webhooks beyond Slack and Discord (above): Microsoft Teams
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
