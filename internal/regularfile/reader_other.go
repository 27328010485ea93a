//go:build !unix

package regularfile

// OpenReader opens path for reading if it is a regular file, as Open does,
// and returns the file and its size.
func OpenReader(path string, noFollow bool) (ReadAtCloser, int64, error) {
	f, info, err := Open(path, noFollow)
	if err != nil {
		return nil, 0, err
	}
	return f, info.Size(), nil
}

// OpenLocalReader is OpenReader: there is no scheduler hand-off to save
// here.
func OpenLocalReader(path string, noFollow bool) (ReadAtCloser, int64, error) {
	return OpenReader(path, noFollow)
}

// Opener opens one file when asked, as OpenReader does.
type Opener struct {
	Path     string
	NoFollow bool
	Local    bool
}

// Open opens o.Path as OpenReader does.
func (o *Opener) Open() (ReadAtCloser, int64, error) { return OpenReader(o.Path, o.NoFollow) }
