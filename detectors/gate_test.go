package detectors

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// A rule's Gate may turn down only windows its Pattern finds nothing in:
// checked on the rule's own examples and negatives, on texts people write,
// and on random texts built from the bytes the pattern turns on.
func TestGatesPassEveryMatch(t *testing.T) {
	gated := 0
	for _, r := range Default() {
		if r.Gate == nil {
			continue
		}
		gated++
		re := regexp.MustCompile(r.Pattern)
		check := func(text string) {
			t.Helper()
			if re.MatchString(text) && !r.Gate([]byte(text)) {
				t.Fatalf("%s: the gate turns down %q, which the pattern matches", r.ID, text)
			}
		}
		for _, x := range append(append([]string(nil), r.Examples...), r.Negatives...) {
			check(x)
		}
		for _, x := range []string{
			`resolved "https://registry.yarnpkg.com/@babel/core/-/core-7.22.5.tgz#sha512-abc"`,
			"git+ssh://git@github.com/org/repo.git",
			"amqp://guest:guest@localhost:5672/",
			"redis://:s3cr3tPass@redis.internal.example.net:6379/0",
			"mongodb+srv://bot:Xk9vR2mQ7pL4@cluster0.ab1cd.mongodb.net/trades",
			"see http://a.example.com and mail me at me@example.org:x",
			"url=https://user:pw@h.io",
			strings.Repeat("https://", 50) + "u:" + strings.Repeat("p", 199) + "@host.example.com",
			"https://" + strings.Repeat("u", 64) + ":password1@host.example.com",
			"https://" + strings.Repeat("u", 65) + ":password1@host.example.com",
			"https://u:" + strings.Repeat("p", 201) + "@host.example.com",
			"https://u:" + strings.Repeat("p", 200) + "@host.example.com",
			"https://u:abcdef@host.example.com",
			"https://" + strings.Repeat("u", 63) + ":abcdef@host.example.com",
		} {
			check(x)
		}
		rng := rand.New(rand.NewPCG(7, 11))
		alphabet := []byte("ab9Z.-_%:/@ :/@\n'\"")
		for i := 0; i < 200000; i++ {
			b := make([]byte, 8+rng.IntN(40))
			for j := range b {
				b[j] = alphabet[rng.IntN(len(alphabet))]
			}
			check(string(b))
			check("https://" + string(b))
		}
	}
	if gated == 0 {
		t.Fatal("no rule has a gate")
	}
}

func TestURLCredentialsGate(t *testing.T) {
	for _, tt := range []struct {
		text string
		want bool
	}{
		{"DATABASE_URL=postgres://bot:hT5vR9qLm2XcW8@db.internal-prod.net:5432/trades", true},
		{"https://deploy:glpat9fK2mQ7xR4tVbN8wZ3pL@git.mycompany.net", true},
		{`resolved "https://registry.yarnpkg.com/@babel/core/-/core-7.22.5.tgz"`, false},
		{"url = https://github.com/keyward/scan.git", false},
		{"https://user:short@host.example.com", false}, // a password under six bytes
		{"ftp://anonymous@ftp.example.com", false},
		{"https://" + strings.Repeat("u", 65) + ":password1@host.example.com", false},
		{"x https://a.b/c then https://u:password1@host.example.com", true},
	} {
		if got := urlCredentialsGate([]byte(tt.text)); got != tt.want {
			t.Errorf("urlCredentialsGate(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}
