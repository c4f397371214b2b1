package initd_test

import (
	"regexp"
	"testing"
	"time"

	"pidone.dev/host/system"
	"pidone.dev/vmtest"
)

// TestPID1Exec boots a program that is PID 1 through initd.Run and runs a
// program 2000 times with os/exec, four at a time: init's reaper must
// leave the children os/exec waits for alone, and still reap an orphan.
// The program is one that exits at once ("tiny"): it often ends before
// os/exec waits for it, which is when a reaper taking every child took
// it first (165 of 2000 runs failed so). pidone's /bin/true, a Go program
// slow to start under TCG, lost about one run in 2000.
func TestPID1Exec(t *testing.T) {
	t.Parallel()
	vmtest.SkipInGuest(t)
	// As pidone run --app --pid1 makes it: the program is /init,
	// pidone's commands are in /bin.
	v := vmtest.Start(t, &vmtest.Options{Apps: []system.App{{Pkg: "./testdata/pid1exec"}}, PID1: true, Append: "-- tiny"})
	orphan := regexp.MustCompile(`orphan (\d+)\n`).FindStringSubmatch(v.MustExpect("exec ") + "\n")
	if orphan == nil {
		t.Fatalf("no orphan:\n%s", v.Output())
	}
	v.MustExpect("zombies: ")
	if err := v.Exit(60 * time.Second); err != nil {
		t.Fatal(err)
	}
	out := v.Output()
	if m := regexp.MustCompile(`exec \S+: (\d+) of (\d+) failed.*`).FindStringSubmatch(out); m == nil || m[1] != "0" {
		t.Errorf("os/exec lost children to init's reaper: %v", m)
	} else {
		t.Log(m[0])
	}
	if !regexp.MustCompile(`orphan ` + orphan[1] + ` reaped`).MatchString(out) {
		t.Errorf("orphan %s not reaped:\n%s", orphan[1], out)
	}
	if !regexp.MustCompile(`zombies: 0\b`).MatchString(out) {
		t.Errorf("zombies left:\n%s", out)
	}
}
