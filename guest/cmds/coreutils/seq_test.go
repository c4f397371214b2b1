package coreutils

import "testing"

func TestSeq(t *testing.T) {
	runTextCases(t, "seq", []textCase{
		{[]string{"3"}, "", "1\n2\n3\n", 0},
		{[]string{"2", "4"}, "", "2\n3\n4\n", 0},
		{[]string{"1", "3", "8"}, "", "1\n4\n7\n", 0},
		{[]string{"3", "-1", "1"}, "", "3\n2\n1\n", 0},
		{[]string{"0", "0.5", "1"}, "", "0.0\n0.5\n1.0\n", 0},
		{[]string{"-w", "8", "10"}, "", "08\n09\n10\n", 0},
		{[]string{"-s", ",", "3"}, "", "1,2,3\n", 0},
		{[]string{"-w", "--", "-1", "1"}, "", "-1\n00\n01\n", 0},
		{[]string{"5", "1"}, "", "", 0},
		{[]string{"x"}, "", "", 2},
		{nil, "", "", 2},
	})
}
