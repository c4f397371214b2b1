package coreutils

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pidone.dev/guest/cmds"
	"pidone.dev/guest/cmds/cmdtest"
)

func TestMv(t *testing.T) {
	dir := t.TempDir()
	cmdtest.WriteFiles(t, dir, map[string]string{"a": "A", "b": "B", "d1/x": "X", "d2/": "", "dd/": "", "full/y": ""})
	tests := []struct {
		args        []string
		out, errOut string
		status      int
	}{
		{[]string{"a", "a2"}, "", "", 0},
		{[]string{"-v", "a2", "d2"}, "renamed 'a2' -> 'd2/a2'\n", "", 0},
		{[]string{"d1", "d2"}, "", "", 0},
		{[]string{"b", "d2/d1/x"}, "", "", 0},
		{[]string{"nope", "z"}, "", "mv: nope: No such file or directory\n", 1},
		{[]string{"d2", "d2/d1"}, "", "mv: cannot move 'd2' to a subdirectory of itself, 'd2/d1/d2'\n", 1},
		{[]string{"dd", "d2/d1/x"}, "", "mv: cannot overwrite non-directory 'd2/d1/x' with directory 'dd'\n", 1},
		{[]string{"d2/a2", "d2/a2"}, "", "mv: 'd2/a2' and 'd2/a2' are the same file\n", 1},
		{[]string{"x"}, "", "mv: missing destination file operand after 'x'\nusage: mv " + cmds.Lookup("mv").Usage + "\n", 2},
	}
	for _, tt := range tests {
		out, errOut, st := cmdtest.Run(t, dir, "", "mv", tt.args...)
		if out != tt.out || errOut != tt.errOut || st != tt.status {
			t.Errorf("mv %q = %q, %q, %d; want %q, %q, %d", tt.args, out, errOut, st, tt.out, tt.errOut, tt.status)
		}
	}
	if got := treeOf(t, dir); got[strings.Index(got, "\n")+1:] != "d2 drwxr-xr-x\nd2/a2 -rw-r--r-- A\nd2/d1 drwxr-xr-x\nd2/d1/x -rw-r--r-- B\ndd drwxr-xr-x\nfull drwxr-xr-x\nfull/y -rw-r--r-- " {
		t.Errorf("after mv:\n%s", got)
	}
}

// TestMvAcross checks the copy-and-remove path that rename's EXDEV takes.
func TestMvAcross(t *testing.T) {
	dir := t.TempDir()
	cmdtest.WriteFiles(t, dir, map[string]string{"src/f": "F", "src/sub/g": "G"})
	os.Symlink("f", filepath.Join(dir, "src/l"))
	want := treeOf(t, filepath.Join(dir, "src"))
	e := &cmds.Env{Dir: dir, Stdout: &strings.Builder{}, Stderr: &strings.Builder{}}
	if err := mvAcross(e, filepath.Join(dir, "src"), "src", filepath.Join(dir, "dst"), "dst", false); err != nil || e.Failed() {
		t.Fatalf("mvAcross: %v, %s", err, e.Stderr)
	}
	if got := treeOf(t, filepath.Join(dir, "dst")); got != want {
		t.Errorf("moved tree:\n%s\nwant\n%s", got, want)
	}
	if _, err := os.Lstat(filepath.Join(dir, "src")); err == nil {
		t.Errorf("source left behind")
	}
}

func TestMvTarget(t *testing.T) {
	dir := t.TempDir()
	cmdtest.WriteFiles(t, dir, map[string]string{"a": "A", "b": "B", "c": "C", "there/": "", "d/": ""})
	for _, tt := range []struct {
		args   []string
		stdin  string
		status int
	}{
		{[]string{"-t", "there", "a", "b"}, "", 0},
		{[]string{"-T", "c", "d"}, "", 1}, // cannot overwrite a directory with a file
		{[]string{"-t", "c", "d"}, "", 1}, // c is no directory
		{[]string{"-i", "c", "there/a"}, "n\n", 0},
		{[]string{"-if", "c", "there/b"}, "", 0},
	} {
		if _, errOut, st := cmdtest.Run(t, dir, tt.stdin, "mv", tt.args...); st != tt.status {
			t.Errorf("mv %q: %d %q, want %d", tt.args, st, errOut, tt.status)
		}
	}
	if got := treeOf(t, dir); got != ". drwxr-xr-x\nd drwxr-xr-x\nthere drwxr-xr-x\nthere/a -rw-r--r-- A\nthere/b -rw-r--r-- C" {
		t.Errorf("after mv:\n%s", got)
	}
	if got := lastLetter([]string{"-f", "-i", "-tn", "-t", "f", "x", "-n"}, "fin"); got != 'i' {
		t.Errorf("lastLetter: %c", got)
	}
}
