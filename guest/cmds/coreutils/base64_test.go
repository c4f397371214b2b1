package coreutils

import (
	"strings"
	"testing"
)

func TestBase64(t *testing.T) {
	long := strings.Repeat("x", 60)
	enc := "eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4\neHh4\n"
	runTextCases(t, "base64", []textCase{
		{nil, "hello\n", "aGVsbG8K\n", 0},
		{nil, long, enc, 0},
		{[]string{"-d"}, enc, long, 0},
		{[]string{"-w", "4"}, "hello", "aGVs\nbG8=\n", 0},
		{[]string{"-w", "0"}, "hello", "aGVsbG8=", 0},
		{nil, "", "", 0},
		{[]string{"-d"}, "aGVs\nbG8*gd29y\nbGQ=\n", "hello world", 0},
		{[]string{"-d"}, "YQ==Yg==", "ab", 0},
		{[]string{"-d"}, "aGVsbG", "hel", 1},
		{[]string{"nosuch"}, "", "", 1},
		{[]string{"a", "b"}, "", "", 2},
	})
}
