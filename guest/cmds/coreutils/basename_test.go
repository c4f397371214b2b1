package coreutils

import (
	"testing"

	"pidone.dev/guest/cmds"
	"pidone.dev/guest/cmds/cmdtest"
)

func TestBasenameDirname(t *testing.T) {
	for _, tt := range []struct{ in, base, dir string }{
		{"/usr/lib/x.so", "x.so", "/usr/lib"},
		{"/usr/lib/", "lib", "/usr"},
		{"a/b//", "b", "a"},
		{"a//b", "b", "a"},
		{"file", "file", "."},
		{"/", "/", "/"},
		{"//", "/", "//"}, // glibc's (BusyBox's) dirname keeps a leading //
		{"//a", "a", "//"},
		{"///a", "a", "/"},
		{"/a", "a", "/"},
		{"", "", "."},
		{".", ".", "."},
		{"..", "..", "."},
	} {
		if got := baseName(tt.in, ""); got != tt.base {
			t.Errorf("basename %q = %q, want %q", tt.in, got, tt.base)
		}
		if got := dirName(tt.in); got != tt.dir {
			t.Errorf("dirname %q = %q, want %q", tt.in, got, tt.dir)
		}
	}
	tests := []struct {
		name        string
		args        []string
		out, errOut string
		status      int
	}{
		{"basename", []string{"/a/b.txt", ".txt"}, "b\n", "", 0},
		{"basename", []string{".txt", ".txt"}, ".txt\n", "", 0},
		{"basename", []string{"-s", ".c", "x.c", "y/z.c"}, "x\nz\n", "", 0},
		{"basename", []string{"-a", "x/1", "y/2"}, "1\n2\n", "", 0},
		{"basename", []string{"a", "b", "c"}, "", "basename: extra operand 'c'\nusage: basename " + cmds.Lookup("basename").Usage + "\n", 2},
		{"basename", nil, "", "basename: missing operand\nusage: basename " + cmds.Lookup("basename").Usage + "\n", 2},
		{"dirname", []string{"a/b", "/c/d/", "e"}, "a\n/c\n.\n", "", 0},
		{"dirname", nil, "", "dirname: missing operand\nusage: dirname NAME...\n", 2},
	}
	for _, tt := range tests {
		out, errOut, st := cmdtest.Run(t, "", "", tt.name, tt.args...)
		if out != tt.out || errOut != tt.errOut || st != tt.status {
			t.Errorf("%s %q = %q, %q, %d; want %q, %q, %d", tt.name, tt.args, out, errOut, st, tt.out, tt.errOut, tt.status)
		}
	}
}
