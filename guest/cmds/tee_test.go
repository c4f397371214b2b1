package cmds

import (
	"path/filepath"
	"testing"
)

func TestTee(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"log": "old\n"})
	out, errOut, st := run(t, dir, "hello\n", "tee", "x", "y")
	if out != "hello\n" || errOut != "" || st != 0 {
		t.Errorf("tee x y = %q, %q, %d", out, errOut, st)
	}
	for _, f := range []string{"x", "y"} {
		if got := readFile(t, filepath.Join(dir, f)); got != "hello\n" {
			t.Errorf("%s = %q", f, got)
		}
	}
	run(t, dir, "more\n", "tee", "-a", "log")
	if got := readFile(t, filepath.Join(dir, "log")); got != "old\nmore\n" {
		t.Errorf("tee -a: %q", got)
	}
	out, errOut, st = run(t, dir, "z\n", "tee", "no/such", "x")
	if out != "z\n" || errOut != "tee: no/such: No such file or directory\n" || st != 1 || readFile(t, filepath.Join(dir, "x")) != "z\n" {
		t.Errorf("tee with a bad file: %q, %q, %d", out, errOut, st)
	}
}

func TestClear(t *testing.T) {
	if out, _, st := run(t, "", "", "clear"); out != "\x1b[H\x1b[2J\x1b[3J" || st != 0 {
		t.Errorf("clear = %q, %d", out, st)
	}
	if _, _, st := run(t, "", "", "clear", "x"); st != 2 {
		t.Errorf("clear x: %d", st)
	}
}
