package coreutils

import (
	"testing"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestEcho(t *testing.T) {
	tests := []struct {
		args []string
		out  string
	}{
		{nil, "\n"},
		{[]string{"a", "b"}, "a b\n"},
		{[]string{"-n", "a"}, "a"},
		{[]string{"-e", `a\tb\nc\\d`}, "a\tb\nc\\d\n"},
		{[]string{"-e", `a\cb`}, "a"},
		{[]string{"-e", `\0101\x41\0`}, "AA\x00\n"},
		{[]string{`a\tb`}, "a\\tb\n"},
		{[]string{"-eE", `a\tb`}, "a\\tb\n"},
		{[]string{"-ne", `x\n`}, "x\n"},
		{[]string{"-x", "--", "-"}, "-x -- -\n"},
		{[]string{"-n-"}, "-n-\n"},
		// \NNN without the 0, as BusyBox's (BusyBox's testsuite/echo).
		{[]string{"-ne", `\41z\041z\0041z\00041z`}, "!z!z!z\x041z"},
		{[]string{"-ne", `\1234\400\8`}, "S4\x00\\8"},
	}
	for _, tt := range tests {
		out, _, st := cmdtest.Run(t, "", "", "echo", tt.args...)
		if out != tt.out || st != 0 {
			t.Errorf("echo %q = %q, %d; want %q", tt.args, out, st, tt.out)
		}
	}
}

func TestPwdTrueFalse(t *testing.T) {
	dir := t.TempDir()
	if out, _, st := cmdtest.Run(t, dir, "", "pwd"); out != dir+"\n" || st != 0 {
		t.Errorf("pwd = %q, %d", out, st)
	}
	if out, _, _ := cmdtest.Run(t, dir, "", "pwd", "-P"); out == "" {
		t.Errorf("pwd -P printed nothing")
	}
	if _, _, st := cmdtest.Run(t, dir, "", "pwd", "-x"); st != 2 {
		t.Errorf("pwd -x: status %d", st)
	}
	if _, _, st := cmdtest.Run(t, dir, "", "true", "--whatever"); st != 0 {
		t.Errorf("true: %d", st)
	}
	if out, errOut, st := cmdtest.Run(t, dir, "", "false"); st != 1 || out != "" || errOut != "" {
		t.Errorf("false: %q %q %d", out, errOut, st)
	}
}
