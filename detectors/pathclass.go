package detectors

import (
	"path"
	"strings"
)

// PathClass names everything the rules and validators read from a
// file's path: what its base name says (extension, lockfile, config-like
// name, google-services.json, a GnuPG secret key), and the traits its
// directories give it (test, documentation, vendored, bundler output,
// hummingbot's conf/, a .git/config, wallet words). Two paths with the same class get the same
// findings from the same bytes, so a history scan that read a blob under
// one path reuses its findings at another path of the same class, and
// reads it again under a path of another class: a key first committed in
// tests/fixtures/.env and then copied to config/.env is not a test value
// there.
//
// A rule or validator that starts reading something new from the path
// must add it here; TestPathClassCoversPathDecisions checks the rules
// against pairs of paths.
func PathClass(p string) string {
	var b strings.Builder
	// Of the base name only its extension and a few names matter: a
	// file renamed within its kind (mode_factory.py to
	// trading_mode_factory.py) is not read again.
	base := strings.ToLower(path.Base(p))
	b.WriteString(path.Ext(base))
	if strings.Contains(base, ".tar.") {
		b.WriteString("+tar")
	}
	b.WriteByte('|')
	flag := func(on bool, c byte) {
		if on {
			b.WriteByte(c)
		}
	}
	lp := strings.ToLower(p)
	flag(lockfile(p), 'l')
	flag(configLike(p), 'c')
	flag(appConfigPath(p), 'o')
	flag(base == "secring.gpg" || strings.Contains(lp, "private-keys-v1.d/"), 'k')
	_, vendored := VendoredRoot(p)
	flag(testPath(p), 't')
	flag(DocDir(p), 'd')
	flag(vendored, 'v')
	flag(bundlePath(p), 'b')
	flag(strings.Contains(p, "conf/encrypted_") && hummingbotConfPath.MatchString(p), 'h')
	flag(gitConfigPath(p), 'g')
	for _, w := range append([]string{"electrum"}, mnemonicPathWords...) {
		if strings.Contains(lp, w) {
			b.WriteByte(',')
			b.WriteString(w)
		}
	}
	return b.String()
}
