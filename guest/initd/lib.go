package initd

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/power"
)

// This file is init as a library, for a Go program that is PID 1 itself
// (pidone build --app PKG --pid1): the same start-up and shut-down as
// pidone's init, without the shell and the supervision.
//
//	func main() {
//		initd.Run(func() error { return http.ListenAndServe(":80", nil) })
//	}

// Setup makes the calling process a working PID 1: it mounts /proc, /sys,
// /dev and the tmpfs's, gives it a console, sets the host name and the
// environment, loads the modules its devices need, mounts pidone.data and
// shares, brings up loopback (and the network with pidone.net=dhcp in
// images built with it), and reaps orphans from then on. Outside PID 1 it
// does nothing, so the same program runs on a developer's machine.
//
// The reaper leaves alone the children that os/exec (or os.StartProcess)
// started and will wait for, so the program may use os/exec as anywhere
// else. It reaps every other child that ends: orphans, and children
// started with syscall.ForkExec, which the program should not wait for
// itself.
func Setup() error {
	if os.Getpid() != 1 {
		return nil
	}
	var errs []error
	in := &initd{}
	in.boot(bootMode{
		waitModules: true,
		reapOrphans: true,
		report:      func(err error) { errs = append(errs, err) },
	})
	return errors.Join(errs...)
}

// Poweroff stops every other process, syncs, unmounts the filesystems and
// turns the machine off: what PID 1 does instead of exiting. Outside PID
// 1 it exits with status 0.
func Poweroff() {
	if os.Getpid() != 1 {
		os.Exit(0)
	}
	in := &initd{}
	in.opts, _ = LoadOptions()
	in.shutdown(power.Poweroff)
}

// Run runs f as the whole system: Setup, then f, then Poweroff, whatever
// f returns; SIGTERM, SIGINT (Ctrl-Alt-Del) and the poweroff command's
// signals power off cleanly, and a panic in f is logged and powers off
// rather than panicking the kernel. Outside PID 1 it runs f and exits
// with f's error.
func Run(f func() error) {
	if os.Getpid() != 1 {
		if err := f(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(os.Stderr, "init: panic: %v\n%s", r, debug.Stack())
		}
		Poweroff()
	}()
	if err := Setup(); err != nil {
		fmt.Fprintf(os.Stderr, "init: %v\n", err)
	}
	unix.Reboot(unix.LINUX_REBOOT_CMD_CAD_OFF)
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, power.SigPoweroff, power.SigReboot, power.SigHalt, syscall.SIGUSR1, syscall.SIGUSR2)
	go func() {
		<-sigs
		Poweroff()
	}()
	if err := f(); err != nil {
		fmt.Fprintf(os.Stderr, "init: %v\n", err)
	}
}
