package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Two keys on one line, each the other's context: every format must hide
// both in every finding's line, and in a commit subject that names one.
func TestOtherSecretsRedactedInContext(t *testing.T) {
	t.Parallel()
	github := "ghp_" + "R8bmXJ1yPq0Tz4WcV6nKdE2sLhA9uF3oGi7N"
	stripe := "sk_live_" + "51WExcnEtZjj2dut3vMhXqrezPrXRDbb7dbp5gHMDIQ05SA6bIUwizgGrVkVCspQVfLlT173m9jG5o0z6tIGygoFsLpno8EvZR4"
	line := "export GITHUB_TOKEN=" + github + " STRIPE_API_KEY=" + stripe + "\n"
	// A key-shaped value the engine turns down for want of a label that
	// names it is still hidden beside a finding.
	ref := "Q7mVx2Lp9RtY4nKd8sFh3JwZ6cBg1aXeUo5iTyMr0qNlPkHvSjDbCfGzWuEoAaQ1"
	notes := "binance: order_ref=" + ref + " token " + github + "\n"

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "deploy.sh"), []byte("#!/bin/sh\n"+line), 0o644); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte(notes), 0o644)
	repo := gitRepo(t)
	os.WriteFile(filepath.Join(repo, "deploy.sh"), []byte("#!/bin/sh\n"+line), 0o644)
	gitIn(t, repo, "add", "deploy.sh")
	gitIn(t, repo, "commit", "-q", "-m", "deploy with "+github)

	for _, c := range []struct{ name, cmd, path string }{{"dir", "dir", dir}, {"git", "git", repo}} {
		for _, format := range []string{"text", "json", "sarif", "hook"} {
			code, out, errOut := runCLI(t, c.cmd, c.path, "--format", format)
			if code != 1 {
				t.Fatalf("%s %s: exit %d: %s", c.name, format, code, errOut)
			}
			for _, rule := range []string{"github-token", "stripe-secret-key"} {
				if !strings.Contains(out, rule) {
					t.Errorf("%s %s: %s not reported:\n%s", c.name, format, rule, out)
				}
			}
			for name, secret := range map[string]string{"GitHub token": github, "Stripe key": stripe, "rejected value": ref} {
				if strings.Contains(out+errOut, secret) {
					t.Errorf("%s %s: the %s is printed in full:\n%s", c.name, format, name, out)
				}
			}
		}
	}
}
