package detectors

import (
	"slices"
	"strings"
)

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
	for _, w := range placeholderMarks {
		if markedWith(v, lv, w) {
			return true, "placeholder word " + `"` + w + `"`
		}
	}
	if xRun(lv) || longRun(lv, '0', 8) || longRun(lv, '*', 3) {
		return true, "repeated filler characters"
	}
	// A documented response masks a key in places: 2fFZuXXX_CXB5XXXDG….
	// Two runs of xxx, each in one case, come by chance in a random
	// alphanumeric value about once in 10^7.
	if strings.Count(v, "xxx")+strings.Count(v, "XXX") >= 2 {
		return true, "masked in places with xxx"
	}
	if identifierShaped(v) {
		return true, "identifier-shaped (words joined by underscores): a name, not a value"
	}
	if selfNamed(v) {
		return true, "words joined by hyphens that say what the value is (test-secret-key-…): a stand-in, not a secret"
	}
	return false, ""
}

// roleWords are the words a stand-in uses to say what it stands for.
var roleWords = []string{"secret", "key", "token", "password", "passwd", "passphrase", "apikey", "jwt"}

// selfNamed reports whether v is words joined by hyphens, in one case,
// that name their own role: test-secret-key-for-ci-pipeline-minimum-32-chars,
// jwt-secret-change-in-production. A CI file or a template fills a
// variable so with a sentence about it; a generated value never holds a
// hyphen between whole words, and a person's diceware passphrase
// (correct-horse-battery-staple) does not describe itself.
func selfNamed(v string) bool {
	parts, ok := wordParts(v, "-")
	return ok && len(parts) >= 3 && slices.ContainsFunc(parts, func(p string) bool {
		return slices.Contains(roleWords, strings.ToLower(p))
	})
}

// identifierShaped reports whether v is words joined by underscores in one
// case — kraken_secret_key, bitmex_perpetual_testnet, MIN_ORDER_AMOUNT — as
// config-key names and identifiers are, and generated keys are not: each
// part is all letters or all digits and one part is a word of three or
// more letters. A random 16-character base64url value has that form about
// once in 10^9.
func identifierShaped(v string) bool {
	parts, ok := wordParts(v, "_")
	return ok && len(parts) >= 2 && slices.ContainsFunc(parts, func(p string) bool {
		return len(p) >= 3 && p[0] > '9'
	})
}

// wordParts splits v at sep into parts that are each all ASCII letters or
// all digits, in one case across v, or reports false.
func wordParts(v, sep string) ([]string, bool) {
	if strings.ToLower(v) != v && strings.ToUpper(v) != v {
		return nil, false
	}
	parts := strings.Split(v, sep)
	for _, part := range parts {
		letters, digits := 0, 0
		for i := 0; i < len(part); i++ {
			switch c := part[i] | 0x20; {
			case 'a' <= c && c <= 'z':
				letters++
			case '0' <= part[i] && part[i] <= '9':
				digits++
			default:
				return nil, false
			}
		}
		if part == "" || letters > 0 && digits > 0 {
			return nil, false
		}
	}
	return parts, true
}

// placeholderWords are substrings that do not occur by chance in generated
// secrets but do in documentation and templates: each is long, or holds a
// character (_ - . [ ( ) that random alphanumeric and base64 values lack.
var placeholderWords = []string{
	"your_", "your-", "yourkey", "yoursecret", "youapikey", "_here", "-here", "replace", "changeme", "change_me",
	"placeholder", "example", "redacted", "fake_", "fakekey", "notreal",
	"secret_key_", "api_key_", "my_api", "myapikey", "mysecret", "abcdef0123", "1234567890abc",
	"0123456789", "abcdefghij", "anonymous", "enter_", "put_", "fill_", "goes_here", "process.env",
	"os.getenv", "os.environ", "getenv(", "env[", "env.", "secrets.",
}

// placeholderMarks are short words that a random value does hold now and
// then: "TODO" turns up in about one 88-character Kraken secret in 10^4, so
// as bare substrings they would drop real keys. They count only where a
// stand-in puts them — see markedWith.
var placeholderMarks = []string{"todo", "fixme", "insert", "sample", "dummy", "qwerty", "lorem"}

// markedWith reports whether the lower-cased value lv holds w as a stand-in
// does: at the start or end, beside punctuation (TODO_API_KEY, sk-dummy-1),
// or anywhere in a value with neither digits nor mixed case (thisisadummykey),
// which a generated secret almost never is.
func markedWith(v, lv, w string) bool {
	if !strings.Contains(lv, w) {
		return false
	}
	if !strings.ContainsAny(v, "0123456789") && (v == lv || v == strings.ToUpper(v)) {
		return true
	}
	for from := 0; ; {
		i := strings.Index(lv[from:], w)
		if i < 0 {
			return false
		}
		i += from
		if (i == 0 || apart(lv[i-1]) || i+len(w) == len(lv) || apart(lv[i+len(w)])) && oneCase(v[i:i+len(w)]) {
			return true
		}
		from = i + 1
	}
}

// oneCase reports whether a word is written as people write one — todo,
// TODO, Todo — and not in the mixed case of a random value (toDo).
func oneCase(w string) bool {
	if w == strings.ToLower(w) || w == strings.ToUpper(w) {
		return true
	}
	return w[1:] == strings.ToLower(w[1:])
}

// apart reports whether c separates words in a stand-in. Base64's + and /
// do not: they sit inside generated values.
func apart(c byte) bool {
	return !isAlnum(c) && c != '+' && c != '/'
}

// xRun reports a filler run of x: four or more touching the value's start,
// end or punctuation (AKIAXXXXXXXXXXXXXXXX, sk-xxxx-…), or six anywhere. Four
// x in the middle of a random base64 value come about once in 10^4 values.
func xRun(lv string) bool {
	run := 0
	for i := 0; i <= len(lv); i++ {
		if i < len(lv) && lv[i] == 'x' {
			run++
			continue
		}
		if run >= 6 || run >= 4 && (i == len(lv) || apart(lv[i]) || i-run == 0 || apart(lv[i-run-1])) {
			return true
		}
		run = 0
	}
	return false
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
