package initutils

// poweroff, reboot and halt: one file, since they differ only in what
// they ask for.

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"

	"pidone.dev/guest/cmds"
	"pidone.dev/guest/power"
)

var (
	_ = cmds.Register(&cmds.Cmd{Name: "poweroff", Usage: "[-f]", Summary: "stop the system and turn it off", Run: powerCmd(power.Poweroff), Quick: true})
	_ = cmds.Register(&cmds.Cmd{Name: "reboot", Usage: "[-f]", Summary: "restart the system", Run: powerCmd(power.Reboot), Quick: true})
	_ = cmds.Register(&cmds.Cmd{Name: "halt", Usage: "[-f]", Summary: "stop the system without turning it off", Run: powerCmd(power.Halt), Quick: true})
)

func powerCmd(a power.Action) func(*cmds.Env, []string) error {
	return func(e *cmds.Env, args []string) error {
		var f cmds.Flags
		force := f.Bool('f', "force", "at once: no clean shutdown by init, only a sync")
		ops, err := f.Parse(args)
		if err != nil {
			return err
		}
		if len(ops) > 0 {
			return cmds.Usagef("unexpected operand %s", ops[0])
		}
		if *force {
			return cmds.RootHint(power.Now(a))
		}
		// The kernel drops a signal that PID 1 does not catch, and kill(2)
		// still succeeds: without this check a foreign init would leave
		// the user waiting for nothing.
		if status, err := os.ReadFile("/proc/1/status"); err == nil {
			if caught, ok := sigCaught(string(status), a.Signal()); ok && !caught {
				comm, _ := os.ReadFile("/proc/1/comm")
				return fmt.Errorf("PID 1 (%s) is not pidone's init and ignores signal %d; %s -f does it at once, without stopping processes", strings.TrimSpace(string(comm)), int(a.Signal()), a)
			}
		}
		if err := power.Request(a); err != nil {
			if cause := errors.Unwrap(err); cause != nil {
				err = cause
			}
			return cmds.SysFail("cannot signal init (PID 1)", err)
		}
		return nil
	}
}

// sigCaught reads the SigCgt mask of a /proc/PID/status: whether the
// process has a handler for sig. ok is false if the mask is missing.
func sigCaught(status string, sig syscall.Signal) (caught, ok bool) {
	for _, line := range strings.Split(status, "\n") {
		if v, found := strings.CutPrefix(line, "SigCgt:"); found {
			mask, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
			if err != nil || sig < 1 || sig > 64 {
				return false, false
			}
			return mask&(1<<(sig-1)) != 0, true
		}
	}
	return false, false
}
