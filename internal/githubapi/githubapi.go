// Package githubapi lists an organisation's or a user's repositories
// through GitHub's REST API (github.com or GitHub Enterprise), with
// go-github: pagination through Link headers, and the primary and
// secondary rate limits waited out rather than failed on.
package githubapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/go-github/v93/github"

	"github.com/keyward/scan/internal/repos"
)

// Options say what to list.
type Options struct {
	// APIURL is the REST API's base URL; empty for api.github.com.
	APIURL string
	// Token authenticates (GITHUB_TOKEN); without it only public
	// repositories are listed.
	Token string
	// Org or User names the owner whose repositories are listed.
	Org, User string
	// Forks and Archived include forks and archived repositories.
	Forks, Archived bool
	// HTTP, if set, is the client to use (tests).
	HTTP *http.Client
	// Sleep waits out a rate limit; nil uses a timer. It returns the
	// context's error when cancelled first.
	Sleep func(ctx context.Context, d time.Duration) error
	// Log receives a line for every wait.
	Log func(string)
}

// maxRetries bounds the retries of one page after rate-limit answers.
const maxRetries = 6

// maxWait bounds one wait for a rate limit to reset.
const maxWait = 30 * time.Minute

// List returns the repositories, sorted by name, and whether the listing
// was made without a token (and so lacks private repositories).
func List(ctx context.Context, opt Options) ([]repos.Repo, error) {
	if (opt.Org == "") == (opt.User == "") {
		return nil, errors.New("name exactly one of an organisation and a user")
	}
	// The client's own rate-limit check refuses requests until a limit
	// resets; the loop below waits instead, so that one page's limit
	// delays the listing rather than failing it.
	copts := []github.ClientOptionsFunc{github.WithTimeout(60 * time.Second), github.WithUserAgent("keyward-scan"), github.WithDisableRateLimitCheck()}
	if opt.HTTP != nil {
		copts = append(copts, github.WithHTTPClient(opt.HTTP))
	}
	if opt.Token != "" {
		copts = append(copts, github.WithAuthToken(opt.Token))
	}
	if opt.APIURL != "" {
		base := strings.TrimSuffix(opt.APIURL, "/") + "/"
		copts = append(copts, github.WithURLs(&base, &base))
	}
	client, err := github.NewClient(copts...)
	if err != nil {
		return nil, fmt.Errorf("GitHub API: %w", err)
	}
	sleep := opt.Sleep
	if sleep == nil {
		sleep = func(ctx context.Context, d time.Duration) error {
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case <-t.C:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	var out []repos.Repo
	for page := 1; page != 0; {
		var got []*github.Repository
		var resp *github.Response
		for try := 0; ; try++ {
			lo := github.ListOptions{Page: page, PerPage: 100}
			if opt.Org != "" {
				got, resp, err = client.Repositories.ListByOrg(ctx, opt.Org, &github.RepositoryListByOrgOptions{Type: "all", Sort: "full_name", ListOptions: lo})
			} else {
				got, resp, err = client.Repositories.ListByUser(ctx, opt.User, &github.RepositoryListByUserOptions{Type: "owner", Sort: "full_name", ListOptions: lo})
			}
			wait, limited := rateLimitWait(err)
			if !limited || try == maxRetries {
				break
			}
			if opt.Log != nil {
				opt.Log(fmt.Sprintf("GitHub API rate limit: waiting %s before page %d", wait.Round(time.Second), page))
			}
			if err := sleep(ctx, wait); err != nil {
				return nil, err
			}
		}
		if err != nil {
			return nil, fmt.Errorf("GitHub API: list repositories of %s: %w", owner(opt), err)
		}
		for _, r := range got {
			if (r.GetFork() && !opt.Forks) || (r.GetArchived() && !opt.Archived) || r.GetCloneURL() == "" {
				continue
			}
			clean, err := repos.StripCredentials(r.GetCloneURL())
			if err != nil {
				continue
			}
			out = append(out, repos.Repo{Name: r.GetFullName(), URL: clean, CloneURL: r.GetCloneURL(), Private: r.GetPrivate()})
		}
		page = resp.NextPage
	}
	repos.Sort(out)
	return out, nil
}

func owner(opt Options) string {
	if opt.Org != "" {
		return "organisation " + opt.Org
	}
	return "user " + opt.User
}

// rateLimitWait says how long to wait after err, if it is a rate limit.
func rateLimitWait(err error) (time.Duration, bool) {
	var prim *github.RateLimitError
	var sec *github.AbuseRateLimitError
	switch {
	case errors.As(err, &prim):
		d := time.Until(prim.Rate.Reset.Time) + time.Second
		return min(max(d, time.Second), maxWait), true
	case errors.As(err, &sec):
		d := time.Minute
		if sec.RetryAfter != nil && *sec.RetryAfter > 0 {
			d = *sec.RetryAfter
		}
		return min(d, maxWait), true
	}
	return 0, false
}
