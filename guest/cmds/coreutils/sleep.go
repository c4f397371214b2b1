package coreutils

import (
	"math"
	"time"

	"pidone.dev/guest/cmds"
)

// Not Quick: it waits on the clock, and Ctrl-C must reach it.
var _ = cmds.Register(&cmds.Cmd{Name: "sleep", Usage: "DURATION...", Summary: "wait for a time (5, 0.5, 2m, 1h, 1d, 1m30s, infinity)", Run: sleep})

func sleep(e *cmds.Env, args []string) error {
	var f cmds.Flags
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) == 0 {
		return cmds.Usagef("missing operand")
	}
	var total time.Duration
	for _, op := range ops {
		d, ok := cmds.ParseDuration(op)
		if !ok {
			return cmds.Usagef("invalid time interval '%s'", op)
		}
		if total += d; total < 0 { // overflow: forever
			total = math.MaxInt64
		}
	}
	t := time.NewTimer(total)
	defer t.Stop()
	ctx := e.Context()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
