package decode

import (
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
)

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestFind(t *testing.T) {
	type want struct {
		kind    Kind
		encoded string // the input text the span must cover
		text    string
	}
	creds := "[default]\naws_access_key_id = AKIAOK5AIJWPAZJPJIS7\n"
	keystore := `{"crypto": {"cipher": "aes-128-ctr", "kdf": "pbkdf2"}}`
	tests := []struct {
		name, in string
		all      bool
		want     []want
	}{
		{"kubernetes value", "data:\n  credentials: " + b64(creds) + "\n", false,
			[]want{{Base64, b64(creds), creds}}},
		{"unpadded URL-safe (JWT header)", "Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.sig", false,
			[]want{{Base64, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9", `{"alg":"HS256","typ":"JWT"}`}}},
		{"value glued to a name", "export blob_" + b64("user=admin password=Tr0ub4dor&3 ok") + "\n", false,
			[]want{{Base64, b64("user=admin password=Tr0ub4dor&3 ok"), "user=admin password=Tr0ub4dor&3 ok"}}},
		{"shortest base64: an AWS key id", "id: " + b64("AKIAOK5AIJWPAZJPJIS7"), false,
			[]want{{Base64, b64("AKIAOK5AIJWPAZJPJIS7"), "AKIAOK5AIJWPAZJPJIS7"}}},
		{"hex keystore", hex.EncodeToString([]byte(keystore)) + "\n", false,
			[]want{{Hex, hex.EncodeToString([]byte(keystore)), keystore}}},
		{"hex after 0x", "data = 0x" + hex.EncodeToString([]byte(keystore)), false,
			[]want{{Hex, hex.EncodeToString([]byte(keystore)), keystore}}},
		{"percent-encoded URL", `url: "https://h.example/?q=token%3Dabc%2Fdef%26x%3D1"`, false,
			[]want{{Percent, "https://h.example/?q=token%3Dabc%2Fdef%26x%3D1", "https://h.example/?q=token=abc/def&x=1"}}},
		{"embedded JSON", `cfg := "{\"apiKey\": \"k\\\"q\", \"n\": \"\u00e9\ud83d\ude00\"}"`, false,
			[]want{{JSON, `{\"apiKey\": \"k\\\"q\", \"n\": \"\u00e9\ud83d\ude00\"}`, `{"apiKey": "k\"q", "n": "é😀"}`}}},
		{"notebook source lines", ` "source": [` + "\n" + `  "x = 1\n",` + "\n" + `  "print(\"hi\")\n"` + "\n ]\n", true,
			[]want{{JSON, `x = 1\n`, "x = 1"}, {JSON, `print(\"hi\")\n`, `print("hi")`}}},
		{"base64 wins over the JSON string inside it", "v: " + b64(`"{\"apiKey\": \"k\"}"`), false,
			[]want{{Base64, b64(`"{\"apiKey\": \"k\"}"`), `"{\"apiKey\": \"k\"}"`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Find([]byte(tt.in), Options{JSONAll: tt.all})
			if len(got) != len(tt.want) {
				for _, s := range got {
					t.Logf("got %d %q -> %q", s.Kind, tt.in[s.Start:s.End], s.Text)
				}
				t.Fatalf("got %d spans, want %d", len(got), len(tt.want))
			}
			from := 0
			for i, w := range tt.want {
				s := got[i]
				at := strings.Index(tt.in[from:], w.encoded) + from
				if s.Kind != w.kind || s.Start != at || s.End != at+len(w.encoded) || string(s.Text) != w.text {
					t.Errorf("span %d: got %v %q -> %q, want %v %q -> %q", i, s.Kind, tt.in[s.Start:s.End], s.Text, w.kind, w.encoded, w.text)
				}
				from = s.End
			}
		})
	}
}

func TestFindRejects(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	for i := 0; i < 200; i++ {
		png = append(png, byte(i*37+11))
	}
	tests := []struct{ name, in string }{
		{"data URI image", `<img src="data:image/png;base64,` + base64.StdEncoding.EncodeToString(png) + `">`},
		{"SRI", `"integrity": "sha512-v2kDEe57lecTulaDIuNTPy3Ry4gLGJ6Z1O3vE1krgXZNrsQ+LFTGHVxVjcXPs17LhbZVGedAJv8XZ1tvj5FvSg=="`},
		{"go.sum", "golang.org/x/crypto v0.31.0 h1:ihbySMvVjLAeSH1IbfcRTkD/iNscyz8rGzjF/E5hV6U=\n"},
		{"hashes", "6d5f0c3e9a7b1d2f4c8e0a6b3d9f1e7c5a2b4d80 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
		{"hex that is not text", "key = 0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"},
		{"long identifiers", "func TestServerHandshakeContextCancellation(t *testing.T) { serverHandshakeStateTLS13{} }"},
		{"paths", "/usr/local/go/src/cmd/compile/internal/ssagen/abi"},
		{"format strings", `fmt.Printf("%-20s %5d%%\n", a, b); s := "%20x"`},
		{"escapes of unreserved characters only", `x = "abc%41%42%43def"`},
		{"escapes that decode to control bytes", `x = "abc%00%01%02def%2F"`},
		{"Go strings with plain escapes", `re := "\\d+\\.\\d+"; msg := "say \"hi\"\n"`},
		{"short base64", "id: dGhpcyBpcyBzaG9ydA=="},
	}
	for _, tt := range tests {
		for _, s := range Find([]byte(tt.in), Options{}) {
			t.Errorf("%s: got %v %q -> %q", tt.name, s.Kind, tt.in[s.Start:s.End], s.Text)
		}
	}
}

// A secret inside percent or JSON escapes is located at its own escaped
// characters; inside base64 or hex, at the whole run.
func TestSourceOffsets(t *testing.T) {
	in := `u=x%2Fsecret%2Fval%3D1 `
	sp := Find([]byte(in), Options{})
	if len(sp) != 1 {
		t.Fatalf("got %d spans", len(sp))
	}
	s := sp[0]
	i := strings.Index(string(s.Text), "secret/val")
	a, b := s.SourceStart(i), s.SourceEnd(i+len("secret/val"))
	if got := in[a:b]; got != "secret%2Fval" {
		t.Errorf("secret/val located at %q", got)
	}
	if got := in[s.SourceStart(0):s.SourceEnd(4)]; got != "u=x%2F" {
		t.Errorf("u=x/ located at %q", got)
	}

	run := b64("aws_secret_access_key = GRj3juJ6yIedHqdNud7W7JJeYAd9D5TTtGPNmDcl")
	sp = Find([]byte("k: "+run), Options{})
	if len(sp) != 1 || sp[0].SourceStart(24) != 3 || sp[0].SourceEnd(30) != 3+len(run) {
		t.Errorf("base64 span %+v does not map to its whole run", sp)
	}
}

func BenchmarkFind(b *testing.B) {
	// Source-like text: long identifiers, paths, hashes and format strings
	// are what the decoder meets most and must reject cheaply.
	var sb strings.Builder
	for sb.Len() < 1<<20 {
		sb.WriteString("func (hs *serverHandshakeStateTLS13) sendServerCertificateVerifyMessage() error {\n")
		sb.WriteString("\t// See https://go.googlesource.com/go/+/refs/heads/master/src/crypto/tls/handshake_server_tls13.go\n")
		sb.WriteString("\tconst sum = \"h1:ihbySMvVjLAeSH1IbfcRTkD/iNscyz8rGzjF/E5hV6U=\" // 6d5f0c3e9a7b1d2f4c8e0a6b3d9f1e7c5a2b4d80\n")
		sb.WriteString("\tfmt.Fprintf(w, \"%-20s %5d%%\\n\", \"say \\\"hi\\\"\", n)\n")
		sb.WriteString("\treturn errors.New(\"tls: client certificate used with invalid signature algorithm\")\n}\n\n")
	}
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Find(data, Options{})
	}
}
