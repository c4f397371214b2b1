package coreutils

import (
	"os"
	"path/filepath"
	"testing"

	"pidone.dev/guest/cmds"
	"pidone.dev/guest/cmds/cmdtest"
)

func TestWc(t *testing.T) {
	dir := t.TempDir()
	cmdtest.WriteFiles(t, dir, map[string]string{
		"a": "one two\nthree\n", "b": "  x  \n\ny", "empty": "", "utf": "héllo wörld\n",
	})
	tests := []struct {
		args        []string
		stdin       string
		out, errOut string
		status      int
	}{
		// BusyBox's width: 9.
		{[]string{"a"}, "", "        2         3        14 a\n", "", 0},
		{[]string{"a", "b"}, "", "        2         3        14 a\n        2         2         8 b\n        4         5        22 total\n", "", 0},
		// One count of one input: no padding at all.
		{[]string{"-l", "a"}, "", "2 a\n", "", 0},
		{[]string{"-l", "a", "b"}, "", "        2 a\n        2 b\n        4 total\n", "", 0},
		{[]string{"-w"}, "a b c\n", "3\n", "", 0},
		{nil, "a b\nc\n", "        2         3         6\n", "", 0},
		{[]string{"-c", "-", "a"}, "xyz", "        3 -\n       14 a\n       17 total\n", "", 0},
		{[]string{"-m", "utf"}, "", "12 utf\n", "", 0},
		{[]string{"-c", "utf"}, "", "14 utf\n", "", 0},
		{[]string{"-L", "a"}, "", "7 a\n", "", 0},
		{[]string{"-lwmc", "empty"}, "", "        0         0         0         0 empty\n", "", 0},
		{[]string{"a", "nope"}, "", "        2         3        14 a\n        2         3        14 total\n", "wc: nope: No such file or directory\n", 1},
		{[]string{"-x"}, "", "", "wc: unknown option -x\nusage: wc [-clmwL] [FILE]...\n", 2},
	}
	for _, tt := range tests {
		out, errOut, st := cmdtest.Run(t, dir, tt.stdin, "wc", tt.args...)
		if out != tt.out || errOut != tt.errOut || st != tt.status {
			t.Errorf("wc %q = %q, %q, %d; want %q, %q, %d", tt.args, out, errOut, st, tt.out, tt.errOut, tt.status)
		}
	}
	// Standard input from a regular file is as any other.
	f, _ := os.Open(filepath.Join(dir, "a"))
	defer f.Close()
	var out syncBuffer
	cmds.Lookup("wc").Main(&cmds.Env{Stdin: f, Stdout: &out}, nil)
	if out.String() != "        2         3        14\n" {
		t.Errorf("wc < a = %q", out.String())
	}
}
