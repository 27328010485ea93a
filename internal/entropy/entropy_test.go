package entropy

import (
	"math"
	"testing"
)

func TestShannon(t *testing.T) {
	tests := []struct {
		in   string
		want float64
	}{
		{"", 0},
		{"aaaa", 0},
		{"ab", 1},
		{"abcd", 2},
		{"0123456789abcdef", 4},
		{"aab", -(2.0/3*math.Log2(2.0/3) + 1.0/3*math.Log2(1.0/3))},
	}
	for _, tt := range tests {
		if got := Shannon(tt.in); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("Shannon(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
