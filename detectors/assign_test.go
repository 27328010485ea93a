package detectors

import (
	"math/rand/v2"
	"slices"
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

// classRun skips ahead by the run length it needs; it must find what a
// walk over every byte finds: every maximal run of the class at least min
// long, on texts of runs of every length near min.
func TestClassRunAgreesWithEveryByteWalk(t *testing.T) {
	every := func(w []byte, class *[256]bool, min int) [][2]int {
		var out [][2]int
		for i := 0; i < len(w); {
			if !class[w[i]] {
				i++
				continue
			}
			s := i
			for i < len(w) && class[w[i]] {
				i++
			}
			if i-s >= min {
				out = append(out, [2]int{s, i})
			}
		}
		return out
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, min := range []int{1, 2, 7, 51, 64} {
		for round := 0; round < 3000; round++ {
			var b []byte
			for len(b) < 400 {
				n := rng.IntN(min + 3)
				if rng.IntN(4) == 0 {
					n = min - 1 + rng.IntN(3)
				}
				for j := 0; j < n; j++ {
					b = append(b, "0123456789abcdefABCDEFxyz"[rng.IntN(25)])
				}
				b = append(b, " -_x0O\n"[rng.IntN(7)])
			}
			b = b[:rng.IntN(len(b))]
			for _, class := range []*[256]bool{&isHex, &isBase58} {
				var got [][2]int
				for s, e := classRun(b, class, min, 0); s >= 0; s, e = classRun(b, class, min, e+1) {
					got = append(got, [2]int{s, e})
				}
				if want := every(b, class, min); !slices.Equal(got, want) {
					t.Fatalf("min %d, %q: classRun found %v, want %v", min, b, got, want)
				}
			}
		}
	}
}
