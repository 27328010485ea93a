//go:build !unix

package mask

import "time"

type fileID struct{}

type dir struct{}

func openRoot(string) (*dir, error) { return nil, ErrUnsupported }

func (d *dir) close() {}

func (d *dir) read(string) ([]byte, fileID, error) { return nil, fileID{}, ErrUnsupported }

// Apply is not available without descriptor-relative file access.
func (p *Plan) Apply(time.Time) (*Result, error) { return nil, ErrUnsupported }

// Restored says what Unmask did.
type Restored struct {
	Backup   string
	Restored []string
	Refused  []Refusal
}

// Unmask is not available without descriptor-relative file access.
func Unmask(string) (*Restored, error) { return nil, ErrUnsupported }

// InBackups is not available without descriptor-relative file access.
func InBackups(string) (int, string) { return 0, "" }

// OwnRun is one run of --mask found on disk.
type OwnRun struct {
	Dir      string
	Findings int
	Root     string
	Folder   string
}

// BackupRun never recognises a folder where --mask cannot run.
func BackupRun(string) (OwnRun, bool) { return OwnRun{}, false }
