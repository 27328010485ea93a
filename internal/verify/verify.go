// Package verify asks a leaked credential's own service, read-only, whether
// the credential is live and what it may do, so that a report can rank
// findings by the damage they allow.
//
// Nothing here runs unless the user passes --verify. A credential is sent
// only to the official API hosts of the service its finding names (a fixed
// list per service, HTTPS only), or to a base URL the user substituted with
// --verify-endpoint. Every request is read-only: account or API-key
// information, never an order, transfer or withdrawal. Requests have
// timeouts, run a few at a time, back off on rate limits a bounded number of
// times, and each distinct credential is checked once per run.
//
// The services are one table (table.go): hosts, the read-only call, the
// codes that classify an answer, and a small function reading the key's
// permissions. Code exists only for what data cannot say: the signing
// schemes (sign.go) and the permission parsers.
//
// Errors and details never carry a secret: every message built from a
// request is passed through the credential's redaction before it is kept.
package verify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/keyward/scan/detectors"
)

// Verifier checks one finding. Implementations never return a result that
// holds a secret.
type Verifier interface {
	Verify(ctx context.Context, f detectors.Finding) detectors.Verification
}

// Options configures a Checker.
type Options struct {
	// Client sends the requests. It is required so that callers (and
	// tests) decide the transport; its redirect policy is replaced by one
	// that refuses any host outside the service's allowlist.
	Client *http.Client
	// Endpoints replaces a service's base URL ("binance" →
	// "http://127.0.0.1:8080"), for tests and exchange proxies. Only the
	// named service is redirected; its allowlist becomes that URL's host.
	Endpoints map[string]string
	// Concurrency bounds requests in flight; default 4.
	Concurrency int
	// Timeout bounds each request; default 10s.
	Timeout time.Duration
	// Retries is how often a rate-limited request is retried: 0 means the
	// default, 2; a negative value means never.
	Retries int
	// RetryBase is the first back-off delay, doubled on each retry and
	// capped at 8s; default 1s. A Retry-After header, when shorter, wins.
	RetryBase time.Duration
	// Now gives the signing time; default time.Now.
	Now func() time.Time
}

// Checker verifies findings against their services. It is safe for
// concurrent use; results are cached per credential for its lifetime.
type Checker struct {
	opt      Options
	client   *http.Client
	services map[string]*service
	// builtin holds the ids of the built-in rules, the only ones whose
	// findings are sent anywhere.
	builtin map[string]bool
	sem     chan struct{}

	mu    sync.Mutex
	cache map[string]*entry
}

type entry struct {
	done chan struct{}
	res  detectors.Verification
}

var _ Verifier = (*Checker)(nil)

// New checks the options and returns a Checker. An endpoint for a service
// the table does not know, or a URL that is not absolute http(s) (plain
// http only to a loopback address), is an error.
func New(opt Options) (*Checker, error) {
	if opt.Client == nil {
		return nil, errors.New("verify: no HTTP client")
	}
	if opt.Concurrency <= 0 {
		opt.Concurrency = 4
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 10 * time.Second
	}
	if opt.Retries < 0 {
		opt.Retries = 0
	} else if opt.Retries == 0 {
		opt.Retries = 2
	}
	if opt.RetryBase <= 0 {
		opt.RetryBase = time.Second
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	c := &Checker{
		opt:      opt,
		services: map[string]*service{},
		sem:      make(chan struct{}, opt.Concurrency),
		cache:    map[string]*entry{},
		builtin:  map[string]bool{},
	}
	for _, r := range detectors.Default() {
		c.builtin[r.ID] = true
	}
	names := displayNames()
	for i := range services {
		s := services[i]
		s.name = names[s.id]
		if s.name == "" {
			s.name = s.id
		}
		c.services[s.id] = &s
	}
	for id, raw := range opt.Endpoints {
		s, ok := c.services[id]
		if !ok {
			return nil, fmt.Errorf("verify endpoint %s: unknown service (known: %s)", id, strings.Join(ServiceIDs(), ", "))
		}
		u, err := parseEndpoint(raw)
		if err != nil {
			return nil, fmt.Errorf("verify endpoint %s: %w", id, err)
		}
		s.override = u
	}
	client := *opt.Client
	client.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) >= 3 {
			return errors.New("too many redirects")
		}
		id, _ := req.Context().Value(serviceKey{}).(string)
		if s := c.services[id]; s == nil || !c.allowed(s, req.URL) {
			return fmt.Errorf("redirect to %s refused: not an API host of %s", req.URL.Host, id)
		}
		return nil
	}
	c.client = &client
	return c, nil
}

type serviceKey struct{}

func parseEndpoint(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	if u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%q: want scheme://host[:port][/path]", raw)
	}
	switch u.Scheme {
	case "https":
	case "http":
		// A credential over plain http is readable on the wire: only a
		// test server or proxy on this machine may take it.
		if !loopback(u.Hostname()) {
			return nil, fmt.Errorf("%q: plain http only to a loopback address; use https", raw)
		}
	default:
		return nil, fmt.Errorf("%q: want an http or https URL", raw)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	return u, nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// displayNames maps each exchange and service id of the rule registry to
// its display name ("Binance.US", "HTX (Huobi)").
var displayNames = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	for _, r := range detectors.Default() {
		for _, id := range []string{r.Exchange, r.Service} {
			if id != "" && r.Name != "" && m[id] == "" {
				m[id] = r.Name
			}
		}
	}
	return m
})

// Steps returns the exchange's or service's own steps to revoke or
// restrict a key, or "" for a service the table does not know.
func Steps(id string) string {
	for i := range services {
		if services[i].id == id {
			return services[i].steps
		}
	}
	return ""
}

// ServiceIDs lists the services that can be verified, sorted.
func ServiceIDs() []string {
	ids := make([]string, 0, len(services))
	for _, s := range services {
		ids = append(ids, s.id)
	}
	sort.Strings(ids)
	return ids
}

// Overrides describes the --verify-endpoint substitutions in effect, one
// line each, for the summary: a redirected credential must never be silent.
func (c *Checker) Overrides() []string {
	var out []string
	for _, id := range ServiceIDs() {
		if s := c.services[id]; s.override != nil {
			out = append(out, fmt.Sprintf("%s credentials go to %s instead of %s", id, s.override.Redacted(), s.hosts[0]))
		}
	}
	return out
}

// allowed is the host allowlist: a request for service s may go only to
// one of s's official hosts over HTTPS, or to the user's override.
func (c *Checker) allowed(s *service, u *url.URL) bool {
	if s.override != nil {
		return u.Scheme == s.override.Scheme && u.Host == s.override.Host
	}
	if u.Scheme != "https" || u.Port() != "" {
		return false
	}
	for _, h := range s.hosts {
		if strings.EqualFold(u.Hostname(), h) {
			return true
		}
	}
	return s.testnet != "" && strings.EqualFold(u.Hostname(), s.testnet)
}

// credential is what a finding offers to sign with.
type credential struct {
	key, secret, passphrase string
}

// redact replaces every part of the credential, raw or URL-escaped, in s.
func (cr credential) redact(s string) string {
	for _, v := range []string{cr.secret, cr.key, cr.passphrase} {
		if len(v) < 4 {
			continue
		}
		for _, form := range []string{v, url.QueryEscape(v), url.PathEscape(v)} {
			s = strings.ReplaceAll(s, form, detectors.Redact(v))
		}
		if first, _, ok := strings.Cut(v, "\n"); ok && len(first) >= 8 {
			s = strings.ReplaceAll(s, first, detectors.Redact(first))
		}
	}
	return s
}

// Verify checks one finding: the service its rule names, the parts linked
// to it. It never panics on odd input and never returns a secret.
func (c *Checker) Verify(ctx context.Context, f detectors.Finding) detectors.Verification {
	s, cr, res, ok := c.prepare(&f)
	if !ok {
		return res
	}
	sum := sha256.New()
	for _, v := range []string{s.id, cr.key, cr.secret, cr.passphrase} {
		sum.Write([]byte(v))
		sum.Write([]byte{0})
	}
	id := hex.EncodeToString(sum.Sum(nil))
	c.mu.Lock()
	e, seen := c.cache[id]
	if !seen {
		e = &entry{done: make(chan struct{})}
		c.cache[id] = e
	}
	c.mu.Unlock()
	if seen {
		select {
		case <-e.done:
			return e.res
		case <-ctx.Done():
			return unknown("interrupted before the service answered")
		}
	}
	e.res = c.check(ctx, s, cr)
	e.res.Detail = cr.redact(e.res.Detail)
	e.res.Steps = s.steps
	close(e.done)
	return e.res
}

// prepare finds the service and the credential parts of a finding, or says
// why it cannot be checked.
func (c *Checker) prepare(f *detectors.Finding) (*service, credential, detectors.Verification, bool) {
	var cr credential
	if !c.builtin[f.RuleID] {
		// A repository's .keyward.toml may give its own rule any
		// service name: where a value is sent must not be chosen by the
		// repository being scanned.
		return nil, cr, notChecked("found by a custom rule: only built-in rules' findings are verified"), false
	}
	for _, p := range f.Parts {
		if p.RuleID != "" && !c.builtin[p.RuleID] {
			return nil, cr, notChecked("its " + p.Part + " was found by a custom rule: only built-in rules' findings are verified"), false
		}
	}
	if f.Severity == detectors.Info {
		return nil, cr, notChecked("published documentation or test material"), false
	}
	id := f.Exchange
	if id == "" {
		id = f.Service
	}
	s := c.services[id]
	if s == nil {
		if addr := derivedAddress(f); addr != "" {
			return nil, cr, notChecked("a wallet key needs no network check: " + addr), false
		}
		if f.Exchange != "" {
			return nil, cr, notChecked("verification of " + f.Exchange + " keys is not implemented"), false
		}
		return nil, cr, notChecked("no verification for this kind of secret"), false
	}
	if s.rules != nil && !s.rules[f.RuleID] {
		return nil, cr, notChecked("no verification for " + f.RuleID), false
	}
	switch {
	case s.single:
		cr.key = f.Secret
	case f.Part == detectors.PartSecret:
		cr.secret = f.Secret
		for _, p := range f.Parts {
			switch p.Part {
			case detectors.PartKey:
				cr.key = p.Secret
			case detectors.PartPassphrase:
				cr.passphrase = p.Secret
			}
		}
	default:
		return nil, cr, notChecked("only the " + f.Part + " was found; without the secret beside it nothing can be signed"), false
	}
	if !s.single && cr.key == "" {
		return nil, cr, notChecked("the API key was not found beside this secret"), false
	}
	if s.passphrase && cr.passphrase == "" {
		return nil, cr, notChecked(s.name + " needs the passphrase, which was not found beside the key"), false
	}
	if s.accept != nil {
		if why := s.accept(cr); why != "" {
			return nil, cr, notChecked(why), false
		}
	}
	return s, cr, detectors.Verification{}, true
}

// derivedAddress returns the note in which a wallet rule reported the
// address or public key it derived offline.
func derivedAddress(f *detectors.Finding) string {
	for _, n := range f.Notes {
		l := strings.ToLower(n)
		if strings.Contains(l, "address") || strings.Contains(l, "public key") {
			return n
		}
	}
	return ""
}

func notChecked(detail string) detectors.Verification {
	return detectors.Verification{Status: detectors.VerifyNotChecked, Detail: detail}
}

func unknown(detail string) detectors.Verification {
	return detectors.Verification{Status: detectors.VerifyUnknown, Detail: detail}
}

// check runs the service's calls on each host the service lets a key live
// on (OKX's regional hosts) until one does not call the key invalid.
func (c *Checker) check(ctx context.Context, s *service, cr credential) detectors.Verification {
	hosts := s.hosts[:1]
	if s.regional && s.override == nil {
		hosts = s.hosts
	}
	var res detectors.Verification
	for _, h := range hosts {
		res = c.checkOn(ctx, s, h, cr)
		if res.Status != detectors.VerifyInvalid {
			return res
		}
	}
	if s.testnet != "" && s.override == nil {
		if t := c.checkOn(ctx, s, s.testnet, cr); t.Live() {
			return unknown(fmt.Sprintf("a testnet key: %s calls it invalid, %s accepts it", hosts[0], s.testnet))
		}
	}
	return res
}

func (c *Checker) checkOn(ctx context.Context, s *service, host string, cr credential) detectors.Verification {
	base := &url.URL{Scheme: "https", Host: host}
	if s.override != nil {
		base = s.override
	}
	vars := map[string]string{"key": cr.key}
	var last answer
	for _, call := range s.calls {
		a := c.send(ctx, s, base, host, call, cr, vars)
		if a.result != nil {
			return *a.result
		}
		for name, path := range call.capture {
			v, ok := lookup(a.doc, path)
			if !ok {
				return unknown(fmt.Sprintf("%s answered without %s", s.name, path))
			}
			vars[name] = scalar(v)
		}
		last = a
	}
	perms, detail, ok := s.audit(last.doc, cr)
	if !ok {
		return unknown(fmt.Sprintf("%s accepted the request but its answer has an unexpected shape (HTTP %d)", s.name, last.status))
	}
	return detectors.Verification{Status: detectors.VerifyLive, Permissions: perms, Detail: detail}
}

// answer is one classified HTTP exchange. result is set when the answer
// decides the verification (anything but success).
type answer struct {
	status int
	doc    any
	result *detectors.Verification
}

// send builds, signs and sends one call, retrying on rate limits.
func (c *Checker) send(ctx context.Context, s *service, base *url.URL, host string, call call, cr credential, vars map[string]string) answer {
	for attempt := 0; ; attempt++ {
		a, retryAfter := c.sendOnce(ctx, s, base, host, call, cr, vars)
		if retryAfter < 0 || attempt >= c.opt.Retries {
			if retryAfter >= 0 {
				r := unknown(fmt.Sprintf("%s kept answering \"rate limited\"; try again later", s.name))
				a.result = &r
			}
			return a
		}
		delay := c.opt.RetryBase << attempt
		if delay > 8*time.Second {
			delay = 8 * time.Second
		}
		if retryAfter > 0 && retryAfter < delay {
			delay = retryAfter
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			r := unknown("interrupted while waiting out a rate limit")
			a.result = &r
			return a
		case <-t.C:
		}
	}
}

// sendOnce returns the answer and, when the service asked to slow down,
// how long it asked to wait (0: unspecified); -1 otherwise.
func (c *Checker) sendOnce(ctx context.Context, s *service, base *url.URL, host string, call call, cr credential, vars map[string]string) (answer, time.Duration) {
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		r := unknown("interrupted before the request was sent")
		return answer{result: &r}, -1
	}
	defer func() { <-c.sem }()

	r := &request{
		method: call.method,
		path:   expand(call.path, vars, url.PathEscape),
		query:  expand(call.query, vars, url.QueryEscape),
		body:   []byte(call.body),
		header: http.Header{},
		host:   host,
	}
	env := signEnv{now: c.opt.Now(), nonce: nonce()}
	if s.sign != nil {
		if err := s.sign(r, cr, env); err != nil {
			res := notChecked(cr.redact("cannot sign: " + err.Error()))
			return answer{result: &res}, -1
		}
	}
	u := *base
	u.Path = base.Path + r.path
	u.RawQuery = r.query
	if !c.allowed(s, &u) {
		res := notChecked(fmt.Sprintf("refused to send a %s credential to %s: not one of its API hosts", s.name, u.Host))
		return answer{result: &res}, -1
	}
	rctx, cancel := context.WithTimeout(context.WithValue(ctx, serviceKey{}, s.id), c.opt.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, r.method, u.String(), strings.NewReader(string(r.body)))
	if err != nil {
		res := notChecked(cr.redact("build request: " + err.Error()))
		return answer{result: &res}, -1
	}
	req.Header = r.header
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", "keyward-scan-verify")
	}
	resp, err := c.client.Do(req)
	if err != nil {
		why := "no answer from " + u.Host
		switch {
		case errors.Is(err, context.DeadlineExceeded):
			why += " within " + c.opt.Timeout.String()
		case ctx.Err() != nil:
			why = "interrupted"
		default:
			why += ": " + err.Error()
		}
		res := unknown(cr.redact(why))
		return answer{result: &res}, -1
	}
	defer resp.Body.Close()
	body, err := readLimited(resp.Body, 1<<20)
	if err != nil {
		res := unknown(cr.redact(fmt.Sprintf("reading the answer from %s: %v", u.Host, err)))
		return answer{result: &res}, -1
	}
	return s.classify(resp, body)
}
