package detectors

import (
	"os"
	"strings"
	"testing"
)

// TestDocsExchangeTable ties the exchange table of docs/rules.md to the
// registry: every exchange a rule names has exactly one row, and every row
// names an exchange the registry knows, so a new or renamed exchange fails
// here until the page says what its keys look like.
func TestDocsExchangeTable(t *testing.T) {
	doc, err := os.ReadFile("../docs/rules.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	start := strings.Index(text, "| exchange | key | secret | passphrase |")
	if start < 0 {
		t.Fatal("docs/rules.md: no exchange table")
	}
	names := map[string]string{} // display name → exchange id
	for _, r := range Default() {
		if r.Exchange != "" {
			names[r.Name] = r.Exchange
		}
	}
	rowOf := map[string]string{} // display name → the row naming it
	for _, line := range strings.Split(text[start:], "\n")[2:] {
		if !strings.HasPrefix(line, "| ") {
			break
		}
		cell := strings.TrimSpace(strings.Split(line, "|")[1])
		known := false
		for _, entry := range splitOutside(cell) {
			name := entry
			if _, ok := names[name]; !ok {
				// "Coinbase (CDP, legacy, Exchange)": the parenthesis qualifies.
				if i := strings.Index(name, " ("); i > 0 {
					name = name[:i]
				}
			}
			if _, ok := names[name]; !ok {
				continue
			}
			known = true
			if prev, dup := rowOf[name]; dup {
				t.Errorf("%s has two rows: %q and %q", name, prev, cell)
			}
			rowOf[name] = cell
		}
		if !known {
			t.Errorf("docs/rules.md row %q names no exchange of the registry", cell)
		}
	}
	for name, id := range names {
		if _, ok := rowOf[name]; !ok {
			t.Errorf("docs/rules.md has no row for %s (%s)", name, id)
		}
	}
}

// splitOutside splits a cell at the commas that are not inside
// parentheses.
func splitOutside(s string) []string {
	var out []string
	depth, from := 0, 0
	for i, r := range s {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, strings.TrimSpace(s[from:i]))
				from = i + 1
			}
		}
	}
	return append(out, strings.TrimSpace(s[from:]))
}
