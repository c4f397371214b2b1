package coreutils

import (
	"os"
	"path/filepath"
	"testing"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestMkdir(t *testing.T) {
	dir := t.TempDir()
	cmdtest.WriteFiles(t, dir, map[string]string{"file": ""})
	tests := []struct {
		args        []string
		out, errOut string
		status      int
		dirs        []string
	}{
		{[]string{"a"}, "", "", 0, []string{"a"}},
		{[]string{"a"}, "", "mkdir: a: File exists\n", 1, nil},
		{[]string{"-p", "a"}, "", "", 0, nil},
		{[]string{"x/y"}, "", "mkdir: x/y: No such file or directory\n", 1, nil},
		{[]string{"-pv", "x/y/z"}, "mkdir: created directory 'x'\nmkdir: created directory 'x/y'\nmkdir: created directory 'x/y/z'\n", "", 0, []string{"x/y/z"}},
		{[]string{"-p", "file/sub"}, "", "mkdir: file/sub: Not a directory\n", 1, nil},
		{[]string{"b", "c"}, "", "", 0, []string{"b", "c"}},
		{nil, "", "mkdir: missing operand\nusage: mkdir [-pv] [-m MODE] DIR...\n", 2, nil},
		{[]string{"-m", "bad", "q"}, "", "mkdir: invalid mode: 'bad'\n", 1, nil},
	}
	for _, tt := range tests {
		out, errOut, st := cmdtest.Run(t, dir, "", "mkdir", tt.args...)
		if out != tt.out || errOut != tt.errOut || st != tt.status {
			t.Errorf("mkdir %q = %q, %q, %d; want %q, %q, %d", tt.args, out, errOut, st, tt.out, tt.errOut, tt.status)
		}
		for _, d := range tt.dirs {
			if fi, err := os.Stat(filepath.Join(dir, d)); err != nil || !fi.IsDir() {
				t.Errorf("mkdir %q: %s not made", tt.args, d)
			}
		}
	}
	// -m is exact, whatever the umask.
	for mode, want := range map[string]os.FileMode{"700": 0o700, "a=rwx": 0o777, "u=rwx,go=": 0o700, "777": 0o777} {
		p := filepath.Join(dir, "m"+mode)
		if _, _, st := cmdtest.Run(t, dir, "", "mkdir", "-m", mode, p); st != 0 {
			t.Fatalf("mkdir -m %s: %d", mode, st)
		}
		if fi, _ := os.Stat(p); fi.Mode().Perm() != want {
			t.Errorf("mkdir -m %s: %v, want %v", mode, fi.Mode().Perm(), want)
		}
	}
}
