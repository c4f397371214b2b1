package coreutils

import "testing"

func TestUniq(t *testing.T) {
	in := "a\na\nb\nc\nc\nc\n"
	runTextCases(t, "uniq", []textCase{
		{nil, in, "a\nb\nc\n", 0},
		{[]string{"-c"}, in, "      2 a\n      1 b\n      3 c\n", 0},
		{[]string{"-d"}, in, "a\nc\n", 0},
		{[]string{"-u"}, in, "b\n", 0},
		{[]string{"-i"}, "a\nA\nb\n", "a\nb\n", 0},
		{[]string{"-f", "1"}, "1 x\n2 x\n3 y\n", "1 x\n3 y\n", 0},
		{[]string{"-s", "1"}, "ax\nbx\ncy\n", "ax\ncy\n", 0},
		{[]string{"-w", "2"}, "abc\nabd\nxyz\n", "abc\nxyz\n", 0},
		{[]string{"-c"}, "a\na", "      2 a\n", 0},
		{[]string{"nosuch"}, "", "", 1},
		{[]string{"a", "b", "c"}, "", "", 2},
	})
}
