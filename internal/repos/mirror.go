package repos

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/keyward/scan/internal/gitrepo"
)

// Cache keeps mirror clones of remote repositories in Dir.
type Cache struct {
	Dir string
	// Token, if set, is sent (as an HTTP header, never in a URL or a
	// file) to https clone URLs on TokenHost.
	Token     string
	TokenHost string
}

// Sync brings the mirror of r up to date — a fetch when it is already in
// the cache, a new bare repository and a fetch otherwise — and returns its
// git directory. Every git call is hardened as in package gitrepo: no
// system, global or repository hooks or helpers run, and the clone URL
// and credentials are never written into the mirror's config (the fetch
// names the URL each time), so nothing a remote serves can configure
// what runs here.
func (c Cache) Sync(ctx context.Context, r Repo) (string, error) {
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return "", fmt.Errorf("cache %s: %w", c.Dir, err)
	}
	dir := filepath.Join(c.Dir, cacheKey(r)+".git")
	if !isBare(dir) {
		if err := os.RemoveAll(dir); err != nil {
			return "", err
		}
		if err := c.git(ctx, r, "", "init", "--bare", "--quiet", dir); err != nil {
			return "", err
		}
	}
	// Every ref, as a mirror has them (pull request heads too: a secret
	// pushed to one is as leaked as one on a branch); refs gone upstream
	// are pruned.
	if err := c.git(ctx, r, dir, "fetch", "--quiet", "--prune", "--no-tags", "--no-write-fetch-head", "--no-auto-gc", "--", r.CloneURL, "+refs/*:refs/*"); err != nil {
		return "", err
	}
	return dir, nil
}

func (c Cache) git(ctx context.Context, r Repo, gitDir string, args ...string) error {
	full := append([]string{
		"-c", "protocol.ext.allow=never",
		"-c", "credential.helper=",
		"-c", "core.askPass=",
		"-c", "transfer.fsckObjects=false",
	}, args...)
	cmd, err := gitrepo.HardenedCommand(ctx, gitDir, "", full...)
	if err != nil {
		return fmt.Errorf("%s: git: %w", r.Name, err)
	}
	if gitDir == "" {
		cmd.Dir = c.Dir
	}
	if h := c.authHeader(r.CloneURL); h != "" {
		// GIT_CONFIG_* keeps the token off the command line (ps) and out
		// of every file.
		cmd.Env = append(cmd.Env, "GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=http.https://"+c.TokenHost+"/.extraHeader", "GIT_CONFIG_VALUE_0="+h)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		msg := strings.TrimSpace(stderr.String())
		msg = strings.ReplaceAll(msg, r.CloneURL, r.URL)
		if c.Token != "" {
			msg = strings.ReplaceAll(msg, c.Token, "***")
		}
		if len(msg) > 500 {
			msg = msg[:500] + "…"
		}
		return fmt.Errorf("%s: git %s failed: %v: %s", r.Name, args[0], err, msg)
	}
	return nil
}

func (c Cache) authHeader(cloneURL string) string {
	if c.Token == "" {
		return ""
	}
	u, err := url.Parse(cloneURL)
	if err != nil || u.Scheme != "https" || !strings.EqualFold(u.Hostname(), c.TokenHost) {
		return ""
	}
	return "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("x-access-token:"+c.Token))
}
