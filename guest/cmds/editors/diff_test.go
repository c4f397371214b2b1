package editors

import (
	"testing"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestDiff(t *testing.T) {
	dir := t.TempDir()
	cmdtest.WriteFiles(t, dir, map[string]string{
		"x": "a\nb\nc\n", "x2": "a\nb\nc\n", "y": "a\nB\nc\n", "nonl": "a\nb\nc", "empty": "",
		"long1": "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n", "long2": "1\nTWO\n3\n4\n5\n6\n7\n8\n9\nTEN\n11\n",
		"moved1": "a\nb\nc\nd\n", "moved2": "c\nd\na\nb\n", "case": "A\nb\nC\n", "bin1": "a\x00", "bin2": "b\x00",
		"d1/f": "1\n", "d2/f": "2\n", "d1/only": "o\n", "d1/sub/g": "s\n", "d2/sub/g": "t\n", "d2/sub/new": "n\n",
	})
	for _, tt := range []struct {
		args   []string
		stdin  string
		want   string
		status int
	}{
		{[]string{"x", "x2"}, "", "", 0},
		{[]string{"x", "y"}, "", "--- x\n+++ y\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n", 1},
		{[]string{"-u", "x", "nonl"}, "", "--- x\n+++ nonl\n@@ -1,3 +1,3 @@\n a\n b\n-c\n+c\n\\ No newline at end of file\n", 1},
		{[]string{"-U", "1", "long1", "long2"}, "", "--- long1\n+++ long2\n@@ -1,3 +1,3 @@\n 1\n-2\n+TWO\n 3\n@@ -9,2 +9,3 @@\n 9\n-10\n+TEN\n+11\n", 1},
		{[]string{"-U0", "empty", "x"}, "", "--- empty\n+++ x\n@@ -0,0 +1,3 @@\n+a\n+b\n+c\n", 1},
		{[]string{"x", "empty"}, "", "--- x\n+++ empty\n@@ -1,3 +0,0 @@\n-a\n-b\n-c\n", 1},
		{[]string{"moved1", "moved2"}, "", "--- moved1\n+++ moved2\n@@ -1,4 +1,4 @@\n-a\n-b\n c\n d\n+a\n+b\n", 1},
		{[]string{"-q", "x", "y"}, "", "Files x and y differ\n", 1},
		{[]string{"-s", "x", "x2"}, "", "Files x and x2 are identical\n", 0},
		{[]string{"-L", "old", "-L", "new", "x", "y"}, "", "--- old\n+++ new\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n", 1},
		{[]string{"-i", "x", "case"}, "", "", 0},
		{[]string{"-T", "-U0", "x", "y"}, "", "--- x\n+++ y\n@@ -2 +2 @@\n-\tb\n+\tB\n", 1},
		{[]string{"x", "-"}, "a\nb\nc\n", "", 0},
		{[]string{"bin1", "bin2"}, "", "Binary files bin1 and bin2 differ\n", 1},
		{[]string{"x", "nosuch"}, "", "", 2},
		{[]string{"-N", "empty", "nosuch"}, "", "", 0},
		{[]string{"d1", "d2"}, "", "--- d1/f\n+++ d2/f\n@@ -1 +1 @@\n-1\n+2\nOnly in d1: only\nCommon subdirectories: d1/sub and d2/sub\n", 1},
		{[]string{"-r", "d1", "d2"}, "", "--- d1/f\n+++ d2/f\n@@ -1 +1 @@\n-1\n+2\nOnly in d1: only\n--- d1/sub/g\n+++ d2/sub/g\n@@ -1 +1 @@\n-s\n+t\nOnly in d2/sub: new\n", 1},
		{[]string{"-rq", "d1/sub", "d2/sub"}, "", "Files d1/sub/g and d2/sub/g differ\nOnly in d2/sub: new\n", 1},
		{[]string{"x"}, "", "", 2},
		{[]string{"-U", "x", "a", "b"}, "", "", 2},
	} {
		out, errOut, st := cmdtest.Run(t, dir, tt.stdin, "diff", tt.args...)
		if out != tt.want || st != tt.status {
			t.Errorf("diff %q = %q (status %d, %s), want %q (status %d)", tt.args, out, st, errOut, tt.want, tt.status)
		}
	}
}
