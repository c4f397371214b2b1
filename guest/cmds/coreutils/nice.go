package coreutils

import (
	"fmt"
	"os/exec"
	"runtime"
	"strconv"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "nice", Usage: "[-n ADJUST] [PROG [ARG]...]", Summary: "run a program at a lower (or higher) priority, or print the niceness", Run: nice})

// niceness is the calling thread's nice value. The system call answers
// 20-nice, so that it is never negative; libc's getpriority undoes it.
func niceness() (int, error) {
	prio, err := unix.Getpriority(unix.PRIO_PROCESS, 0)
	return 20 - prio, err
}

func nice(e *cmds.Env, args []string) error {
	if len(args) == 0 {
		n, err := niceness()
		if err != nil {
			return cmds.SysFail("getpriority", err)
		}
		_, err = fmt.Fprintln(e.Stdout, n)
		return err
	}
	// BusyBox's forms: -n N, -nN and -N (so --5 is -5); the first
	// operand ends the options. 10 without any.
	adjust, ops := "10", args
	if a := args[0]; len(a) > 1 && a[0] == '-' {
		switch {
		case a == "--":
			ops = args[1:]
		case a == "-n" && len(args) > 1:
			adjust, ops = args[1], args[2:]
		case a == "-n":
			return cmds.Usagef("option -n needs a value")
		case a[1] == 'n':
			adjust, ops = a[2:], args[1:]
		default:
			adjust, ops = a[1:], args[1:]
		}
	}
	n, err := strconv.Atoi(adjust)
	if err != nil {
		return cmds.Usagef("invalid number '%s'", adjust)
	}
	if len(ops) == 0 {
		return cmds.Usagef("missing PROG")
	}
	cmd, err := e.Program(ops)
	if err != nil {
		return e.CannotRun(ops[0], err)
	}
	if err := niceStart(cmd, n); err != nil {
		if _, ok := err.(niceError); ok {
			return err
		}
		return e.CannotRun(ops[0], err)
	}
	return cmds.ExitedWith(cmd, cmd.Wait())
}

// niceError is setpriority's failure, which nice reports as such.
type niceError struct{ error }

// niceStart starts cmd adjust steps nicer than we are. Niceness is per
// thread in Linux and a child inherits its creator thread's, so cmd is
// started from a thread of its own made nicer. That thread is never
// handed back to the runtime, which ends it with its goroutine, so the
// rest of the process (the shell, when nice runs in it) keeps its
// niceness even where it could not be raised back.
func niceStart(cmd *exec.Cmd, adjust int) error {
	done := make(chan error)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread dies with us
		old, err := niceness()
		if err == nil {
			prio := max(-20, min(19, old+adjust))
			if err = unix.Setpriority(unix.PRIO_PROCESS, 0, prio); err != nil {
				err = niceError{cmds.SysFail(fmt.Sprintf("setpriority(%d)", prio), err)}
			}
		}
		if err == nil {
			err = cmd.Start()
		}
		done <- err
	}()
	return <-done
}
