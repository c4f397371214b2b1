package coreutils

import (
	"os"
	"path/filepath"
	"testing"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestReadlink(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cmdtest.WriteFiles(t, dir, map[string]string{"d/e/f": "x"})
	for link, target := range map[string]string{
		"l":      "d/e",
		"l2":     "l",
		"d/up":   "../d",
		"abs":    dir + "/d",
		"dang":   "nowhere",
		"d/dang": "gone",
		"loop1":  "loop2",
		"loop2":  "loop1",
	} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		args   []string
		out    string
		status int
	}{
		{[]string{"l"}, "d/e\n", 0},
		{[]string{"-n", "l"}, "d/e", 0},
		{[]string{"l", "l2"}, "d/e\nl\n", 0},
		{[]string{"d"}, "", 1},
		{[]string{"nope"}, "", 1},
		{[]string{"-f", "l2"}, dir + "/d/e\n", 0},
		{[]string{"-f", "l2/f"}, dir + "/d/e/f\n", 0},
		{[]string{"-f", "l/.."}, dir + "/d\n", 0},
		{[]string{"-f", "d/up/e"}, dir + "/d/e\n", 0},
		{[]string{"-f", "abs/./e/../e"}, dir + "/d/e\n", 0},
		{[]string{"-f", "dang"}, dir + "/nowhere\n", 0},
		{[]string{"-f", "d/dang"}, dir + "/d/gone\n", 0}, // from the link's directory (BusyBox: the current one)
		{[]string{"-f", "new"}, dir + "/new\n", 0},       // BusyBox fails on a missing bare name
		{[]string{"-f", "no/new"}, "", 1},
		{[]string{"-f", "d/e/f/x"}, "", 1},
		{[]string{"-f", "loop1"}, "", 1},
		{[]string{"-f", "/"}, "/\n", 0},
		{[]string{"-f", "/.."}, "/\n", 0},
		{[]string{"-f", ""}, "", 1},
		{[]string{"-e", "l2"}, dir + "/d/e\n", 0},
		{[]string{"-e", "new"}, "", 1},
		{[]string{"-e", "dang"}, "", 1},
		{[]string{"-m", "no/such/../thing"}, dir + "/no/thing\n", 0},
		{[]string{"-m", "d/e/f/x"}, dir + "/d/e/f/x\n", 0},
		{[]string{"-fn", "l"}, dir + "/d/e", 0},
	}
	for _, tt := range tests {
		out, errOut, st := cmdtest.Run(t, dir, "", "readlink", tt.args...)
		if out != tt.out || st != tt.status || errOut != "" {
			t.Errorf("readlink %q = %q, %d (%q); want %q, %d", tt.args, out, st, errOut, tt.out, tt.status)
		}
	}
	_, errOut, st := cmdtest.Run(t, dir, "", "readlink", "-v", "d")
	if errOut != "readlink: d: cannot read link: not a symlink\n" || st != 1 {
		t.Errorf("readlink -v d = %q, %d", errOut, st)
	}
	_, _, st = cmdtest.Run(t, dir, "", "readlink")
	if st != 2 {
		t.Errorf("readlink without operand: status %d", st)
	}
}

func TestRealpath(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cmdtest.WriteFiles(t, dir, map[string]string{"d/f": "x"})
	os.Symlink("d", filepath.Join(dir, "l"))
	tests := []struct {
		args        []string
		out, errOut string
		status      int
	}{
		{[]string{"."}, dir + "\n", "", 0},
		{[]string{"l/f", "d/"}, dir + "/d/f\n" + dir + "/d\n", "", 0},
		{[]string{"new"}, dir + "/new\n", "", 0},
		{[]string{"no/x", "d"}, dir + "/d\n", "realpath: no/x: No such file or directory\n", 1},
		{[]string{"d/f/x"}, "", "realpath: d/f/x: Not a directory\n", 1},
		{[]string{"-e", "new"}, "", "realpath: new: No such file or directory\n", 1},
		{[]string{"-m", "no/x/.."}, dir + "/no\n", "", 0},
	}
	for _, tt := range tests {
		out, errOut, st := cmdtest.Run(t, dir, "", "realpath", tt.args...)
		if out != tt.out || errOut != tt.errOut || st != tt.status {
			t.Errorf("realpath %q = %q, %q, %d; want %q, %q, %d", tt.args, out, errOut, st, tt.out, tt.errOut, tt.status)
		}
	}
}
