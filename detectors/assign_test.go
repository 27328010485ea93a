package detectors

import (
	"strings"
	"testing"
)

func TestByteLoopFinders(t *testing.T) {
	k := strings.Repeat("a1b2c3d4", 8)
	hexTests := []struct {
		text string
		want []string
	}{
		{"PRIVATE_KEY=0x" + k, []string{"0x" + k}},
		{"key: " + k + "\n", []string{k}},
		{`"` + k + `",`, []string{k}},
		{"x" + k, nil},        // part of a longer word
		{k + "ff", nil},       // 66 digits: a hash of another size
		{"0x" + k + "g", nil}, // followed by a letter
		{"ab0x" + k, nil},     // 0x inside a word
	}
	for _, tt := range hexTests {
		var got []string
		for _, sp := range hexKeys([]byte(tt.text)) {
			got = append(got, tt.text[sp[0]:sp[1]])
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("hexKeys(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
	wif := "5" + strings.Repeat("HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ", 1)
	find := base58Runs(51, 52, "5KLc9")
	if got := find([]byte("key = '" + wif + "'")); len(got) != 1 {
		t.Errorf("base58Runs missed a WIF-shaped value: %v", got)
	}
	if got := find([]byte("x" + wif)); len(got) != 0 {
		t.Errorf("base58Runs matched inside a word: %v", got)
	}
	if got := find([]byte("0" + wif[1:])); len(got) != 0 {
		t.Errorf("base58Runs accepted a non-base58 first character: %v", got)
	}
}

func TestTestPathAndDocPath(t *testing.T) {
	for p, want := range map[string]bool{
		"crypto/tls/example_test.go":                 true,
		"openpgp/keys_test_data.go":                  true,
		"pkg/testdata/key.pem":                       true,
		"tests/test_auth.py":                         true,
		"src/app.spec.ts":                            true,
		"src/lib/llm/metered-gate.test.mjs":          true,
		"management/testing/runners/macos.sh":        true,
		"src/lib/testing.go":                         false,
		"gcsfs/gcs-fake-service-account.json":        true,
		"src/main/java/AuthTest.java":                true,
		"bots/binance_bot.py":                        false,
		"config/prod.env":                            false,
		"contest/notes.txt":                          false,
		"latest/config.json":                         false,
		"hummingbot/connector/exchange/binance/x.py": false,
	} {
		if got := testPath(p); got != want {
			t.Errorf("testPath(%q) = %v, want %v", p, got, want)
		}
	}
	for p, want := range map[string]bool{
		"docs/configuration.md":   true,
		"config.example.json":     true,
		"examples/okx.env":        true,
		"notes.md":                true, // generic findings only
		"deploy/production.yaml":  false,
		"samplers/random_walk.py": false,
	} {
		if got := docPath(p); got != want {
			t.Errorf("docPath(%q) = %v, want %v", p, got, want)
		}
	}
}

// Node's module files are code: an unquoted value in them is an expression.
func TestCodeFile(t *testing.T) {
	for p, want := range map[string]bool{
		"scripts/preflight.mjs": true,
		"lib/config.cjs":        true,
		"src/env.mts":           true,
		"bots/binance_bot.py":   true,
		"notes/keys.txt":        false,
		"config/.env":           false,
	} {
		if got := codeFile(p); got != want {
			t.Errorf("codeFile(%q) = %v, want %v", p, got, want)
		}
	}
}

// testPath, DocDir, bundlePath and VendoredRoot look for a word before
// running their expressions; every alternative of the expressions must
// still be reached.
func TestPathPrefiltersAgreeWithTheirExpressions(t *testing.T) {
	paths := []string{
		"pkg/testdata/k.pem", "a/test_data/x", "Tests/x.py", "e2e-test/x.js", "integration_tests/x", "src/testing/x.go",
		"spec/x.rb", "a/__tests__/x.js", "Mocks/x.go", "fixture/x.json", "playwright-report/index.html",
		"x_test.go", "x_TestData.json", "test_auth.py", "auth_test.py", "a.test.mjs", "a.Spec.tsx", "AuthTest.java",
		"gcs-fake-sa.json", "mock_server.py", "Dummy.env", "contest/x", "latest/config.json",
		"docs/x.md", "Doc/x", "documentation/x", "examples/x.py", "config.sample.env", "Templates/x", "x.example",
		"site/search/search_index.json", "searchindex.js", "_site/x", "_build/html/x", "_static/x.js", "build/docs/x",
		"en/latest/api/index.html", "v2.1.0/guide/x.htm", "stable/x.HTML", "src/main.go", "README.md", "conf/app.cfg",
		"app.js.map", "x.min.CSS", "a.bundle.js", "dist/a/b.js", "_next/static/x.js", "static/js/main.1a2b3c.js",
		"chunk.a1b2c3d4.js", "vendors~main.0f1e2d3c.js", "runtime-abcdef12.js", "src/app.js",
		"web/node_modules/x/y", "bower_components/x/y", "venv/lib/python3.11/site-packages/x", "dist-packages/x",
		"vendor/bundle/ruby/x", "lib/forge-std/src/x.sol", "lib/openzeppelin-contracts-upgradeable/x", "lib/solady/x", "lib/mine/x",
	}
	for _, p := range paths {
		if got, want := testPath(p), testPathRE.MatchString(p); got != want {
			t.Errorf("testPath(%q) = %v, its expression says %v", p, got, want)
		}
		if got, want := DocDir(p), docDirRE.MatchString(p) || renderedDocRE.MatchString(p); got != want {
			t.Errorf("DocDir(%q) = %v, its expressions say %v", p, got, want)
		}
		if got, want := bundlePath(p), bundleRE.MatchString(p); got != want {
			t.Errorf("bundlePath(%q) = %v, its expression says %v", p, got, want)
		}
		if _, got := VendoredRoot(p); got != (vendoredRE.FindString(p) != "") {
			t.Errorf("VendoredRoot(%q) = %v, its expression says otherwise", p, got)
		}
	}
}
