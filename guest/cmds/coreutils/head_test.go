package coreutils

import (
	"fmt"
	"strings"
	"testing"

	"pidone.dev/guest/cmds"
	"pidone.dev/guest/cmds/cmdtest"
)

func TestHead(t *testing.T) {
	dir := t.TempDir()
	var twelve strings.Builder
	for i := 1; i <= 12; i++ {
		fmt.Fprintf(&twelve, "%d\n", i)
	}
	cmdtest.WriteFiles(t, dir, map[string]string{"12": twelve.String(), "empty": "", "nonl": "a\nb", "two": "x\ny\n"})
	tests := []struct {
		args        []string
		stdin       string
		out, errOut string
		status      int
	}{
		{[]string{"12"}, "", "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n", "", 0},
		{[]string{"-n", "3", "12"}, "", "1\n2\n3\n", "", 0},
		{[]string{"-n3", "12"}, "", "1\n2\n3\n", "", 0},
		{[]string{"-2", "12"}, "", "1\n2\n", "", 0},
		{[]string{"-n", "0", "12"}, "", "", "", 0},
		{[]string{"-n", "100", "two"}, "", "x\ny\n", "", 0},
		{[]string{"-n", "-10", "12"}, "", "1\n2\n", "", 0},
		{[]string{"-c", "5", "12"}, "", "1\n2\n3", "", 0},
		{[]string{"-c", "-20", "12"}, "", "1\n2\n3\n4", "", 0},
		{[]string{"empty"}, "", "", "", 0},
		{[]string{"nonl"}, "", "a\nb", "", 0},
		{[]string{"-n", "1", "nonl"}, "", "a\n", "", 0},
		{nil, "s1\ns2\n", "s1\ns2\n", "", 0},
		{[]string{"-n1", "two", "-", "nonl"}, "in\n", "==> two <==\nx\n\n==> standard input <==\nin\n\n==> nonl <==\na\n", "", 0},
		{[]string{"-q", "-n1", "two", "two"}, "", "x\nx\n", "", 0},
		{[]string{"-v", "-n1", "two"}, "", "==> two <==\nx\n", "", 0},
		{[]string{"nope", "two"}, "", "==> two <==\nx\ny\n", "head: nope: No such file or directory\n", 1},
		{[]string{"-n", "x", "two"}, "", "", "head: invalid number of lines: 'x'\nusage: head [-qv] [-n [-]N | -c [-]N | -N] [FILE]...\n", 2},
		{[]string{"-k"}, "", "", "head: unknown option -k\nusage: head [-qv] [-n [-]N | -c [-]N | -N] [FILE]...\n", 2},
	}
	for _, tt := range tests {
		out, errOut, st := cmdtest.Run(t, dir, tt.stdin, "head", tt.args...)
		if out != tt.out || errOut != tt.errOut || st != tt.status {
			t.Errorf("head %q = %q, %q, %d; want %q, %q, %d", tt.args, out, errOut, st, tt.out, tt.errOut, tt.status)
		}
	}
}

// TestHeadStopsReading: head must not read its whole input, or
// "yes | head" would never end.
func TestHeadStopsReading(t *testing.T) {
	r := &countingReader{}
	var out strings.Builder
	e := &cmds.Env{Stdin: r, Stdout: &out}
	if st := cmds.Lookup("head").Main(e, []string{"-n", "2"}); st != 0 || out.String() != "y\ny\n" {
		t.Fatalf("head: %d %q", st, out.String())
	}
	if r.n > 1<<20 {
		t.Errorf("head read %d bytes for two lines", r.n)
	}
}

// countingReader is an endless "y\n".
type countingReader struct{ n int }

func (c *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = "y\n"[i%2]
	}
	p = p[:len(p)&^1]
	c.n += len(p)
	return len(p), nil
}
