package coreutils

import (
	"path/filepath"
	"testing"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestTee(t *testing.T) {
	dir := t.TempDir()
	cmdtest.WriteFiles(t, dir, map[string]string{"log": "old\n"})
	out, errOut, st := cmdtest.Run(t, dir, "hello\n", "tee", "x", "y")
	if out != "hello\n" || errOut != "" || st != 0 {
		t.Errorf("tee x y = %q, %q, %d", out, errOut, st)
	}
	for _, f := range []string{"x", "y"} {
		if got := cmdtest.ReadFile(t, filepath.Join(dir, f)); got != "hello\n" {
			t.Errorf("%s = %q", f, got)
		}
	}
	cmdtest.Run(t, dir, "more\n", "tee", "-a", "log")
	if got := cmdtest.ReadFile(t, filepath.Join(dir, "log")); got != "old\nmore\n" {
		t.Errorf("tee -a: %q", got)
	}
	out, errOut, st = cmdtest.Run(t, dir, "z\n", "tee", "no/such", "x")
	if out != "z\n" || errOut != "tee: no/such: No such file or directory\n" || st != 1 || cmdtest.ReadFile(t, filepath.Join(dir, "x")) != "z\n" {
		t.Errorf("tee with a bad file: %q, %q, %d", out, errOut, st)
	}
}
