package detectors

import "strings"

// Placeholder reports whether a candidate value is a stand-in rather than a
// secret, and why. It is shared by every rule (a rule may opt out with
// KeepPlaceholders) because people write the same stand-ins for every
// service: "your_api_key_here", "<API_KEY>", "${VAR}", "****".
func Placeholder(v string) (bool, string) {
	if v == "" {
		return true, "empty value"
	}
	lv := strings.ToLower(v)
	switch {
	case strings.Contains(v, "${") || strings.Contains(v, "{{") || strings.HasPrefix(v, "$(") || strings.HasPrefix(v, "%("):
		return true, "template or variable reference"
	case strings.HasPrefix(v, "<") || strings.HasSuffix(v, ">"):
		return true, "angle-bracket placeholder"
	case strings.Contains(v, "***") || strings.Contains(v, "•••") || strings.Contains(v, "…") || strings.Contains(v, "..."):
		return true, "masked or elided value"
	}
	for _, w := range placeholderWords {
		if strings.Contains(lv, w) {
			return true, "placeholder word " + `"` + w + `"`
		}
	}
	if longRun(lv, 'x', 4) || longRun(lv, '0', 8) || longRun(lv, '*', 3) {
		return true, "repeated filler characters"
	}
	return false, ""
}

// placeholderWords are substrings that never occur in generated secrets but
// do in documentation and templates.
var placeholderWords = []string{
	"your_", "your-", "yourkey", "yoursecret", "youapikey", "_here", "-here", "replace", "changeme", "change_me",
	"insert", "placeholder", "example", "sample", "dummy", "redacted", "fake_", "fakekey", "notreal",
	"secret_key_", "api_key_", "my_api", "myapikey", "mysecret", "todo", "fixme", "xxxx", "abcdef0123", "1234567890abc",
	"0123456789", "abcdefghij", "qwerty", "lorem", "enter_", "put_", "fill_", "goes_here", "process.env",
	"os.getenv", "os.environ", "getenv(", "env[", "env.", "secrets.",
}

func longRun(s string, c byte, n int) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			run++
			if run >= n {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}
