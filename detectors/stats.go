package detectors

import "time"

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
	// read, a missing git object). A scan with warnings is incomplete.
	Warnings []string `json:"warnings,omitempty"`
	// Incomplete is set when something that should have been scanned was
	// not (unreadable file, missing object): such a scan never exits 0.
	Incomplete bool `json:"incomplete"`
}

// Skip counts one file skipped for reason.
func (s *Stats) Skip(reason string) {
	if s.Skipped == nil {
		s.Skipped = map[string]int64{}
	}
	s.Skipped[reason]++
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
	s.Warnings = append(s.Warnings, o.Warnings...)
	s.Incomplete = s.Incomplete || o.Incomplete
}
