package regularfile

import (
	"path/filepath"
	"testing"
)

// Local disks and memory are vouched for; network and user-space file
// systems, and whatever is not known, are not.
func TestLocalFSType(t *testing.T) {
	tests := []struct {
		name  string
		magic int64
		local bool
	}{
		{"ext4", 0xEF53, true},
		{"xfs", 0x58465342, true},
		{"btrfs (f_type negative as a 32-bit int)", int64(int32(-0x6EDC97C2)), true},
		{"tmpfs", 0x01021994, true},
		{"overlayfs", 0x794C7630, true},
		{"nfs", 0x6969, false},
		{"cifs", 0xFF534D42, false},
		{"smb2", 0xFE534D42, false},
		{"fuse (sshfs, rclone)", 0x65735546, false},
		{"9p", 0x01021997, false},
		{"ceph", 0x00C36400, false},
		{"unknown", 0x12345678, false},
	}
	for _, tc := range tests {
		if got := localFSType(tc.magic); got != tc.local {
			t.Errorf("%s (%#x): local %v, want %v", tc.name, uint32(tc.magic), got, tc.local)
		}
	}
	if LocalDisk(filepath.Join(t.TempDir(), "missing")) {
		t.Error("a path that does not exist was vouched for")
	}
}
