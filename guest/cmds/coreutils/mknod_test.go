package coreutils

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestMknod(t *testing.T) {
	dir := t.TempDir()
	if _, errs, st := cmdtest.Run(t, dir, "", "mknod", "-m", "0640", "fifo", "p"); st != 0 {
		t.Fatalf("mknod fifo: %d %q", st, errs)
	}
	fi, err := os.Lstat(filepath.Join(dir, "fifo"))
	if err != nil || fi.Mode()&os.ModeNamedPipe == 0 || fi.Mode().Perm() != 0o640 {
		t.Errorf("fifo: %v %v", fi.Mode(), err)
	}
	if _, errs, st := cmdtest.Run(t, dir, "", "mknod", "fifo", "p"); st != 1 || errs != "mknod: fifo: File exists\n" {
		t.Errorf("existing: %d %q", st, errs)
	}
	for _, args := range [][]string{{"x"}, {"x", "q"}, {"x", "p", "1", "2"}, {"x", "c"}, {"x", "c", "1"}, {"x", "b", "a", "1"}, {"-m", "rw", "x", "p"}, {"-m", "9", "x", "p"}} {
		if _, _, st := cmdtest.Run(t, dir, "", "mknod", args...); st != 2 {
			t.Errorf("mknod %q: status %d, want 2", args, st)
		}
	}

	// /dev/null's numbers; may be refused where devices are not allowed.
	_, errs, st := cmdtest.Run(t, dir, "", "mknod", "null", "c", "1", "3")
	if st != 0 {
		if strings.Contains(errs, "Operation not permitted") {
			t.Skipf("no device nodes here: %s", errs)
		}
		t.Fatalf("mknod c: %d %q", st, errs)
	}
	var s unix.Stat_t
	if err := unix.Stat(filepath.Join(dir, "null"), &s); err != nil || s.Mode&unix.S_IFMT != unix.S_IFCHR || unix.Major(s.Rdev) != 1 || unix.Minor(s.Rdev) != 3 {
		t.Errorf("null: mode %o rdev %x %v", s.Mode, s.Rdev, err)
	}
}
