package regularfile

import "syscall"

// LocalDisk reports whether path (a directory, or a file) lies on a file
// system of a local disk or of memory, whose reads end without waiting on
// a network or another process: the file systems OpenLocalReader is for.
// What it cannot tell is not local.
func LocalDisk(path string) bool {
	var st syscall.Statfs_t
	for {
		err := syscall.Statfs(path, &st)
		if err == nil {
			return localFSType(int64(st.Type))
		}
		if err != syscall.EINTR {
			return false
		}
	}
}

// localFSType reports whether a file system's magic number (statfs(2)'s
// f_type, from linux/magic.h) is that of a local disk or of memory. NFS,
// CIFS/SMB, FUSE (sshfs, rclone, cloud drives), 9p, Ceph and every type
// not listed are not.
func localFSType(t int64) bool {
	switch uint32(t) {
	case 0xEF53, // ext2, ext3, ext4
		0x58465342, // xfs
		0x9123683E, // btrfs
		0x01021994, // tmpfs
		0x858458F6, // ramfs
		0x794C7630, // overlayfs (container roots)
		0xF2F52010, // f2fs
		0x2FC12FC1, // zfs
		0xCA451A4E, // bcachefs
		0x73717368: // squashfs (snaps, live images)
		return true
	}
	return false
}
