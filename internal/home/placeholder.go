package home

import (
	"path"
	"strings"
)

// placeholderName recognises cloud placeholders by name: iCloud Drive keeps
// an evicted file "x" as ".x.icloud" until it is downloaded again.
func placeholderName(rel string) bool {
	base := path.Base(rel)
	return strings.HasPrefix(base, ".") && strings.HasSuffix(base, ".icloud")
}
