package verify

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

func parseURL(s string) (*url.URL, error) { return url.Parse(s) }

func newHTTPServer(t *testing.T, h http.Handler) *httptest.Server {
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s
}
