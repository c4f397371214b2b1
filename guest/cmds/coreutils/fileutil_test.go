package coreutils

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestDevNumbers(t *testing.T) {
	// /dev/sda1 is 8,1; /dev/nvme0n1p2 259,2; large minors use the high bits.
	for _, tt := range []struct{ dev, major, minor uint64 }{
		{0x801, 8, 1}, {0x10302, 259, 2}, {0x12300a45, 10, 0x12345}, {0x100000000100, 0x1001, 0},
	} {
		if devMajor(tt.dev) != tt.major || devMinor(tt.dev) != tt.minor {
			t.Errorf("dev %#x = %d,%d, want %d,%d", tt.dev, devMajor(tt.dev), devMinor(tt.dev), tt.major, tt.minor)
		}
	}
}

func TestFindInPath(t *testing.T) {
	dir := t.TempDir()
	cmdtest.WriteFiles(t, dir, map[string]string{"bin/prog": "#!/bin/sh\n", "bin/data": "", "other/prog": "#!/bin/sh\n"})
	os.Chmod(filepath.Join(dir, "bin/prog"), 0o755)
	os.Chmod(filepath.Join(dir, "other/prog"), 0o755)
	path := filepath.Join(dir, "nope") + ":" + filepath.Join(dir, "bin") + ":" + filepath.Join(dir, "other")
	if got, err := findInPath("prog", path, dir); err != nil || got != filepath.Join(dir, "bin/prog") {
		t.Errorf("prog: %q, %v", got, err)
	}
	if _, err := findInPath("data", path, dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("data (not executable): %v, want not found", err)
	}
	if got, err := findInPath("./bin/prog", "", dir); err != nil || got != filepath.Join(dir, "bin/prog") {
		t.Errorf("./bin/prog: %q, %v", got, err)
	}
}
