package detectors

import "testing"

// Finders compile their patterns on first use, so a pattern that does not
// compile would only fail in the scan that first needs it: call every
// finder once here.
func TestEveryFinderCompilesItsPattern(t *testing.T) {
	for _, r := range Default() {
		if r.Finder == nil {
			continue
		}
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("rule %s: finder panics: %v", r.ID, p)
				}
			}()
			r.Finder(NewWindow([]byte("key = value\n")))
		}()
	}
}
