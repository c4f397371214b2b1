package coreutils

import (
	"os"
	"path/filepath"
	"testing"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestRm(t *testing.T) {
	dir := t.TempDir()
	cmdtest.WriteFiles(t, dir, map[string]string{"a": "", "b": "", "d/x": "", "d/e/y": "", "empty/": "", "keep/k": ""})
	os.Symlink("keep", filepath.Join(dir, "link"))
	tests := []struct {
		args        []string
		out, errOut string
		status      int
	}{
		{[]string{"a"}, "", "", 0},
		{[]string{"a"}, "", "rm: a: No such file or directory\n", 1},
		{[]string{"-f", "a", "nope"}, "", "", 0},
		{[]string{"-f"}, "", "", 0},
		{nil, "", "rm: missing operand\nusage: rm [-frRdv] FILE...\n", 2},
		{[]string{"d"}, "", "rm: d: Is a directory\n", 1},
		{[]string{"-d", "empty"}, "", "", 0},
		{[]string{"-rv", "d"}, "removed 'd/e/y'\nremoved directory 'd/e'\nremoved 'd/x'\nremoved directory 'd'\n", "", 0},
		{[]string{"-r", "."}, "", "rm: .: refusing to remove '.' or '..'\n", 1},
		{[]string{"-r", "keep/.."}, "", "rm: keep/..: refusing to remove '.' or '..'\n", 1},
		{[]string{"link"}, "", "", 0},
		{[]string{"-r", "b", "nope"}, "", "rm: nope: No such file or directory\n", 1},
	}
	for _, tt := range tests {
		out, errOut, st := cmdtest.Run(t, dir, "", "rm", tt.args...)
		if out != tt.out || errOut != tt.errOut || st != tt.status {
			t.Errorf("rm %q = %q, %q, %d; want %q, %q, %d", tt.args, out, errOut, st, tt.out, tt.errOut, tt.status)
		}
	}
	// Checked on the decision, not by running rm -rf / and hoping.
	for _, tt := range []struct{ path, op, want string }{
		{"/", "/", "refusing to remove the root directory"},
		{"/", "//", "refusing to remove the root directory"},
		{"/tmp/..", "/tmp/..", "refusing to remove the root directory"},
		{"/home/..", "../..", "refusing to remove the root directory"},
		{"/a/b/..", "b/..", "refusing to remove '.' or '..'"},
		{"/a/.", "./", "refusing to remove '.' or '..'"},
		{"/a/b", "b", ""},
		{"/a/.b", ".b", ""},
	} {
		if got := rmRefusal(tt.path, tt.op); got != tt.want {
			t.Errorf("rmRefusal(%q, %q) = %q, want %q", tt.path, tt.op, got, tt.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "keep/k")); err != nil {
		t.Errorf("removing a symlink removed its target: %v", err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 || ents[0].Name() != "keep" {
		t.Errorf("left: %v", ents)
	}
}
