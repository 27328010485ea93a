//go:build unix

package mask

import (
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"time"
)

// runName is the name newBackup gives a run's folder.
var runName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\d{8}T\d{6}Z(-\d+)?$`) })

// OwnRun is one run of --mask found on disk: Findings are the findings
// its originals held (0 once restored), Root the directory it masked,
// Folder the backups folder it sits in.
type OwnRun struct {
	Dir      string
	Findings int
	Root     string
	Folder   string
}

// BackupRun reports whether dir is a folder --mask wrote, so that a scan
// of it can say "in keyward's own backups" instead of reporting the
// originals as new leaks. A name alone proves nothing (anyone can make a
// folder called .keyward/backups): the folder must be laid out as newBackup
// lays it out — .keyward/backups/<time>, mode 0700, a manifest that parses,
// and under files/ exactly the files the manifest lists, each mode 0600
// with the SHA-256 the manifest recorded. Anything else is scanned as any
// folder is.
func BackupRun(dir string) (OwnRun, bool) {
	abs, err := filepath.Abs(dir)
	// Asked of every directory of a walk: the names rule most out first.
	if err != nil || filepath.Base(filepath.Dir(abs)) != "backups" ||
		filepath.Base(filepath.Dir(filepath.Dir(abs))) != ".keyward" || !runName().MatchString(filepath.Base(abs)) {
		return OwnRun{}, false
	}
	info, err := os.Lstat(abs)
	if err != nil || !info.IsDir() || info.Mode().Perm()&0o077 != 0 {
		return OwnRun{}, false
	}
	m, ok := readOwnManifest(filepath.Join(abs, manifestName))
	if !ok {
		return OwnRun{}, false
	}
	want := map[string]string{}
	for _, f := range m.Files {
		if cleanRel(f.Path) != "" {
			return OwnRun{}, false
		}
		want[f.Path] = f.Original
	}
	files := filepath.Join(abs, "files")
	seen := 0
	err = filepath.WalkDir(files, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		info, err := d.Info()
		if err != nil || !info.Mode().IsRegular() || info.Mode().Perm() != 0o600 || info.Size() > MaxFile {
			return fs.ErrInvalid
		}
		rel, _ := filepath.Rel(files, p)
		sum, ok := want[filepath.ToSlash(rel)]
		if !ok {
			return fs.ErrInvalid
		}
		data, err := os.ReadFile(p)
		if err != nil || hexSum(data) != sum {
			return fs.ErrInvalid
		}
		seen++
		return nil
	})
	if err != nil || seen != len(want) {
		return OwnRun{}, false
	}
	run := OwnRun{Dir: abs, Root: m.Root, Folder: filepath.Dir(abs)}
	if !m.Restored {
		for _, f := range m.Files {
			run.Findings += f.Findings
		}
	}
	return run, true
}

func readOwnManifest(p string) (*manifest, bool) {
	info, err := os.Lstat(p)
	if err != nil || !info.Mode().IsRegular() {
		return nil, false
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	var m manifest
	if err := json.NewDecoder(io.LimitReader(f, 64<<20)).Decode(&m); err != nil {
		return nil, false
	}
	if _, err := time.Parse(time.RFC3339, m.Created); err != nil || m.Version != 1 || m.Root == "" || len(m.Files) == 0 {
		return nil, false
	}
	return &m, true
}
