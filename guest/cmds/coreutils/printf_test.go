package coreutils

import "testing"

func TestPrintf(t *testing.T) {
	runTextCases(t, "printf", []textCase{
		{[]string{"%s|%5s|%-5s|%.2s\\n", "a", "b", "c", "defg"}, "", "a|    b|c    |de\n", 0},
		{[]string{"%d %i %o %x %X %#x\\n", "42", "-7", "8", "255", "255", "255"}, "", "42 -7 10 ff FF 0xff\n", 0},
		{[]string{"%s=%d\\n", "a", "1", "b"}, "", "a=1\nb=0\n", 1},
		{[]string{"%d %d %d\\n", "0x1f", "010", "'A"}, "", "31 8 65\n", 0},
		{[]string{"%f %.2f %e %g %g\\n", "3.14159", "2.5", "1000", "0.1234567", "1e6"}, "", "3.141590 2.50 1.000000e+03 0.123457 1e+06\n", 0},
		{[]string{"%b|%b\\n", `a\tb`, `x\0101y\cz`}, "", "a\tb|xAy", 0},
		{[]string{`\t\\\101\x42\n`}, "", "\t\\AB\n", 0},
		{[]string{"%c%c\\n", "hello", "world"}, "", "hw\n", 0},
		{[]string{"%d\\n", "12abc"}, "", "0\n", 1},
		{[]string{"a%zb\\n", "1"}, "", "a", 1},
		{[]string{"%u\\n", "-2"}, "", "18446744073709551614\n", 0},
		{[]string{"[%*d] [%.*f]\\n", "5", "42", "2", "3.14159"}, "", "[   42] [3.14]\n", 0},
		{[]string{"%05s|%-3c|\\n", "ab", "xyz"}, "", "   ab|x  |\n", 0},
		{[]string{"%%\\c%s", "x"}, "", "%", 0},
		{[]string{"--", "-%s-\\n", "x"}, "", "-x-\n", 0},
		{[]string{"%f\\n", "inf"}, "", "inf\n", 0},
		{nil, "", "", 2},
	})
}
