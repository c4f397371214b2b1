package coreutils

import (
	"os"
	"path/filepath"
	"testing"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestLn(t *testing.T) {
	dir := t.TempDir()
	cmdtest.WriteFiles(t, dir, map[string]string{"f": "F", "g": "G", "d/": ""})
	tests := []struct {
		args   []string
		errOut string
		status int
	}{
		{[]string{"-s", "f", "sl"}, "", 0},
		{[]string{"f", "hl"}, "", 0},
		{[]string{"-s", "g", "sl"}, "ln: sl: File exists\n", 1},
		{[]string{"-sf", "g", "sl"}, "", 0},
		{[]string{"-s", "../f", "d"}, "", 0},
		{[]string{"nope", "x"}, "ln: nope: No such file or directory\n", 1},
		{[]string{"-s", "f", "g", "notdir"}, "ln: target 'notdir' is not a directory\n", 1},
		{nil, "ln: missing file operand\nusage: ln [-sfnv] TARGET [LINK] | TARGET... DIR\n", 2},
	}
	for _, tt := range tests {
		_, errOut, st := cmdtest.Run(t, dir, "", "ln", tt.args...)
		if errOut != tt.errOut || st != tt.status {
			t.Errorf("ln %q = %q, %d; want %q, %d", tt.args, errOut, st, tt.errOut, tt.status)
		}
	}
	if target, _ := os.Readlink(filepath.Join(dir, "sl")); target != "g" {
		t.Errorf("sl -> %q, want g", target)
	}
	if cmdtest.ReadFile(t, filepath.Join(dir, "d/f")) != "F" {
		t.Errorf("ln -s ../f d: link does not resolve")
	}
	a, _ := os.Stat(filepath.Join(dir, "f"))
	b, _ := os.Stat(filepath.Join(dir, "hl"))
	if !os.SameFile(a, b) {
		t.Errorf("hard link is another file")
	}
}
