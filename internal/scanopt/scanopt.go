// Package scanopt holds the options every source shares — which paths to
// read, how many workers, whether repository ignore files apply — with one
// set of defaults. Each source's own Options embeds Common, so a setting
// added here reaches the directory walk, git history, staged changes and
// the home audit at once.
package scanopt

import (
	"runtime"

	"github.com/keyward/scan/internal/pathfilter"
)

// Common are the settings every source takes from the shared flags.
type Common struct {
	// Keep filters paths (--include, --exclude, config excludes); nil
	// keeps everything.
	Keep pathfilter.Keep
	// Threads bounds the workers reading files or blobs in parallel; zero
	// means one per core.
	Threads int
	// NoIgnoreFile turns off .keywardignore files (for audits).
	NoIgnoreFile bool
}

// Workers returns Threads, or the number of cores when it is not set.
func (c Common) Workers() int {
	if c.Threads > 0 {
		return c.Threads
	}
	return runtime.NumCPU()
}
