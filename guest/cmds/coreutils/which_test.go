package coreutils

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pidone.dev/guest/cmds"
	"pidone.dev/guest/cmds/cmdtest"
)

func TestWhich(t *testing.T) {
	dir := t.TempDir()
	cmdtest.WriteFiles(t, dir, map[string]string{"a/prog": "", "b/prog": "", "b/data": ""})
	os.Chmod(filepath.Join(dir, "a/prog"), 0o755)
	os.Chmod(filepath.Join(dir, "b/prog"), 0o755)
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	var out strings.Builder
	which := func(args ...string) (string, int) {
		out.Reset()
		st := cmds.Lookup("which").Main(&cmds.Env{Stdout: &out, Dir: dir, Environ: []string{"PATH=" + a + ":" + b}}, args)
		return out.String(), st
	}
	tests := []struct {
		args   []string
		out    string
		status int
	}{
		{[]string{"prog"}, a + "/prog\n", 0},
		{[]string{"-a", "prog"}, a + "/prog\n" + b + "/prog\n", 0},
		{[]string{"data"}, "", 1},
		{[]string{"nope", "prog"}, a + "/prog\n", 1},
		{[]string{"./a/prog"}, "./a/prog\n", 0},
	}
	for _, tt := range tests {
		if o, st := which(tt.args...); o != tt.out || st != tt.status {
			t.Errorf("which %q = %q, %d; want %q, %d", tt.args, o, st, tt.out, tt.status)
		}
	}
}
