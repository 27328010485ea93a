//go:build !linux

package gitrepo

import "io"

// GrowPipe does nothing where pipes cannot be resized.
func GrowPipe(io.Reader) {}
