package cmds

import (
	"errors"
	"io/fs"
	"syscall"
	"testing"
)

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
		if got := ModeLetters(tt.mode); got != tt.want {
			t.Errorf("ModeLetters(%o) = %s, want %s", tt.mode, got, tt.want)
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
		if got := Message(ShownErr(err, tt.full, tt.shown)); got != tt.want {
			t.Errorf("ShownErr(%q, %q) = %q, want %q", tt.full, tt.shown, got, tt.want)
		}
	}
	if !errors.Is(ShownErr(err, "/home/u/sub/x", "x"), fs.ErrNotExist) {
		t.Errorf("ShownErr lost the cause")
	}
}
