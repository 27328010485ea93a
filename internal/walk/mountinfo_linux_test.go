package walk

import (
	"reflect"
	"testing"
)

// Mount points are the fifth field of each mountinfo line, with the
// kernel's octal escapes undone.
func TestParseMountInfo(t *testing.T) {
	tests := []struct {
		name string
		data string
		want map[string]bool
	}{
		{"plain", "21 26 0:20 / /proc rw,relatime - proc proc rw\n26 1 259:1 / / rw,relatime - ext4 /dev/root rw\n",
			map[string]bool{"/proc": true, "/": true}},
		{"escaped space, tab, newline and backslash",
			`30 26 0:40 / /mnt/my\040disk rw - nfs srv:/x rw` + "\n" + `31 26 0:41 / /mnt/a\011b\012c\134d rw - tmpfs tmpfs rw` + "\n",
			map[string]bool{"/mnt/my disk": true, "/mnt/a\tb\nc\\d": true}},
		{"a backslash not starting an escape", `32 26 0:42 / /mnt/x\9y rw - tmpfs tmpfs rw`,
			map[string]bool{`/mnt/x\9y`: true}},
		{"short and empty lines", "\n1 2 3\n", map[string]bool{}},
	}
	for _, tc := range tests {
		if got := parseMountInfo([]byte(tc.data)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	if m := mountPoints(); m == nil || !m["/"] {
		t.Errorf("this system's mount points %v lack /", m)
	}
}
