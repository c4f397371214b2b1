package initd

import (
	"os"

	"pidone.dev/pkg/bootopts"
)

// bootMode is what differs between the start-up of pidone's init (Main)
// and that of a program that is PID 1 itself (Setup). The rest is boot,
// one sequence for both, so that the two cannot drift apart.
type bootMode struct {
	// execInit honours pidone.init. A program that is PID 1 itself is
	// the init it wants.
	execInit bool
	// waitModules waits for the boot's drivers whatever the options: a
	// program that is PID 1 itself may use any device once Setup
	// returns. Init waits only when the boot needs devices, and lets the
	// shell's prompt come before the drivers.
	waitModules bool
	// reapOrphans reaps only the children that nobody waits for
	// (orphans.go), so that a program may use os/exec. Otherwise every
	// signal goes to the channel boot returns, for init's loop, which
	// reaps every child.
	reapOrphans bool
	// report takes each error of the start-up: init logs it at once,
	// Setup returns them all.
	report func(error)
}

// boot makes the machine usable: console, basic mounts, the panic
// device, options, environment, host name, then the reaper, the drivers,
// storage and network. What init starts on top (the shell, services, a
// command from the host) is its own.
func (in *initd) boot(m bootMode) (sigs chan os.Signal) {
	ensureConsole()
	for _, err := range mountBasics() {
		m.report(err)
	}
	waitCgroups := startCgroups()
	in.loadPanicDriver()
	if err := linkModprobe(); err != nil {
		m.report(err)
	}
	opts, errs := LoadOptions()
	in.opts = opts
	for _, err := range errs {
		m.report(err)
	}
	setupEnv(opts)
	if err := setHostname(opts.Hostname); err != nil {
		m.report(err)
	}
	if m.execInit && opts.Init != "" {
		// The other init starts with cgroups set up, as ours does.
		waitCgroups()
		in.execInit(opts.Init) // returns only if nothing could be run
	}
	// The reaper and the signals before the first child, and before a
	// signal (Ctrl-Alt-Del, a SIGTERM) could end PID 1 by Go's default.
	if m.reapOrphans {
		go reapOrphans()
	} else {
		sigs = in.handleSignals()
	}
	// Devices first: the data disk, shares and network card appear only
	// once their drivers (modules in distribution kernels) are loaded.
	// What needs devices waits for their drivers: a command from the
	// host (its ports), the data disk, shares, appliances. The shell and
	// pidone.run do not: a script that needs a device right away runs
	// settle first (the network waits for its card by itself).
	wait := m.waitModules || needDevices(opts)
	in.startModules(!wait && !opts.NoShell && opts.Run == "")
	if wait {
		in.waitModules()
	}
	if m.execInit && opts.Root != "" {
		// The real root (root=): the disk's driver is loaded by now.
		in.switched = in.switchRoot()
	}
	in.mountStorage()
	in.startNetwork()
	if err := waitCgroups(); err != nil {
		m.report(err)
	}
	return sigs
}

// needDevices reports whether what the options start needs the boot's
// devices from the start.
func needDevices(o bootopts.Options) bool {
	return o.Exec || o.Data != "" || len(o.Shares) > 0 || len(o.Apps) > 0 || o.Root != ""
}
