package baseline

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/keyward/scan/detectors"
)

// IgnoreEntry is one fingerprint of a .gitleaksignore file: gitleaks
// writes commit:file:rule:line for a history scan and file:rule:line for a
// directory scan.
type IgnoreEntry struct {
	// Text is the entry as written, and At its line in the file.
	Text string
	At   int
	// Commit is empty for a directory scan's entry.
	Commit, File, Rule string
	Line               int
}

// ParseGitleaksIgnore reads a .gitleaksignore. Blank lines and # comments
// are skipped; a line that is not a fingerprint is returned in bad with
// the reason, so that the caller can name every entry it could not use.
func ParseGitleaksIgnore(data []byte) (entries []IgnoreEntry, bad []string) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		e, err := parseIgnoreEntry(text)
		if err != nil {
			bad = append(bad, fmt.Sprintf("line %d: %q: %v", n, text, err))
			continue
		}
		e.At = n
		entries = append(entries, e)
	}
	if err := sc.Err(); err != nil {
		bad = append(bad, fmt.Sprintf("reading stopped: %v", err))
	}
	return entries, bad
}

// parseIgnoreEntry splits a fingerprint from the right, since a file name
// may hold ':' but a rule id and a line number do not.
func parseIgnoreEntry(text string) (IgnoreEntry, error) {
	e := IgnoreEntry{Text: text}
	i := strings.LastIndexByte(text, ':')
	if i < 0 {
		return e, fmt.Errorf("not a gitleaks fingerprint (want [commit:]file:rule:line)")
	}
	line, err := strconv.Atoi(text[i+1:])
	if err != nil || line < 1 {
		return e, fmt.Errorf("the last field must be a line number")
	}
	e.Line = line
	rest := text[:i]
	j := strings.LastIndexByte(rest, ':')
	if j < 0 || j == len(rest)-1 {
		return e, fmt.Errorf("no rule id (want [commit:]file:rule:line)")
	}
	e.Rule, rest = rest[j+1:], rest[:j]
	if k := strings.IndexByte(rest, ':'); k == 40 && isHex(rest[:k]) {
		e.Commit, rest = strings.ToLower(rest[:k]), rest[k+1:]
	}
	if rest == "" {
		return e, fmt.Errorf("no file")
	}
	e.File = rest
	return e, nil
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// MatchIgnore returns the findings at each entry's place (its file and
// line, and its commit for a history entry) and, one line each, the
// entries no finding stands at. Rule ids are not compared: gitleaks' and
// keyward's differ, and the entry says a person reviewed that line.
func MatchIgnore(entries []IgnoreEntry, fs []detectors.Finding) (matched []detectors.Finding, unmatched []string) {
	type place struct {
		commit, file string
		line         int
	}
	at := map[place][]int{}
	for i := range fs {
		f := &fs[i]
		commit := ""
		if f.Commit != nil {
			commit = strings.ToLower(f.Commit.SHA)
		}
		at[place{commit, f.Path, f.StartLine}] = append(at[place{commit, f.Path, f.StartLine}], i)
	}
	history := false
	for i := range fs {
		history = history || fs[i].Commit != nil
	}
	taken := make([]bool, len(fs))
	for _, e := range entries {
		idx := at[place{e.Commit, e.File, e.Line}]
		if len(idx) == 0 {
			why := "no finding at " + e.File + ":" + strconv.Itoa(e.Line)
			if e.Commit != "" {
				why += " in commit " + e.Commit[:12]
				if !history {
					why += " (a history entry: scan with --history)"
				}
			}
			unmatched = append(unmatched, fmt.Sprintf("line %d: %s: %s", e.At, e.Text, why))
			continue
		}
		for _, i := range idx {
			if !taken[i] {
				taken[i] = true
				matched = append(matched, fs[i])
			}
		}
	}
	return matched, unmatched
}
