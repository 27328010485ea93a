//go:build !unix

package gittest

import "errors"

// mkfifo fails where there are no FIFOs (Windows): FIFOConfigRepo then
// skips its test, and the packages whose tests use gittest still build.
func mkfifo(string) error { return errors.New("no FIFOs on this system") }
