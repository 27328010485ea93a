// Package contenttest builds the content layer with the built-in rules,
// for the tests of the sources that read through it.
package contenttest

import (
	"sync"
	"testing"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/content"
	"github.com/keyward/scan/internal/engine"
)

// builtin is built once per test binary: the engine is a pure function of
// (rules, chunk), safe for concurrent use, and costly to build.
var builtin = sync.OnceValues(func() (*engine.Engine, error) {
	return engine.New(detectors.Default(), engine.Options{})
})

// Engine returns an engine with the built-in rules.
func Engine(t testing.TB) *engine.Engine {
	t.Helper()
	e, err := builtin()
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// Scanner returns the content layer over Engine with opt.
func Scanner(t testing.TB, opt content.Options) *content.Scanner {
	t.Helper()
	return content.New(Engine(t), opt)
}
