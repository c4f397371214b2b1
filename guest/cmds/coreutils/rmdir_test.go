package coreutils

import (
	"os"
	"path/filepath"
	"testing"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestRmdir(t *testing.T) {
	dir := t.TempDir()
	cmdtest.WriteFiles(t, dir, map[string]string{"empty/": "", "full/x": "", "file": "", "p/q/r/": ""})
	tests := []struct {
		args   []string
		errOut string
		status int
	}{
		{[]string{"empty"}, "", 0},
		{[]string{"full"}, "rmdir: full: Directory not empty\n", 1},
		{[]string{"file"}, "rmdir: file: Not a directory\n", 1},
		{[]string{"nope"}, "rmdir: nope: No such file or directory\n", 1},
		{[]string{"-p", "p/q/r/"}, "", 0},
	}
	for _, tt := range tests {
		_, errOut, st := cmdtest.Run(t, dir, "", "rmdir", tt.args...)
		if errOut != tt.errOut || st != tt.status {
			t.Errorf("rmdir %q = %q, %d; want %q, %d", tt.args, errOut, st, tt.errOut, tt.status)
		}
	}
	for _, gone := range []string{"empty", "p"} {
		if _, err := os.Lstat(filepath.Join(dir, gone)); err == nil {
			t.Errorf("%s still there", gone)
		}
	}
	if _, err := os.Lstat(filepath.Join(dir, "file")); err != nil {
		t.Errorf("rmdir removed a file")
	}
}

func TestRmdirIgnoreNonEmpty(t *testing.T) {
	dir := t.TempDir()
	cmdtest.WriteFiles(t, dir, map[string]string{"d/f": "", "e/": ""})
	if _, errOut, st := cmdtest.Run(t, dir, "", "rmdir", "--ignore-fail-on-non-empty", "d", "e"); st != 0 || errOut != "" {
		t.Errorf("rmdir --ignore-fail-on-non-empty: %d %q", st, errOut)
	}
	if _, errOut, st := cmdtest.Run(t, dir, "", "rmdir", "--ignore-fail-on-non-empty", "nope"); st != 1 || errOut == "" {
		t.Errorf("rmdir --ignore-fail-on-non-empty nope: %d %q", st, errOut)
	}
}
