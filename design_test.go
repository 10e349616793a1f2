package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// DESIGN.md is the map of the code: every package under internal/ and
// every file of internal/provider and of main must be on it, so that a package or file
// added without a place on the map fails here rather than going unnoticed.
func TestDesignMapNamesEveryPackageAndProviderFile(t *testing.T) {
	design, err := os.ReadFile("DESIGN.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(design)
	var missing []string
	err = filepath.WalkDir("internal", func(path string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() || d.Name() == "testdata" {
			return err
		}
		goFiles, _ := filepath.Glob(filepath.Join(path, "*.go"))
		if len(goFiles) == 0 {
			return nil
		}
		name := filepath.ToSlash(path)
		if dir, cmd := filepath.Split(name); dir == "internal/cmd/" {
			name = "`" + cmd + "`"
		} else {
			name = "`" + name + "`"
		}
		if !strings.Contains(text, name) {
			missing = append(missing, "package "+name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The provider's files, and main's: a file beside main.go changes what
	// the shipped binary does (its logs, a profile it writes).
	for _, dir := range []string{"internal/provider", "."} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			base := filepath.Base(f)
			if strings.HasSuffix(base, "_test.go") {
				continue
			}
			if !strings.Contains(text, "`"+base+"`") {
				missing = append(missing, "file "+filepath.ToSlash(f))
			}
		}
	}
	for _, m := range missing {
		t.Errorf("DESIGN.md does not place %s on its map", m)
	}
}
