// Package power asks PID 1 to power off, reboot or halt the machine, and
// does it directly when there is no init to ask.
//
// The signals follow systemd's convention (SIGRTMIN+3/4/5) and busybox's
// (SIGUSR1 halt, SIGUSR2 poweroff), so other tools that speak either work
// with pidone's init. SIGTERM is deliberately not one of them: a stray
// "kill -TERM 1" must not take the machine down.
package power

import (
	"fmt"
	"syscall"

	"golang.org/x/sys/unix"
)

// Action is what to do with the machine.
type Action int

const (
	Poweroff Action = iota
	Reboot
	Halt
)

func (a Action) String() string {
	switch a {
	case Reboot:
		return "reboot"
	case Halt:
		return "halt"
	}
	return "poweroff"
}

// sigrtmin is the kernel's SIGRTMIN; glibc reserves 32 and 33 for itself
// and reports 34, but the kernel numbers start at 32 and systemd counts
// from glibc's 34.
const sigrtmin = 34

// Signals PID 1 listens to.
var (
	SigHalt     = syscall.Signal(sigrtmin + 3)
	SigPoweroff = syscall.Signal(sigrtmin + 4)
	SigReboot   = syscall.Signal(sigrtmin + 5)
)

// Signal returns the signal that asks init for a.
func (a Action) Signal() syscall.Signal {
	switch a {
	case Reboot:
		return SigReboot
	case Halt:
		return SigHalt
	}
	return SigPoweroff
}

// ForSignal maps a signal received by init to an action.
func ForSignal(sig syscall.Signal) (Action, bool) {
	switch sig {
	case SigPoweroff, syscall.SIGUSR2:
		return Poweroff, true
	case SigReboot:
		return Reboot, true
	case SigHalt, syscall.SIGUSR1:
		return Halt, true
	}
	return 0, false
}

// Request asks PID 1 to carry out a.
func Request(a Action) error {
	if err := unix.Kill(1, a.Signal()); err != nil {
		return fmt.Errorf("signal init: %w", err)
	}
	return nil
}

// Now syncs and carries out a at once, without stopping processes or
// unmounting anything. Only init (or "poweroff -f") should call it.
func Now(a Action) error {
	unix.Sync()
	cmd := unix.LINUX_REBOOT_CMD_POWER_OFF
	switch a {
	case Reboot:
		cmd = unix.LINUX_REBOOT_CMD_RESTART
	case Halt:
		// Above MaxInt32: a variable, so that 32-bit guests convert it
		// at run time to the bits the kernel reads.
		halt := uint32(unix.LINUX_REBOOT_CMD_HALT)
		cmd = int(halt)
	}
	return unix.Reboot(cmd)
}
