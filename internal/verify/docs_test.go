package verify

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestDocsTable ties the table of docs/verification.md to services: a row
// per service naming every host a credential may be sent to and nothing
// else, and the path of every call. The page is what a security reviewer
// reads to learn what leaves the machine, so it must not drift.
func TestDocsTable(t *testing.T) {
	doc, err := os.ReadFile("../../docs/verification.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string][]string{}
	for _, line := range strings.Split(string(doc), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 6 || !strings.HasPrefix(line, "| ") {
			continue
		}
		rows[strings.TrimSpace(cells[1])] = cells[2:]
	}
	hostRE := regexp.MustCompile(`[a-z0-9-]+(\.[a-z0-9-]+)+`)
	for _, s := range services {
		row, ok := rows[displayNames()[s.id]]
		if !ok {
			for name, r := range rows {
				if strings.HasPrefix(name, displayNames()[s.id]+" (") {
					row, ok = r, true
				}
			}
		}
		if !ok {
			t.Errorf("docs/verification.md has no row for %s (%s)", displayNames()[s.id], s.id)
			continue
		}
		want := map[string]bool{}
		for _, h := range s.hosts {
			want[h] = true
		}
		if s.testnet != "" {
			want[s.testnet] = true
		}
		got := map[string]bool{}
		for _, h := range hostRE.FindAllString(row[0], -1) {
			got[h] = true
		}
		for h := range want {
			if !got[h] {
				t.Errorf("%s: docs/verification.md does not name host %s", displayNames()[s.id], h)
			}
		}
		for h := range got {
			if !want[h] {
				t.Errorf("%s: docs/verification.md names host %s, which table.go does not use", displayNames()[s.id], h)
			}
		}
		for _, c := range s.calls {
			if !strings.Contains(row[1], c.path) {
				t.Errorf("%s: docs/verification.md does not name the request path %s", displayNames()[s.id], c.path)
			}
		}
	}
}
