package source

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// moduleFiles parses every non-test Go file of the module, by its path
// relative to the module root.
func moduleFiles(t *testing.T) map[string]*ast.File {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]*ast.File{}
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		files[filepath.ToSlash(rel)] = f
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files["internal/source/source.go"] == nil || files["cmd/scan/main.go"] == nil {
		t.Fatalf("module root not found from %s", root)
	}
	return files
}

// TestEverySourceGoesThroughThePool: bytes become findings only through a
// content.Reader, and only this package's pool makes one. So a command
// that scanned outside the contract — its own workers, its own reader —
// fails here. And every source the commands use (dir and home through
// walk, git and repos through githistory, staged) hands its items to
// Scan.
func TestEverySourceGoesThroughThePool(t *testing.T) {
	files := moduleFiles(t)
	for path, f := range files {
		dir := filepath.ToSlash(filepath.Dir(path))
		if dir == "internal/source" || dir == "internal/content" {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				// content.Scanner's NewReader is the one NewReader that
				// takes no argument (bytes', strings' and bufio's take one).
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "NewReader" && len(n.Args) == 0 {
					t.Errorf("%s makes a content reader: scan through source.Scan instead", path)
				}
			case *ast.SelectorExpr:
				if x, ok := n.X.(*ast.Ident); ok && x.Name == "content" && n.Sel.Name == "Reader" {
					t.Errorf("%s uses content.Reader: scan through source.Scan instead", path)
				}
			}
			return true
		})
	}

	calls := func(dir, pkg, fn string) bool {
		for path, f := range files {
			if filepath.ToSlash(filepath.Dir(path)) != dir {
				continue
			}
			found := false
			ast.Inspect(f, func(n ast.Node) bool {
				if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel.Name == fn {
					if x, ok := sel.X.(*ast.Ident); ok && x.Name == pkg {
						found = true
					}
				}
				return !found
			})
			if found {
				return true
			}
		}
		return false
	}
	// Each command's source package, and the package that runs it.
	for _, c := range []struct{ command, dir, pkg, fn string }{
		{"dir", "internal/walk", "source", "Scan"},
		{"home", "internal/home", "walk", "Scan"},
		{"git, repos", "internal/githistory", "source", "Scan"},
		{"staged", "internal/staged", "source", "Scan"},
		{"dir", "cmd/scan", "walk", "Scan"},
		{"home", "cmd/scan", "home", "Scan"},
		{"git, repos", "cmd/scan", "githistory", "Scan"},
		{"staged", "cmd/scan", "staged", "Scan"},
	} {
		if !calls(c.dir, c.pkg, c.fn) {
			t.Errorf("scan %s: %s no longer calls %s.%s", c.command, c.dir, c.pkg, c.fn)
		}
	}
}
