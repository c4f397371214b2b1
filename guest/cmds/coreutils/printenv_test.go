package coreutils

import (
	"strings"
	"testing"

	"pidone.dev/guest/cmds"
	"pidone.dev/guest/cmds/cmdtest"
)

func TestPrintenv(t *testing.T) {
	run := func(environ []string, args ...string) (string, int) {
		var out strings.Builder
		st := cmdtest.RunEnv(t, &cmds.Env{Stdout: &out, Environ: environ}, "printenv", args...)
		return out.String(), st
	}
	env := []string{"A=1", "B=", "C=x=y", "A=2"}
	for _, tt := range []struct {
		args []string
		out  string
		st   int
	}{
		{nil, "A=1\nB=\nC=x=y\nA=2\n", 0},
		{[]string{"A"}, "2\n", 0},
		{[]string{"B", "C"}, "\nx=y\n", 0},
		{[]string{"C", "NOPE", "A"}, "x=y\n2\n", 1},
		{[]string{"NOPE"}, "", 1},
		{[]string{"--", "A"}, "2\n", 0},
	} {
		if out, st := run(env, tt.args...); out != tt.out || st != tt.st {
			t.Errorf("printenv %q: %q %d, want %q %d", tt.args, out, st, tt.out, tt.st)
		}
	}
}
