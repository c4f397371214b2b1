package coreutils

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestDd(t *testing.T) {
	dir := t.TempDir()
	cmdtest.WriteFiles(t, dir, map[string]string{"in": "abcdefghij"})
	tests := []struct {
		stdin       string
		args        []string
		out, errOut string
	}{
		{"hello", nil, "hello", "0+1 records in\n0+1 records out\n"},
		{"hello world", []string{"bs=4"}, "hello world", "2+1 records in\n2+1 records out\n"},
		{"", []string{"if=in"}, "abcdefghij", "0+1 records in\n0+1 records out\n"},
		{"", []string{"if=in", "bs=5"}, "abcdefghij", "2+0 records in\n2+0 records out\n"},
		{"", []string{"if=in", "bs=3", "count=2"}, "abcdef", "2+0 records in\n2+0 records out\n"},
		{"", []string{"if=in", "bs=3", "count=0"}, "", "0+0 records in\n0+0 records out\n"},
		{"", []string{"if=in", "bs=2", "skip=3"}, "ghij", "2+0 records in\n2+0 records out\n"},
		{"abcdefghij", []string{"bs=2", "skip=3"}, "ghij", "2+0 records in\n2+0 records out\n"}, // skipped by reading
		{"", []string{"if=in", "ibs=3", "obs=2"}, "abcdefghij", "3+1 records in\n5+0 records out\n"},
		{"", []string{"if=in", "ibs=4", "obs=3"}, "abcdefghij", "2+1 records in\n3+1 records out\n"},
		{"abc", []string{"bs=8", "conv=sync"}, "abc\x00\x00\x00\x00\x00", "0+1 records in\n1+0 records out\n"},
		{"abcde", []string{"conv=swab"}, "badce", "0+1 records in\n0+1 records out\n"},
		{"", []string{"if=in", "bs=4", "skip=3", "count=5", "iflag=skip_bytes,count_bytes"}, "defgh", "1+1 records in\n1+1 records out\n"},
		{"abc", []string{"status=none"}, "abc", ""},
		{"abc", []string{"status=noxfer"}, "abc", "0+1 records in\n0+1 records out\n"},
		{"", []string{"if=in", "bs=1c", "count=1w"}, "ab", "2+0 records in\n2+0 records out\n"},
		{"", []string{"--", "if=in", "count=1b"}, "abcdefghij", "0+1 records in\n0+1 records out\n"},
	}
	for _, tt := range tests {
		out, errOut, st := cmdtest.Run(t, dir, tt.stdin, "dd", tt.args...)
		if out != tt.out || errOut != tt.errOut || st != 0 {
			t.Errorf("dd %q <%q = %q, %q, %d; want %q, %q", tt.args, tt.stdin, out, errOut, st, tt.out, tt.errOut)
		}
	}
}

func TestDdSizes(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		args []string
		size int
	}{
		{[]string{"bs=1k", "count=2"}, 2048},
		{[]string{"bs=1K", "count=2"}, 2048},
		{[]string{"bs=1kB", "count=2"}, 2000},
		{[]string{"bs=1KB", "count=1"}, 1000},
		{[]string{"bs=1M", "count=1"}, 1 << 20},
		{[]string{"bs=1b", "count=3"}, 1536},
		{[]string{"count=3"}, 1536},
	} {
		out, _, st := cmdtest.Run(t, dir, "", "dd", append([]string{"if=/dev/zero"}, tt.args...)...)
		if st != 0 || len(out) != tt.size || strings.Trim(out, "\x00") != "" {
			t.Errorf("dd %q: %d bytes, status %d; want %d", tt.args, len(out), st, tt.size)
		}
	}
}

func TestDdOutput(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	run := func(stdin string, args ...string) string {
		t.Helper()
		_, errOut, st := cmdtest.Run(t, dir, stdin, "dd", append([]string{"status=none"}, args...)...)
		if st != 0 {
			t.Fatalf("dd %q: %d %q", args, st, errOut)
		}
		return cmdtest.ReadFile(t, out)
	}
	if got := run("new", "of=out"); got != "new" {
		t.Errorf("of=out: %q", got)
	}
	os.WriteFile(out, []byte("0123456789"), 0o644)
	if got := run("ab", "of=out"); got != "ab" {
		t.Errorf("of= truncates: %q", got)
	}
	os.WriteFile(out, []byte("0123456789"), 0o644)
	if got := run("ab", "of=out", "bs=2", "seek=2"); got != "0123ab" {
		t.Errorf("seek=2 truncates after: %q", got)
	}
	os.WriteFile(out, []byte("0123456789"), 0o644)
	if got := run("ab", "of=out", "bs=2", "seek=2", "conv=notrunc"); got != "0123ab6789" {
		t.Errorf("conv=notrunc: %q", got)
	}
	os.WriteFile(out, []byte("0123456789"), 0o644)
	if got := run("ab", "of=out", "conv=notrunc"); got != "ab23456789" {
		t.Errorf("conv=notrunc from 0: %q", got)
	}
	os.WriteFile(out, []byte("0123"), 0o644)
	if got := run("ab", "of=out", "seek=6", "oflag=seek_bytes", "conv=fsync"); got != "0123\x00\x00ab" {
		t.Errorf("seek past the end: %q", got)
	}
	os.WriteFile(out, []byte("0123"), 0o644)
	if got := run("ab", "of=out", "oflag=append", "conv=notrunc"); got != "0123ab" {
		t.Errorf("oflag=append: %q", got)
	}
}

func TestDdErrors(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "d"), 0o755)
	tests := []struct {
		args   []string
		errOut string
		status int
	}{
		{[]string{"if=nope"}, "dd: can't open 'nope': No such file or directory\n", 1},
		{[]string{"of=no/x"}, "dd: can't open 'no/x': No such file or directory\n", 1},
		{[]string{"if=d"}, "dd: d: Is a directory\n", 1},
		{[]string{"bs=x"}, "dd: invalid number 'x'\n", 1},
		{[]string{"bs=0"}, "dd: invalid number '0'\n", 1},
		{[]string{"count=1Q"}, "dd: invalid number '1Q'\n", 1},
		{[]string{"conv=bogus"}, "dd: invalid argument 'bogus' to 'conv'\n", 1},
		{[]string{"status=loud"}, "dd: invalid argument 'loud' to 'status'\n", 1},
		{[]string{"foo=1"}, "dd: unknown operand foo\nusage: dd " + ddUsage(t) + "\n", 2},
		{[]string{"junk"}, "dd: bad operand 'junk'\nusage: dd " + ddUsage(t) + "\n", 2},
	}
	for _, tt := range tests {
		_, errOut, st := cmdtest.Run(t, dir, "", "dd", tt.args...)
		if errOut != tt.errOut || st != tt.status {
			t.Errorf("dd %q = %q, %d; want %q, %d", tt.args, errOut, st, tt.errOut, tt.status)
		}
	}
}

func ddUsage(t *testing.T) string {
	_, errOut, _ := cmdtest.Run(t, t.TempDir(), "", "dd", "x")
	usage, _ := strings.CutPrefix(strings.SplitN(errOut, "\n", 3)[1], "usage: dd ")
	return usage
}
