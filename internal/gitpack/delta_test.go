package gitpack

import (
	"bytes"
	"errors"
	"testing"
)

// varint is a delta header size.
func varint(n int) []byte {
	var b []byte
	for n >= 0x80 {
		b = append(b, byte(n)|0x80)
		n >>= 7
	}
	return append(b, byte(n))
}

// cp encodes a copy instruction with every offset and size byte present.
func cp(from, n int) []byte {
	return []byte{0xff, byte(from), byte(from >> 8), byte(from >> 16), byte(from >> 24), byte(n), byte(n >> 8), byte(n >> 16)}
}

func delta(baseLen, targetLen int, ops ...[]byte) []byte {
	d := append(varint(baseLen), varint(targetLen)...)
	for _, op := range ops {
		d = append(d, op...)
	}
	return d
}

func TestApplyDelta(t *testing.T) {
	base := []byte("0123456789abcdefghij")
	big := bytes.Repeat([]byte("z"), 0x10000+10)
	cases := []struct {
		name   string
		base   []byte
		delta  []byte
		want   string // "" with err
		copies []Copy
		err    error
	}{
		{"copy insert copy", base, delta(20, 9, cp(2, 3), []byte{2, 'X', 'Y'}, cp(10, 4)), "234XYabcd",
			[]Copy{{2, 0, 3}, {10, 5, 4}}, nil},
		{"adjacent copies merge", base, delta(20, 6, cp(0, 3), cp(3, 3)), "012345", []Copy{{0, 0, 6}}, nil},
		{"copies adjacent in the base only do not", base, delta(20, 7, cp(0, 3), []byte{1, 'X'}, cp(3, 3)), "012X345", []Copy{{0, 0, 3}, {3, 4, 3}}, nil},
		{"copies out of base order do not", base, delta(20, 6, cp(3, 3), cp(0, 3)), "345012", []Copy{{3, 0, 3}, {0, 3, 3}}, nil},
		{"short copy encoding", base, delta(20, 2, []byte{0x91, 5, 2}), "56", []Copy{{5, 0, 2}}, nil},
		{"size 0 means 64 KiB", big, delta(len(big), 0x10000, []byte{0x81, 3}), string(big[3 : 3+0x10000]), []Copy{{3, 0, 0x10000}}, nil},
		{"only inserts", base, delta(20, 2, []byte{2, 'h', 'i'}), "hi", nil, nil},
		{"empty target", base, delta(20, 0), "", nil, nil},
		{"wrong base size", base, delta(19, 1, cp(0, 1)), "", nil, ErrCorrupt},
		{"copy past the base", base, delta(20, 5, cp(18, 5)), "", nil, ErrCorrupt},
		{"copy past the target", base, delta(20, 2, cp(0, 3)), "", nil, ErrCorrupt},
		{"insert past the delta", base, delta(20, 5, []byte{5, 'a'}), "", nil, ErrCorrupt},
		{"insert past the target", base, delta(20, 1, []byte{2, 'a', 'b'}), "", nil, ErrCorrupt},
		{"short of the target", base, delta(20, 5, cp(0, 4)), "", nil, ErrCorrupt},
		{"reserved op", base, delta(20, 1, []byte{0}), "", nil, ErrCorrupt},
		{"truncated copy", base, delta(20, 1, []byte{0x91, 5}), "", nil, ErrCorrupt},
		{"truncated header", base, []byte{0x94}, "", nil, ErrCorrupt},
		{"endless size varint", base, bytes.Repeat([]byte{0xff}, 20), "", nil, ErrCorrupt},
		{"target over the limit", base, delta(20, 1<<40), "", nil, ErrTooLarge},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var copies []Copy
			got, err := applyDelta(tc.base, tc.delta, 1<<30, &copies)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
			if len(copies) != len(tc.copies) {
				t.Fatalf("copies %v, want %v", copies, tc.copies)
			}
			for i := range copies {
				if copies[i] != tc.copies[i] {
					t.Fatalf("copies %v, want %v", copies, tc.copies)
				}
			}
		})
	}
}

// FuzzApplyDelta: whatever the delta, an error or a target whose copies
// hold the base's bytes; never a panic, never more than the limit.
func FuzzApplyDelta(f *testing.F) {
	f.Add([]byte("0123456789"), delta(10, 7, cp(2, 3), []byte{2, 'X', 'Y'}, cp(8, 2)))
	f.Add([]byte("abc"), delta(3, 3, []byte{0x90, 3}))
	f.Add([]byte(""), delta(0, 1, []byte{1, 'q'}))
	f.Fuzz(func(t *testing.T, base, d []byte) {
		var copies []Copy
		out, err := applyDelta(base, d, 1<<20, &copies)
		if err != nil {
			return
		}
		if len(out) > 1<<20 {
			t.Fatalf("%d bytes over the limit", len(out))
		}
		b := Blob{Data: out, BaseData: base, Copies: copies}
		checkCopies(t, [20]byte{}, b)
	})
}
