package engine

import (
	"sort"
	"strings"
	"testing"
)

func TestKeywordMatcherFindsEveryOccurrence(t *testing.T) {
	kws := []string{"binance", "api", "apikey", "key", "-----begin", "x-mbx-apikey"}
	m := newKeywordMatcher(kws)
	tests := []struct {
		text string
		want []string // "keyword@end"
	}{
		{"BINANCE_API_KEY=1", []string{"binance@7", "api@11", "key@15"}},
		{"headers X-MBX-APIKEY: abc", []string{"api@17", "x-mbx-apikey@20", "apikey@20", "key@20"}},
		{"-----BEGIN RSA", []string{"-----begin@10"}},
		{"nothing to see", nil},
		{"kkey", []string{"key@4"}},
	}
	for _, tt := range tests {
		var got []string
		m.scan([]byte(tt.text), func(id int32, end int) {
			got = append(got, kws[id]+"@"+itoa(end))
		})
		sort.Strings(got)
		want := append([]string(nil), tt.want...)
		sort.Strings(want)
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%q: got %v, want %v", tt.text, got, want)
		}
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}
