package detectors

import "strings"

// minKeyMaterial is the shortest run ConcealKeyMaterial treats as key
// material: 20 random base64 characters carry 120 bits.
const minKeyMaterial = 20

// ConcealKeyMaterial redacts every run on a printed line that looks like
// key material, whether or not a rule claimed it: another call's API key
// beside the finding in a shell history, the rest of a PEM body, an
// encrypted wallet's ciphertext. A run is 20 or more characters of the
// base64, base64url or hex alphabets with digits and letters mixed and
// the entropy of random data; words, identifiers and paths are left alone.
func ConcealKeyMaterial(line string) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(line); {
		if !keyByte(line[i]) {
			i++
			continue
		}
		j := i
		for j < len(line) && keyByte(line[j]) {
			j++
		}
		if run := line[i:j]; looksLikeKeyMaterial(run) {
			b.WriteString(line[last:i])
			b.WriteString(Redact(run))
			last = j
		}
		i = j
	}
	if last == 0 {
		return line
	}
	b.WriteString(line[last:])
	return b.String()
}

func keyByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '+' || c == '/' || c == '=' || c == '_' || c == '-'
}

// looksLikeKeyMaterial judges one run of key bytes. A path's segments are
// judged one by one, so /usr/local/lib/python3.11/site-packages stays.
func looksLikeKeyMaterial(run string) bool {
	if len(run) < minKeyMaterial {
		return false
	}
	if strings.Contains(run, "/") && !base64Shaped(run) {
		for _, seg := range strings.Split(run, "/") {
			if looksLikeKeyMaterial(seg) {
				return true
			}
		}
		return false
	}
	body := strings.TrimRight(run, "=")
	letters, digits := countClasses(body)
	if letters == 0 || digits == 0 || digits*10 < len(body) && !strings.ContainsAny(body, "+/") {
		// Identifiers and words (snake_case, kebab-case) have few digits.
		return false
	}
	if identifierLike.MatchString(body) {
		return false
	}
	return EntropyRatio(body) >= 0.8
}
