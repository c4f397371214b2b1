package coreutils

import "testing"

func TestSort(t *testing.T) {
	runTextCases(t, "sort", []textCase{
		{nil, "b\nB\na\n\n", "\nB\na\nb\n", 0},
		{[]string{"-r"}, "a\nc\nb\n", "c\nb\na\n", 0},
		{[]string{"-n"}, "10\n9\n-1\n1e2\nx\n0x10\n", "-1\nx\n9\n10\n0x10\n1e2\n", 0},
		{[]string{"-u"}, "b\na\nb\n", "a\nb\n", 0},
		{[]string{"-t:", "-k2,2n"}, "x:3\ny:1\nz:2\n", "y:1\nz:2\nx:3\n", 0},
		{[]string{"-k1,1", "-k2,2nr"}, "a 1\nb 1\na 2\n", "a 2\na 1\nb 1\n", 0},
		{[]string{"-f"}, "b\nA\na\nB\n", "A\na\nB\nb\n", 0},
		{[]string{"-s", "-k1,1"}, "b 2\na 9\nb 1\n", "a 9\nb 2\nb 1\n", 0},
		// BusyBox's -r reverses -s's input order too.
		{[]string{"-s", "-r", "-k1,1"}, "a 1\na 2\nb 0\n", "b 0\na 2\na 1\n", 0},
		{[]string{"-u", "-k1,1"}, "a 2\nb 1\na 1\n", "a 1\nb 1\n", 0},
		{[]string{"-V"}, "v1.10\nv1.9\nv1.2\n", "v1.2\nv1.9\nv1.10\n", 0},
		{[]string{"-h"}, "1G\n5\n2K\n3M\n", "5\n2K\n3M\n1G\n", 0},
		{[]string{"-k1.2"}, "xb\nya\n", "ya\nxb\n", 0},
		{[]string{"-b"}, "  b\na\n", "a\n  b\n", 0},
		{[]string{"-M"}, "mar\nJan\nxyz\nfeb\n", "xyz\nJan\nfeb\nmar\n", 0},
		{[]string{"-g"}, "1e1\nnan\n-inf\nx\n2\n", "x\nnan\n-inf\n2\n1e1\n", 0},
		{[]string{"-c"}, "a\nc\nb\n", "", 1},
		{[]string{"-c"}, "a\nb\n", "", 0},
		{[]string{"-z"}, "b\x00a\x00", "a\x00b\x00", 0},
		{[]string{"nosuch"}, "", "", 2},
		{[]string{"-k0"}, "", "", 2},
		{[]string{"-t", "ab"}, "", "", 2},
	})
}

func TestStrverscmp(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		sign int
	}{
		{"a", "b", -1}, {"1", "2", -1}, {"9", "10", -1}, {"000", "00", -1},
		{"00", "01", -1}, {"01", "010", -1}, {"010", "09", -1}, {"09", "0", -1},
		{"0", "1", -1}, {"1.10", "1.9", 1}, {"same", "same", 0}, {"abc", "ab", 1},
	} {
		got := strverscmp(tt.a, tt.b)
		if (got < 0 && tt.sign >= 0) || (got > 0 && tt.sign <= 0) || (got == 0 && tt.sign != 0) {
			t.Errorf("strverscmp(%q, %q) = %d, want sign %d", tt.a, tt.b, got, tt.sign)
		}
	}
}
