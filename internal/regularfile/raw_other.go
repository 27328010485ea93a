//go:build unix && !(linux && (amd64 || arm64))

package regularfile

// rawCalls are the plain ones where raw system calls are not written out
// (their numbers and stat layouts differ).
var rawCalls = plainCalls
