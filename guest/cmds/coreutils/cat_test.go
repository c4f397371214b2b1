package coreutils

import (
	"strings"
	"testing"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestCat(t *testing.T) {
	dir := t.TempDir()
	cmdtest.WriteFiles(t, dir, map[string]string{"a": "one\ntwo\n", "b": "three", "blank": "x\n\n\n\ny\n", "d/": ""})
	tests := []struct {
		args        []string
		stdin       string
		out, errOut string
		status      int
	}{
		{[]string{"a", "b"}, "", "one\ntwo\nthree", "", 0},
		{nil, "in\n", "in\n", "", 0},
		{[]string{"a", "-", "b"}, "mid\n", "one\ntwo\nmid\nthree", "", 0},
		{[]string{"-n", "a", "b"}, "", "     1\tone\n     2\ttwo\n     3\tthree", "", 0},
		{[]string{"-b", "blank"}, "", "     1\tx\n\n\n\n     2\ty\n", "", 0},
		{[]string{"-s", "blank"}, "", "x\n\ny\n", "", 0},
		{[]string{"nope", "a"}, "", "one\ntwo\n", "cat: nope: No such file or directory\n", 1},
		{[]string{"/x/nope"}, "", "", "cat: /x/nope: No such file or directory\n", 1},
		{[]string{"d"}, "", "", "cat: d: Is a directory\n", 1},
		{[]string{"-z"}, "", "", "cat: unknown option -z\nusage: cat [-nbvteAsu] [FILE]...\n", 2},
		// -v, -t, -e and -A as BusyBox's (and GNU's) cat shows bytes.
		{[]string{"-e"}, "foo\n", "foo$\n", "", 0},
		{[]string{"-v"}, "a\tb\x01\x7f\x80\xe9z\r\n", "a\tb^A^?M-^@M-iz^M\n", "", 0},
		{[]string{"-A"}, "a\tb\x01\x7f\x80\xe9z\r\n\nend", "a^Ib^A^?M-^@M-iz^M$\n$\nend", "", 0},
		{[]string{"-t"}, "a\tb\n", "a^Ib\n", "", 0},
		{[]string{"-ne"}, "a\n\nb", "     1\ta$\n     2\t$\n     3\tb", "", 0},
	}
	for _, tt := range tests {
		out, errOut, st := cmdtest.Run(t, dir, tt.stdin, "cat", tt.args...)
		if out != tt.out || errOut != tt.errOut || st != tt.status {
			t.Errorf("cat %q = %q, %q, %d; want %q, %q, %d", tt.args, out, errOut, st, tt.out, tt.errOut, tt.status)
		}
	}
	// Long lines pass through -n whole.
	long := strings.Repeat("x", 100000) + "\n"
	if out, _, _ := cmdtest.Run(t, dir, long, "cat", "-n"); out != "     1\t"+long {
		t.Errorf("cat -n of a long line: %d bytes", len(out))
	}
}
