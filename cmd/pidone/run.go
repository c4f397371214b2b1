package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"golang.org/x/term"

	"pidone.dev/host/system"
	"pidone.dev/pkg/bootopts"
)

func cmdRun(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("pidone run", flag.ContinueOnError)
	var s system.System
	imageFlags(fs, &s, "none")
	machineFlags(fs, &s)
	fs.StringVar(&s.Initrd, "initrd", "", "boot this initramfs instead of building one")
	fs.BoolVar(&s.Verbose, "v", false, "show the kernel's boot messages")
	fs.BoolVar(&s.NoReboot, "no-reboot", false, "end QEMU when the guest reboots")
	timeout := fs.Duration("timeout", 0, "with a command: end the VM after this `duration` (e.g. 2m) and fail")
	if err := parse(fs, args); err != nil {
		return err
	}
	command := fs.Args()
	if err := check(&s); err != nil {
		return err
	}
	if *timeout < 0 {
		return usageError{fmt.Sprintf("--timeout %v: give a positive duration such as 2m, or leave it out for none", *timeout)}
	}
	s.Log = os.Stderr
	if len(command) > 0 {
		return runCommand(ctx, &s, command, *timeout)
	}
	// Ctrl-C at a terminal is a key for the guest (raw mode); a SIGINT
	// that still comes (kill -INT, no terminal, or during the build)
	// ends it cleanly.
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	return attach(ctx, &s)
}

// attach is "pidone run": the guest's console on this terminal.
func attach(ctx context.Context, s *system.System) error {
	tty := term.IsTerminal(int(os.Stdin.Fd())) && term.IsTerminal(int(os.Stdout.Fd()))
	if tty {
		// A serial line has no size or terminal type; tell the guest the
		// host's, so the editor and ls fit the window.
		if t := os.Getenv("TERM"); t != "" && !strings.ContainsAny(t, " \"") {
			s.Boot.Term = t
		}
		if w, h, err := term.GetSize(int(os.Stdout.Fd())); err == nil && w > 0 && h > 0 {
			s.Boot.Winsize = bootopts.Winsize{Cols: w, Rows: h}
		}
		k, err := s.FindKernel()
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "pidone: booting %s (poweroff or Ctrl-A X to leave)\n", filepath.Base(k.Path))
		// Raw mode hands every key to the guest: Ctrl-C interrupts the
		// guest's program, and Ctrl-A X reaches QEMU. Restored on every
		// way out, errors and signals included.
		old, err := term.MakeRaw(int(os.Stdin.Fd()))
		if err != nil {
			return fmt.Errorf("terminal: %w", err)
		}
		defer term.Restore(int(os.Stdin.Fd()), old)
	}
	return s.Attach(ctx, system.Console{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, Raw: tty})
}
