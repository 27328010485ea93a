package detectors

import (
	"math/rand/v2"
	"regexp"
	"regexp/syntax"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// ruleShapes are the shapes the exchange table checks whole values
// against, as shapeFinder is given them.
func ruleShapes() []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, s := range exchangeSpecs() {
		for _, shape := range []string{s.key, s.secret, s.passphrase, s.selfKey} {
			add(shape)
			if shape != "" && s.pemSecret {
				add(pemShape + "|" + shape)
			}
		}
	}
	add(passphraseSpec)
	add(pemShape)
	return out
}

// genShape writes a random value of re's language.
func genShape(re *syntax.Regexp, r *rand.Rand, out []byte) []byte {
	switch re.Op {
	case syntax.OpLiteral:
		for _, c := range re.Rune {
			if re.Flags&syntax.FoldCase != 0 && r.IntN(2) == 0 {
				c = unicode.SimpleFold(c)
			}
			out = utf8.AppendRune(out, c)
		}
	case syntax.OpCharClass:
		for try := 0; try < 30; try++ {
			c := rune(32 + r.IntN(95))
			if runeMatches(re, c) {
				return utf8.AppendRune(out, c)
			}
		}
		i := 2 * r.IntN(len(re.Rune)/2)
		lo, hi := re.Rune[i], re.Rune[i+1]
		out = utf8.AppendRune(out, lo+rune(r.IntN(int(min(hi-lo, 1000))+1)))
	case syntax.OpAnyCharNotNL, syntax.OpAnyChar:
		out = append(out, byte(32+r.IntN(95)))
	case syntax.OpCapture:
		out = genShape(re.Sub[0], r, out)
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			out = genShape(sub, r, out)
		}
	case syntax.OpAlternate:
		out = genShape(re.Sub[r.IntN(len(re.Sub))], r, out)
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		lo, hi := repeatBounds(re)
		if hi < 0 {
			hi = lo + 5
		}
		for n := lo + r.IntN(hi-lo+1); n > 0; n-- {
			out = genShape(re.Sub[0], r, out)
		}
	}
	return out
}

// mutate changes v a little: a byte replaced, dropped or added, or a cut.
func mutate(v []byte, r *rand.Rand) []byte {
	odd := []byte("aZ09-_+/=: \n\"'$\xff\xc3\xa9")
	v = append([]byte(nil), v...)
	switch k := r.IntN(4); {
	case len(v) == 0 || k == 0:
		i := r.IntN(len(v) + 1)
		v = append(v[:i], append([]byte{odd[r.IntN(len(odd))]}, v[i:]...)...)
	case k == 1:
		v[r.IntN(len(v))] = odd[r.IntN(len(odd))]
	case k == 2:
		i := r.IntN(len(v))
		v = append(v[:i], v[i+1:]...)
	default:
		v = v[:r.IntN(len(v))]
	}
	return v
}

// The walk must answer exactly as the anchored regexp does: for every
// shape of the rule table and for expressions chosen to exercise each
// kind of node, on values of the shape, values a little off it, and
// random bytes.
func TestWholeMatcherAgreesWithRegexp(t *testing.T) {
	shapes := append(ruleShapes(),
		`(?i)ab[c-e]{2,3}`, `(?i)straße`, `x*y+z?`, `(?:ab|a)(?:bc|c)`, `(?:a|)*b`,
		`(?:ab){2,4}c{0,2}`, `.{3}`, `(?s).{2,5}`, `[^a-z]{1,4}é`, `\d{4}-\d{2}`,
		`(?:0x)?[0-9a-fA-F]{64}|[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}`, `a{0}b`, `(?:a{2}){0,3}`,
		`^abc$`, `a\b-`,
	)
	r := rand.New(rand.NewPCG(5, 8))
	walked := 0
	for _, shape := range shapes {
		re := regexp.MustCompile(`^(?:` + shape + `)$`)
		m := newWholeMatcher(shape)
		if m.re != nil {
			walked++
		}
		parsed, err := syntax.Parse(shape, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		var values [][]byte
		for i := 0; i < 200; i++ {
			v := genShape(parsed, r, nil)
			values = append(values, v, mutate(v, r), mutate(mutate(v, r), r))
			if len(v) > 0 {
				values = append(values, append(append([]byte(nil), v...), v...), v[:len(v)-1])
			}
			random := make([]byte, r.IntN(80))
			for j := range random {
				random[j] = byte(r.IntN(256))
			}
			values = append(values, random)
		}
		values = append(values, nil, []byte(strings.Repeat("a", maxWalkedValue+1)))
		positives := 0
		for _, v := range values {
			want := re.Match(v)
			if got := m.Match(v); got != want {
				t.Fatalf("shape %s, value %q: walk says %v, regexp %v", shape, v, got, want)
			}
			if want {
				positives++
			}
		}
		if positives == 0 {
			t.Errorf("shape %s: no value of the shape was generated; the test compared only misses", shape)
		}
	}
	if walked < len(shapes)*3/4 {
		t.Errorf("only %d of %d shapes are walked; the rest compile a regexp", walked, len(shapes))
	}
}

func BenchmarkShapeFirstMatch(b *testing.B) {
	shapes := ruleShapes()
	value := []byte("vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A")
	b.Run("walk", func(b *testing.B) {
		for b.Loop() {
			for _, s := range shapes {
				newWholeMatcher(s).Match(value)
			}
		}
	})
	b.Run("regexp", func(b *testing.B) {
		for b.Loop() {
			for _, s := range shapes {
				regexp.MustCompile(`^(?:` + s + `)$`).Match(value)
			}
		}
	})
}

func BenchmarkShapeMatch(b *testing.B) {
	shapes := ruleShapes()
	values := [][]byte{
		[]byte("vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"),
		[]byte("os.environ.get"),
		[]byte("3f2b9c1e-8d4a-4b6f-a1c2-7e9d0f1a2b3c"),
		[]byte("0123456789abcdef0123456789abcdef"),
	}
	var walks []*wholeMatcher
	var res []*regexp.Regexp
	for _, s := range shapes {
		walks = append(walks, newWholeMatcher(s))
		res = append(res, regexp.MustCompile(`^(?:`+s+`)$`))
	}
	b.Run("walk", func(b *testing.B) {
		for b.Loop() {
			for _, m := range walks {
				for _, v := range values {
					m.Match(v)
				}
			}
		}
	})
	b.Run("regexp", func(b *testing.B) {
		for b.Loop() {
			for _, re := range res {
				for _, v := range values {
					re.Match(v)
				}
			}
		}
	})
}
