package coreutils

import (
	"testing"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestCmp(t *testing.T) {
	dir := t.TempDir()
	cmdtest.WriteFiles(t, dir, map[string]string{
		"a": "abc\ndef\n", "same": "abc\ndef\n", "b": "abc\ndXf\n", "short": "abc", "l1": "abcdef", "l2": "aXcdYf",
	})
	for _, tt := range []struct {
		args    []string
		stdin   string
		want    string
		wantErr string
		status  int
	}{
		{[]string{"a", "same"}, "", "", "", 0},
		{[]string{"a", "b"}, "", "a b differ: char 6, line 2\n", "", 1},
		{[]string{"-l", "l1", "l2"}, "", "2 142 130\n5 145 131\n", "", 1},
		{[]string{"-s", "a", "b"}, "", "", "", 1},
		{[]string{"a", "short"}, "", "", "cmp: EOF on short\n", 1},
		{[]string{"short", "a"}, "", "", "cmp: EOF on short\n", 1},
		{[]string{"a"}, "abc\ndef\n", "", "", 0},
		{[]string{"a", "nosuch"}, "", "", "cmp: nosuch: No such file or directory\n", 2},
		{[]string{"-s", "a", "nosuch"}, "", "", "", 2},
		{[]string{"-n", "5", "a", "b"}, "", "", "", 0},
		{[]string{"l1", "l2", "2", "2"}, "", "l1 l2 differ: char 3, line 1\n", "", 1},
		{[]string{"-ls", "a", "b"}, "", "", "", 2},
	} {
		out, errOut, st := cmdtest.Run(t, dir, tt.stdin, "cmp", tt.args...)
		if out != tt.want || st != tt.status || (tt.wantErr != "" && errOut != tt.wantErr) {
			t.Errorf("cmp %q = %q, %q, status %d; want %q, %q, status %d", tt.args, out, errOut, st, tt.want, tt.wantErr, tt.status)
		}
	}
}
