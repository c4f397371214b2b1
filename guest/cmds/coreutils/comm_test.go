package coreutils

import (
	"testing"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestComm(t *testing.T) {
	dir := t.TempDir()
	cmdtest.WriteFiles(t, dir, map[string]string{"x": "a\nb\nd\n", "y": "b\nc\nd\ne"})
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"x", "y"}, "a\n\t\tb\n\tc\n\t\td\n\te\n"},
		{[]string{"-1", "x", "y"}, "\tb\nc\n\td\ne\n"},
		{[]string{"-2", "x", "y"}, "a\n\tb\n\td\n"},
		{[]string{"-3", "x", "y"}, "a\n\tc\n\te\n"},
		{[]string{"-12", "x", "y"}, "b\nd\n"},
		{[]string{"-23", "x", "-"}, "d\n"},
	} {
		out, errOut, st := cmdtest.Run(t, dir, "a\nb\nc\n", "comm", tt.args...)
		if out != tt.want || st != 0 {
			t.Errorf("comm %q = %q (status %d, %s), want %q", tt.args, out, st, errOut, tt.want)
		}
	}
	if _, _, st := cmdtest.Run(t, dir, "", "comm", "x", "nosuch"); st != 1 {
		t.Errorf("comm with a missing file: status %d, want 1", st)
	}
	if _, _, st := cmdtest.Run(t, dir, "", "comm", "x"); st != 2 {
		t.Errorf("comm with one file: status %d, want 2", st)
	}
}
