package vendored

import (
	"strings"
	"testing"

	"github.com/keyward/scan/detectors"
)

func finding(path string, sev detectors.Severity) detectors.Finding {
	return detectors.Finding{Location: detectors.Location{Path: path}, Severity: sev, RuleID: "generic-secret"}
}

func TestFoldKeepsOneLinePerVendoredTree(t *testing.T) {
	fs := []detectors.Finding{
		finding(".env", detectors.High),
		finding("venv/lib/python3.11/site-packages/requests/auth.py", detectors.Info),
		finding("venv/lib/python3.11/site-packages/boto3/docs.py", detectors.Info),
		finding("venv/lib/python3.11/site-packages/jwt/api.py", detectors.Info),
		finding("web/node_modules/http-signature/http_signing.md", detectors.Info),
		finding("web/node_modules/aws-sdk/test.js", detectors.High), // not info: its own line
		finding("src/site_packages.py", detectors.Medium),
	}
	got := Fold(fs)
	var paths []string
	for _, f := range got {
		paths = append(paths, f.Location.Path)
	}
	want := []string{".env", "venv/lib/python3.11/site-packages/requests/auth.py", "web/node_modules/http-signature/http_signing.md", "web/node_modules/aws-sdk/test.js", "src/site_packages.py"}
	if strings.Join(paths, "|") != strings.Join(want, "|") {
		t.Fatalf("kept %q, want %q", paths, want)
	}
	if n := got[1].Notes; len(n) != 1 || !strings.Contains(n[0], "2 more") || !strings.Contains(n[0], "venv/lib/python3.11/site-packages/") {
		t.Errorf("summary note = %q", n)
	}
	if len(got[2].Notes) != 0 {
		t.Errorf("a tree with one finding got a note: %q", got[2].Notes)
	}
}
