package initd

import (
	"os"
	"os/signal"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/power"
)

// handleSignals routes every signal to init's loop. Go's default for most
// signals is to exit, and PID 1 exiting panics the kernel, so init must
// handle all of them itself.
func (in *initd) handleSignals() chan os.Signal {
	// With Ctrl-Alt-Del "off", the kernel sends SIGINT to init instead of
	// rebooting at once; init then reboots cleanly.
	if err := unix.Reboot(unix.LINUX_REBOOT_CMD_CAD_OFF); err != nil {
		in.debugf("cannot turn off Ctrl-Alt-Del: %v", err)
	}
	sigs := make(chan os.Signal, 64)
	signal.Notify(sigs)
	return sigs
}

// loop is init's only long-running goroutine: everything that changes
// init's state happens here, so there is nothing to lock.
func (in *initd) loop(sigs chan os.Signal) {
	type restart struct{ s *service }
	restarts := make(chan restart, 8)
	// Signals coalesce: one SIGCHLD may stand for many children, and a
	// child may end while init was busy. A slow tick catches any missed.
	tick := time.NewTicker(5 * time.Second)
	for {
		select {
		case sig := <-sigs:
			s, _ := sig.(syscall.Signal)
			switch {
			case s == syscall.SIGCHLD:
			case s == syscall.SIGINT:
				in.logf("Ctrl-Alt-Del: rebooting")
				in.shutdown(power.Reboot)
			case s == syscall.SIGTERM || s == syscall.SIGHUP || s == syscall.SIGQUIT:
				in.logf("ignoring %v sent to PID 1; use poweroff or reboot", s)
			case s == syscall.SIGURG || s == syscall.SIGPIPE || s == syscall.SIGWINCH:
				// SIGURG is the Go runtime's own preemption signal.
			default:
				if a, ok := power.ForSignal(s); ok {
					in.shutdown(a)
				}
				in.debugf("ignoring %v", s)
			}
		case r := <-restarts:
			if !in.shutting {
				in.start(r.s)
			}
		case <-tick.C:
		}
		in.reap(func(s *service, ws unix.WaitStatus) {
			if s.onExit != nil {
				s.onExit(ws)
			}
			delay := in.exited(s, ws)
			switch {
			case s.once && delay < 0:
				in.shutdown(power.Poweroff)
			case delay == 0:
				in.start(s)
			case delay > 0:
				time.AfterFunc(delay, func() { restarts <- restart{s} })
			}
		})
	}
}

// reap collects every child that has ended, orphans included (they are
// all init's children once their parent is gone), and tells done about
// the services among them.
func (in *initd) reap(done func(*service, unix.WaitStatus)) {
	for {
		var ws unix.WaitStatus
		pid, err := unix.Wait4(-1, &ws, unix.WNOHANG, nil)
		if pid <= 0 || err != nil {
			return
		}
		for _, s := range in.services {
			if s.pid == pid {
				done(s, ws)
			}
		}
	}
}
