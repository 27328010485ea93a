package detectors

import (
	"fmt"
	"sort"
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
	// Warnings are problems the user should know about (a file that could
	// not be read, a missing git object), each with the place it concerns.
	Warnings []Warning `json:"warnings,omitempty"`
	// Noted counts files read in a way worth knowing but normal (UTF-16
	// decoded, not valid UTF-8, stray NUL bytes); Notes names them, for
	// --verbose only, because on a home directory they run to hundreds.
	Noted map[string]int64 `json:"noted,omitempty"`
	Notes []string         `json:"-"`
	// Suppressed counts findings that a filter after the engine dropped,
	// by filter ("inline", "config", "baseline"): a summary must say that
	// something was found and deliberately not reported.
	Suppressed map[string]int64 `json:"suppressed,omitempty"`
	// Incomplete is set when something that should have been scanned was
	// not (unreadable file, missing object): such a scan never exits 0.
	Incomplete bool `json:"incomplete"`
	// Interrupted is set when the scan was cancelled (Ctrl-C) before it
	// finished; it implies Incomplete.
	Interrupted bool `json:"interrupted,omitempty"`
}

// WarningKind says what went wrong, so that programs reading a report can
// group warnings or act on some kinds only.
type WarningKind string

// The kinds of warning sources report. New kinds may be added; a consumer
// must treat an unknown kind as WarnOther.
const (
	// WarnUnreadable: a file, directory or object could not be read.
	WarnUnreadable WarningKind = "unreadable"
	// WarnTooLarge: content was larger than --max-file-size and was
	// skipped or only partly scanned.
	WarnTooLarge WarningKind = "too-large"
	// WarnSymlinkLoop: a symbolic link led back to a directory already
	// being scanned.
	WarnSymlinkLoop WarningKind = "symlink-loop"
	// WarnMissingObject: a git object the history refers to is absent.
	WarnMissingObject WarningKind = "missing-object"
	// WarnShallow: the repository's history is cut short.
	WarnShallow WarningKind = "shallow"
	// WarnRef: a git reference could not be resolved.
	WarnRef WarningKind = "ref"
	// WarnIgnoreFile: an ignore file could not be read, or changed inside
	// the range under review and was not applied.
	WarnIgnoreFile WarningKind = "ignore-file"
	// WarnNotScanned: a part of the input is knowingly left out (the
	// history of submodules).
	WarnNotScanned WarningKind = "not-scanned"
	// WarnConfig: the scan's config turned built-in rules off, excluded
	// paths, raised the severity floor or allowlisted findings, so a clean
	// result covers less than a default scan would.
	WarnConfig WarningKind = "config"
	// WarnOther is anything else.
	WarnOther WarningKind = "other"
)

// Warning is one problem a scan met. Path and Commit locate it when it
// concerns one file or one commit; both may be empty. Message is a
// sentence for people that does not repeat the path.
type Warning struct {
	Kind    WarningKind `json:"kind"`
	Path    string      `json:"path"`
	Commit  string      `json:"commit"`
	Message string      `json:"message"`
}

// String formats the warning on one line, "path: message" (with the commit
// when there is one), as the text report and the hooks print it.
func (w Warning) String() string {
	s := w.Message
	if w.Commit != "" {
		c := w.Commit
		if len(c) > 12 {
			c = c[:12]
		}
		s = "commit " + c + ": " + s
	}
	if w.Path != "" {
		s = w.Path + ": " + s
	}
	return s
}

// SortWarnings orders warnings by path, commit and message, so that
// reports do not depend on the order parallel workers finished in.
func SortWarnings(ws []Warning) {
	sort.SliceStable(ws, func(i, j int) bool {
		a, b := ws[i], ws[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Commit != b.Commit {
			return a.Commit < b.Commit
		}
		return a.Message < b.Message
	})
}

// Skip counts one file skipped for reason.
func (s *Stats) Skip(reason string) {
	if s.Skipped == nil {
		s.Skipped = map[string]int64{}
	}
	s.Skipped[reason]++
}

// Warn records a warning of kind about path ("" when it concerns no one
// file).
func (s *Stats) Warn(kind WarningKind, path, msg string) {
	s.Warnings = append(s.Warnings, Warning{Kind: kind, Path: path, Message: msg})
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

// Suppress counts one finding dropped by filter.
func (s *Stats) Suppress(filter string) {
	if s.Suppressed == nil {
		s.Suppressed = map[string]int64{}
	}
	s.Suppressed[filter]++
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
	for k, v := range o.Suppressed {
		if s.Suppressed == nil {
			s.Suppressed = map[string]int64{}
		}
		s.Suppressed[k] += v
	}
	s.Warnings = append(s.Warnings, o.Warnings...)
	s.Notes = append(s.Notes, o.Notes...)
	s.Incomplete = s.Incomplete || o.Incomplete
	s.Interrupted = s.Interrupted || o.Interrupted
}
