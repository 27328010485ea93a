// Package home is the laptop-audit profile: which parts of a home directory
// are caches and third-party trees to skip, where secrets are known to
// live, which stores are reported by presence without being read, and which
// files are cloud placeholders that must never be read.
//
// The profile is data, walked by internal/walk through its Skip option;
// Scan adds what a home audit needs around the walk: presence findings for
// stores never read, and the permissions of each file holding a secret.
// What the bytes of a file are (archive, wallet, GnuPG key, binary) is the
// content layer's to judge, as for every other source.
package home

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/keyward/scan/internal/content"
)

// Skip reasons, counted in the summary.
const (
	ReasonCache       = "cache"
	ReasonDependency  = "dependencies"
	ReasonToolchain   = "toolchain"
	ReasonTrash       = "trash"
	ReasonMedia       = "media library"
	ReasonBuild       = "build output"
	ReasonSystem      = "system filesystem"
	ReasonPlaceholder = "cloud placeholder"
	ReasonPresence    = "presence only"
	ReasonLargeBinary = content.SkipLargeBinary
	ReasonUser        = "--skip"
	// ReasonOwnBackups is keyward's own --mask backups: the originals of
	// files it masked, already reported once.
	ReasonOwnBackups = "keyward backups"
)

// SkipRule skips directories (or files) matching Pattern.
type SkipRule struct {
	// Pattern is a doublestar glob matched against the slash path relative
	// to the home directory; "**/" makes it match at any depth.
	Pattern string
	Reason  string
	// Except lists paths below the skipped tree that are still read:
	// credential files that live inside caches (~/.cache/huggingface/token).
	Except []string
}

// Place is somewhere secrets are known to live. A file at a place is read
// even when a skip rule names the file itself, and places are listed, in
// priority order, in the summary of what the audit checked. A place inside
// a skipped directory is reached only through that rule's Except list.
type Place struct {
	// Pattern is a doublestar glob relative to the home directory.
	Pattern string
	// Kind groups places for the summary ("shell history", "cloud
	// credentials", "trading bot config", "wallet"…).
	Kind string
	// Priority orders places: 1 is where leaks are most often found.
	Priority int
}

// Profile is the audit's view of a home directory. Its fields are plain
// data so that callers may add, remove or replace entries.
type Profile struct {
	Skips  []SkipRule
	Places []Place
	// Vaults are stores reported by presence only: their contents are
	// never read.
	Vaults []Vault
}

// Default returns the built-in profile for Linux, macOS and Windows homes.
func Default() *Profile {
	return &Profile{Skips: defaultSkips(), Places: defaultPlaces(), Vaults: defaultVaults()}
}

func defaultSkips() []SkipRule {
	return []SkipRule{
		// Caches regenerate; XDG calls ~/.cache "non-essential".
		{Pattern: ".cache", Reason: ReasonCache, Except: []string{".cache/huggingface/token", ".cache/huggingface/stored_tokens"}},
		{Pattern: "Library/Caches", Reason: ReasonCache},
		{Pattern: "Library/Containers/*/Data/Library/Caches", Reason: ReasonCache},
		{Pattern: "AppData/Local/Temp", Reason: ReasonCache},
		{Pattern: "AppData/Local/Microsoft/Windows/INetCache", Reason: ReasonCache},
		{Pattern: "AppData/Local/Packages/*/{LocalCache,TempState,AC}", Reason: ReasonCache},
		{Pattern: "AppData/Local/pip/Cache", Reason: ReasonCache},
		{Pattern: "AppData/Local/npm-cache", Reason: ReasonCache},
		{Pattern: "**/{Cache,Code Cache,GPUCache,GrShaderCache,ShaderCache}", Reason: ReasonCache},
		{Pattern: "**/Service Worker/CacheStorage", Reason: ReasonCache},
		{Pattern: "**/{__pycache__,.mypy_cache,.pytest_cache,.ruff_cache}", Reason: ReasonCache},
		{Pattern: ".npm", Reason: ReasonCache},
		{Pattern: "**/.yarn/cache", Reason: ReasonCache},
		{Pattern: ".pnpm-store", Reason: ReasonCache},
		{Pattern: ".gradle/{caches,wrapper,daemon,native}", Reason: ReasonCache},
		{Pattern: ".m2/{repository,wrapper}", Reason: ReasonCache},
		{Pattern: ".conda/pkgs", Reason: ReasonCache},
		{Pattern: "{anaconda3,miniconda3,miniforge3}/pkgs", Reason: ReasonCache},
		{Pattern: ".ollama/models", Reason: ReasonCache},
		// Third-party code carries test keys and examples by the hundred.
		{Pattern: "**/node_modules", Reason: ReasonDependency},
		{Pattern: "**/{site-packages,dist-packages}", Reason: ReasonDependency},
		{Pattern: "**/{.tox,.nox}", Reason: ReasonDependency},
		{Pattern: "**/.terraform/providers", Reason: ReasonDependency},
		{Pattern: "**/bower_components", Reason: ReasonDependency},
		{Pattern: "**/vendor/bundle", Reason: ReasonDependency},
		{Pattern: ".cargo/{registry,git}", Reason: ReasonDependency},
		{Pattern: "go/pkg", Reason: ReasonDependency},
		{Pattern: ".gem/ruby", Reason: ReasonDependency},
		{Pattern: ".vscode/extensions", Reason: ReasonDependency},
		{Pattern: ".vscode-server", Reason: ReasonDependency},
		{Pattern: ".cursor/extensions", Reason: ReasonDependency},
		{Pattern: ".nuget/packages", Reason: ReasonDependency},
		{Pattern: "AppData/Roaming/npm/node_modules", Reason: ReasonDependency},
		{Pattern: ".julia/packages", Reason: ReasonDependency},
		// Toolchains: interpreters and compilers with their standard
		// libraries and test suites. pyenv and nvm are git checkouts of
		// third-party code even outside versions/.
		{Pattern: ".pyenv", Reason: ReasonToolchain},
		{Pattern: ".nvm", Reason: ReasonToolchain},
		{Pattern: ".rustup", Reason: ReasonToolchain},
		{Pattern: ".rbenv/versions", Reason: ReasonToolchain},
		{Pattern: ".sdkman/candidates", Reason: ReasonToolchain},
		{Pattern: "sdk", Reason: ReasonToolchain},
		{Pattern: "go/{src/golang.org,src/github.com/golang}", Reason: ReasonToolchain},
		{Pattern: ".local/share/{pnpm,uv/python}", Reason: ReasonToolchain},
		{Pattern: "{anaconda3,miniconda3,miniforge3}/{lib,envs,include,share}", Reason: ReasonToolchain},
		{Pattern: "Library/Developer/{Xcode/DerivedData,CoreSimulator}", Reason: ReasonToolchain},
		{Pattern: "AppData/Local/Programs", Reason: ReasonToolchain},
		// Build output regenerates from sources that are scanned.
		{Pattern: "**/{target,.next,.nuxt,.svelte-kit,.gradle-build}", Reason: ReasonBuild},
		// Trash: deleted on purpose; a secret there is still a leak, but
		// the user asked for it to go. Listed so --no-skip can bring it back.
		{Pattern: "{.local/share/Trash,.Trash}", Reason: ReasonTrash},
		// Media has no text secrets and is most of a home's bytes.
		{Pattern: "{Music,Movies,Videos}", Reason: ReasonMedia},
		{Pattern: "Pictures/*.photoslibrary", Reason: ReasonMedia},
		{Pattern: "Library/Application Support/MobileSync/Backup", Reason: ReasonMedia},
		// The originals --mask kept: reporting them again would ask the
		// user to mask the backups (and then the backups of those).
		{Pattern: ".keyward/backups", Reason: ReasonOwnBackups},
	}
}

func defaultPlaces() []Place {
	return []Place{
		{".bash_history", "shell history", 1},
		{".zsh_history", "shell history", 1},
		{".zsh_sessions/**", "shell history", 1},
		{".bash_sessions/**", "shell history", 1},
		{".local/share/fish/fish_history", "shell history", 1},
		{".local/share/powershell/PSReadLine/*", "shell history", 1},
		{"AppData/Roaming/Microsoft/Windows/PowerShell/PSReadLine/*", "shell history", 1},
		{"{.python_history,.node_repl_history,.psql_history,.mysql_history,.sqlite_history,.irb_history,.rediscli_history}", "REPL history", 1},
		{"**/.env", "dotenv file", 1},
		{"**/.env.*", "dotenv file", 1},
		{"**/keys{,.local}.json", "ccxt keys file", 1},
		{"**/user_data/config*.json", "trading bot config", 1},
		{"**/user/config.json", "trading bot config", 2},
		{"**/conf/connectors/*.yml", "hummingbot connector", 1},
		{"**/conf/{conf_client.yml,.password_verification}", "hummingbot config", 2},
		{"**/conf/strategies/*.yml", "hummingbot config", 2},
		{"**/SECRET-api-keys.json", "trading bot config", 1},
		{"**/My-Secrets/*.json", "trading bot config", 1},
		{".aws/{credentials,config}", "cloud credentials", 1},
		{".aws/{sso,cli}/cache/*.json", "cloud credentials", 2},
		{".config/gcloud/**/*.json", "cloud credentials", 1},
		{".azure/*.json", "cloud credentials", 2},
		{".kube/config", "cloud credentials", 1},
		{".docker/config.json", "cloud credentials", 1},
		{"{.netrc,_netrc,.git-credentials}", "git and HTTP credentials", 1},
		{"**/.git/config", "git and HTTP credentials", 2},
		{"{.npmrc,.pypirc,.yarnrc.yml,.gem/credentials,.composer/auth.json,.cargo/credentials.toml,.cargo/credentials}", "package registry token", 1},
		{".m2/{settings,settings-security}.xml", "package registry token", 2},
		{".gradle/gradle.properties", "package registry token", 2},
		{".config/gh/hosts.yml", "package registry token", 2},
		{"{.terraform.d/credentials.tfrc.json,.terraformrc,.vault-token}", "cloud credentials", 2},
		{"{.pgpass,.my.cnf,.mylogin.cnf,.s3cfg,.boto}", "database and storage credentials", 2},
		{".config/rclone/rclone.conf", "database and storage credentials", 2},
		{".cache/huggingface/{token,stored_tokens}", "cloud credentials", 2},
		{"**/*.ipynb", "notebook", 2},
		{".ssh/*", "SSH key", 1},
		{".gnupg/private-keys-v1.d/*.key", "GnuPG secret key", 2},
		{".gnupg/secring.gpg", "GnuPG secret key", 2},
		{".config/solana/*.json", "wallet", 1},
		{"{.ethereum,Library/Ethereum,AppData/Local/Ethereum,AppData/Roaming/Ethereum}/**/keystore/*", "wallet", 1},
		{"{.foundry/keystores,.brownie/accounts,.ape/accounts}/*", "wallet", 1},
		{"{.bitcoin,Library/Application Support/Bitcoin,AppData/Roaming/Bitcoin,AppData/Local/Bitcoin}/**/wallet.dat", "wallet", 1},
		{"{.electrum,AppData/Roaming/Electrum}/**/wallets/*", "wallet", 1},
		{".near-credentials/**/*.json", "wallet", 1},
		{".sui/sui_config/sui.keystore", "wallet", 1},
		{".aptos/config.yaml", "wallet", 1},
		{".config/hardhat-nodejs/vars.json", "wallet", 1},
		{"**/hardhat.config.*", "wallet", 2},
		{"{Downloads,Desktop,Documents}/**/*.{csv,txt,json}", "documents", 3},
	}
}

// Vault is a store reported by presence only: a browser-extension wallet's
// LevelDB, whose encrypted vault must not be read, copied or parsed.
type Vault struct {
	// ID is the Chromium extension id.
	ID string
	// Name and Service name the wallet for the report and the summary.
	Name, Service string
}

func defaultVaults() []Vault {
	// Extension ids from the Chrome and Edge stores, cross-checked in
	// home-places.md (third-party lists mix some of them up).
	return []Vault{
		{"nkbihfbeogaeaoehlefnkodbefgpgknn", "MetaMask", "metamask"},
		{"ejbalbakoplchlghecdalmeeeajnimhm", "MetaMask (Edge)", "metamask"},
		{"bfnaelmomeimhlpmgjnjophhpkkoljpa", "Phantom", "phantom"},
		{"hnfanknocfeofbddgcijnmhnfnkdnaad", "Coinbase Wallet", "coinbase-wallet"},
		{"acmacodkjbdgmoleebolmdjonilkdbch", "Rabby", "rabby"},
		{"egjidjbpglichdcondbcbdnbeeppgdph", "Trust Wallet", "trust-wallet"},
		{"dmkamcknogkgcdfhhbddcghachkejeap", "Keplr", "keplr"},
		{"bhhhlbepdkbapadjdnnojkbgioiodbic", "Solflare", "solflare"},
		{"mcohilncbfahbmgdjkbpemcciiolgcge", "OKX Wallet", "okx-wallet"},
		{"fhbohimaelbohpjbbldcngcnapndodjp", "Binance Wallet", "binance-wallet"},
		{"ibnejdfjmmkpcnlpebklmnkoeoihofec", "TronLink", "tronlink"},
		{"fnjhmkhhmkbjkkabndcnnogagogbneec", "Ronin", "ronin"},
		{"aholpfdialjgjfhomihkjbmgjidlcdno", "Exodus Web3", "exodus"},
	}
}

// Decision is what the profile says about one directory entry.
type Decision struct {
	// Skip, when not empty, is the reason the entry is not read.
	Skip string
	// Place is the known place the entry is at, if any.
	Place *Place
	// Vault is set for a browser-extension wallet store: report its
	// presence, never read it.
	Vault *Vault
}

// Matcher applies a profile to the entries of one walk. It is built once
// per scan (Profile.Matcher) because a home holds hundreds of thousands of
// entries and each is judged against every pattern. A Matcher is used by
// one walker goroutine at a time.
type Matcher struct {
	p      *Profile
	skips  []glob
	places []glob
	// viaException holds directories entered only because an exception
	// lies below them: their other entries stay skipped.
	viaException map[string]string
}

// glob is a doublestar pattern with cheap literal tests in front of it.
type glob struct {
	pattern string
	first   string // literal first segment of an anchored pattern, or ""
	last    string // literal last segment, or ""
}

func compile(pattern string) glob {
	g := glob{pattern: pattern}
	segs := strings.Split(pattern, "/")
	if literal(segs[0]) {
		g.first = segs[0]
	}
	if l := segs[len(segs)-1]; literal(l) && !strings.Contains(pattern, "{") {
		g.last = l
	}
	return g
}

func literal(seg string) bool { return seg != "" && !strings.ContainsAny(seg, "*?[{\\") }

func (g *glob) match(rel, first, base string) bool {
	if (g.first != "" && g.first != first) || (g.last != "" && g.last != base) {
		return false
	}
	ok, _ := doublestar.Match(g.pattern, rel)
	return ok
}

// Matcher compiles the profile for one scan.
func (p *Profile) Matcher() *Matcher {
	m := &Matcher{p: p, viaException: map[string]string{}}
	for _, s := range p.Skips {
		m.skips = append(m.skips, compile(s.Pattern))
	}
	for _, pl := range p.Places {
		m.places = append(m.places, compile(pl.Pattern))
	}
	return m
}

// Decide judges the entry at rel (slash path relative to the home
// directory) whose absolute path is abs.
func (m *Matcher) Decide(rel, abs string, d fs.DirEntry) Decision {
	if systemPath(abs) {
		return Decision{Skip: ReasonSystem}
	}
	first, _, _ := strings.Cut(rel, "/")
	base := path.Base(rel)
	if d.IsDir() {
		if v := m.p.vault(rel); v != nil {
			return Decision{Skip: ReasonPresence, Vault: v}
		}
		if reason := m.skipped(rel, first, base, true); reason != "" {
			return Decision{Skip: reason}
		}
		// A directory holding pyvenv.cfg is a virtual environment,
		// whatever its name.
		if fileExists(filepath.Join(abs, "pyvenv.cfg")) {
			return Decision{Skip: ReasonDependency}
		}
		return Decision{}
	}
	place := m.place(rel, first, base)
	if place == nil {
		if reason := m.skipped(rel, first, base, false); reason != "" {
			return Decision{Skip: reason}
		}
	}
	if d.Type().IsRegular() {
		if placeholderName(rel) {
			return Decision{Skip: ReasonPlaceholder, Place: place}
		}
		if info, err := d.Info(); err == nil && placeholder(info) {
			return Decision{Skip: ReasonPlaceholder, Place: place}
		}
	}
	return Decision{Place: place}
}

// skipped returns the reason a skip rule covers rel, or "". A directory on
// the way to an exception is entered, and within it only exceptions (and
// directories leading to them) are read.
func (m *Matcher) skipped(rel, first, base string, isDir bool) string {
	if reason, ok := m.viaException[path.Dir(rel)]; ok {
		if m.exception(rel, isDir) {
			if isDir {
				m.viaException[rel] = reason
			}
			return ""
		}
		return reason
	}
	for i := range m.skips {
		if !m.skips[i].match(rel, first, base) {
			continue
		}
		reason := m.p.Skips[i].Reason
		if isDir && m.exception(rel, true) {
			m.viaException[rel] = reason
			return ""
		}
		return reason
	}
	return ""
}

// exception reports whether rel is an exception of some skip rule, or a
// directory leading to one.
func (m *Matcher) exception(rel string, isDir bool) bool {
	for _, s := range m.p.Skips {
		for _, e := range s.Except {
			if e == rel || (isDir && strings.HasPrefix(e, rel+"/")) {
				return true
			}
		}
	}
	return false
}

func (m *Matcher) place(rel, first, base string) *Place {
	var best *Place
	for i := range m.places {
		pl := &m.p.Places[i]
		if (best == nil || pl.Priority < best.Priority) && m.places[i].match(rel, first, base) {
			best = pl
		}
	}
	return best
}

// Place returns the known place at rel, if any.
func (m *Matcher) Place(rel string) *Place {
	first, _, _ := strings.Cut(rel, "/")
	return m.place(rel, first, path.Base(rel))
}

// vault recognises a Chromium extension's storage directory for a known
// wallet: "…/Local Extension Settings/<id>", "…/Sync Extension
// Settings/<id>" or "…/IndexedDB/chrome-extension_<id>_0.indexeddb.leveldb".
func (p *Profile) vault(rel string) *Vault {
	dir, name := path.Split(rel)
	parent := path.Base(strings.TrimSuffix(dir, "/"))
	id := ""
	switch parent {
	case "Local Extension Settings", "Sync Extension Settings":
		id = name
	case "IndexedDB":
		if strings.HasPrefix(name, "chrome-extension_") {
			id = strings.TrimPrefix(name, "chrome-extension_")
			if i := strings.IndexByte(id, '_'); i > 0 {
				id = id[:i]
			}
		}
	}
	if id == "" {
		return nil
	}
	for i := range p.Vaults {
		if p.Vaults[i].ID == id {
			return &p.Vaults[i]
		}
	}
	return nil
}

// Skip adds a user skip rule (--skip).
func (p *Profile) Skip(pattern string) {
	p.Skips = append([]SkipRule{{Pattern: pattern, Reason: ReasonUser}}, p.Skips...)
}

// Unskip removes the skip rules whose pattern or reason is name
// (--no-skip), and reports whether any was removed.
func (p *Profile) Unskip(name string) bool {
	out := p.Skips[:0]
	removed := false
	for _, s := range p.Skips {
		if s.Pattern == name || s.Reason == name {
			removed = true
			continue
		}
		out = append(out, s)
	}
	p.Skips = out
	return removed
}

// SkipList describes the skip rules by reason, for --help.
func (p *Profile) SkipList() string {
	by := map[string][]string{}
	var reasons []string
	for _, s := range p.Skips {
		if by[s.Reason] == nil {
			reasons = append(reasons, s.Reason)
		}
		by[s.Reason] = append(by[s.Reason], s.Pattern)
	}
	sort.Strings(reasons)
	var b strings.Builder
	for _, r := range reasons {
		line := "  " + r + ":"
		for _, pat := range by[r] {
			// Two spaces apart: patterns may hold one ("Code Cache").
			if len(line)+2+len(pat) > 78 {
				b.WriteString(line + "\n")
				line = "   "
			}
			line += "  " + pat
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}

// systemPath keeps the walk out of kernel and device filesystems when the
// audit is pointed at / or at a directory holding bind mounts of them.
func systemPath(abs string) bool {
	switch filepath.ToSlash(abs) {
	case "/proc", "/sys", "/dev", "/run":
		return true
	}
	return false
}

func fileExists(p string) bool {
	info, err := os.Lstat(p)
	return err == nil && info.Mode().IsRegular()
}
