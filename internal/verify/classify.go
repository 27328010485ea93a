package verify

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/keyward/scan/detectors"
)

// service is one row of the table: where a service's credentials may be
// sent, the read-only calls that check them, and how to read the answers.
type service struct {
	id, name string
	// hosts are the official API hosts; hosts[0] is used unless regional,
	// when a key the first host calls invalid is tried on the others.
	hosts    []string
	regional bool
	// testnet is the exchange's test host, whose keys look like
	// production keys: a key production calls invalid is asked there, and
	// if it lives there it is reported as a testnet key (unknown), not as
	// invalid.
	testnet string
	// rules, if set, are the only rule ids of the service that can be
	// checked (an Alchemy auth token is not an RPC key).
	rules map[string]bool
	// single: the finding's value is the whole credential (an RPC key).
	single     bool
	passphrase bool
	// accept returns why a credential cannot be checked ("" if it can):
	// a key form the signer does not support.
	accept func(credential) string
	calls  []call
	sign   func(*request, credential, signEnv) error
	codes  codes
	// audit reads the permissions from the last call's answer; ok is
	// false when the answer lacks what proves the key works.
	audit func(doc any, cr credential) (p detectors.Permissions, detail string, ok bool)
	// steps tells the owner where the key is managed and what to change.
	steps string

	override *url.URL
}

// call is one read-only request. {key} and captured variables ({uid}) are
// substituted, escaped, into path and query.
type call struct {
	method, path, query, body string
	// capture names values of the answer (dotted JSON paths) that later
	// calls use.
	capture map[string]string
}

// codes say how a service's answers are read: where its error code is and
// what each documented code means. Codes are compared as strings.
type codes struct {
	// fields are dotted JSON paths to the code; the first present wins.
	// A missing code reads as "".
	fields []string
	// ok are the codes of success.
	ok []string
	// invalid codes say the key does not exist, was revoked, or the
	// secret or passphrase does not belong to it.
	invalid map[string]string
	// ipRestricted codes are given only for an existing key called from
	// an address outside its whitelist.
	ipRestricted []string
	rateLimited  []string
	// ambiguous codes prove nothing either way (Binance -2015, clock skew,
	// testnet keys).
	ambiguous map[string]string
	// invalidHTTP are statuses that say "invalid key" without a code.
	invalidHTTP []int
	// codeOf replaces fields for answers whose code is a message.
	codeOf func(doc any, status int) string
}

// request is one call being built and signed.
type request struct {
	method, path, query string
	body                []byte
	header              http.Header
	// host is the official host the request stands for; signatures that
	// cover the host (HTX, Coinbase JWT) use it even behind an override.
	host string
}

// signEnv is what a signer may use besides the credential.
type signEnv struct {
	now   time.Time
	nonce string
}

func nonce() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func expand(tmpl string, vars map[string]string, esc func(string) string) string {
	for k, v := range vars {
		tmpl = strings.ReplaceAll(tmpl, "{"+k+"}", esc(v))
	}
	return tmpl
}

func readLimited(r io.Reader, max int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if int64(len(b)) > max {
		return nil, fmt.Errorf("answer larger than %d bytes", max)
	}
	return b, err
}

// classify reads one answer. The duration is how long the service asked
// to wait when it rate-limited the request (0 unspecified), or -1.
func (s *service) classify(resp *http.Response, body []byte) (answer, time.Duration) {
	a := answer{status: resp.StatusCode}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&a.doc); err != nil {
		a.doc = nil
	}
	code := ""
	if s.codes.codeOf != nil {
		code = s.codes.codeOf(a.doc, resp.StatusCode)
	} else {
		for _, f := range s.codes.fields {
			if v, ok := lookup(a.doc, f); ok {
				code = scalar(v)
				break
			}
		}
	}
	decide := func(v detectors.Verification) (answer, time.Duration) {
		a.result = &v
		return a, -1
	}
	withCode := func(what string) string {
		if code != "" {
			return fmt.Sprintf("%s (HTTP %d, code %s)", what, resp.StatusCode, code)
		}
		return fmt.Sprintf("%s (HTTP %d)", what, resp.StatusCode)
	}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == 418 || contains(s.codes.rateLimited, code) {
		return a, retryAfter(resp.Header.Get("Retry-After"))
	}
	if contains(s.codes.ipRestricted, code) {
		return decide(detectors.Verification{
			Status:      detectors.VerifyLiveIPRestricted,
			Permissions: detectors.Permissions{IPRestricted: ptr(true)},
			Detail:      withCode(s.name + " refused the request because this address is not on the key's IP whitelist, an answer it gives only for a key that exists"),
		})
	}
	if why, ok := s.codes.invalid[code]; ok && code != "" {
		return decide(detectors.Verification{Status: detectors.VerifyInvalid, Detail: withCode(s.name + ": " + why)})
	}
	if why, ok := s.codes.ambiguous[code]; ok && code != "" {
		return decide(unknown(withCode(s.name + ": " + why)))
	}
	for _, st := range s.codes.invalidHTTP {
		if resp.StatusCode == st {
			return decide(detectors.Verification{Status: detectors.VerifyInvalid, Detail: withCode(s.name + " rejected the credential")})
		}
	}
	if resp.StatusCode >= 500 {
		return decide(unknown(withCode(s.name + " had a server error")))
	}
	if resp.StatusCode/100 == 2 && contains(s.codes.ok, code) && a.doc != nil {
		return a, -1
	}
	return decide(unknown(withCode(s.name + " gave an answer that does not say whether the key works")))
}

func retryAfter(h string) time.Duration {
	if n, err := strconv.Atoi(strings.TrimSpace(h)); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	return 0
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func ptr(b bool) *bool { return &b }

// lookup follows a dotted path ("data.0.perm") through decoded JSON.
func lookup(doc any, path string) (any, bool) {
	cur := doc
	for _, part := range strings.Split(path, ".") {
		switch v := cur.(type) {
		case map[string]any:
			next, ok := v[part]
			if !ok {
				return nil, false
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(v) {
				return nil, false
			}
			cur = v[i]
		default:
			return nil, false
		}
	}
	return cur, cur != nil
}

// scalar prints a JSON scalar as the string a code table holds.
func scalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// flag reads a JSON boolean (or 0/1, "true"/"false") at path.
func flag(doc any, path string) (*bool, bool) {
	v, ok := lookup(doc, path)
	if !ok {
		return nil, false
	}
	switch scalar(v) {
	case "true", "1":
		return ptr(true), true
	case "false", "0":
		return ptr(false), true
	}
	return nil, false
}

// strs reads a JSON array of strings, or a comma-separated string, at path.
func strs(doc any, path string) ([]string, bool) {
	v, ok := lookup(doc, path)
	if !ok {
		return nil, false
	}
	var out []string
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if s := strings.TrimSpace(scalar(e)); s != "" {
				out = append(out, s)
			}
		}
	case string:
		for _, e := range strings.Split(x, ",") {
			if s := strings.TrimSpace(e); s != "" {
				out = append(out, s)
			}
		}
	default:
		return nil, false
	}
	return out, true
}

func any2(bs ...*bool) *bool {
	known := false
	for _, b := range bs {
		if b != nil {
			known = true
			if *b {
				return ptr(true)
			}
		}
	}
	if known {
		return ptr(false)
	}
	return nil
}

func has(list []string, names ...string) bool {
	for _, v := range list {
		for _, n := range names {
			if strings.EqualFold(v, n) {
				return true
			}
		}
	}
	return false
}

// describe says in words what a key may do, for the detail.
func describe(p detectors.Permissions) string {
	word := func(b *bool, yes, no string) string {
		switch {
		case b == nil:
			return ""
		case *b:
			return yes
		}
		return no
	}
	var parts []string
	for _, w := range []string{
		word(p.Withdrawals, "withdrawals enabled", "withdrawals disabled"),
		word(p.Trading, "trading enabled", "no trading"),
		word(p.IPRestricted, "bound to an IP whitelist", "usable from any IP address"),
		word(p.ReadOnly, "read-only", ""),
	} {
		if w != "" {
			parts = append(parts, w)
		}
	}
	if len(parts) == 0 {
		return "the key works; the service does not say what it may do"
	}
	return "the key works: " + strings.Join(parts, ", ")
}
