package engine

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keyward/scan/detectors"
)

// defaultKeywords are the built-in rules' keywords and line keywords, as
// the engine numbers them.
func defaultKeywords(t *testing.T) []string {
	t.Helper()
	e, err := New(detectors.Default(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return e.keywords.keywords
}

func hitsOf(scan func([]byte, func(int32, int)), data []byte) []string {
	var out []string
	scan(data, func(id int32, end int) { out = append(out, itoa(int(id))+"@"+itoa(end)) })
	return out
}

// realInputs are texts of the kind the engine scans: every rule's examples
// and negatives, and this repository's own source files.
func realInputs(t *testing.T) [][]byte {
	t.Helper()
	var out [][]byte
	for _, r := range detectors.Default() {
		examples, negatives := r.Samples()
		for _, s := range append(append([]string(nil), examples...), negatives...) {
			out = append(out, []byte(s))
		}
	}
	for _, dir := range []string{".", "../../detectors", "../../cmd/scan"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no source files in %s: %v", dir, err)
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, data)
		}
	}
	return out
}

// The engine uses the keyword list for small scans and the automaton for
// large ones: both must report the same hits in the same order, on real
// text and on random text thick with keywords, cut anywhere and in any
// case.
func TestKeywordMatchersAgree(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 13))
	odd := []string{"a", "key", "KEY", "ke", "y", "secret", "cret", "密钥", "api_key", "x-mbx-apikey", "api", "pi", "Aa", "aa", "aaa"}
	sets := map[string][]string{"default": defaultKeywords(t), "odd": odd, "with-empty": append([]string{""}, odd...)}
	for name, kws := range sets {
		auto, list := newKeywordMatcher(kws), newKeywordList(kws)
		inputs := realInputs(t)
		alphabet := []byte("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_ .:=\"'(/\n\xe5\xaf\x86\xe9\x92\xa5")
		for round := 0; round < 300; round++ {
			n := r.IntN(12 << 10)
			data := make([]byte, n)
			for i := range data {
				data[i] = alphabet[r.IntN(len(alphabet))]
			}
			for k := r.IntN(100); k > 0 && n > 0; k-- {
				kw := []byte(kws[r.IntN(len(kws))])
				for i := range kw {
					if r.IntN(2) == 0 && 'a' <= kw[i] && kw[i] <= 'z' {
						kw[i] -= 'a' - 'A'
					}
				}
				// Sometimes only part of the keyword.
				if len(kw) > 1 && r.IntN(4) == 0 {
					kw = kw[:r.IntN(len(kw))]
				}
				copy(data[r.IntN(n):], kw)
			}
			inputs = append(inputs, data)
		}
		for i, data := range inputs {
			want, got := hitsOf(auto.scan, data), hitsOf(list.scan, data)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s input %d (%d bytes): keyword list and automaton differ:\nlist      %v\nautomaton %v", name, i, len(data), got, want)
			}
		}
	}
}

// Whatever matcher ran, an engine finds the same: one engine scans small
// chunks with the keyword list, one was made to build its automaton first.
func TestEngineFindsTheSameWithEitherMatcher(t *testing.T) {
	rules := detectors.Default()
	small, err := New(rules, Options{})
	if err != nil {
		t.Fatal(err)
	}
	built, err := New(rules, Options{})
	if err != nil {
		t.Fatal(err)
	}
	built.keywords.built()
	built.pathKeywords.built()
	paths := []string{"config.py", ".env", "keys/kraken.key", "wallet/seed.txt", "src/main.go"}
	for i, data := range realInputs(t) {
		c := Chunk{Path: paths[i%len(paths)], Data: data, Line: 1, Column: 1}
		small.keywords.scanned.Store(0)
		small.pathKeywords.scanned.Store(0)
		want, got := built.Scan(c), small.Scan(c)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("input %d (%s): findings differ:\nlist      %v\nautomaton %v", i, c.Path, got, want)
		}
	}
	if small.keywords.automaton.Load() != nil {
		t.Fatal("the small scans built the automaton: the test compared nothing")
	}
	if !strings.Contains(strings.Join(built.keywords.keywords, ","), "secret") {
		t.Fatal("no keywords")
	}
}

// The automaton is built only once the engine has scanned enough to pay
// for it, or for one chunk that large; until it is there, the list answers.
func TestKeywordSearchBuildsAutomatonWhenItPays(t *testing.T) {
	k := newKeywordSearch([]string{"key", "secret"})
	small := []byte(strings.Repeat("a key and a secret ", 100))
	k.scan(small, func(int32, int) {})
	if k.started.Load() {
		t.Fatal("a small scan started building the automaton")
	}
	var hits int
	for scanned := len(small); scanned <= automatonAfter; scanned += len(small) {
		k.scan(small, func(int32, int) { hits++ })
	}
	if hits == 0 {
		t.Fatal("no hits")
	}
	// The build is under way on its own goroutine; it ends.
	select {
	case <-k.ready:
	case <-time.After(10 * time.Second):
		t.Fatalf("the automaton is not built after %d bytes", automatonAfter)
	}
	if k.automaton.Load() == nil {
		t.Fatal("ready but no automaton")
	}
	// One large chunk waits for the automaton and is searched with it.
	big := newKeywordSearch([]string{"key"})
	var bigHits int
	big.scan([]byte(strings.Repeat("key ", automatonAfter/4)), func(int32, int) { bigHits++ })
	if big.automaton.Load() == nil {
		t.Fatal("one large chunk did not build the automaton")
	}
	if bigHits != automatonAfter/4 {
		t.Fatalf("large chunk: %d hits, want %d", bigHits, automatonAfter/4)
	}
}

// Prepare builds the automaton without a byte scanned, and scans that run
// while it is being built, from several goroutines, find what the
// automaton finds.
func TestPreparedEngineFindsTheSameWhileBuilding(t *testing.T) {
	rules := detectors.Default()
	ref, err := New(rules, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ref.keywords.built()
	e, err := New(rules, Options{})
	if err != nil {
		t.Fatal(err)
	}
	inputs := realInputs(t)
	want := make([][]detectors.Finding, len(inputs))
	for i, data := range inputs {
		want[i] = ref.Scan(Chunk{Path: "config.py", Data: data, Line: 1, Column: 1})
	}
	e.Prepare()
	var wg sync.WaitGroup
	errs := make(chan string, 4*len(inputs))
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, data := range inputs {
				if got := e.Scan(Chunk{Path: "config.py", Data: data, Line: 1, Column: 1}); !reflect.DeepEqual(got, want[i]) {
					errs <- fmt.Sprintf("input %d: findings differ while the automaton was being built", i)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Fatal(msg)
	}
	select {
	case <-e.keywords.ready:
	case <-time.After(10 * time.Second):
		t.Fatal("Prepare did not build the automaton")
	}
}

func BenchmarkKeywordBuild(b *testing.B) {
	e, err := New(detectors.Default(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	kws := e.keywords.keywords
	b.Run("automaton", func(b *testing.B) {
		for b.Loop() {
			newKeywordMatcher(kws)
		}
	})
	b.Run("list", func(b *testing.B) {
		for b.Loop() {
			newKeywordList(kws)
		}
	})
}

func BenchmarkKeywordSmallScan(b *testing.B) {
	e, err := New(detectors.Default(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	kws := e.keywords.keywords
	data := goSource(b, 64<<10)
	auto, list := newKeywordMatcher(kws), newKeywordList(kws)
	b.Run("automaton", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			auto.scan(data, func(int32, int) {})
		}
	})
	b.Run("list", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			list.scan(data, func(int32, int) {})
		}
	})
}
