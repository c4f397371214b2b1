package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"pidone.dev/host/bootdiag"
	"pidone.dev/host/kernel"
	"pidone.dev/host/vm"
)

func cmdRun(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("pidone run", flag.ContinueOnError)
	var f imageFlags
	// The kernel unpacks an uncompressed image about 50 ms sooner under
	// TCG than a gzip one, and nothing is shipped from here.
	f.register(fs, "none")
	kflag := fs.String("kernel", "", "kernel `image` to boot (default: $PIDONE_KERNEL, pidone's cache, /boot)")
	initrd := fs.String("initrd", "", "boot this initramfs instead of building one")
	mem := fs.Int("mem", 256, "guest memory in `MiB`")
	smp := fs.Int("smp", 1, "virtual CPUs")
	appendFlag := fs.String("append", "", "extra kernel command line")
	verbose := fs.Bool("v", false, "show the kernel's boot messages")
	noReboot := fs.Bool("no-reboot", false, "end QEMU when the guest reboots")
	timeout := fs.Duration("timeout", 0, "with a command: end the VM after this `duration` (e.g. 2m) and fail")
	var d deviceFlags
	d.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	command := fs.Args()
	if *mem < 16 {
		return usageError{fmt.Sprintf("--mem %d: too little memory for Linux; give at least 16 (MiB)", *mem)}
	}
	k, err := kernel.Find(*kflag)
	if err != nil {
		return err
	}
	if err := d.checkShareKernel(k); err != nil {
		return err
	}
	if err := vm.Check(f.arch); err != nil {
		return err
	}
	if len(command) > 0 {
		// A Go package as the command is built for the guest and added.
		prog, err := goCommand(ctx, command[0], f.arch)
		if err != nil {
			return err
		}
		if prog != nil {
			f.files = append(f.files, *prog)
			command[0] = prog.Guest
		}
	}
	if *initrd == "" {
		f.net = d.netOn()
		f.drivers = d.drivers(len(command) > 0)
		f.kern = k
		if *initrd, err = f.build(ctx); err != nil {
			return err
		}
	}
	cmdline := []string{}
	tty := term.IsTerminal(int(os.Stdin.Fd())) && term.IsTerminal(int(os.Stdout.Fd()))
	if tty {
		// A serial line has no size or terminal type; tell the guest the
		// host's, so the editor and ls fit the window.
		if t := os.Getenv("TERM"); t != "" && !strings.ContainsAny(t, " \"") {
			cmdline = append(cmdline, "TERM="+t)
		}
		if w, h, err := term.GetSize(int(os.Stdout.Fd())); err == nil && w > 0 && h > 0 {
			cmdline = append(cmdline, fmt.Sprintf("pidone.winsize=%dx%d", w, h))
		}
	}
	cmdline = append(cmdline, d.initOptions()...)
	if *appendFlag != "" {
		cmdline = append(cmdline, *appendFlag)
	}
	cfg := &vm.Config{
		Kernel:   k.Path,
		Initrd:   *initrd,
		Append:   strings.Join(cmdline, " "),
		Mem:      *mem,
		CPUs:     *smp,
		Arch:     f.arch,
		Verbose:  *verbose,
		NoReboot: *noReboot,
	}
	d.apply(cfg)
	if len(command) > 0 {
		return runCommand(ctx, cfg, command, *timeout)
	}
	// QEMU always ends on a guest reboot or kernel panic; pidone starts a
	// new one when the guest asked to reboot. So a machine that resets
	// in a loop before its kernel says anything is seen, not left
	// spinning, and a panic ends the run at once.
	restart := !*noReboot
	cfg.NoReboot = true
	if tty {
		fmt.Fprintf(os.Stderr, "pidone: booting %s (poweroff or Ctrl-A X to leave)\r\n", filepath.Base(k.Path))
	}
	return attach(ctx, cfg, tty, restart)
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
	for {
		rebooted, err := boot(ctx, cfg, keys, tty)
		if err != nil || !rebooted || !restart {
			return err
		}
	}
}

// boot runs one QEMU until it ends and reports whether the guest asked to
// reboot.
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
	watch.Panicked = func() {
		// Let the rest of the panic message arrive, then stop.
		time.AfterFunc(500*time.Millisecond, v.Kill)
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
	if ctx.Err() != nil {
		return false, errors.New("stopped by a signal; the VM was ended")
	}
	if d := watch.Diagnosis(); d != nil && d.Fatal {
		return false, fmt.Errorf("boot failed: %s", d)
	}
	if watch.KernelPanicked() {
		return false, errors.New("the guest kernel panicked; see the messages above")
	}
	if err != nil {
		return false, err
	}
	if d := watch.Silent(true, cfg.Mem, vm.Console(cfg.Arch)); d != nil {
		return false, fmt.Errorf("boot failed: %s", d)
	}
	return watch.Rebooted(), nil
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
