// Package mask rewrites files holding leaked secrets so that the secret no
// longer stands in them, and undoes it byte for byte.
//
// Masking is for the places a key should never have been: shell and REPL
// histories, notebooks, logs, copies and backups. It never touches a
// wallet, a seed or mnemonic backup, a key file, a credential store another
// program reads, or a live bot configuration, unless the user names that
// file: rewriting those can break a running bot or destroy the only copy of
// what controls funds, and masking does not make a leaked key safe anyway —
// revoking it does.
//
// Every rewrite keeps the original in one folder the user can find
// (DIR/.keyward/backups/<time>/, mode 0700, files 0600) with a manifest
// that Unmask uses to restore. Files are opened by descriptor relative to
// the audited directory, one component at a time without following links,
// and written in place, so owner, group, mode and every other name of the
// file stay as they were; a file with several names is refused.
package mask

import (
	"path"
	"strings"
)

// Reasons a file is not masked. They are shown to the user as written.
const (
	ReasonWallet       = "a wallet or seed backup: masking could destroy the only copy of what controls funds — move the funds to a new wallet instead"
	ReasonWalletValue  = "a wallet secret (seed phrase or private key): masking does not make it safe and this may be your only copy — move the funds to a new wallet instead"
	ReasonKeyFile      = "a key file: the file is the secret — delete it or protect it with a passphrase"
	ReasonStore        = "a credential store another program reads: revoke the key, then replace it there"
	ReasonBotConfig    = "a live configuration a program reads: revoke the key, then put the new one there"
	ReasonOutOfScope   = "not a history, notebook, log or copy: revoke the key and edit the file yourself, or name it with --mask-file"
	ReasonArchive      = "inside an archive: delete or re-create the archive"
	ReasonNotebookCode = "in the notebook's code (a cell's source), which runs with it: revoke the key and load the new one from an environment variable, or name the file with --mask-file"
)

// Scope says whether rel (a slash path relative to the audited directory)
// may be masked without the user naming it, and if not, why. Protection
// is decided first, so a copy of a wallet ("wallet.dat.bak") stays a
// wallet.
func Scope(rel string) (ok bool, reason string) {
	if r := protected(rel); r != "" {
		return false, r
	}
	if inScope(rel) {
		return true, ""
	}
	return false, ReasonOutOfScope
}

func protected(rel string) string {
	lower := strings.ToLower(rel)
	base := path.Base(lower)
	segs := strings.Split(lower, "/")
	has := func(names ...string) bool {
		for _, s := range segs[:len(segs)-1] {
			for _, n := range names {
				if s == n {
					return true
				}
			}
		}
		return false
	}
	switch {
	case has(".electrum", "electrum", ".bitcoin", "bitcoin", ".litecoin", ".dogecoin", ".ethereum", "ethereum",
		"keystore", "keystores", ".walletwasabi", "walletwasabi", ".sparrow", "sparrow", "exodus", "exodus.wallet",
		"monero", ".near-credentials", ".sui", ".aptos", "ledger live", "atomic", ".brownie", ".ape"),
		strings.HasPrefix(lower, ".config/solana/"),
		strings.Contains(base, "wallet"), strings.Contains(base, "seed"), strings.Contains(base, "mnemonic"),
		strings.Contains(base, "recovery"), strings.Contains(base, "keystore"), strings.HasPrefix(base, "utc--"),
		strings.HasSuffix(base, ".keys"), strings.HasSuffix(base, ".seco"), strings.HasSuffix(base, ".kdbx"):
		return ReasonWallet
	case has(".ssh", ".gnupg", "private-keys-v1.d"),
		strings.HasSuffix(base, ".pem"), strings.HasSuffix(base, ".key"), strings.HasSuffix(base, ".ppk"),
		strings.HasSuffix(base, ".p12"), strings.HasSuffix(base, ".pfx"), strings.HasPrefix(base, "id_"):
		return ReasonKeyFile
	case lower == ".aws/credentials", lower == ".aws/config", has(".aws") && has("cache"),
		base == ".git-credentials", base == ".npmrc", base == ".netrc", base == "_netrc", base == ".pypirc",
		base == ".yarnrc.yml", base == ".pgpass", base == ".my.cnf", base == ".mylogin.cnf", base == ".s3cfg",
		base == ".boto", base == ".vault-token", base == ".terraformrc", base == "credentials.tfrc.json",
		lower == ".docker/config.json", lower == ".kube/config", lower == ".config/gh/hosts.yml",
		lower == ".config/hub", lower == ".config/rclone/rclone.conf", lower == ".gem/credentials",
		strings.HasPrefix(lower, ".cargo/credentials"), lower == ".composer/auth.json",
		strings.HasPrefix(lower, ".config/gcloud/"), strings.HasPrefix(lower, ".azure/"),
		strings.HasPrefix(lower, ".cache/huggingface/"), has("keychains"), strings.Contains(base, ".keychain"),
		lower == ".m2/settings.xml", lower == ".m2/settings-security.xml", lower == ".gradle/gradle.properties",
		strings.HasSuffix(lower, ".git/config"):
		return ReasonStore
	case has("user_data", "conf", "connectors", "my-secrets", "tentacles_config") && !inScope(rel),
		base == ".env", strings.HasPrefix(base, ".env.") && !copyName(base),
		base == "keys.json", base == "keys.local.json", base == "secret-api-keys.json",
		base == "config.js", base == "conf.js", base == "docker-compose.yml", base == "docker-compose.yaml",
		strings.HasPrefix(base, "hardhat.config."), base == "vars.json":
		return ReasonBotConfig
	}
	return ""
}

// inScope is the default scope: files that record what happened (histories,
// notebook outputs, logs) and copies nobody reads back. A notebook's code
// is kept (plan).
func inScope(rel string) bool {
	lower := strings.ToLower(rel)
	base := path.Base(lower)
	switch {
	case strings.HasSuffix(base, "_history"), strings.HasSuffix(base, "history.txt"),
		base == ".lesshst", base == ".wget-hsts",
		strings.HasPrefix(lower, ".zsh_sessions/"), strings.HasPrefix(lower, ".bash_sessions/"),
		strings.HasPrefix(lower, ".local/state/") && strings.Contains(base, "history"):
		return true
	case strings.HasSuffix(base, ".ipynb"):
		return true
	case strings.HasSuffix(base, ".log"), strings.Contains(base, ".log."), strings.Contains(lower, "/logs/"),
		strings.HasPrefix(lower, "logs/"):
		return true
	}
	return copyName(base)
}

// copyName recognises the names editors, users and tools give copies.
func copyName(base string) bool {
	for _, suf := range []string{".bak", ".backup", ".orig", ".old", "~", ".save", ".copy", ".swp.txt"} {
		if strings.HasSuffix(base, suf) {
			return true
		}
	}
	return strings.Contains(base, " copy") || strings.Contains(base, "-copy") || strings.Contains(base, "_copy") ||
		strings.Contains(base, ".bak.") || strings.Contains(base, ".backup.")
}
