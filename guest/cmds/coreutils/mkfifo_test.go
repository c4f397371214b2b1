package coreutils

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestMkfifo(t *testing.T) {
	dir := t.TempDir()
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	tests := []struct {
		args []string
		name string
		mode os.FileMode
	}{
		{[]string{"p1"}, "p1", 0o644},
		{[]string{"-m", "666", "p2"}, "p2", 0o666},
		{[]string{"-m", "600", "p3"}, "p3", 0o600},
		{[]string{"-m", "g-w,o=", "p4"}, "p4", 0o640},
		{[]string{"-m", "a=r", "p5"}, "p5", 0o444},
	}
	for _, tt := range tests {
		_, errOut, st := cmdtest.Run(t, dir, "", "mkfifo", tt.args...)
		fi, err := os.Lstat(filepath.Join(dir, tt.name))
		if st != 0 || err != nil || fi.Mode()&os.ModeNamedPipe == 0 || fi.Mode().Perm() != tt.mode {
			t.Errorf("mkfifo %q: %d %q %v; want a FIFO of mode %v", tt.args, st, errOut, fi, tt.mode)
		}
	}
	_, errOut, st := cmdtest.Run(t, dir, "", "mkfifo", "p1", "p6")
	if errOut != "mkfifo: p1: File exists\n" || st != 1 {
		t.Errorf("existing name: %q, %d", errOut, st)
	}
	if _, err := os.Lstat(filepath.Join(dir, "p6")); err != nil {
		t.Errorf("p6 not made after a failure: %v", err)
	}
	if _, errOut, st = cmdtest.Run(t, dir, "", "mkfifo", "-m", "bad", "p7"); st != 1 || errOut != "mkfifo: invalid mode: 'bad'\n" {
		t.Errorf("bad mode: %q, %d", errOut, st)
	}
	if _, _, st = cmdtest.Run(t, dir, "", "mkfifo"); st != 2 {
		t.Errorf("no operand: %d", st)
	}
}
