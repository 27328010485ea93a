package walk

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/pathfilter"
	"github.com/keyward/scan/internal/regularfile"
)

type fileID struct{ dev, ino uint64 }

// walker walks one root and sends regular files to the workers.
type walker struct {
	ctx     context.Context
	opt     *Options
	root    root
	emit    func(job) bool // false once the scan is cancelled
	stats   *detectors.Stats
	visited map[fileID]bool // directories entered, for symlink loops
	rootDev uint64          // device of the root, for OneFilesystem
	ignores []scopedIgnore
	// local holds, per device met, whether it is a local disk's file
	// system (regularfile.LocalDisk), asked once per device.
	local map[uint64]bool
	// lists are the listings of the directories being walked, one per
	// depth, reused; path is where a child's path is put together.
	lists []*listing
	depth int
	path  []byte
	// mounts are the mount points (nil: not known, and then every
	// directory is opened as on a disk that may stall).
	mounts map[string]bool
}

// scopedIgnore is an ignore file and the directory (relative to the root)
// whose paths it governs.
type scopedIgnore struct {
	dir     string
	matcher *pathfilter.Ignore
}

func (w *walker) rel(p string) string {
	r, err := filepath.Rel(w.root.abs, p)
	if err != nil || r == "." {
		r = ""
	}
	return w.shown(filepath.ToSlash(r))
}

// shown is the display path of r, slash-separated and relative to the
// root.
func (w *walker) shown(r string) string {
	switch {
	case w.root.display == "":
		return r
	case r == "":
		return w.root.display
	default:
		return w.root.display + "/" + r
	}
}

func (w *walker) run() {
	if w.root.stream {
		w.emit(job{abs: w.root.abs, rel: w.root.display, stream: true})
		return
	}
	if w.opt.SkipDir != nil {
		if reason := w.opt.SkipDir(w.root.abs, true); reason != "" {
			w.stats.Skip(reason)
			return
		}
	}
	if !w.root.isDir {
		info, err := os.Stat(w.root.abs)
		if err != nil {
			w.warn(w.root.display, err)
			return
		}
		if !info.Mode().IsRegular() {
			// Named on the command line, so not read is said, not
			// counted away.
			w.stats.Skip("not a regular file")
			w.stats.Warn(detectors.WarnNotScanned, w.root.display, "not a regular file, a directory or a pipe; not read")
			w.stats.Incomplete = true
			return
		}
		w.send(w.root.abs, w.rel(w.root.abs), info)
		return
	}
	if id, ok := identify(w.root.abs); ok {
		w.rootDev = id.dev
	}
	if !w.opt.NoIgnoreFile {
		if m := w.readIgnore(filepath.Join(w.root.abs, pathfilter.IgnoreFile), pathfilter.IgnoreFile); m != nil {
			w.ignores = append(w.ignores, scopedIgnore{"", m})
		}
	}
	real := false
	if p, err := filepath.EvalSymlinks(w.root.abs); err == nil && p == w.root.abs {
		real = true
	}
	w.dir(w.root.abs, "", real, false)
}

func (w *walker) warn(rel string, err error) {
	if rel == "" {
		rel = w.root.abs
	}
	w.stats.Warn(detectors.WarnUnreadable, rel, unwrapPath(err).Error())
	w.stats.Incomplete = true
}

// readIgnore reads an ignore file if there is one. One that exists but
// cannot be read (a FIFO, a directory, too large) is a warning: scanning on
// without it reports more, never less.
func (w *walker) readIgnore(abs, rel string) *pathfilter.Ignore {
	data, err := regularfile.ReadFile(abs, pathfilter.MaxIgnoreFile)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			w.stats.Warn(detectors.WarnIgnoreFile, w.rel(abs), fmt.Sprintf("ignore file not used: %v", unwrapPath(err)))
		}
		return nil
	}
	return pathfilter.ParseIgnore(data)
}

// dir walks one directory. relDir is relative to the root ("" at the top).
// real: abs holds no symlink, so the mount points name it as it is.
// onLocal: the directory is known to lie on a local disk (its parent's,
// and it is no mount point), so it is opened with raw system calls.
func (w *walker) dir(abs, relDir string, real, onLocal bool) {
	if w.ctx.Err() != nil {
		return
	}
	// The directory is opened before it is listed, and identified on the
	// open descriptor: a stat by path before the listing cost a system
	// call and two allocations per directory.
	fd, openErr := openDir(abs, onLocal)
	id, ok := fileID{}, false
	if openErr == nil {
		id, ok = identifyFD(fd, onLocal)
	}
	if !ok {
		id, ok = identify(abs)
	}
	local := false
	if ok {
		skip := ""
		if w.opt.OneFilesystem && id.dev != w.rootDev {
			skip = "other filesystem"
		} else if w.visited[id] {
			skip = "symlink loop"
		}
		if skip != "" {
			if openErr == nil {
				closeDir(fd, onLocal)
			}
			w.stats.Skip(skip)
			if skip == "symlink loop" {
				w.stats.Warn(detectors.WarnSymlinkLoop, w.rel(abs), "symlink loop; not entered again")
			}
			return
		}
		w.visited[id] = true
		local = w.onLocalDisk(id.dev, abs)
	}
	if openErr != nil {
		w.stats.Skip("unreadable")
		w.warn(w.rel(abs), openErr)
		return
	}
	if w.depth == len(w.lists) {
		w.lists = append(w.lists, &listing{})
	}
	l := w.lists[w.depth]
	w.depth++
	defer func() { w.depth-- }()
	if err := l.read(fd, abs, local); err != nil {
		w.stats.Skip("unreadable")
		w.warn(w.rel(abs), err)
		return
	}
	pushed := 0
	// The listing says whether there is a .gitignore to read: trying to
	// open one in every directory cost a failed open per directory.
	if w.opt.RespectGitignore && l.has(".gitignore") {
		if m := w.readIgnore(filepath.Join(abs, ".gitignore"), ".gitignore"); m != nil {
			w.ignores = append(w.ignores, scopedIgnore{relDir, m})
			pushed = 1
		}
	}
	defer func() { w.ignores = w.ignores[:len(w.ignores)-pushed] }()

	// The root's path and a separator start every path below it: a
	// child's path relative to the root is the tail of its absolute path
	// (where the separator is a slash), so one string is made per entry.
	relStart := len(joinName(w.root.abs, "x")) - 1
	for i := range l.ents {
		typ := l.ents[i].typ
		isDir := typ.IsDir()
		// Joined by hand: a name from the directory holds no separator
		// and is never . or .., so filepath.Join's and path.Join's
		// cleaning (and rel's filepath.Rel below) only cost time on
		// every entry.
		w.path = append(w.path[:0], abs...)
		if !os.IsPathSeparator(abs[len(abs)-1]) {
			w.path = append(w.path, filepath.Separator)
		}
		w.path = append(w.path, l.name(i)...)
		childAbs := string(w.path)
		name := childAbs[len(childAbs)-len(l.name(i)):]
		childRel := name
		switch {
		case relDir == "":
		case filepath.Separator == '/':
			childRel = childAbs[relStart:]
		default:
			childRel = relDir + "/" + name
		}
		if isDir && name == ".git" {
			// History belongs to `scan git`; the object store is
			// compressed and would only cost time here. The config is
			// read as a file (never run): remote URLs and extra headers
			// carry tokens.
			w.gitConfig(childAbs)
			continue
		}
		if w.opt.Skip != nil {
			if reason := w.opt.Skip(childRel, &entry{abs: childAbs, name: name, typ: typ}); reason != "" {
				w.stats.Skip(reason)
				continue
			}
		}
		if w.ignored(childRel, isDir) {
			w.stats.Skip("ignored")
			continue
		}
		if w.opt.SkipDir != nil && isDir {
			if reason := w.opt.SkipDir(childAbs, false); reason != "" {
				w.stats.Skip(reason)
				continue
			}
		}
		fileLocal := local
		if typ&fs.ModeSymlink != 0 {
			if !w.opt.FollowSymlinks {
				w.stats.Skip("symlink")
				continue
			}
			info, err := os.Stat(childAbs)
			if err != nil {
				w.stats.Skip("broken symlink")
				continue
			}
			if info.IsDir() {
				w.dir(childAbs, childRel, false, false)
				continue
			}
			typ = info.Mode().Type()
			// The target may lie on another file system.
			fileLocal = w.infoOnLocalDisk(info, childAbs)
		}
		switch {
		case typ.IsDir():
			// On the directory's file system unless a mount point: a
			// mount of a network file system there may stall its open.
			// Below a followed symlink the path is not the one the
			// mount points are listed by, so that is not known there.
			w.dir(childAbs, childRel, real, w.rawChild(childAbs, local, real))
		case typ.IsRegular():
			rel := w.shown(childRel)
			if w.opt.Keep != nil && !w.opt.Keep(rel) {
				w.stats.Skip("excluded")
				continue
			}
			// The entry's type is the directory's word (or, where the
			// file system gives none, an lstat): no stat per file here.
			// The worker checks the type again on the open file, which
			// is what counts. The file lies on the directory's file
			// system.
			w.emit(job{abs: childAbs, rel: rel, local: fileLocal})
		default:
			// FIFOs, sockets and devices: reading them can block
			// forever or never end.
			w.stats.Skip("not a regular file")
		}
	}
}

// rawChild reports whether a directory at abs, below a directory on a
// local disk (local) whose path holds no symlink (real), may be opened
// with raw system calls: it is on that disk unless a file system is
// mounted there.
func (w *walker) rawChild(abs string, local, real bool) bool {
	return local && real && w.mounts != nil && !w.mounts[abs]
}

// joinName is filepath.Join(dir, name) for a clean dir and a name read
// from it.
func joinName(dir, name string) string {
	if os.IsPathSeparator(dir[len(dir)-1]) {
		return dir + name
	}
	return dir + string(filepath.Separator) + name
}

// send queues a file the walk has stat'ed: a root, a repository's config.
func (w *walker) send(abs, rel string, info fs.FileInfo) {
	if !info.Mode().IsRegular() {
		w.stats.Skip("not a regular file")
		return
	}
	w.emit(job{abs: abs, rel: rel, local: w.infoOnLocalDisk(info, abs)})
}

// infoOnLocalDisk is onLocalDisk for a file the walk has stat'ed.
func (w *walker) infoOnLocalDisk(info fs.FileInfo, p string) bool {
	dev, ok := device(info)
	return ok && w.onLocalDisk(dev, p)
}

// onLocalDisk reports whether device dev, on which p lies, is a local
// disk's file system.
func (w *walker) onLocalDisk(dev uint64, p string) bool {
	local, ok := w.local[dev]
	if !ok {
		local = regularfile.LocalDisk(p)
		w.local[dev] = local
	}
	return local
}

// gitConfig queues a repository's config file, if it is a regular file.
func (w *walker) gitConfig(gitDirAbs string) {
	abs := filepath.Join(gitDirAbs, "config")
	info, err := os.Lstat(abs)
	if err != nil || !info.Mode().IsRegular() {
		return
	}
	if w.opt.Keep != nil && !w.opt.Keep(w.rel(abs)) {
		w.stats.Skip("excluded")
		return
	}
	w.send(abs, w.rel(abs), info)
}

// ignored applies .keywardignore and, when asked, .gitignore files, each
// to paths relative to its own directory.
func (w *walker) ignored(rel string, isDir bool) bool {
	for _, s := range w.ignores {
		p := rel
		if s.dir != "" {
			if !strings.HasPrefix(rel, s.dir+"/") {
				continue
			}
			p = rel[len(s.dir)+1:]
		}
		if s.matcher.Matches(p, isDir) {
			return true
		}
	}
	return false
}
