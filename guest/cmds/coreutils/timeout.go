package coreutils

import (
	"fmt"
	"syscall"
	"time"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "timeout", Usage: "[-s SIG] [-k KILL_SECS] SECS PROG [ARG]...", Summary: "run a program, signalling it if it runs too long", Run: timeout})

// timeout runs PROG and sends it SIG (TERM) after SECS, and KILL after
// KILL_SECS more if -k is given. Its status is PROG's, as in BusyBox,
// which becomes PROG by exec: 128+15 = 143 when the TERM killed it, not
// GNU's 124, which scripts written for BusyBox do not expect.
func timeout(e *cmds.Env, args []string) error {
	var f cmds.Flags
	sigName := f.String('s', "signal", "TERM", "the signal to send")
	killAfter := f.String('k', "kill-after", "", "send KILL this long after the signal")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	sig, err := cmds.ParseSignal(*sigName)
	if err != nil {
		return fmt.Errorf("unknown signal '%s'", *sigName) // status 1, as BusyBox
	}
	var grace time.Duration
	if *killAfter != "" {
		var ok bool
		if grace, ok = cmds.ParseDuration(*killAfter); !ok {
			return cmds.Usagef("invalid time interval '%s'", *killAfter)
		}
	}
	if len(ops) < 2 {
		return cmds.Usagef("missing SECS or PROG")
	}
	limit, ok := cmds.ParseDuration(ops[0])
	if !ok {
		return cmds.Usagef("invalid time interval '%s'", ops[0])
	}
	cmd, err := e.Program(ops[1:])
	if err == nil {
		err = cmd.Start()
	}
	if err != nil {
		return e.CannotRun(ops[1], err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	timer := time.NewTimer(limit)
	defer timer.Stop()
	var kill <-chan time.Time
	for {
		select {
		case err := <-done:
			return cmds.ExitedWith(cmd, err)
		case <-timer.C:
			cmd.Process.Signal(sig)
			if grace > 0 {
				kill = time.After(grace)
			}
		case <-kill:
			cmd.Process.Signal(syscall.SIGKILL)
		case <-e.Context().Done():
			// Ctrl-C on an in-process timeout: what the terminal would
			// have sent the program, had it been in the foreground.
			cmd.Process.Signal(syscall.SIGINT)
		}
	}
}
