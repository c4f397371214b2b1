package coreutils

import (
	"runtime"
	"strconv"
	"testing"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestNproc(t *testing.T) {
	if out, _, st := cmdtest.Run(t, "", "", "nproc"); st != 0 || out != strconv.Itoa(runtime.NumCPU())+"\n" {
		t.Errorf("nproc: %d %q", st, out)
	}
	if out, _, _ := cmdtest.Run(t, "", "", "nproc", "--ignore=100000"); out != "1\n" {
		t.Errorf("nproc --ignore: %q", out)
	}
	if out, _, st := cmdtest.Run(t, "", "", "nproc", "--all"); st != 0 || out == "0\n" {
		t.Errorf("nproc --all: %d %q", st, out)
	}
	for s, want := range map[string]int{"0": 1, "0-3": 4, "0-3,5,7-8": 7, "": 0, "x": 0, "3-1": 0} {
		if got := cpuListCount(s); got != want {
			t.Errorf("cpuListCount(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestTty(t *testing.T) {
	// run's stdin is a string reader: not a terminal.
	if out, _, st := cmdtest.Run(t, "", "", "tty"); st != 1 || out != "not a tty\n" {
		t.Errorf("tty: %d %q", st, out)
	}
	if out, _, st := cmdtest.Run(t, "", "", "tty", "-s"); st != 1 || out != "" {
		t.Errorf("tty -s: %d %q", st, out)
	}
}

func TestSync(t *testing.T) {
	dir := t.TempDir()
	if _, errs, st := cmdtest.Run(t, dir, "", "sync"); st != 0 {
		t.Errorf("sync: %d %q", st, errs)
	}
	if _, errs, st := cmdtest.Run(t, dir, "", "sync", "-d", "."); st != 0 {
		t.Errorf("sync -d .: %d %q", st, errs)
	}
	if _, errs, st := cmdtest.Run(t, dir, "", "sync", "-f", ".", "missing"); st != 1 || errs != "sync: missing: No such file or directory\n" {
		t.Errorf("sync missing: %d %q", st, errs)
	}
}
