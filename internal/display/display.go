// Package display makes text from scanned input safe to show a person:
// file names, lines and values reach terminals, CI logs and pasted
// commands, and a name chosen by whoever wrote the scanned tree must not
// be able to move the cursor, recolour the screen, reorder what is shown
// (bidi overrides) or turn a suggested command into another one.
//
// Every writer for people (text, hook, GitHub annotations, HTML, progress
// lines, warnings) goes through Text; every path inside a command the user
// may paste goes through Shell. Machine formats (JSON, SARIF) keep the
// exact bytes, escaped by their own syntax.
package display

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// unsafe reports whether r must be escaped before it is shown: control
// characters other than tab, line and paragraph separators, and format
// characters (bidi overrides and isolates, zero-width marks), which change
// how the text around them is drawn.
func unsafe(r rune) bool {
	return (unicode.IsControl(r) && r != '\t') || r == '\u2028' || r == '\u2029' || unicode.Is(unicode.Cf, r)
}

// Text returns s with what a terminal would interpret escaped: control and
// format characters as \xNN or \uNNNN, invalid UTF-8 bytes as \xNN.
// Printable text, tabs included, is unchanged.
func Text(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || unsafe(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError:
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				fmt.Fprintf(&b, `\x%02x`, s[i])
			} else {
				b.WriteRune(r)
			}
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case unsafe(r):
			if r < 0x100 {
				fmt.Fprintf(&b, `\x%02x`, r)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Shell quotes s as one word of a POSIX shell command the user may paste:
// unchanged when it holds no metacharacter, in single quotes otherwise,
// and in $'…' with escapes when it holds a control or format character (a
// tab, a newline, a bidi override), which single quotes would carry
// through raw.
func Shell(s string) string {
	if Text(s) != s || strings.ContainsRune(s, '\t') {
		var b strings.Builder
		b.WriteString("$'")
		for i, r := range s {
			switch {
			case r == '\\' || r == '\'':
				b.WriteByte('\\')
				b.WriteRune(r)
			case r == utf8.RuneError:
				if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
					fmt.Fprintf(&b, `\x%02x`, s[i])
				} else {
					b.WriteRune(r)
				}
			case r == '\t':
				b.WriteString(`\t`)
			case unsafe(r):
				if r < 0x80 {
					fmt.Fprintf(&b, `\x%02x`, r)
				} else {
					fmt.Fprintf(&b, `\u%04x`, r)
				}
			default:
				b.WriteRune(r)
			}
		}
		return b.String() + "'"
	}
	if s != "" && !strings.ContainsAny(s, " '\"$`\\!*?&;|<>()[]{}#~=%") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
