//go:build !linux

package regularfile

// LocalDisk reports whether path lies on a local disk; outside Linux it
// is not told, and OpenLocalReader is OpenReader.
func LocalDisk(string) bool { return false }
