package coreutils

import "testing"

func TestTr(t *testing.T) {
	runTextCases(t, "tr", []textCase{
		{[]string{"a-z", "A-Z"}, "hello\n", "HELLO\n", 0},
		{[]string{"[:lower:]", "[:upper:]"}, "Hi 2\n", "HI 2\n", 0},
		{[]string{"-d", "0-9"}, "a1b2\n", "ab\n", 0},
		{[]string{"-s", "a-z "}, "aabb  c\n", "ab c\n", 0},
		{[]string{"-cs", "a-z", "\\n"}, "ab, cd;;e\n", "ab\ncd\ne\n", 0},
		{[]string{"-C", "-d", "a"}, "abca", "aa", 0},
		{[]string{"abc", "x"}, "abcd", "xxxd", 0},
		{[]string{"\\t\\101", "_b"}, "\tA", "_b", 0},
		{[]string{"-ds", "a", "b"}, "aabbcc", "bcc", 0},
		{[]string{"[=a=]", "b"}, "aa", "bb", 0},
		{[]string{"[:digit:][:xdigit:]"}, "x", "x", 0},
		{[]string{"-d", "[:punct:][:space:]"}, "a, b!\n", "ab", 0},
		{[]string{"a-"}, "-a", "-a", 0},
		{[]string{"a", ""}, "a", "", 1},
		{nil, "", "", 2},
		{[]string{"[=ab=]"}, "", "", 2},
	})
}
