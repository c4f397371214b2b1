package initutils

import (
	"syscall"
	"testing"

	"pidone.dev/guest/cmds"
	"pidone.dev/guest/cmds/cmdtest"
)

// Only what cannot reach PID 1: these tests run on the host.
func TestPowerUsage(t *testing.T) {
	for _, name := range []string{"poweroff", "reboot", "halt"} {
		if c := cmds.Lookup(name); c == nil || !c.Quick {
			t.Errorf("%s: not registered as quick", name)
		}
		for _, args := range [][]string{{"now"}, {"-x"}, {"-f", "now"}} {
			if _, _, st := cmdtest.Run(t, "", "", name, args...); st != 2 {
				t.Errorf("%s %q: status %d, want 2", name, args, st)
			}
		}
	}
}

func TestSigCaught(t *testing.T) {
	status := "Name:\tinit\nSigBlk:\t0000000000000000\nSigIgn:\t0000000000001000\nSigCgt:\t0000003800004a03\n"
	for sig, want := range map[syscall.Signal]bool{1: true, 2: true, 3: false, 10: true, 12: true, 15: true, 16: false, 34: false, 36: true, 37: true, 38: true, 39: false} {
		if got, ok := sigCaught(status, sig); !ok || got != want {
			t.Errorf("signal %d: caught %v %v, want %v", sig, got, ok, want)
		}
	}
	if _, ok := sigCaught("Name:\tx\n", 1); ok {
		t.Errorf("no SigCgt line: ok")
	}
	if _, ok := sigCaught("SigCgt:\tzz\n", 1); ok {
		t.Errorf("bad SigCgt: ok")
	}
}
