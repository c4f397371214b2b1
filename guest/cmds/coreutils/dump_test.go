package coreutils

import (
	"strings"
	"testing"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestHexdump(t *testing.T) {
	text := "hello world, this is a test!\n\x00\x01\xff"
	runTextCases(t, "hexdump", []textCase{
		{nil, text, "0000000 6568 6c6c 206f 6f77 6c72 2c64 7420 6968\n" +
			"0000010 2073 7369 6120 7420 7365 2174 000a ff01\n" +
			"0000020\n", 0},
		{nil, "abc", "0000000 6261 0063                              \n0000003\n", 0},
		{[]string{"-C"}, text, "00000000  68 65 6c 6c 6f 20 77 6f  72 6c 64 2c 20 74 68 69  |hello world, thi|\n" +
			"00000010  73 20 69 73 20 61 20 74  65 73 74 21 0a 00 01 ff  |s is a test!....|\n" +
			"00000020\n", 0},
		{[]string{"-C"}, "abcde", "00000000  61 62 63 64 65                                    |abcde|\n00000005\n", 0},
		{[]string{"-C"}, strings.Repeat("\x00", 50), "00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n*\n" +
			"00000030  00 00                                             |..|\n00000032\n", 0},
		{[]string{"-vC", "-n", "32"}, strings.Repeat("\x00", 50), "00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n" +
			"00000010  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n00000020\n", 0},
		{[]string{"-C", "-s", "0x14"}, "abcdefghijklmnopqrstuvwxyz", "00000014  75 76 77 78 79 7a                                 |uvwxyz|\n0000001a\n", 0},
		{[]string{"-C"}, "", "", 0},
		{[]string{"nosuch"}, "", "", 1},
		{[]string{"-n", "x"}, "", "", 2},
	})
}

func TestXxd(t *testing.T) {
	text := "hello world, this is a test!\n\x00\x01\xff"
	dir := t.TempDir()
	cmdtest.WriteFiles(t, dir, map[string]string{"ab.c": "abcde"})
	runTextCases(t, "xxd", []textCase{
		{nil, text, "00000000: 6865 6c6c 6f20 776f 726c 642c 2074 6869  hello world, thi\n" +
			"00000010: 7320 6973 2061 2074 6573 7421 0a00 01ff  s is a test!....\n", 0},
		{nil, "abcde", "00000000: 6162 6364 65                             abcde\n", 0},
		{[]string{"-p"}, text, "68656c6c6f20776f726c642c207468697320697320612074657374210a00\n01ff\n", 0},
		{[]string{"-g1", "-c", "4"}, "abcdef", "00000000: 61 62 63 64  abcd\n00000004: 65 66        ef\n", 0},
		{[]string{"-c", "4", "-g", "3"}, "abcde", "00000000: 616263 64  abcd\n00000004: 65         e\n", 0},
		{[]string{"-s", "3", "-l", "4", "-o", "0x100"}, "abcdefghij", "00000103: 6465 6667                                defg\n", 0},
		{[]string{"-i"}, "abc", "  0x61, 0x62, 0x63,\n", 0},
		{[]string{"-r", "-p"}, "68 65\n6c6c6f0\na\n", "hello\n", 0},
		{[]string{"-r"}, "00000000: 6162 6364 65                             abcde\n", "abcde", 0},
		{[]string{"-r"}, "00000000: 6162  cafe\n0000002: 6364\n", "abcd", 0}, // BusyBox would read "cafe" too
		{nil, "", "", 0},
		{[]string{"a", "b"}, "", "", 2},
	})
	out, _, st := cmdtest.Run(t, dir, "", "xxd", "-i", "ab.c")
	if want := "unsigned char ab_c[] = {\n  0x61, 0x62, 0x63, 0x64, 0x65,\n};\nunsigned int ab_c_len = 5;\n"; out != want || st != 0 {
		t.Errorf("xxd -i ab.c = %q (status %d), want %q", out, st, want)
	}
}

func TestStrings(t *testing.T) {
	runTextCases(t, "strings", []textCase{
		{nil, "ab\x00hello\x01world!\xffxyz\n", "hello\nworld!\n", 0},
		{[]string{"-n", "2"}, "ab\x00hello\x01x\x00", "ab\nhello\n", 0},
		{nil, "one\ttwo\nthree\x00four", "one\ttwo\nthree\nfour\n", 0},
		{[]string{"-f"}, "hello\x00", "{standard input}: hello\n", 0},
		{[]string{"-o"}, "\x00\x00\x00hello\x00\x00world", "      3 hello\n     12 world\n", 0},
		{[]string{"-t", "x"}, "\x00\x00\x00hello\x00\x00\x00\x00\x00\x00\x00\x00world", "      3 hello\n     10 world\n", 0},
		{[]string{"-t", "d"}, "\x00\x00\x00hello", "      3 hello\n", 0},
		{[]string{"nosuch"}, "", "", 1},
		{[]string{"-t", "z"}, "", "", 2},
		{[]string{"-n", "0"}, "", "", 2},
	})
}

func TestDu(t *testing.T) {
	dir := t.TempDir()
	cmdtest.WriteFiles(t, dir, map[string]string{
		"d/a": strings.Repeat("x", 5000), "d/e/b": strings.Repeat("y", 100), "f": "hello",
	})
	for _, tt := range []struct {
		args   []string
		want   string
		status int
	}{
		{[]string{"-b", "f"}, "5\tf\n", 0},
		{[]string{"-b", "-c", "f", "d/a"}, "5\tf\n5000\td/a\n5005\ttotal\n", 0},
		{[]string{"-b", "-a", "d/e"}, "100\td/e/b\n", 0}, // and d/e, checked below
		{[]string{"nosuch"}, "", 1},
		{[]string{"-s", "-d", "1", "d"}, "", 2},
	} {
		out, errOut, st := cmdtest.Run(t, dir, "", "du", tt.args...)
		if !strings.HasPrefix(out, tt.want) || st != tt.status {
			t.Errorf("du %q = %q (status %d, %s), want %q... (status %d)", tt.args, out, st, errOut, tt.want, tt.status)
		}
	}
	out, _, _ := cmdtest.Run(t, dir, "", "du", "-s", "d")
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 1 || !strings.HasSuffix(lines[0], "\td") {
		t.Errorf("du -s d = %q, want one line for d", out)
	}
	out, _, _ = cmdtest.Run(t, dir, "", "du", "-d", "1", "d")
	if strings.Count(out, "\n") != 2 || !strings.Contains(out, "\td/e\n") || !strings.HasSuffix(out, "\td\n") {
		t.Errorf("du -d 1 d = %q, want d/e then d", out)
	}
}

func TestDuSizes(t *testing.T) {
	for _, tt := range []struct {
		unit     int64
		apparent bool
		blocks   uint64
		want     string
	}{
		{1024, false, 8, "4"}, {1024, false, 1, "1"}, {1024, false, 0, "0"},
		{1 << 20, false, 2050, "2"}, {1 << 20, false, 2048, "1"},
		{0, false, 2050, "1.0M"}, {0, false, 8, "4.0K"}, {0, false, 1, "512"}, {0, false, 2047, "1023.5K"},
		{1, true, 12345, "12345"}, {0, true, 12345, "12.1K"},
	} {
		d := &duRun{unit: tt.unit, apparent: tt.apparent}
		if got := d.size(tt.blocks); got != tt.want {
			t.Errorf("size(%d) with unit %d = %q, want %q", tt.blocks, tt.unit, got, tt.want)
		}
	}
}
