package coreutils

import (
	"context"
	"testing"
	"time"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestSleep(t *testing.T) {
	start := time.Now()
	if _, errs, st := cmdtest.Run(t, "", "", "sleep", "0.03", "0.02"); st != 0 || time.Since(start) < 50*time.Millisecond {
		t.Errorf("sleep 0.03 0.02: status %d %q after %v", st, errs, time.Since(start))
	}
	if _, errs, st := cmdtest.Run(t, "", "", "sleep", "1", "x"); st != 2 || errs != "sleep: invalid time interval 'x'\nusage: sleep DURATION...\n" {
		t.Errorf("sleep x: %d %q", st, errs)
	}
	if _, _, st := cmdtest.Run(t, "", "", "sleep"); st != 2 {
		t.Errorf("sleep: status %d", st)
	}

	// Ctrl-C ends the sleep at once, with 128+SIGINT.
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	start = time.Now()
	if _, errs, st := cmdtest.RunContext(t, ctx, "sleep", "infinity"); st != 130 || time.Since(start) > time.Second {
		t.Errorf("cancelled sleep: status %d %q after %v", st, errs, time.Since(start))
	}
	if _, _, st := cmdtest.RunContext(t, ctx, "sleep", "10"); st != 130 {
		t.Errorf("sleep with a cancelled context: status %d", st)
	}
}
