package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"pidone.dev/host/bootdiag"
	"pidone.dev/host/vm"
)

func cmdRun(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("pidone run", flag.ContinueOnError)
	var f imageFlags
	// The kernel unpacks an uncompressed image about 50 ms sooner under
	// TCG than a gzip one, and nothing is shipped from here.
	f.register(fs, "none")
	var m machineFlags
	m.register(fs)
	initrd := fs.String("initrd", "", "boot this initramfs instead of building one")
	verbose := fs.Bool("v", false, "show the kernel's boot messages")
	noReboot := fs.Bool("no-reboot", false, "end QEMU when the guest reboots")
	timeout := fs.Duration("timeout", 0, "with a command: end the VM after this `duration` (e.g. 2m) and fail")
	if err := parse(fs, args); err != nil {
		return err
	}
	command := fs.Args()
	if err := m.check(); err != nil {
		return err
	}
	// Ctrl-C while the image is built stops the build cleanly; once the
	// VM runs, it is the guest's (a key at a terminal, or forwarded to
	// the command).
	bctx, stopBuild := signal.NotifyContext(ctx, os.Interrupt)
	defer stopBuild()
	if *timeout < 0 {
		return usageError{fmt.Sprintf("--timeout %v: give a positive duration such as 2m, or leave it out for none", *timeout)}
	}
	k, err := m.find()
	if err != nil {
		return err
	}
	if err := vm.Check(f.arch); err != nil {
		return err
	}
	if len(command) > 0 {
		// A Go package as the command is built for the guest and added.
		prog, err := goCommand(bctx, command[0], f.arch)
		if err != nil {
			return err
		}
		if prog != nil {
			f.files = append(f.files, *prog)
			command[0] = prog.Guest
		}
	}
	if *initrd == "" {
		f.net = m.devices.netOn()
		f.drivers = m.devices.drivers(len(command) > 0)
		f.kern = k
		if *initrd, err = f.build(bctx); err != nil {
			if bctx.Err() != nil && ctx.Err() == nil {
				return errors.New("interrupted while building the image")
			}
			return err
		}
	} else if d := bootdiag.CheckModules(*initrd, k.Version); d != nil {
		// Said before the boot: once init runs, pidone no longer
		// believes the console.
		fmt.Fprintf(os.Stderr, "pidone: note: %s %s\n", d.Cause, d.Fix)
	}
	var initOpts []string
	tty := term.IsTerminal(int(os.Stdin.Fd())) && term.IsTerminal(int(os.Stdout.Fd()))
	if tty {
		// A serial line has no size or terminal type; tell the guest the
		// host's, so the editor and ls fit the window.
		if t := os.Getenv("TERM"); t != "" && !strings.ContainsAny(t, " \"") {
			initOpts = append(initOpts, "TERM="+t)
		}
		if w, h, err := term.GetSize(int(os.Stdout.Fd())); err == nil && w > 0 && h > 0 {
			initOpts = append(initOpts, fmt.Sprintf("pidone.winsize=%dx%d", w, h))
		}
	}
	var say func(string)
	if *verbose {
		say = func(s string) { fmt.Fprintln(os.Stderr, "pidone: "+s) }
	}
	cfg, err := m.config(ctx, k, f.arch, initOpts, say)
	if err != nil {
		return err
	}
	cfg.Initrd = *initrd
	cfg.Verbose = *verbose
	cfg.NoReboot = *noReboot
	cfg.Log = os.Stderr
	if len(command) > 0 {
		return runCommand(ctx, &cfg, command, *timeout)
	}
	// Ctrl-C at a terminal is a key for the guest (raw mode); a SIGINT
	// that still comes (kill -INT, or no terminal) ends the VM cleanly.
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	// QEMU always ends on a guest reboot or kernel panic; pidone starts a
	// new one when the guest asked to reboot. So a machine that resets
	// in a loop before its kernel says anything is seen, not left
	// spinning, and a panic ends the run at once.
	restart := !*noReboot
	cfg.NoReboot = true
	if tty {
		fmt.Fprintf(os.Stderr, "pidone: booting %s (poweroff or Ctrl-A X to leave)\r\n", filepath.Base(k.Path))
		cfg.Log = crlf{os.Stderr}
	}
	return attach(ctx, &cfg, tty, restart)
}

// crlf ends lines with CR LF, for a terminal in raw mode.
type crlf struct{ w io.Writer }

func (c crlf) Write(p []byte) (int, error) {
	_, err := c.w.Write(bytes.ReplaceAll(p, []byte("\n"), []byte("\r\n")))
	return len(p), err
}

// console forwards the terminal's keys to whichever VM is running: one
// reader for the terminal's whole session, across guest reboots.
type console struct {
	mu sync.Mutex
	w  io.Writer
}

func (c *console) Write(p []byte) (int, error) {
	c.mu.Lock()
	w := c.w
	c.mu.Unlock()
	if w == nil {
		return len(p), nil
	}
	return w.Write(p)
}

func (c *console) set(w io.Writer) {
	c.mu.Lock()
	c.w = w
	c.mu.Unlock()
}

// attach boots cfg with its console wired to this terminal until the
// guest powers off, booting again when it reboots (if restart), and
// explains a failed boot.
func attach(ctx context.Context, cfg *vm.Config, tty, restart bool) error {
	if tty {
		// Raw mode hands every key to the guest: Ctrl-C interrupts the
		// guest's program, and Ctrl-A X reaches QEMU. Restored on every
		// way out, errors and signals included.
		old, err := term.MakeRaw(int(os.Stdin.Fd()))
		if err != nil {
			return fmt.Errorf("terminal: %w", err)
		}
		defer term.Restore(int(os.Stdin.Fd()), old)
	}
	keys := &console{}
	go io.Copy(keys, os.Stdin)
	quick := 0
	for {
		start := time.Now()
		rebooted, err := boot(ctx, cfg, keys, tty)
		if err != nil || !rebooted || !restart {
			return err
		}
		// An init that dies at once makes the kernel panic and reset; a
		// kernel without the pvpanic driver cannot say it was a panic.
		// Booting again for ever would hide that.
		if time.Since(start) < quickReset {
			quick++
		} else {
			quick = 0
		}
		if quick >= maxQuickResets {
			return fmt.Errorf("the guest reset %d times in a row, each within %v of starting; stopping (run with -v to see the kernel's messages)", quick, quickReset)
		}
	}
}

// A guest that resets this many times in a row, each this soon after
// starting, is in a reset loop rather than being rebooted by someone.
const (
	quickReset     = 15 * time.Second
	maxQuickResets = 3
)

// boot runs one QEMU until it ends and reports whether the guest asked to
// reboot. What happened is QEMU's to say (vm.Ending); the console only
// explains a boot that failed before any program ran.
func boot(ctx context.Context, cfg *vm.Config, keys *console, tty bool) (bool, error) {
	vctx, cancel := context.WithCancel(ctx)
	defer cancel()
	v, err := vm.Start(vctx, cfg)
	if err != nil {
		return false, err
	}
	defer v.Kill()
	watch := &bootdiag.Watcher{Initrd: cfg.Initrd, Cmdline: cfg.Append, Mem: cfg.Mem}
	if st, err := os.Stat(cfg.Initrd); err == nil && st.Size() == 0 {
		watch.Initrd = "" // an empty file is no initramfs to the kernel
	}
	watch.Noticed = func(d *bootdiag.Diagnosis) {
		if !d.Fatal {
			// The boot goes on; say now what the kernel's line means.
			fmt.Fprintf(os.Stderr, "\r\npidone: note: %s %s\r\n", d.Cause, d.Fix)
		}
	}
	// A kernel that says nothing for this long will not start talking:
	// say what usually causes it, once, and leave the VM running.
	silence := time.AfterFunc(silentAfter, func() {
		if d := watch.Silent(false, cfg.Mem, vm.Console(cfg.Arch)); d != nil {
			fmt.Fprintf(os.Stderr, "\r\npidone: %s\r\n", d)
		}
	})
	defer silence.Stop()
	con := v.Console()
	keys.set(con)
	defer keys.set(nil)
	out := io.Writer(os.Stdout)
	if !cfg.Verbose {
		out = bootdiag.QuietFilter(os.Stdout)
	}
	copied := make(chan struct{})
	go func() {
		io.Copy(io.MultiWriter(out, watch), con)
		close(copied)
	}()
	err = v.Wait()
	select {
	case <-copied:
	case <-time.After(time.Second):
	}
	fatal := func() error {
		if d := watch.Diagnosis(); d != nil && d.Fatal {
			return fmt.Errorf("boot failed: %s", d)
		}
		return nil
	}
	switch v.Ending() {
	case vm.Failed:
		return false, err
	case vm.Killed:
		if ctx.Err() != nil {
			return false, errors.New("stopped by a signal; the VM was ended")
		}
		return false, nil // Ctrl-A X
	case vm.Panic:
		if err := fatal(); err != nil {
			return false, err
		}
		return false, errors.New("the guest kernel panicked; see the messages above")
	case vm.Reset:
		if !watch.Started() {
			// No program has run yet: the kernel gave up booting.
			if err := fatal(); err != nil {
				return false, err
			}
			if d := watch.Silent(true, cfg.Mem, vm.Console(cfg.Arch)); d != nil {
				return false, fmt.Errorf("boot failed: %s", d)
			}
		}
		return true, nil
	}
	return false, nil // powered off
}

// silentAfter is how long pidone waits for the kernel's first message
// before explaining the silence (boots under TCG take a few seconds).
// PIDONE_SILENT_AFTER shortens it for the test that provokes silence.
var silentAfter = func() time.Duration {
	if d, err := time.ParseDuration(os.Getenv("PIDONE_SILENT_AFTER")); err == nil && d > 0 {
		return d
	}
	return 30 * time.Second
}()
