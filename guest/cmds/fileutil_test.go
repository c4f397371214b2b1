package cmds

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// writeFiles creates files (name → content; a name ending in "/" is a
// directory) under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if name[len(name)-1] == '/' {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestModeLetters(t *testing.T) {
	tests := []struct {
		mode uint32
		want string
	}{
		{syscall.S_IFREG | 0644, "-rw-r--r--"},
		{syscall.S_IFDIR | 0755, "drwxr-xr-x"},
		{syscall.S_IFLNK | 0777, "lrwxrwxrwx"},
		{syscall.S_IFCHR | 0620, "crw--w----"},
		{syscall.S_IFBLK | 0660, "brw-rw----"},
		{syscall.S_IFIFO | 0600, "prw-------"},
		{syscall.S_IFSOCK | 0755, "srwxr-xr-x"},
		{syscall.S_IFREG | 04755, "-rwsr-xr-x"},
		{syscall.S_IFREG | 02644, "-rw-r-Sr--"},
		{syscall.S_IFDIR | 01777, "drwxrwxrwt"},
		{syscall.S_IFDIR | 01770, "drwxrwx--T"},
		{syscall.S_IFREG | 06711, "-rws--s--x"},
	}
	for _, tt := range tests {
		if got := modeLetters(tt.mode); got != tt.want {
			t.Errorf("modeLetters(%o) = %s, want %s", tt.mode, got, tt.want)
		}
	}
}

func TestShownErr(t *testing.T) {
	err := &fs.PathError{Op: "open", Path: "/home/u/sub/x", Err: syscall.ENOENT}
	tests := []struct {
		full, shown, want string
	}{
		{"/home/u/sub/x", "sub/x", "sub/x: No such file or directory"},
		{"/home/u/sub", "sub", "sub/x: No such file or directory"},
		{"/home/u/sub", "./sub/", "./sub/x: No such file or directory"},
		{"/elsewhere", "e", "/home/u/sub/x: No such file or directory"},
	}
	for _, tt := range tests {
		if got := Message(shownErr(err, tt.full, tt.shown)); got != tt.want {
			t.Errorf("shownErr(%q, %q) = %q, want %q", tt.full, tt.shown, got, tt.want)
		}
	}
	if !errors.Is(shownErr(err, "/home/u/sub/x", "x"), fs.ErrNotExist) {
		t.Errorf("shownErr lost the cause")
	}
}

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
	writeFiles(t, dir, map[string]string{"bin/prog": "#!/bin/sh\n", "bin/data": "", "other/prog": "#!/bin/sh\n"})
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
