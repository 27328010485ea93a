// Package gitrepo opens git repositories and reads their objects, refs and
// index for every git source (history, staged changes, pre-push).
//
// Nothing in a repository's configuration is ever executed. Objects are
// read with go-git, and preferably with hardened git processes
// (HardenedCommand; blob contents through "git cat-file --batch", see
// blob.go), which are several times faster. Where
// go-git cannot read a repository (SHA-256 object names, a split index) the
// sources either use the hardened git process or stop with one sentence
// naming the setting.
package gitrepo

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-billy/v5/osfs"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"github.com/go-git/go-git/v5/storage/filesystem/dotgit"

	"github.com/keyward/scan/internal/regularfile"
)

// Repo is an opened repository.
type Repo struct {
	*git.Repository
	// fs is the .git directory (with commondir routing for worktrees);
	// workers open their own storage on it because go-git's packfile
	// readers keep a file position and are not safe to share.
	fs billy.Filesystem
	// Bare is true for a repository without a working tree.
	Bare bool
	// WorkTree is the top of the working tree ("" when bare).
	WorkTree string
	// Settings lists configuration that go-git cannot honour; sources
	// decide whether they can work around it.
	Settings Settings
	storage  *filesystem.Storage
}

// Settings are the repository-format settings that change how objects or
// the index must be read.
type Settings struct {
	SHA256         bool // extensions.objectFormat = sha256
	SplitIndex     bool // core.splitIndex, or a sharedindex file present
	WorktreeConfig bool // extensions.worktreeConfig (sparse checkout, per-worktree config)
}

// ErrNotRepository is returned when a path holds no git repository.
var ErrNotRepository = errors.New("not a git repository")

// ErrUnsupported is wrapped by errors about repository formats this
// scanner cannot read.
var ErrUnsupported = errors.New("unsupported repository format")

// Open opens the repository at path: a working tree (or any directory
// inside one), a bare repository, or a linked worktree.
func Open(path string) (*Repo, error) { return OpenIn(path, "") }

// OpenIn opens the repository whose git directory is gitDir with its work
// tree at path, as git does when GIT_DIR (and GIT_WORK_TREE) are set — in
// every hook git runs, and under "git --git-dir=… --work-tree=…", where the
// work tree need not contain a .git at all. An empty gitDir is Open(path).
func OpenIn(path, gitDir string) (*Repo, error) {
	var repoFs, wtFs billy.Filesystem
	var err error
	if gitDir == "" {
		// go-git reads config while it locates the repository, so the
		// check runs first on where it will look as well as on what it
		// finds.
		if gitDir := nearestGitDir(path); gitDir != "" {
			if err := checkMetadata(gitDir); err != nil {
				return nil, fmt.Errorf("open repository %s: %w", path, err)
			}
		}
		repoFs, wtFs, err = locate(path)
	} else {
		repoFs, wtFs, err = locateGitDir(path, gitDir)
	}
	if err != nil {
		return nil, err
	}
	repo := &Repo{fs: repoFs, Bare: wtFs == nil}
	if err := checkMetadata(repo.GitDir()); err != nil {
		return nil, fmt.Errorf("open repository %s: %w", path, err)
	}
	repo.Settings = readSettings(repo.GitDir())
	if repo.Settings.SHA256 {
		return nil, errSHA256(path)
	}
	// A storage that keeps pack descriptors open: by default go-git opens
	// and closes the packfile for every object it reads.
	repo.storage = repo.NewStorage(32 << 20)
	repo.Repository, err = git.Open(readOnlyExtensions{repo.storage}, wtFs)
	if err != nil {
		return nil, fmt.Errorf("open repository %s: %w", path, describeOpenError(path, err))
	}
	if wtFs != nil {
		repo.WorkTree = wtFs.Root()
	}
	return repo, nil
}

// locate finds the repository's .git filesystem (with commondir routing for
// linked worktrees) and its working tree (nil when bare).
func locate(path string) (billy.Filesystem, billy.Filesystem, error) {
	// Try the path itself first so that a bare repository nested inside
	// another repository's working tree is not mistaken for its parent.
	r, err := git.PlainOpenWithOptions(path, &git.PlainOpenOptions{EnableDotGitCommonDir: true})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		r, err = git.PlainOpenWithOptions(path, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	}
	switch {
	case errors.Is(err, git.ErrRepositoryNotExists):
		return nil, nil, fmt.Errorf("%s: %w", path, ErrNotRepository)
	case errors.Is(err, git.ErrUnknownExtension), errors.Is(err, git.ErrUnsupportedExtensionRepositoryFormatVersion):
		// go-git refuses extensions before it says where the repository
		// is; git itself can tell, and the extensions we can read past
		// are stripped from the config go-git sees (readOnlyExtensions).
		return locateWithGit(path, err)
	case err != nil:
		return nil, nil, fmt.Errorf("open repository %s: %w", path, describeOpenError(path, err))
	}
	st, ok := r.Storer.(*filesystem.Storage)
	if !ok {
		return nil, nil, fmt.Errorf("open repository %s: unexpected storage %T", path, r.Storer)
	}
	wt, err := r.Worktree()
	if err != nil || wt == nil {
		return st.Filesystem(), nil, nil
	}
	return st.Filesystem(), wt.Filesystem, nil
}

// locateGitDir opens gitDir itself (routing shared files through its
// commondir, for a linked worktree) with its work tree at workTree ("" for
// none).
func locateGitDir(workTree, gitDir string) (billy.Filesystem, billy.Filesystem, error) {
	abs, err := filepath.Abs(gitDir)
	if err != nil {
		return nil, nil, err
	}
	if !isDir(filepath.Join(abs, "objects")) && !isDir(filepath.Join(abs, "refs")) && !isFile(filepath.Join(abs, "commondir")) {
		return nil, nil, fmt.Errorf("GIT_DIR %s: %w", gitDir, ErrNotRepository)
	}
	common := abs
	if c, err := commonDir(abs); err == nil {
		common = c
	}
	for _, d := range []string{abs, common} {
		if err := checkMetadata(d); err != nil {
			return nil, nil, fmt.Errorf("open repository %s: %w", gitDir, err)
		}
	}
	repoFs := dotgit.NewRepositoryFilesystem(osfs.New(abs, osfs.WithBoundOS()), osfs.New(common, osfs.WithBoundOS()))
	if workTree == "" {
		return repoFs, nil, nil
	}
	wt, err := filepath.Abs(workTree)
	if err != nil {
		return nil, nil, err
	}
	return repoFs, osfs.New(wt, osfs.WithBoundOS()), nil
}

func isFile(p string) bool {
	info, err := os.Stat(p)
	return err == nil && info.Mode().IsRegular()
}

// locateWithGit asks a hardened git where the repository at path lives.
func locateWithGit(path string, openErr error) (billy.Filesystem, billy.Filesystem, error) {
	fail := func() (billy.Filesystem, billy.Filesystem, error) {
		if gitDir := nearestGitDir(path); gitDir != "" && readSettings(gitDir).SHA256 {
			return nil, nil, errSHA256(path)
		}
		return nil, nil, fmt.Errorf("open repository %s: %w", path, describeOpenError(path, openErr))
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return fail()
	}
	cmd, err := HardenedCommand(context.Background(), "", "", "rev-parse", "--absolute-git-dir", "--git-common-dir", "--is-bare-repository", "--show-toplevel")
	if err != nil {
		return fail()
	}
	cmd.Dir = abs
	out, err := cmd.Output()
	if err != nil {
		return fail()
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 3 {
		return fail()
	}
	gitDir, common := lines[0], lines[1]
	if !filepath.IsAbs(common) {
		common = filepath.Join(abs, common)
	}
	repoFs := dotgit.NewRepositoryFilesystem(osfs.New(gitDir, osfs.WithBoundOS()), osfs.New(common, osfs.WithBoundOS()))
	if lines[2] == "true" || len(lines) < 4 {
		return repoFs, nil, nil
	}
	return repoFs, osfs.New(lines[3], osfs.WithBoundOS()), nil
}

// readOnlyExtensions hides from go-git the repository extensions that do
// not change how objects and refs are read (per-worktree config, partial
// clones, precious objects), which it otherwise refuses. A partial clone's
// absent blobs are reported as missing objects like any other.
type readOnlyExtensions struct{ *filesystem.Storage }

var readableExtensions = []string{"worktreeConfig", "partialClone", "preciousObjects"}

func (s readOnlyExtensions) Config() (*config.Config, error) {
	c, err := s.Storage.Config()
	if err != nil || c.Raw == nil || !c.Raw.HasSection("extensions") {
		return c, err
	}
	sec := c.Raw.Section("extensions")
	for _, name := range readableExtensions {
		for _, o := range sec.Options {
			if strings.EqualFold(o.Key, name) {
				sec.RemoveOption(o.Key)
				break
			}
		}
	}
	return c, nil
}

// errSHA256 is the one sentence a SHA-256 repository gets: go-git's object
// ids hold SHA-1 only.
func errSHA256(path string) error {
	return fmt.Errorf("%s: %w: the repository uses SHA-256 object names (extensions.objectFormat = sha256), which this scanner cannot read yet; scan its working tree with \"scan dir\" instead", path, ErrUnsupported)
}

// nearestGitDir is the directory locate will read first for path: path
// itself when it looks like a bare repository, else the nearest .git
// directory from path up ("" if none). It does not ask for a regular
// config: it is what finds one that is not.
func nearestGitDir(path string) string {
	dir, err := filepath.Abs(path)
	if err != nil {
		return ""
	}
	if isDir(filepath.Join(dir, "objects")) {
		if _, err := os.Lstat(filepath.Join(dir, "HEAD")); err == nil {
			return dir
		}
	}
	for {
		if cand := filepath.Join(dir, ".git"); isDir(cand) {
			return cand
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

func isDir(p string) bool {
	info, err := os.Stat(p)
	return err == nil && info.IsDir()
}

// describeOpenError turns go-git's terse format errors into a sentence that
// names the setting and what to do.
func describeOpenError(path string, err error) error {
	msg := err.Error()
	if strings.Contains(msg, "objectformat") || strings.Contains(msg, "sha256") || strings.Contains(msg, "extension") {
		return fmt.Errorf("%w: %v (the repository uses a git extension this scanner's reader does not support; scan the working tree with \"scan dir\" instead)", ErrUnsupported, err)
	}
	return err
}

// NewStorage opens an independent object store on the repository with a
// delta-base cache of cacheBytes.
func (r *Repo) NewStorage(cacheBytes int64) *filesystem.Storage {
	return filesystem.NewStorageWithOptions(r.fs, cache.NewObjectLRU(cache.FileSize(cacheBytes)),
		// Alternates (clone --shared, --reference) name absolute paths, which
		// the chrooted .git filesystem cannot reach.
		filesystem.Options{KeepDescriptors: true, AlternatesFS: osfs.New("/", osfs.WithBoundOS())})
}

// Filesystem is the repository's .git directory.
func (r *Repo) Filesystem() billy.Filesystem { return r.fs }

// GitDir is the path of the repository's .git directory ("" if unknown).
func (r *Repo) GitDir() string {
	if root, ok := r.fs.(interface{ Root() string }); ok {
		return root.Root()
	}
	return ""
}

// Close releases the pack descriptors.
func (r *Repo) Close() error { return r.storage.Close() }

// maxMetadataEntries bounds the pre-flight check of a repository's
// metadata; a repository with more loose refs is checked only that far.
const maxMetadataEntries = 20000

// checkMetadata refuses a repository whose metadata files are not regular
// files: a FIFO named packed-refs, a pack index or a config include would
// block go-git or git forever, and a device could be read without end.
// It is cheap (a few directory listings) and runs before anything opens
// those files.
func checkMetadata(gitDir string) error {
	if gitDir == "" {
		return nil
	}
	seen := 0
	refuse := func(p string, t fs.FileMode) error {
		if t&(fs.ModeNamedPipe|fs.ModeDevice|fs.ModeCharDevice|fs.ModeSocket) != 0 {
			return fmt.Errorf("%s is a %s, not a file; refusing to read a repository whose metadata could block", p, typeName(t))
		}
		return nil
	}
	check := func(p string) error {
		info, err := os.Lstat(p)
		if err != nil {
			return nil // absent: nothing to block on
		}
		return refuse(p, info.Mode().Type())
	}
	for _, name := range []string{"HEAD", "config", "packed-refs", "index", "shallow", "commondir", "gitdir", "objects/info/alternates", "logs/refs/stash", "info/grafts"} {
		if err := check(filepath.Join(gitDir, name)); err != nil {
			return err
		}
	}
	for _, includePath := range configIncludes(filepath.Join(gitDir, "config")) {
		if !filepath.IsAbs(includePath) {
			includePath = filepath.Join(gitDir, includePath)
		}
		if err := check(includePath); err != nil {
			return err
		}
	}
	for _, dir := range []string{"objects/pack", "refs"} {
		err := filepath.WalkDir(filepath.Join(gitDir, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if seen++; seen > maxMetadataEntries {
				return filepath.SkipAll
			}
			// The listing gives each entry's type: no stat per ref and
			// pack (a repository with thousands of tags has as many).
			return refuse(p, d.Type())
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func typeName(t fs.FileMode) string {
	switch {
	case t&fs.ModeNamedPipe != 0:
		return "FIFO"
	case t&fs.ModeSocket != 0:
		return "socket"
	default:
		return "device"
	}
}

// configIncludes lists the include.path and includeIf.*.path values of a
// config file, read only far enough to check what they point at.
func configIncludes(configPath string) []string {
	data, err := regularfile.ReadFile(configPath, 1<<20)
	if err != nil {
		return nil
	}
	var out []string
	section := ""
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") {
			section = strings.ToLower(line)
			continue
		}
		if !strings.HasPrefix(section, "[include") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), "path") {
			v = strings.Trim(strings.TrimSpace(v), `"`)
			if strings.HasPrefix(v, "~/") {
				if home, err := os.UserHomeDir(); err == nil {
					v = filepath.Join(home, v[2:])
				}
			}
			out = append(out, v)
		}
	}
	return out
}

// readSettings reads the format settings from the repository's config
// without go-git (which rejects some of them before it says which).
func readSettings(gitDir string) Settings {
	var s Settings
	data, err := regularfile.ReadFile(filepath.Join(gitDir, "config"), 1<<20)
	if err != nil {
		return s
	}
	section := ""
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "[") {
			section = strings.ToLower(strings.Trim(line, "[] "))
			continue
		}
		k, v, _ := strings.Cut(line, "=")
		k = strings.ToLower(strings.TrimSpace(k))
		v = strings.ToLower(strings.TrimSpace(v))
		switch {
		case section == "extensions" && k == "objectformat" && v == "sha256":
			s.SHA256 = true
		case section == "extensions" && k == "worktreeconfig" && v == "true":
			s.WorktreeConfig = true
		case section == "core" && k == "splitindex" && v == "true":
			s.SplitIndex = true
		}
	}
	if matches, _ := filepath.Glob(filepath.Join(gitDir, "sharedindex.*")); len(matches) > 0 {
		s.SplitIndex = true
	}
	return s
}
