package gitpack

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/keyward/scan/internal/regularfile"
)

// maxMetaFile bounds commondir and alternates files.
const maxMetaFile = 1 << 20

// objectsDir is the object directory of the git directory gitDir: a linked
// worktree's git directory names the shared one in its commondir file.
func objectsDir(gitDir string) (string, error) {
	common := gitDir
	b, err := regularfile.ReadFile(filepath.Join(gitDir, "commondir"), maxMetaFile)
	switch {
	case err == nil:
		dir := strings.TrimRight(string(b), "\r\n")
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(gitDir, dir)
		}
		common = dir
	case !errors.Is(err, fs.ErrNotExist):
		return "", fmt.Errorf("read %s: %w", filepath.Join(gitDir, "commondir"), err)
	}
	objects := filepath.Join(common, "objects")
	info, err := os.Stat(objects)
	if err != nil {
		return "", fmt.Errorf("object directory: %w", err)
	}
	if !info.IsDir() {
		return "", fmt.Errorf("object directory %s is not a directory", objects)
	}
	return objects, nil
}

// objectDirs is objects and, depth first, the object directories its
// info/alternates files name (a "git clone --shared" or --reference
// borrows its objects so), each once.
func objectDirs(objects string) ([]string, error) {
	var dirs []string
	seen := map[string]bool{}
	var walk func(dir string, depth int) error
	walk = func(dir string, depth int) error {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return fmt.Errorf("object directory %s: %w", dir, err)
		}
		if seen[abs] {
			return nil
		}
		seen[abs] = true
		dirs = append(dirs, abs)
		file := filepath.Join(abs, "info", "alternates")
		b, err := regularfile.ReadFile(file, maxMetaFile)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", file, err)
		}
		if depth == maxAlternateDepth {
			return fmt.Errorf("%s: alternates nested deeper than %d", file, maxAlternateDepth)
		}
		for _, line := range strings.Split(string(b), "\n") {
			line = strings.TrimRight(line, "\r")
			if line == "" || line[0] == '#' {
				continue
			}
			// git C-quotes a path with unusual bytes; Go's quoting
			// reads the escapes git writes.
			if line[0] == '"' {
				if u, err := strconv.Unquote(line); err == nil {
					line = u
				}
			}
			if !filepath.IsAbs(line) {
				line = filepath.Join(abs, line)
			}
			if info, err := os.Stat(line); err != nil || !info.IsDir() {
				// git warns and goes on; the objects it would have
				// lent are then reported missing one by one.
				continue
			}
			if err := walk(line, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(objects, 0); err != nil {
		return nil, err
	}
	return dirs, nil
}

func loosePath(dir string, id plumbing.Hash) string {
	h := id.String()
	return filepath.Join(dir, h[:2], h[2:])
}

func looseExists(dir string, id plumbing.Hash) bool {
	info, err := os.Stat(loosePath(dir, id))
	return err == nil && info.Mode().IsRegular()
}

// loose reads the loose object id from the first object directory that
// has it: zlib of "type size\x00" and the content.
func (s *Store) loose(id plumbing.Hash) (plumbing.ObjectType, []byte, error) {
	typ, _, data, err := s.looseObject(id, false)
	return typ, data, err
}

// looseObject reads the loose object id, only its header if headerOnly.
func (s *Store) looseObject(id plumbing.Hash, headerOnly bool) (plumbing.ObjectType, int64, []byte, error) {
	for _, dir := range s.looseDirs {
		path := loosePath(dir, id)
		f, _, err := regularfile.Open(path, false)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return 0, 0, nil, fmt.Errorf("object %s: %w", id, err)
		}
		typ, size, data, err := s.readLoose(f, headerOnly)
		f.Close()
		if err != nil {
			return 0, 0, nil, fmt.Errorf("object %s (%s): %w", id, path, err)
		}
		return typ, size, data, nil
	}
	return 0, 0, nil, fmt.Errorf("object %s: %w", id, ErrNotFound)
}

func (s *Store) readLoose(f io.Reader, headerOnly bool) (plumbing.ObjectType, int64, []byte, error) {
	zr, err := zlib.NewReader(bufio.NewReader(f))
	if err != nil {
		return 0, 0, nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	defer zr.Close()
	// The header is at most a type name, a space, 20 digits and a NUL.
	var head [32]byte
	n, err := io.ReadFull(zr, head[:])
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return 0, 0, nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	nul := bytes.IndexByte(head[:n], 0)
	sp := bytes.IndexByte(head[:max(nul, 0)], ' ')
	if nul < 0 || sp < 0 {
		return 0, 0, nil, fmt.Errorf("%w: bad loose object header", ErrCorrupt)
	}
	typ, err := plumbing.ParseObjectType(string(head[:sp]))
	if err != nil {
		return 0, 0, nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	size, err := strconv.ParseInt(string(head[sp+1:nul]), 10, 64)
	if err != nil || size < 0 {
		return 0, 0, nil, fmt.Errorf("%w: bad loose object size", ErrCorrupt)
	}
	if headerOnly {
		return typ, size, nil, nil
	}
	if size > s.maxObject {
		return 0, 0, nil, fmt.Errorf("%w: %d bytes", ErrTooLarge, size)
	}
	got := head[nul+1 : n]
	if int64(len(got)) > size {
		return 0, 0, nil, fmt.Errorf("%w: inflates to more than the %d bytes its header says", ErrCorrupt, size)
	}
	data := make([]byte, size)
	copy(data, got)
	if err := readExactly(zr, data[len(got):]); err != nil {
		return 0, 0, nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	return typ, size, data, nil
}
