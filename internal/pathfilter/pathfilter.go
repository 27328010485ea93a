// Package pathfilter decides which paths a scan reads: --include and
// --exclude globs, and ignore files in gitignore syntax. Every source asks
// it the same question with a '/'-separated path relative to the scanned
// root (or the repository); where the ignore file's bytes come from (the
// disk, a commit, the index) is the source's business.
package pathfilter

import (
	"fmt"
	"path"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	ignore "github.com/sabhiram/go-gitignore"
)

// IgnoreFile names the file, at a scan root or a repository's top, whose
// patterns exclude paths from every scan.
const IgnoreFile = ".keywardignore"

// MaxIgnoreFile bounds what is read of an ignore file.
const MaxIgnoreFile = 1 << 20

// Keep reports whether a path is to be scanned. A nil Keep keeps all.
type Keep func(path string) bool

// Allows calls k, treating nil as keeping everything.
func (k Keep) Allows(p string) bool { return k == nil || k(p) }

// Globs builds the --include/--exclude test. A pattern without a slash
// also matches a file's base name, as .gitignore patterns do. It returns
// nil when there are no patterns.
func Globs(include, exclude []string) (Keep, error) {
	for _, p := range append(append([]string(nil), include...), exclude...) {
		if !doublestar.ValidatePattern(p) {
			return nil, fmt.Errorf("bad glob pattern %q", p)
		}
	}
	if len(include) == 0 && len(exclude) == 0 {
		return nil, nil
	}
	match := func(pat, p string) bool {
		if ok, _ := doublestar.Match(pat, p); ok {
			return true
		}
		if !strings.Contains(pat, "/") {
			ok, _ := doublestar.Match(pat, path.Base(p))
			return ok
		}
		return false
	}
	return func(p string) bool {
		for _, pat := range exclude {
			if match(pat, p) {
				return false
			}
		}
		if len(include) == 0 {
			return true
		}
		for _, pat := range include {
			if match(pat, p) {
				return true
			}
		}
		return false
	}, nil
}

// Ignore is a compiled ignore file.
type Ignore struct{ m *ignore.GitIgnore }

// ParseIgnore compiles the text of an ignore file (gitignore syntax).
func ParseIgnore(data []byte) *Ignore {
	return &Ignore{ignore.CompileIgnoreLines(strings.Split(string(data), "\n")...)}
}

// Matches reports whether the ignore file excludes p; isDir marks a
// directory (a pattern ending in "/" matches only those).
func (i *Ignore) Matches(p string, isDir bool) bool {
	if i == nil {
		return false
	}
	if isDir {
		p += "/"
	}
	return i.m.MatchesPath(p)
}

// And returns a Keep that also drops what the ignore file excludes.
func (k Keep) And(i *Ignore) Keep {
	if i == nil {
		return k
	}
	return func(p string) bool { return k.Allows(p) && !i.Matches(p, false) }
}
