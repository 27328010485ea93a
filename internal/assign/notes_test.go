package assign

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestNotes(t *testing.T) {
	v1 := "vQ3xF8mK2pL9sT4wN7bR1cY6hJ5gD0aZ"
	v2 := "Hs8Kq2Lm4Nx6Pz1Rt3Vw5Yb7Cd9Fg0Jk"
	for _, tc := range []struct {
		name, text string
		want       []string // name=value
	}{
		{"api page pasted", "API Management\n\nAPI Key\n" + v1 + "\nSecret Key\n" + v2 + "\nRestrictions: read only\n",
			[]string{"API Key=" + v1, "Secret Key=" + v2}},
		{"label with colon above", "API key:\n" + v1 + "\n", []string{"API key=" + v1}},
		{"markdown note", "## binance\nkey " + v1 + "\nsecret " + v2 + "\n", []string{"key=" + v1, "secret=" + v2}},
		{"bullets", "- api key " + v1 + "\n* secret " + v2 + "\n", []string{"api key=" + v1, "secret=" + v2}},
		{"csv", "exchange,api_key,api_secret\nbinance," + v1 + "," + v2 + "\nkraken,\"" + v2 + "\",\n",
			[]string{"exchange=binance", "api_key=" + v1, "api_secret=" + v2, "exchange=kraken", "api_key=" + v2}},
		{"tsv", "name\tkey\tsecret\nmain\t" + v1 + "\t" + v2 + "\n", []string{"name=main", "key=" + v1, "secret=" + v2}},
		{"csv ends at a blank line", "exchange,api_key\nbinance," + v1 + "\n\nnotes,more\n", []string{"exchange=binance", "api_key=" + v1}},
		{"prose is no label", "The key to success\n" + v1 + "\n", nil},
		{"code is no label", "key = compute()\n" + v1 + "\n", nil},
		{"sentence with a key word", "we rotate the secret weekly " + v1 + "\n", nil},
		{"csv without credential columns", "date,open,close\n2024-01-01,1,2\n", nil},
		{"short value", "API Key\nabc123\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			Notes([]byte(tc.text), func(n, v [2]int) {
				got = append(got, tc.text[n[0]:n[1]]+"="+tc.text[v[0]:v[1]])
			})
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("got %q\nwant %q", got, tc.want)
			}
		})
	}
}

// csvHeader reads each line once and cuts it in place; it must answer as
// splitting it into cells does, on header rows, code, and random lines of
// the bytes that decide.
func TestCSVHeaderAgreesWithSplitting(t *testing.T) {
	bySplit := func(line []byte) bool {
		sep := cellSep(line)
		if bytes.Count(line, []byte{sep}) == 0 || len(line) > 400 {
			return false
		}
		cred := false
		for _, c := range bytes.Split(line, []byte{sep}) {
			c = bytes.Trim(c, " \"'")
			if len(c) == 0 || len(c) > 40 {
				return false
			}
			for _, b := range c {
				if !IsLabelByte(b) && b != ' ' {
					return false
				}
			}
			if hasCredentialWord(c) {
				cred = true
			}
		}
		return cred
	}
	lines := []string{
		"exchange,api_key,api_secret", "name;key;secret", "exchange\tkey\tsecret", `"exchange","api key","secret"`,
		"exchange,api_key,", ",api_key", "api_key", "a,b,c", "self._api_key = api_key", "key(1, 2)",
		"exchange, api key , secret ;x", strings.Repeat("key,", 101), "'key','secret'", "key,se`cret",
	}
	r := rand.New(rand.NewPCG(21, 22))
	parts := []string{"key", "secret", "exchange", "name", ",", ";", "\t", " ", "\"", "'", "`", "=", "(", "_", "-", ".", "x", "é"}
	for i := 0; i < 50000; i++ {
		var b strings.Builder
		for n := r.IntN(12); n >= 0; n-- {
			b.WriteString(parts[r.IntN(len(parts))])
		}
		lines = append(lines, b.String())
	}
	for _, l := range lines {
		if got, want := csvHeader([]byte(l)), bySplit([]byte(l)); got != want {
			t.Fatalf("csvHeader(%q) = %v, want %v", l, got, want)
		}
	}
}
