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
	var d deviceFlags
	d.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected arguments %q", strings.Join(fs.Args(), " "))}
	}
	if *mem < 16 {
		return usageError{fmt.Sprintf("--mem %d: too little memory for Linux; give at least 16 (MiB)", *mem)}
	}
	k, err := kernel.Find(*kflag)
	if err != nil {
		return err
	}
	if err := vm.Check(f.arch); err != nil {
		return err
	}
	if *initrd == "" {
		f.net = d.netOn()
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
	vctx, cancel := context.WithCancel(ctx)
	defer cancel()
	v, err := vm.Start(vctx, cfg)
	if err != nil {
		return err
	}
	defer v.Kill()
	if tty {
		fmt.Fprintf(os.Stderr, "pidone: booting %s (poweroff or Ctrl-A X to leave)\r\n", filepath.Base(k.Path))
	}
	return attach(ctx, v, tty)
}

// attach wires the VM's console to this terminal until QEMU exits, and
// explains a failed boot.
func attach(ctx context.Context, v *vm.VM, tty bool) error {
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
	watch := &bootdiag.Watcher{}
	watch.Panicked = func() {
		// Let the rest of the panic message arrive, then stop: with
		// panic=-1 the guest would only reboot into the same failure.
		time.AfterFunc(500*time.Millisecond, v.Kill)
	}
	con := v.Console()
	go io.Copy(con, os.Stdin)
	copied := make(chan struct{})
	go func() {
		io.Copy(io.MultiWriter(os.Stdout, watch), con)
		close(copied)
	}()
	err := v.Wait()
	select {
	case <-copied:
	case <-time.After(time.Second):
	}
	if ctx.Err() != nil {
		return errors.New("stopped by a signal; the VM was ended")
	}
	if d := watch.Diagnosis(); d != nil && d.Fatal {
		return fmt.Errorf("boot failed: %s", d)
	}
	if watch.KernelPanicked() {
		return errors.New("the guest kernel panicked; see the messages above")
	}
	return err
}
