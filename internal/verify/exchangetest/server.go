// Package exchangetest runs fake exchanges for tests: HTTP servers that
// check a signed request the way the real exchange does — the signature
// over the documented prehash with the account's secret, the headers, the
// timestamp window, the passphrase — and answer with the exchange's
// documented JSON. The checks here are written independently of the
// signers in package verify, so a signer that drifts from the
// documentation fails its test.
package exchangetest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Scenario is how an account behaves once its request is authenticated.
type Scenario int

const (
	// LiveWithdraw: a live key with trading and withdrawals enabled and
	// no IP whitelist.
	LiveWithdraw Scenario = iota
	// LiveReadOnlyIP: a live read-only key bound to an IP whitelist.
	LiveReadOnlyIP
	// IPRestricted: the exchange's "IP not whitelisted" error.
	IPRestricted
	// RateLimited: the exchange's rate-limit answer, every time.
	RateLimited
	// ServerError: a 5xx answer.
	ServerError
	// Slow: no answer until the client gives up.
	Slow
)

// Account is a key the fake exchange knows. A request with another key
// gets the exchange's "invalid key" answer; one signed with another secret
// gets its "bad signature" answer.
type Account struct {
	Key, Secret, Passphrase string
	Scenario                Scenario
}

// failure is why the fake refuses a request.
type failure int

const (
	ok failure = iota
	unknownKey
	badSignature
	badPassphrase
	stale
	ipBlocked
	rateLimited
	serverError
)

// reply is an HTTP answer.
type reply struct {
	status int
	body   string
}

// exchange describes one fake: its endpoint, how it authenticates, and its
// answers.
type exchange struct {
	// path is the endpoint; one ending in "/" is a prefix (the RPC
	// providers' key is the last path segment).
	method, path string
	// auth checks the request; it returns the account when the key is
	// known (even if the signature is wrong).
	auth    func(s *Server, r *http.Request, body []byte) (*Account, failure)
	answers map[failure]reply
	// live and readOnly are the success answers; a %KEY% in them is
	// replaced by the account's key.
	live, readOnly string
	// extra handles further endpoints (HTX's second call).
	extra map[string]func(s *Server, w http.ResponseWriter, r *http.Request, a *Account)
}

// Server is a running fake exchange.
type Server struct {
	*httptest.Server
	t        testing.TB
	ex       *exchange
	accounts []Account
	// Now is the exchange's clock, for timestamp windows.
	Now func() time.Time

	mu     sync.Mutex
	hits   int
	nonces map[string]int64
}

// New starts a fake of the named exchange (the verify service id) and
// closes it when the test ends.
func New(t testing.TB, name string, accounts ...Account) *Server {
	t.Helper()
	ex, found := exchanges[name]
	if !found {
		t.Fatalf("exchangetest: no fake for %q", name)
	}
	s := &Server{t: t, ex: ex, accounts: accounts, Now: time.Now, nonces: map[string]int64{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// Hits is how many requests reached the server.
func (s *Server) Hits() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits
}

func (s *Server) account(key string) *Account {
	for i := range s.accounts {
		if s.accounts[i].Key == key {
			return &s.accounts[i]
		}
	}
	return nil
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.hits++
	s.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(strings.NewReader(string(body)))
	if h := s.ex.extra[r.URL.Path]; h != nil {
		a, f := s.ex.auth(s, r, body)
		if f != ok {
			s.write(w, s.ex.answers[f], nil)
			return
		}
		h(s, w, r, a)
		return
	}
	if r.URL.Path != s.ex.path && !(strings.HasSuffix(s.ex.path, "/") && strings.HasPrefix(r.URL.Path, s.ex.path)) {
		s.t.Errorf("exchangetest: request to %s %s, want %s %s (never an order, transfer or withdrawal)", r.Method, r.URL.Path, s.ex.method, s.ex.path)
		http.NotFound(w, r)
		return
	}
	if r.Method != s.ex.method {
		s.t.Errorf("exchangetest: %s %s, want %s", r.Method, r.URL.Path, s.ex.method)
	}
	a, f := s.ex.auth(s, r, body)
	if f == ok {
		switch a.Scenario {
		case IPRestricted:
			f = ipBlocked
		case RateLimited:
			f = rateLimited
		case ServerError:
			f = serverError
		case Slow:
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
			return
		}
	}
	if f != ok {
		rep, found := s.ex.answers[f]
		if !found {
			s.t.Errorf("exchangetest: %s has no answer for failure %d", s.ex.path, f)
			rep = reply{500, "{}"}
		}
		if f == rateLimited {
			w.Header().Set("Retry-After", "0")
		}
		s.write(w, rep, a)
		return
	}
	if a.Scenario == LiveReadOnlyIP {
		s.write(w, reply{200, s.ex.readOnly}, a)
		return
	}
	s.write(w, reply{200, s.ex.live}, a)
}

func (s *Server) write(w http.ResponseWriter, rep reply, a *Account) {
	body := rep.body
	if a != nil {
		body = strings.ReplaceAll(body, "%KEY%", a.Key)
	}
	if strings.HasPrefix(strings.TrimSpace(body), "{") || strings.HasPrefix(strings.TrimSpace(body), "[") {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(rep.status)
	io.WriteString(w, body)
}

// within says whether t is no further than window from the server's clock.
func (s *Server) within(t time.Time, window time.Duration) bool {
	d := s.Now().Sub(t)
	return d <= window && d >= -window
}

// nextNonce enforces a strictly increasing nonce per key, as Kraken and
// Gemini do.
func (s *Server) nextNonce(key string, n int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n <= s.nonces[key] {
		return false
	}
	s.nonces[key] = n
	return true
}
