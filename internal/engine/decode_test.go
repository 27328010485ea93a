package engine

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/keyward/scan/detectors"
)

// Fake credentials in the shapes the rules expect; none was ever issued.
const (
	fakeKeyID  = "AKIAOK5AIJWPAZJPJIS7"
	fakeSecret = "GRj3juJ6yIedHqdNud7W7JJeYAd9D5TTtGPNmDcl"
	fakeGHP    = "ghp_R8bmXJ1yPq0Tz4WcV6nKdE2sLhA9uF3oGi7N"
)

var (
	awsCredentials = "[default]\naws_access_key_id = " + fakeKeyID + "\naws_secret_access_key = " + fakeSecret + "\n"
	// A keystore v3 as hummingbot and geth write it, with made-up numbers.
	keystoreJSON = `{"crypto": {"cipher": "aes-128-ctr", "cipherparams": {"iv": "5f2a8e41c07d93b6a1e4c8f02d7b3a95"}, ` +
		`"ciphertext": "9c4e1b7a02f5d83e6a19c7b4f0e2d58a3b61c9f7e04d2a85b13f6c9e7a0d4b2f", "kdf": "pbkdf2", ` +
		`"kdfparams": {"c": 1000000, "dklen": 32, "prf": "hmac-sha256", "salt": "e1a4c7d02b95f38e6c1a7d4b09f2e5c8"}, ` +
		`"mac": "3d7a1f9c5e2b84a06f1d3c9e7b5a2f480c6e1d9b3a7f5c2e8d04b6a1f3c9e7d5"}, "version": 3, "alias": ""}`
)

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func defaultEngine(t testing.TB) *Engine {
	t.Helper()
	e, err := New(detectors.Default(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// spanOf returns the 1-based location of the first occurrence of sub in
// text, as a finding reports it.
func spanOf(t *testing.T, text, sub string) detectors.Location {
	t.Helper()
	i := strings.Index(text, sub)
	if i < 0 {
		t.Fatalf("%q not in the test text", sub)
	}
	at := func(off int) (int, int) {
		before := text[:off]
		line := strings.Count(before, "\n") + 1
		return line, utf8.RuneCountInString(before[strings.LastIndexByte(before, '\n')+1:]) + 1
	}
	var l detectors.Location
	l.StartLine, l.StartColumn = at(i)
	l.EndLine, l.EndColumn = at(i + len(sub))
	return l
}

func TestScanDecoded(t *testing.T) {
	e := defaultEngine(t)
	type want struct {
		rule, secret string
		at           string // the encoded text the finding must be located at
		note         string // a note the finding must carry ("" = no encoding note)
		part         string // rule id of a linked part, if any
	}
	k8sSplit := "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s3-backup\ntype: Opaque\ndata:\n" +
		"  AWS_ACCESS_KEY_ID: " + b64(fakeKeyID) + "\n" +
		"  AWS_SECRET_ACCESS_KEY: " + b64(fakeSecret) + "\n"
	k8sFile := "apiVersion: v1\nkind: Secret\nmetadata:\n  name: aws-credentials\ndata:\n" +
		"  credentials: " + b64(awsCredentials) + "\n"
	notebook := `{
 "cells": [
  {
   "cell_type": "code",
   "execution_count": 3,
   "metadata": {},
   "outputs": [],
   "source": [
    "import requests\n",
    "cfg = {\n",
    "    \"apiKey\": \"k7Qd2mX9vR4tL8pZ3wN6yB1cF5hJ0sGa\",\n",
    "}\n",
    "gh = requests.Session()\n",
    "gh.headers[\"Authorization\"] = \"token ` + fakeGHP + `\"\n"
   ]
  }
 ],
 "nbformat": 4
}
`
	pem := "-----BEGIN RSA PRIVATE KEY-----\\nMIIEowIBAAKCAQEAtWeXgqhjyW3++xpLS2nyGBhvcjO0Ezr1X7d//TdBoMUcpNwa\\ng/Lo/WWq6zFH6a/hGyEIO3rH3XlxiKQLfBF4v/SwPbJgZ6GJ8pQ6u4E5vPo3Bv45\\n-----END RSA PRIVATE KEY-----\\n"
	pemJSON := `{"type": "service_account", "private_key": "` + pem + `", "client_email": "ci@example.iam"}` + "\n"
	pctSecret := "qD0cVs8mZ4LBCz/3ZtP9rX1eHNwY7KdGfA2uJoiT"
	pctEnv := "# docker-compose .env\nAWS_REGION=eu-west-1\nAWS_SECRET_ACCESS_KEY=" + url.QueryEscape(pctSecret) + "\n"
	pctURL := "services:\n  notify:\n    environment:\n      WEBHOOK: \"https://hooks.example.com/ci?cfg=" +
		url.QueryEscape("token="+fakeGHP+"&repo=o/r") + "\"\n"
	hexKeystore := hex.EncodeToString([]byte(keystoreJSON))
	escapedKeystore := "KEYSTORE = \"" + strings.ReplaceAll(keystoreJSON, `"`, `\"`) + "\"\n"
	b64b64 := "payload: " + b64(b64("aws_secret_access_key = "+fakeSecret)) + "\n"

	tests := []struct {
		name, path, text string
		want             []want
	}{
		{"kubernetes secret, one value per key", "deploy/secret.yaml", k8sSplit, []want{
			{"aws-secret-access-key", fakeSecret, b64(fakeSecret), "found in base64-encoded text", "aws-access-key-id"},
		}},
		{"kubernetes secret holding a credentials file", "deploy/aws.yaml", k8sFile, []want{
			{"aws-secret-access-key", fakeSecret, b64(awsCredentials), "found in base64-encoded text", "aws-access-key-id"},
		}},
		// The rules read \" themselves: the notebook's secrets are found by
		// the plain pass, and decoding must not report them again.
		{"notebook cell", "analysis.ipynb", notebook, []want{
			{"generic-secret", "k7Qd2mX9vR4tL8pZ3wN6yB1cF5hJ0sGa", "k7Qd2mX9vR4tL8pZ3wN6yB1cF5hJ0sGa", "", ""},
			{"github-token", fakeGHP, fakeGHP, "", ""},
		}},
		{"JSON-escaped PEM is found by the plain pass", "sa.json", pemJSON, []want{
			{"private-key", strings.TrimSuffix(pem, `\n`), strings.TrimSuffix(pem, `\n`), "", ""},
		}},
		{"JSON-escaped PEM in a notebook is found once", "keys.ipynb", ` "source": ["key = \"` + pem + `\"\n"]` + "\n", []want{
			{"private-key", strings.TrimSuffix(pem, `\n`), strings.TrimSuffix(pem, `\n`), "", ""},
		}},
		{"percent-encoded value in .env", ".env", pctEnv, []want{
			{"aws-secret-access-key", pctSecret, url.QueryEscape(pctSecret), "found in percent-encoded text", ""},
		}},
		{"percent-encoded query in docker-compose", "docker-compose.yml", pctURL, []want{
			{"github-token", fakeGHP, fakeGHP, "found in percent-encoded text", ""},
		}},
		{"hex-encoded keystore (hummingbot)", "conf/keys/key_file_0xabc.json", hexKeystore + "\n", []want{
			{"ethereum-keystore", "9c4e1b7a02f5d83e6a19c7b4f0e2d58a3b61c9f7e04d2a85b13f6c9e7a0d4b2f", hexKeystore, "found in hex-encoded text", ""},
		}},
		{"keystore JSON in a string", "settings.py", escapedKeystore, []want{
			{"ethereum-keystore", "9c4e1b7a02f5d83e6a19c7b4f0e2d58a3b61c9f7e04d2a85b13f6c9e7a0d4b2f",
				"9c4e1b7a02f5d83e6a19c7b4f0e2d58a3b61c9f7e04d2a85b13f6c9e7a0d4b2f", "found in JSON-escaped text", ""},
		}},
		{"keystore in a notebook cell", "wallet.ipynb", ` "source": [` + "\n" +
			`  "from eth_account import Account\n",` + "\n" +
			`  "ks = '` + strings.ReplaceAll(keystoreJSON, `"`, `\"`) + `'\n",` + "\n" +
			`  "key = Account.decrypt(ks, getpass())\n"` + "\n ]\n", []want{
			{"ethereum-keystore", "9c4e1b7a02f5d83e6a19c7b4f0e2d58a3b61c9f7e04d2a85b13f6c9e7a0d4b2f",
				"9c4e1b7a02f5d83e6a19c7b4f0e2d58a3b61c9f7e04d2a85b13f6c9e7a0d4b2f", "found in JSON-escaped text", ""},
		}},
		{"base64 of base64", "ci/vars.yml", b64b64, []want{
			{"aws-secret-access-key", fakeSecret, b64(b64("aws_secret_access_key = " + fakeSecret)),
				"found in base64-encoded text inside base64-encoded text", ""},
		}},
		{"base64 of base64 of base64 is too deep", "ci/vars.yml",
			"payload: " + b64(b64(b64("aws_secret_access_key = "+fakeSecret))) + "\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := e.Scan(Chunk{Path: tt.path, Data: []byte(tt.text), Line: 1, Column: 1})
			if len(fs) != len(tt.want) {
				for _, f := range fs {
					t.Logf("got %s %q at %d:%d-%d:%d notes %q", f.RuleID, f.Secret, f.StartLine, f.StartColumn, f.EndLine, f.EndColumn, f.Notes)
				}
				t.Fatalf("got %d findings, want %d", len(fs), len(tt.want))
			}
			for i, w := range tt.want {
				f := fs[i]
				if f.RuleID != w.rule || f.Secret != w.secret {
					t.Errorf("finding %d: got %s %q, want %s %q", i, f.RuleID, f.Secret, w.rule, w.secret)
				}
				loc := spanOf(t, tt.text, w.at)
				loc.Path = tt.path
				if f.Location != loc {
					t.Errorf("finding %d: at %d:%d-%d:%d, want the encoded text at %d:%d-%d:%d", i,
						f.StartLine, f.StartColumn, f.EndLine, f.EndColumn, loc.StartLine, loc.StartColumn, loc.EndLine, loc.EndColumn)
				}
				if w.note != "" && !hasNote(f.Notes, w.note) {
					t.Errorf("finding %d: notes %q lack %q", i, f.Notes, w.note)
				}
				if w.note == "" && hasPrefixNote(f.Notes, "found in ") {
					t.Errorf("finding %d: plain finding carries an encoding note: %q", i, f.Notes)
				}
				if w.part != "" && (len(f.Parts) != 1 || f.Parts[0].RuleID != w.part) {
					t.Errorf("finding %d: parts %+v, want one %s", i, f.Parts, w.part)
				}
				if !strings.Contains(f.RedactedLine(), "…") && w.note != "" {
					t.Errorf("finding %d: line %q shows the secret unredacted", i, f.RedactedLine())
				}
			}
		})
	}
}

func hasNote(notes []string, n string) bool {
	for _, x := range notes {
		if x == n {
			return true
		}
	}
	return false
}

func hasPrefixNote(notes []string, p string) bool {
	for _, x := range notes {
		if strings.HasPrefix(x, p) {
			return true
		}
	}
	return false
}

// The linked key id is inside the decoded secret's finding; its location
// is the key id's own base64 value.
func TestScanDecodedPartLocation(t *testing.T) {
	e := defaultEngine(t)
	text := "data:\n  AWS_ACCESS_KEY_ID: " + b64(fakeKeyID) + "\n  AWS_SECRET_ACCESS_KEY: " + b64(fakeSecret) + "\n"
	fs := e.Scan(Chunk{Path: "secret.yaml", Data: []byte(text), Line: 10, Column: 1})
	if len(fs) != 1 || len(fs[0].Parts) != 1 {
		t.Fatalf("got %+v", fs)
	}
	p := fs[0].Parts[0]
	want := spanOf(t, text, b64(fakeKeyID))
	want.Path = "secret.yaml"
	want.StartLine += 9
	want.EndLine += 9
	if p.Location != want || p.Secret != fakeKeyID {
		t.Errorf("part %q at %+v, want %q at %+v", p.Secret, p.Location, fakeKeyID, want)
	}
	if fs[0].StartLine != 12 || fs[0].Severity != detectors.Critical {
		t.Errorf("secret at line %d severity %s, want line 12, critical", fs[0].StartLine, fs[0].Severity)
	}
}

// Encoded text that is not a secret must cost nothing in findings.
func TestScanDecodedNegatives(t *testing.T) {
	e := defaultEngine(t)
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa")
	for i := 0; i < 300; i++ {
		png = append(png, byte(i*131+7), byte(i*17))
	}
	tests := []struct{ name, path, text string }{
		{"data URI image", "index.html", `<img alt="logo" src="data:image/png;base64,` + base64.StdEncoding.EncodeToString(png) + `">` + "\n"},
		{"SRI integrity", "package-lock.json", `    "node_modules/lodash": {` + "\n" +
			`      "resolved": "https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz",` + "\n" +
			`      "integrity": "sha512-v2kDEe57lecTulaDIuNTPy3Ry4gLGJ6Z1O3vE1krgXZNrsQ+LFTGHVxVjcXPs17LhbZVGedAJv8XZ1tvj5FvSg=="` + "\n"},
		{"go.sum", "go.sum", "golang.org/x/crypto v0.31.0 h1:ihbySMvVjLAeSH1IbfcRTkD/iNscyz8rGzjF/E5hV6U=\n" +
			"golang.org/x/crypto v0.31.0/go.mod h1:kDsLvtWBEx7MV9tJOj9bnXsPbxwJQ6csT/x4KIYuLYk=\n"},
		{"minified JS", "app.min.js", `!function(e,t){"use strict";var n="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=",` +
			`r=function(e){return e.replace(/[^A-Za-z0-9\+\/\=]/g,"")},o="%5B%22init%22%2C%7B%22debug%22%3Afalse%7D%5D";` +
			`t.encode=function(e){for(var t="",o=0;o<e.length;o+=3)t+=n.charAt(e.charCodeAt(o)>>2);return t},t.cfg=JSON.parse(decodeURIComponent(o))}(this,exports);` + "\n"},
		{"git object ids and hashes", "CHANGES", "commit 6d5f0c3e9a7b1d2f4c8e0a6b3d9f1e7c5a2b4d80\nsha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n"},
		{"format strings", "main.go", "fmt.Printf(\"%-20s %5d%%\\n\", name, pct)\nlog.Printf(\"%s\\\"%s\\\"\", a, b)\n"},
		{"plain base64 text without a secret", "README.md", "The banner is `" + b64("Welcome to the build server, please be nice to it.") + "`.\n"},
	}
	for _, tt := range tests {
		if fs := e.Scan(Chunk{Path: tt.path, Data: []byte(tt.text), Line: 1, Column: 1}); len(fs) != 0 {
			for _, f := range fs {
				t.Errorf("%s: %s %q at %d:%d notes %q", tt.name, f.RuleID, f.Secret, f.StartLine, f.StartColumn, f.Notes)
			}
		}
	}
}

// Suppressed candidates inside decoded text are reported at their encoded
// line; those in the copied context are not reported a second time.
func TestScanDecodedSuppressions(t *testing.T) {
	var got []Suppression
	e, err := New(detectors.Default(), Options{OnSuppress: func(s Suppression) { got = append(got, s) }})
	if err != nil {
		t.Fatal(err)
	}
	text := "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n" +
		"blob: " + b64("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY") + "\n"
	if fs := e.Scan(Chunk{Path: "x.yaml", Data: []byte(text), Line: 1, Column: 1}); len(fs) != 0 {
		t.Fatalf("got %d findings for the documented example key", len(fs))
	}
	var plain, decoded int
	for _, s := range got {
		switch {
		case s.Line == 1 && !strings.HasPrefix(s.Reason, "in base64"):
			plain++
		case s.Line == 2 && strings.HasPrefix(s.Reason, "in base64-encoded text: "):
			decoded++
		default:
			t.Errorf("unexpected suppression %+v", s)
		}
	}
	if plain == 0 || decoded == 0 {
		t.Errorf("suppressions %+v: want the plain one on line 1 and the decoded one on line 2", got)
	}
}

func BenchmarkScanDecoded(b *testing.B) {
	e := defaultEngine(b)
	// Source-like text with what the decoder meets most and must reject
	// cheaply (long identifiers, paths, hashes, format strings), and now
	// and then an encoded value that it decodes and scans again.
	var sb strings.Builder
	for i := 0; sb.Len() < 1<<20; i++ {
		sb.WriteString("func (hs *serverHandshakeStateTLS13) sendServerCertificateVerifyMessage() error {\n")
		sb.WriteString("\t// See https://go.googlesource.com/go/+/refs/heads/master/src/crypto/tls/handshake_server_tls13.go\n")
		sb.WriteString("\tconst sum = \"h1:ihbySMvVjLAeSH1IbfcRTkD/iNscyz8rGzjF/E5hV6U=\" // 6d5f0c3e9a7b1d2f4c8e0a6b3d9f1e7c5a2b4d80\n")
		sb.WriteString("\tfmt.Fprintf(w, \"%-20s %5d%%\\n\", \"say \\\"hi\\\"\", n)\n")
		if i%20 == 0 {
			sb.WriteString("\tconst banner = \"" + b64("Welcome to the build server, please be nice to it.") + "\"\n")
			sb.WriteString("\tconst payload = `{\\\"name\\\": \\\"handshake\\\", \\\"version\\\": 3}`\n")
		}
		sb.WriteString("\treturn errors.New(\"tls: client certificate used with invalid signature algorithm\")\n}\n\n")
	}
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sc := &chunkScan{e: e, ctx: context.Background(), c: Chunk{Path: "handshake_server_tls13.go", Data: data, Line: 1, Column: 1}}
		sc.scanDecoded(nil)
	}
}
