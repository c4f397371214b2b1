package cmds

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestLookPath(t *testing.T) {
	dir := t.TempDir()
	for name, mode := range map[string]os.FileMode{"bin/prog": 0o755, "bin/data": 0o644, "other/prog": 0o755, "other/data2": 0o644} {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"), mode); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "nope") + ":" + filepath.Join(dir, "bin") + ":" + filepath.Join(dir, "other")
	if got, err := LookPath("prog", path, dir); err != nil || got != filepath.Join(dir, "bin/prog") {
		t.Errorf("prog: %q, %v", got, err)
	}
	// As execvp: a file found but not executable says EACCES.
	if _, err := LookPath("data", path, dir); !errors.Is(err, syscall.EACCES) {
		t.Errorf("data (not executable): %v, want EACCES", err)
	}
	if _, err := LookPath("missing", path, dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing: %v, want not found", err)
	}
	if got, err := LookPath("./bin/prog", "", dir); err != nil || got != filepath.Join(dir, "bin/prog") {
		t.Errorf("./bin/prog: %q, %v", got, err)
	}
	if got, err := LookPath("prog", ":", filepath.Join(dir, "bin")); err != nil || got != filepath.Join(dir, "bin/prog") {
		t.Errorf("an empty PATH entry is the directory: %q, %v", got, err)
	}
	e := &Env{Dir: dir, Environ: []string{"PATH=" + filepath.Join(dir, "other")}}
	if got, err := e.LookPath("prog"); err != nil || got != filepath.Join(dir, "other/prog") {
		t.Errorf("Env.LookPath: %q, %v", got, err)
	}
}
