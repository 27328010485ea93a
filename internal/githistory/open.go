package githistory

import (
	"errors"
	"fmt"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-billy/v5/osfs"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// Repo is an opened repository. Everything is read through go-git's object
// storage: nothing in the repository's config (hooks, filters, textconv,
// fsmonitor) is ever executed.
type Repo struct {
	*git.Repository
	// fs is the .git directory (with commondir routing for worktrees);
	// workers open their own storage on it because go-git's packfile
	// readers keep a file position and are not safe to share.
	fs billy.Filesystem
	// Bare is true for a repository without a working tree.
	Bare bool
}

// ErrNotRepository is returned when a path holds no git repository.
var ErrNotRepository = errors.New("not a git repository")

// Open opens the repository at path: a working tree (or any directory
// inside one), a bare repository, or a linked worktree.
func Open(path string) (*Repo, error) {
	// Try the path itself first so that a bare repository nested inside
	// another repository's working tree is not mistaken for its parent.
	r, err := git.PlainOpenWithOptions(path, &git.PlainOpenOptions{EnableDotGitCommonDir: true})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		r, err = git.PlainOpenWithOptions(path, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	}
	if errors.Is(err, git.ErrRepositoryNotExists) {
		return nil, fmt.Errorf("%s: %w", path, ErrNotRepository)
	}
	if err != nil {
		return nil, fmt.Errorf("open repository %s: %w", path, err)
	}
	st, ok := r.Storer.(*filesystem.Storage)
	if !ok {
		return nil, fmt.Errorf("open repository %s: unexpected storage %T", path, r.Storer)
	}
	repo := &Repo{fs: st.Filesystem()}
	// Reopen on a storage that keeps pack descriptors open: by default
	// go-git opens and closes the packfile for every object it reads.
	repo.Repository, err = git.Open(repo.newStorage(32<<20), nil)
	if err != nil {
		return nil, fmt.Errorf("open repository %s: %w", path, err)
	}
	wt, err := r.Worktree()
	repo.Bare = errors.Is(err, git.ErrIsBareRepository) || wt == nil
	if !repo.Bare {
		repo.Repository, err = git.Open(repo.Storer, wt.Filesystem)
		if err != nil {
			return nil, fmt.Errorf("open repository %s: %w", path, err)
		}
	}
	return repo, nil
}

// newStorage opens an independent object store on the repository with a
// delta-base cache of cacheBytes.
func (r *Repo) newStorage(cacheBytes int64) *filesystem.Storage {
	return filesystem.NewStorageWithOptions(r.fs, cache.NewObjectLRU(cache.FileSize(cacheBytes)),
		// Alternates (clone --shared, --reference) name absolute paths, which
		// the chrooted .git filesystem cannot reach.
		filesystem.Options{KeepDescriptors: true, AlternatesFS: osfs.New("/", osfs.WithBoundOS())})
}

// Filesystem is the repository's .git directory.
func (r *Repo) Filesystem() billy.Filesystem { return r.fs }

// Close releases the pack descriptors.
func (r *Repo) Close() error {
	if st, ok := r.Storer.(*filesystem.Storage); ok {
		return st.Close()
	}
	return nil
}
