package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/verify"
)

// verifyFlags are --verify and --verify-endpoint, offered by the scans a
// person starts (dir, git, home) and never by the hooks.
type verifyFlags struct {
	on        bool
	endpoints []string
}

func addVerifyFlags(cmd *cobra.Command, v *verifyFlags) {
	fl := cmd.Flags()
	fl.BoolVar(&v.on, "verify", false, "ask each credential's own exchange or service, read-only, whether it is live and what it may do (this sends the credential to that service's official API host; see docs/verification.md)")
	fl.StringArrayVar(&v.endpoints, "verify-endpoint", nil, "send verification requests for one exchange to another base URL, as `EXCHANGE=URL` (an exchange proxy, a test server); repeatable and always reported")
}

// checker builds the verifier before the scan so that a bad flag fails
// fast; it returns nil when verification is off.
func (v *verifyFlags) checker(stderr io.Writer) (*verify.Checker, error) {
	if !v.on {
		if len(v.endpoints) > 0 {
			return nil, fmt.Errorf("--verify-endpoint needs --verify")
		}
		return nil, nil
	}
	endpoints := map[string]string{}
	for _, e := range v.endpoints {
		id, u, ok := strings.Cut(e, "=")
		id = strings.ToLower(strings.TrimSpace(id))
		if !ok || id == "" || u == "" {
			return nil, fmt.Errorf("--verify-endpoint %q: want EXCHANGE=URL", e)
		}
		if _, dup := endpoints[id]; dup {
			return nil, fmt.Errorf("--verify-endpoint: %s given twice", id)
		}
		endpoints[id] = u
	}
	// The default transport honours HTTPS_PROXY, which people behind a
	// corporate proxy need.
	c, err := verify.New(verify.Options{Client: &http.Client{Transport: http.DefaultTransport}, Endpoints: endpoints})
	if err != nil {
		return nil, fmt.Errorf("--verify-endpoint: %w", err)
	}
	// A credential sent somewhere other than its exchange must never be
	// silent, not even with --quiet.
	for _, line := range c.Overrides() {
		fmt.Fprintf(stderr, "scan: verify: %s (--verify-endpoint)\n", line)
	}
	return c, nil
}

// verifyFindings verifies findings in place and prints a one-line summary.
func verifyFindings(ctx context.Context, c *verify.Checker, findings []detectors.Finding, stderr io.Writer, quiet bool) {
	if c == nil || len(findings) == 0 {
		return
	}
	sum := c.Apply(ctx, findings)
	if quiet {
		return
	}
	var parts []string
	for status, n := range sum {
		parts = append(parts, fmt.Sprintf("%d %s", n, status))
	}
	sort.Strings(parts)
	fmt.Fprintf(stderr, "scan: verify: %s\n", strings.Join(parts, ", "))
}
