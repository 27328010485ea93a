package detectors

import (
	"fmt"
	"time"
)

// Stats describes what a scan read and what it could not.
type Stats struct {
	Files    int64         `json:"files"`
	Bytes    int64         `json:"bytes"`
	Commits  int64         `json:"commits,omitempty"`
	Duration time.Duration `json:"-"`
	// Skipped counts files passed over, by reason ("binary", "too large",
	// "unreadable", "not a regular file", "symlink", "ignored").
	Skipped map[string]int64 `json:"skipped,omitempty"`
	// Warnings are one-line messages for the user (a file that could not be
	// read, a missing git object).
	Warnings []string `json:"warnings,omitempty"`
	// Noted counts files read in a way worth knowing but normal (UTF-16
	// decoded, not valid UTF-8, stray NUL bytes); Notes names them, for
	// --verbose only, because on a home directory they run to hundreds.
	Noted map[string]int64 `json:"noted,omitempty"`
	Notes []string         `json:"-"`
	// Incomplete is set when something that should have been scanned was
	// not (unreadable file, missing object): such a scan never exits 0.
	Incomplete bool `json:"incomplete"`
	// Interrupted is set when the scan was cancelled (Ctrl-C) before it
	// finished; it implies Incomplete.
	Interrupted bool `json:"interrupted,omitempty"`
}

// Skip counts one file skipped for reason.
func (s *Stats) Skip(reason string) {
	if s.Skipped == nil {
		s.Skipped = map[string]int64{}
	}
	s.Skipped[reason]++
}

// Warn records a warning about path.
func (s *Stats) Warn(path, msg string) {
	if path == "" {
		s.Warnings = append(s.Warnings, msg)
		return
	}
	s.Warnings = append(s.Warnings, fmt.Sprintf("%s: %s", path, msg))
}

// Note records a normal but noteworthy way path was read: counted under
// what, listed by name only at --verbose.
func (s *Stats) Note(path, msg string) {
	s.Notes = append(s.Notes, fmt.Sprintf("%s: %s", path, msg))
}

// Count counts one file under what (see Noted).
func (s *Stats) Count(what string) {
	if s.Noted == nil {
		s.Noted = map[string]int64{}
	}
	s.Noted[what]++
}

// Interrupt marks the scan as cancelled before it finished.
func (s *Stats) Interrupt() {
	s.Interrupted = true
	s.Incomplete = true
}

// Merge adds o into s.
func (s *Stats) Merge(o Stats) {
	s.Files += o.Files
	s.Bytes += o.Bytes
	s.Commits += o.Commits
	for k, v := range o.Skipped {
		if s.Skipped == nil {
			s.Skipped = map[string]int64{}
		}
		s.Skipped[k] += v
	}
	for k, v := range o.Noted {
		if s.Noted == nil {
			s.Noted = map[string]int64{}
		}
		s.Noted[k] += v
	}
	s.Warnings = append(s.Warnings, o.Warnings...)
	s.Notes = append(s.Notes, o.Notes...)
	s.Incomplete = s.Incomplete || o.Incomplete
	s.Interrupted = s.Interrupted || o.Interrupted
}
