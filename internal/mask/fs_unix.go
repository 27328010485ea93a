//go:build unix

package mask

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// fileID identifies a file across the listing and the answer: the same
// inode on the same device.
type fileID struct {
	dev, ino uint64
}

// dir is the audited directory, open by descriptor. Every file below it is
// reached from this descriptor one component at a time with O_NOFOLLOW,
// so a directory swapped for a symlink after the listing makes the open
// fail instead of leading the write elsewhere.
type dir struct {
	fd   int
	root string
	id   fileID
	uid  int
	gid  int
}

func openRoot(root string) (*dir, error) {
	fd, err := unix.Open(root, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", root, err)
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("stat %s: %w", root, err)
	}
	return &dir{fd: fd, root: root, id: fileID{uint64(st.Dev), uint64(st.Ino)}, uid: int(st.Uid), gid: int(st.Gid)}, nil
}

func (d *dir) close() { unix.Close(d.fd) }

// walkTo opens the directory holding rel, without following any link.
// The caller closes the returned descriptor.
func (d *dir) walkTo(rel string) (int, string, error) {
	segs := strings.Split(rel, "/")
	fd, err := unix.Dup(d.fd)
	if err != nil {
		return -1, "", err
	}
	for _, s := range segs[:len(segs)-1] {
		next, err := unix.Openat(fd, s, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		unix.Close(fd)
		if err != nil {
			if errors.Is(err, unix.ELOOP) || errors.Is(err, unix.ENOTDIR) {
				return -1, "", fmt.Errorf("%s is no longer a directory (a link or a file now stands there): not followed", s)
			}
			return -1, "", fmt.Errorf("open directory %s: %w", s, err)
		}
		fd = next
	}
	return fd, segs[len(segs)-1], nil
}

// openFile opens rel for reading (and writing, if write) and checks it is
// a regular file with one name.
func (d *dir) openFile(rel string, write bool) (*os.File, fileID, error) {
	dfd, name, err := d.walkTo(rel)
	if err != nil {
		return nil, fileID{}, err
	}
	defer unix.Close(dfd)
	flags := unix.O_RDONLY
	if write {
		flags = unix.O_RDWR
	}
	fd, err := unix.Openat(dfd, name, flags|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC|unix.O_NOCTTY, 0)
	if err != nil {
		if errors.Is(err, unix.ELOOP) {
			return nil, fileID{}, errors.New("is a symlink now: not followed")
		}
		return nil, fileID{}, fmt.Errorf("open: %w", err)
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return nil, fileID{}, err
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		unix.Close(fd)
		return nil, fileID{}, errors.New("not a regular file")
	}
	if st.Nlink > 1 {
		unix.Close(fd)
		return nil, fileID{}, fmt.Errorf("the file has %d names (hard links): masking it here would change it under its other names too, which may be a credential store; mask or delete it by hand", st.Nlink)
	}
	if st.Size > MaxFile {
		unix.Close(fd)
		return nil, fileID{}, fmt.Errorf("larger than %d MiB: not masked", MaxFile>>20)
	}
	return os.NewFile(uintptr(fd), path.Join(d.root, rel)), fileID{uint64(st.Dev), uint64(st.Ino)}, nil
}

func (d *dir) read(rel string) ([]byte, fileID, error) {
	f, id, err := d.openFile(rel, false)
	if err != nil {
		return nil, id, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFile+1))
	if err != nil {
		return nil, id, fmt.Errorf("read: %w", err)
	}
	return data, id, nil
}

// Apply rewrites the planned files. Each original is saved (and synced)
// in the backup folder before its file is touched; the file is written in
// place through the descriptor, so owner, group, mode and ACLs are kept.
// A file that changed since Prepare read it is left alone and reported.
func (p *Plan) Apply(now time.Time) (*Result, error) {
	res := &Result{Refused: append([]Refusal(nil), p.Refused...)}
	if len(p.Files) == 0 {
		return res, nil
	}
	d, err := openRoot(p.Root)
	if err != nil {
		return res, err
	}
	defer d.close()
	bk, err := d.newBackup(now)
	if err != nil {
		return res, fmt.Errorf("create the backup folder: %w", err)
	}
	defer unix.Close(bk.fd)
	res.Backup = path.Join(p.Root, BackupDir, bk.name)
	m := manifest{Version: 1, Root: p.Root, Created: now.UTC().Format(time.RFC3339)}
	for _, f := range p.Files {
		if why := d.apply(bk, &m, f); why != "" {
			res.Refused = append(res.Refused, Refusal{f.Path, why})
			continue
		}
		res.Masked = append(res.Masked, f)
	}
	sort.Slice(res.Refused, func(i, j int) bool { return res.Refused[i].Path < res.Refused[j].Path })
	if len(m.Files) == 0 {
		// Nothing was written: leave no empty backup to be found.
		unix.Unlinkat(bk.parent, bk.name, unix.AT_REMOVEDIR)
		res.Backup = ""
	}
	unix.Close(bk.parent)
	return res, nil
}

func (d *dir) apply(bk *backup, m *manifest, f *File) string {
	fh, id, err := d.openFile(f.Path, true)
	if err != nil {
		return err.Error()
	}
	defer fh.Close()
	if id != f.id {
		return "the file was replaced since it was listed: nothing changed"
	}
	data, err := io.ReadAll(io.LimitReader(fh, MaxFile+1))
	if err != nil {
		return "read: " + err.Error()
	}
	if sha256.Sum256(data) != f.sum {
		return "the file changed since it was listed: nothing changed (run the audit again)"
	}
	if err := bk.save(d, f.Path, data); err != nil {
		return "could not save the original, so nothing changed: " + err.Error()
	}
	entry := manifestFile{Path: f.Path, Original: hexSum(data), Masked: hexSum(f.masked), Findings: f.Findings}
	for _, c := range f.Changes {
		entry.Secrets += c.Count
	}
	m.Files = append(m.Files, entry)
	if err := bk.writeManifest(m); err != nil {
		return "could not record the backup, so nothing changed: " + err.Error()
	}
	if _, err := fh.WriteAt(f.masked, 0); err != nil {
		return fmt.Sprintf("write failed part-way (the original is in %s; scan home --unmask restores it): %v", path.Join(BackupDir, bk.name), err)
	}
	if err := fh.Truncate(int64(len(f.masked))); err != nil {
		return fmt.Sprintf("truncate failed (the original is in %s; scan home --unmask restores it): %v", path.Join(BackupDir, bk.name), err)
	}
	fh.Sync()
	m.Files[len(m.Files)-1].Done = true
	bk.writeManifest(m)
	return ""
}

// backup is one run's folder, DIR/.keyward/backups/<time>.
type backup struct {
	parent int // .keyward/backups
	fd     int
	name   string
	uid    int
	gid    int
}

func mkdirOpen(parent int, name string, uid, gid int) (int, error) {
	err := unix.Mkdirat(parent, name, 0o700)
	created := err == nil
	if err != nil && !errors.Is(err, unix.EEXIST) {
		return -1, err
	}
	fd, err := unix.Openat(parent, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, err
	}
	if created {
		ownAs(fd, uid, gid)
	}
	return fd, nil
}

// ownAs gives what root creates in someone's home to the home's owner, so
// the user can read (and delete) their own backups.
func ownAs(fd, uid, gid int) {
	if os.Geteuid() == 0 {
		unix.Fchown(fd, uid, gid)
	}
}

func (d *dir) newBackup(now time.Time) (*backup, error) {
	kw, err := mkdirOpen(d.fd, ".keyward", d.uid, d.gid)
	if err != nil {
		return nil, err
	}
	bks, err := mkdirOpen(kw, "backups", d.uid, d.gid)
	unix.Close(kw)
	if err != nil {
		return nil, err
	}
	base := now.UTC().Format("20060102T150405Z")
	for i := 0; i < 1000; i++ {
		name := base
		if i > 0 {
			name = fmt.Sprintf("%s-%d", base, i)
		}
		// A folder left by an earlier run is never reused: each run
		// gets its own, so an old backup cannot stop this one.
		err := unix.Mkdirat(bks, name, 0o700)
		if errors.Is(err, unix.EEXIST) {
			continue
		}
		if err != nil {
			unix.Close(bks)
			return nil, err
		}
		fd, err := unix.Openat(bks, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err != nil {
			unix.Close(bks)
			return nil, err
		}
		ownAs(fd, d.uid, d.gid)
		return &backup{parent: bks, fd: fd, name: name, uid: d.uid, gid: d.gid}, nil
	}
	unix.Close(bks)
	return nil, errors.New("too many backup folders for this second")
}

// save writes the original under the backup folder at the file's own
// relative path ("files/<rel>"), mode 0600, and syncs it.
func (b *backup) save(d *dir, rel string, data []byte) error {
	fd, err := mkdirOpen(b.fd, "files", b.uid, b.gid)
	if err != nil {
		return err
	}
	segs := strings.Split(rel, "/")
	for _, s := range segs[:len(segs)-1] {
		next, err := mkdirOpen(fd, s, b.uid, b.gid)
		unix.Close(fd)
		if err != nil {
			return err
		}
		fd = next
	}
	defer unix.Close(fd)
	return writeFileAt(fd, segs[len(segs)-1], data, b.uid, b.gid, true)
}

func writeFileAt(dfd int, name string, data []byte, uid, gid int, excl bool) error {
	flags := unix.O_WRONLY | unix.O_CREAT | unix.O_NOFOLLOW | unix.O_CLOEXEC
	if excl {
		flags |= unix.O_EXCL
	} else {
		flags |= unix.O_TRUNC
	}
	fd, err := unix.Openat(dfd, name, flags, 0o600)
	if err != nil {
		return err
	}
	fh := os.NewFile(uintptr(fd), name)
	defer fh.Close()
	ownAs(fd, uid, gid)
	if err := fh.Chmod(0o600); err != nil {
		return err
	}
	if _, err := fh.Write(data); err != nil {
		return err
	}
	return fh.Sync()
}

const manifestName = "manifest.json"

func (b *backup) writeManifest(m *manifest) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAt(b.fd, manifestName, append(data, '\n'), b.uid, b.gid, false)
}

// Restored says what Unmask did.
type Restored struct {
	Backup   string
	Restored []string
	Refused  []Refusal
}

// Unmask restores the newest backup folder not yet restored: each file
// still holding exactly what masking wrote gets its original bytes back.
// A file changed since is left alone and named (its original stays in the
// folder).
func Unmask(root string) (*Restored, error) {
	d, err := openRoot(root)
	if err != nil {
		return nil, err
	}
	defer d.close()
	bks, err := d.openBackups()
	if err != nil {
		return nil, fmt.Errorf("no keyward backups here: %w", ErrNothingToRestore)
	}
	defer unix.Close(bks)
	names, err := listDir(bks)
	if err != nil {
		return nil, err
	}
	sort.Sort(sort.Reverse(sort.StringSlice(names)))
	for _, name := range names {
		fd, err := unix.Openat(bks, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err != nil {
			continue
		}
		m, err := readManifest(fd)
		if err != nil || m.Restored {
			unix.Close(fd)
			continue
		}
		b := &backup{parent: bks, fd: fd, name: name, uid: d.uid, gid: d.gid}
		r := &Restored{Backup: path.Join(root, BackupDir, name)}
		for _, e := range m.Files {
			if why := d.restore(b, e); why != "" {
				r.Refused = append(r.Refused, Refusal{e.Path, why})
				continue
			}
			r.Restored = append(r.Restored, e.Path)
		}
		m.Restored = len(r.Refused) == 0
		b.writeManifest(m)
		unix.Close(fd)
		return r, nil
	}
	return nil, fmt.Errorf("every keyward backup here has been restored already: %w", ErrNothingToRestore)
}

func (d *dir) openBackups() (int, error) {
	kw, err := unix.Openat(d.fd, ".keyward", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, err
	}
	defer unix.Close(kw)
	return unix.Openat(kw, "backups", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
}

func listDir(fd int) ([]string, error) {
	dup, err := unix.Dup(fd)
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(dup), "backups")
	defer f.Close()
	return f.Readdirnames(-1)
}

func readManifest(fd int) (*manifest, error) {
	mfd, err := unix.Openat(fd, manifestName, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(mfd), manifestName)
	defer f.Close()
	var m manifest
	if err := json.NewDecoder(io.LimitReader(f, 64<<20)).Decode(&m); err != nil {
		return nil, err
	}
	return &m, nil
}

func (b *backup) original(rel string) ([]byte, error) {
	fd, err := unix.Openat(b.fd, "files", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	tmp := &dir{fd: fd, root: "files"}
	defer tmp.close()
	data, _, err := tmp.read(rel)
	return data, err
}

func (d *dir) restore(b *backup, e manifestFile) string {
	if bad := cleanRel(e.Path); bad != "" {
		return bad
	}
	orig, err := b.original(e.Path)
	if err != nil {
		return "the saved original cannot be read: " + err.Error()
	}
	if hexSum(orig) != e.Original {
		return "the saved original does not match its record: left as it is"
	}
	fh, _, err := d.openFile(e.Path, true)
	if err != nil {
		return err.Error()
	}
	defer fh.Close()
	cur, err := io.ReadAll(io.LimitReader(fh, MaxFile+1))
	if err != nil {
		return "read: " + err.Error()
	}
	switch sum := hexSum(cur); {
	case sum == e.Original:
		return "" // already the original
	case sum != e.Masked && e.Done:
		return "changed since it was masked: left as it is; the original is in " + path.Join(BackupDir, b.name, "files", e.Path)
	}
	if _, err := fh.WriteAt(orig, 0); err != nil {
		return "write: " + err.Error()
	}
	if err := fh.Truncate(int64(len(orig))); err != nil {
		return "truncate: " + err.Error()
	}
	if err := fh.Sync(); err != nil {
		return "sync: " + err.Error()
	}
	return ""
}

// InBackups counts the findings keyward's own backups under root hold
// (the originals of masked files not yet restored); the audit skips them.
func InBackups(root string) (findings int, folder string) {
	d, err := openRoot(root)
	if err != nil {
		return 0, ""
	}
	defer d.close()
	bks, err := d.openBackups()
	if err != nil {
		return 0, ""
	}
	defer unix.Close(bks)
	names, _ := listDir(bks)
	for _, name := range names {
		fd, err := unix.Openat(bks, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err != nil {
			continue
		}
		if m, err := readManifest(fd); err == nil && !m.Restored {
			for _, f := range m.Files {
				findings += f.Findings
			}
		}
		unix.Close(fd)
	}
	return findings, path.Join(root, BackupDir)
}
