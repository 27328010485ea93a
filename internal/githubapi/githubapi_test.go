package githubapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

type fakeRepo struct {
	FullName string `json:"full_name"`
	CloneURL string `json:"clone_url"`
	Private  bool   `json:"private"`
	Fork     bool   `json:"fork"`
	Archived bool   `json:"archived"`
}

// fakeGitHub serves /orgs/ORG/repos two per page with Link headers,
// answers the first request of page 2 with a secondary rate limit, and
// lists private repositories only to a request with the token.
func fakeGitHub(t *testing.T, token string, all []fakeRepo) (*httptest.Server, *atomic.Int32) {
	var limited, primary atomic.Bool
	var calls atomic.Int32
	srv := httptest.NewServer(nil)
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.URL.Path != "/orgs/acme/repos" {
			http.NotFound(w, r)
			return
		}
		authed := r.Header.Get("Authorization") == "Bearer "+token
		var visible []fakeRepo
		for _, x := range all {
			if !x.Private || authed {
				visible = append(visible, x)
			}
		}
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		if page == 0 {
			page = 1
		}
		if page == 2 && !limited.Swap(true) {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `{"message":"You have exceeded a secondary rate limit","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}`)
			return
		}
		if page == 3 && !primary.Swap(true) {
			w.Header().Set("X-RateLimit-Limit", "60")
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10))
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `{"message":"API rate limit exceeded for 192.0.2.1.","documentation_url":"https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"}`)
			return
		}
		const per = 2
		lo, hi := (page-1)*per, page*per
		hi = min(hi, len(visible))
		lo = min(lo, hi)
		last := (len(visible) + per - 1) / per
		var links []string
		if page < last {
			links = append(links, fmt.Sprintf(`<%s/orgs/acme/repos?page=%d&per_page=100>; rel="next"`, srv.URL, page+1))
			links = append(links, fmt.Sprintf(`<%s/orgs/acme/repos?page=%d&per_page=100>; rel="last"`, srv.URL, last))
		}
		if len(links) > 0 {
			w.Header().Set("Link", strings.Join(links, ", "))
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(visible[lo:hi])
	})
	t.Cleanup(srv.Close)
	return srv, &calls
}

func TestListOrgPagesRateLimitAndPrivate(t *testing.T) {
	all := []fakeRepo{
		{FullName: "acme/a", CloneURL: "https://git.example/acme/a.git"},
		{FullName: "acme/b", CloneURL: "https://git.example/acme/b.git"},
		{FullName: "acme/c-fork", CloneURL: "https://git.example/acme/c.git", Fork: true},
		{FullName: "acme/d-old", CloneURL: "https://git.example/acme/d.git", Archived: true},
		{FullName: "acme/e", CloneURL: "https://git.example/acme/e.git"},
		{FullName: "acme/secret-infra", CloneURL: "https://git.example/acme/s.git", Private: true},
	}
	const token = "test-token-not-a-secret"
	names := func(opt Options) string {
		t.Helper()
		srv, calls := fakeGitHub(t, token, all)
		var waits []time.Duration
		opt.APIURL, opt.Org = srv.URL, "acme"
		opt.Sleep = func(ctx context.Context, d time.Duration) error { waits = append(waits, d); return nil }
		rs, err := List(context.Background(), opt)
		if err != nil {
			t.Fatal(err)
		}
		if len(waits) != 2 || waits[0] != time.Second || waits[1] < 59*time.Minute/2 {
			t.Errorf("waits %v, want 1s (Retry-After) then until the reset (capped at 30m)", waits)
		}
		if calls.Load() < 3 {
			t.Errorf("%d calls: pagination not followed", calls.Load())
		}
		var out []string
		for _, r := range rs {
			out = append(out, r.Name)
			if strings.Contains(r.URL, token) {
				t.Errorf("token in %s", r.URL)
			}
		}
		return strings.Join(out, " ")
	}
	if got := names(Options{}); got != "acme/a acme/b acme/e" {
		t.Errorf("no token: %q", got)
	}
	if got := names(Options{Token: token}); got != "acme/a acme/b acme/e acme/secret-infra" {
		t.Errorf("token: %q", got)
	}
	if got := names(Options{Token: token, Forks: true, Archived: true}); got != "acme/a acme/b acme/c-fork acme/d-old acme/e acme/secret-infra" {
		t.Errorf("forks and archived: %q", got)
	}
}

func TestListFailsOnUnknownOrg(t *testing.T) {
	srv, _ := fakeGitHub(t, "x", nil)
	_, err := List(context.Background(), Options{APIURL: srv.URL, Org: "nobody"})
	if err == nil || !strings.Contains(err.Error(), "nobody") {
		t.Errorf("err = %v", err)
	}
}
