package detectors

import (
	"strings"
)

// knownDefaultPasswords are the passwords images, installers and tutorials
// ship as defaults (the postgres and mysql images' documentation, RabbitMQ's
// guest, MinIO's minioadmin, Elasticsearch's changeme, Grafana's admin),
// and the words people type as one.
var knownDefaultPasswords = map[string]bool{
	"postgres": true, "postgresql": true, "mysql": true, "mariadb": true, "root": true, "toor": true,
	"admin": true, "administrator": true, "admin123": true, "password": true, "passw0rd": true,
	"password1": true, "password123": true, "pass": true, "secret": true, "changeme": true,
	"change_me": true, "changeit": true, "guest": true, "redis": true, "mongo": true, "minioadmin": true,
	"minio123": true, "test": true, "example": true, "default": true, "123456": true, "12345678": true,
	"qwerty": true, "letmein": true, "airflow": true, "rabbitmq": true, "keycloak": true, "elastic": true,
}

// defaultRefName matches ${NAME:-default} (and :=, ?, +), capturing the
// name, for the label check.
var defaultRefName = lazyRE(`\$\{([A-Za-z_][A-Za-z0-9_]*):?[-=?+]$`)

// defaultPasswordRules reports a shell or compose reference whose default
// is a known default password: ${POSTGRES_PASSWORD:-postgres}. The value in
// use comes from the environment, so this is not a leaked secret; but a
// service started without the variable runs with a password everyone
// knows, which is worth a line at info. A random default is a pasted
// secret, and the generic rule reports it as one.
func defaultPasswordRules() []Rule {
	return []Rule{{
		ID:               "default-password",
		Title:            "Known default password as a variable's default",
		Severity:         Info,
		Service:          "generic",
		Name:             "Default password",
		Kind:             KindGeneric,
		Generic:          true,
		Keywords:         []string{":-"},
		Pattern:          `\$\{[A-Za-z_][A-Za-z0-9_]*:?[-=?+](?P<secret>[A-Za-z0-9_!@#.]{2,32})\}`,
		KeepPlaceholders: true,
		Validate:         validateDefaultPassword,
		Advice:           "Not a leaked secret: the password in use comes from the environment. If the variable is ever unset the service starts with a password everyone knows; drop the default (${NAME:?NAME must be set}) so that it fails instead.",
		Examples: []string{
			"services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:-postgres}\n",
			"export PGPASSWORD=\"${PGPASSWORD:-changeme}\"\n",
			"RABBITMQ_DEFAULT_PASS=${RABBITMQ_PASS:-guest}\n",
		},
		Negatives: []string{
			"POSTGRES_USER: ${POSTGRES_USER:-postgres}\n",
			"POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:-Tr4d3b0tDb2024}\n",
			"PORT=${PORT:-8080}\n",
		},
	}}
}

// validateDefaultPassword keeps a known default password under a name
// that says password or secret.
func validateDefaultPassword(secret string, c Candidate) Verdict {
	i := strings.Index(c.Line, "${")
	for i >= 0 {
		rest := c.Line[i:]
		end := strings.Index(rest, secret+"}")
		if end >= 0 {
			if m := defaultRefName.FindStringSubmatch(rest[:end]); m != nil {
				if !genericLabel.MatchString(m[1]) && !strings.Contains(strings.ToLower(m[1]), "pwd") && !strings.Contains(strings.ToLower(m[1]), "pass") {
					return Verdict{Reject: true, Reason: "the variable's name does not say password or secret"}
				}
				if !knownDefaultPasswords[strings.ToLower(secret)] {
					return Verdict{Reject: true, Reason: "not a known default password (a random default is the generic rule's)"}
				}
				return Verdict{Note: "the default of " + m[1] + " when it is unset: a password known to everyone"}
			}
		}
		j := strings.Index(c.Line[i+2:], "${")
		if j < 0 {
			break
		}
		i += 2 + j
	}
	return Verdict{Reject: true, Reason: "not the default of a ${NAME:-default} reference"}
}
