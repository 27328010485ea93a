// Package repos finds the repositories a scan of many covers — below a
// directory, in a list of clone URLs or paths — keeps mirror clones of
// remote ones in a cache, and splits a set into shards.
package repos

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/keyward/scan/internal/regularfile"
)

// Repo is one repository to scan: local (Path set) or remote (mirrored
// from CloneURL into the cache before it is scanned).
type Repo struct {
	// Name identifies the repository in reports: owner/name for a hosted
	// one, the path below the scanned directory for a local one.
	Name string
	// URL is where it comes from, without credentials: the clone URL, or
	// a file:// URL for a local repository.
	URL string
	// CloneURL is what git fetches from (may differ from URL only by
	// credentials a listing file carried); empty for a local repository.
	CloneURL string
	// Path is a local repository's directory.
	Path string
	// Private marks a repository the API said is private (it needs a
	// token to clone).
	Private bool
}

// Sort orders repositories by name, so that every listing, shard and
// report is in the same order whatever found them.
func Sort(rs []Repo) {
	sort.Slice(rs, func(i, j int) bool { return rs[i].Name < rs[j].Name })
}

// FromDir finds the repositories below root: working trees (a .git
// directory or file) and bare repositories (HEAD, objects/ and refs/).
// Symbolic links are not followed, and a repository's own directories are
// not searched for more (submodules and vendored copies belong to it).
func FromDir(root string) ([]Repo, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	var out []Repo
	err = filepath.WalkDir(abs, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == abs {
				return err
			}
			return nil // an unreadable directory is skipped; the caller warns about none found
		}
		if !d.IsDir() {
			return nil
		}
		if d.Name() == ".git" {
			return filepath.SkipDir
		}
		if isWorkTree(p) || isBare(p) {
			name, _ := filepath.Rel(abs, p)
			if name == "." {
				name = filepath.Base(abs)
			}
			out = append(out, Repo{Name: filepath.ToSlash(name), URL: fileURL(p), Path: p})
			return filepath.SkipDir
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("find repositories in %s: %w", root, err)
	}
	Sort(out)
	return out, nil
}

func isWorkTree(dir string) bool {
	fi, err := os.Lstat(filepath.Join(dir, ".git"))
	return err == nil && (fi.IsDir() || fi.Mode().IsRegular())
}

func isBare(dir string) bool {
	for _, sub := range []string{"objects", "refs"} {
		fi, err := os.Lstat(filepath.Join(dir, sub))
		if err != nil || !fi.IsDir() {
			return false
		}
	}
	fi, err := os.Lstat(filepath.Join(dir, "HEAD"))
	return err == nil && fi.Mode().IsRegular()
}

func fileURL(p string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(p)}).String()
}

// maxListFile bounds a list of repositories.
const maxListFile = 64 << 20

// FromList reads a list of repositories, one clone URL or local path a
// line; blank lines and lines starting with # are skipped. Relative paths
// are taken from the list's directory.
func FromList(file string) ([]Repo, error) {
	data, err := regularfile.ReadFile(file, maxListFile)
	if err != nil {
		return nil, fmt.Errorf("repository list %s: %w", file, err)
	}
	var out []Repo
	seen := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		r, err := parseEntry(line, filepath.Dir(file))
		if err != nil {
			return nil, fmt.Errorf("repository list %s line %d: %w", file, n, err)
		}
		if !seen[r.Name] {
			seen[r.Name] = true
			out = append(out, r)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("repository list %s: %w", file, err)
	}
	Sort(out)
	return out, nil
}

func parseEntry(s, base string) (Repo, error) {
	if isRemote(s) {
		clean, err := StripCredentials(s)
		if err != nil {
			return Repo{}, err
		}
		return Repo{Name: NameOf(clean), URL: clean, CloneURL: s}, nil
	}
	p := s
	if !filepath.IsAbs(p) {
		p = filepath.Join(base, p)
	}
	fi, err := os.Stat(p)
	if err != nil {
		return Repo{}, err
	}
	if !fi.IsDir() {
		return Repo{}, fmt.Errorf("%s: not a directory", s)
	}
	return Repo{Name: strings.TrimSuffix(filepath.Base(p), ".git"), URL: fileURL(p), Path: p}, nil
}

// isRemote tells a clone URL (scheme://… or scp-like user@host:path) from
// a local path.
func isRemote(s string) bool {
	if strings.Contains(s, "://") {
		return true
	}
	at, colon := strings.Index(s, "@"), strings.Index(s, ":")
	return at > 0 && colon > at && !strings.Contains(s[:colon], "/")
}

// StripCredentials removes a user name and password from a clone URL, so
// that no token reaches a report or a log.
func StripCredentials(s string) (string, error) {
	if !strings.Contains(s, "://") {
		return s, nil // scp-like: the user is a login name, not a secret
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", errors.New("not a valid URL")
	}
	u.User = nil
	return u.String(), nil
}

// NameOf gives a clone URL's owner/name (host and .git dropped).
func NameOf(cloneURL string) string {
	s := cloneURL
	if u, err := url.Parse(s); err == nil && u.Host != "" {
		s = u.Path
	} else if i := strings.Index(s, ":"); i >= 0 {
		s = s[i+1:]
	}
	s = strings.Trim(strings.TrimSuffix(strings.TrimSuffix(s, "/"), ".git"), "/")
	if s == "" {
		return cloneURL
	}
	return s
}

// cacheKey names a repository's mirror in the cache: readable, and unique
// per clone URL.
func cacheKey(r Repo) string {
	sum := sha256.Sum256([]byte(r.URL))
	var b strings.Builder
	for _, c := range r.Name {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.':
			b.WriteRune(c)
		default:
			b.WriteByte('_')
		}
	}
	name := strings.TrimLeft(b.String(), ".")
	if len(name) > 80 {
		name = name[:80]
	}
	return name + "-" + hex.EncodeToString(sum[:6])
}

// StateFile is where a repository's incremental state lives in dir.
func StateFile(dir string, r Repo) string {
	return filepath.Join(dir, cacheKey(r)+".state")
}
