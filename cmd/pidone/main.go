// Command pidone builds tiny Linux systems whose whole userland is Go and
// boots them in QEMU: "pidone run" gives a shell in a VM in seconds.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"pidone.dev/host/vm"
)

const usage = `pidone builds a Go userland into an initramfs and boots it in QEMU.

Usage:
  pidone run    [flags]            build if needed, boot, and attach the console
  pidone run    [flags] -- CMD [ARG]...
                                   boot, run CMD, return its exit status
  pidone test   [flags] [packages] go test, each package in a VM
  pidone build  [flags]            write a deterministic initramfs
  pidone kernel fetch [--flavour cloud|generic]
                                   download a Debian kernel into pidone's cache
  pidone kernel build [--arch A] [--source SRC] [--config FRAGMENT]
                                   build a tiny kernel from source (--kernel tiny)
  pidone kernel list               show cached kernels
  pidone kernel path               print the kernel pidone run would boot
  pidone kernel modules [-l] [PATTERN]
                                   list the kernel's modules (for --modules)
  pidone disk create [--size 64M] [--from DIR] [--label L] FILE
                                   make an ext4 disk image for --disk
  pidone rootfs --from IMAGE -o FILE
                                   make a root disk for --root from a container
                                   image (docker save, OCI) or a directory
  pidone web    [--addr 127.0.0.1:8080] [--export DIR]
                                   boot the system in a browser tab (v86, i386)
  pidone cache                     show what pidone's cache takes
  pidone cache clean [--all]       empty the image cache and built programs
                                   (--all: kernels too)
  pidone version                   print pidone's version

Run "pidone COMMAND -h" for a command's flags.
`

// usageError is a mistake on the command line: exit status 2.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func main() {
	args := os.Args[1:]
	ctx, signalled := signalContext(args)
	code := 0
	if err := run(ctx, args); err != nil {
		var ue usageError
		var ex exitCode
		var sig signalError
		switch {
		case errors.As(context.Cause(ctx), &sig) && len(args) > 0 && args[0] != "run":
			// Whatever failed, failed because it was stopped, and what it
			// was making is gone.
			fmt.Fprintf(os.Stderr, "pidone: %s: interrupted by %s; nothing half-made was left behind\n", args[0], sig.name())
			code = 128 + int(sig.Signal.(syscall.Signal))
		case errors.As(err, &ex):
			code = int(ex)
		case errors.Is(err, flag.ErrHelp):
			code = 0
		case errors.As(err, &ue):
			fmt.Fprintf(os.Stderr, "pidone: %s (see pidone -h)\n", ue.msg)
			code = 2
		default:
			fmt.Fprintf(os.Stderr, "pidone: %v\n", err)
			code = 1
		}
	}
	signalled()
	os.Exit(code)
}

// signalError is the cause of the context of a command stopped by a
// signal.
type signalError struct{ os.Signal }

func (s signalError) Error() string { return "stopped by " + s.name() }

func (s signalError) name() string {
	switch s.Signal {
	case os.Interrupt:
		return "Ctrl-C (SIGINT)"
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGHUP:
		return "SIGHUP"
	}
	return s.Signal.String()
}

// interruptible are the commands whose context Ctrl-C (SIGINT) cancels,
// as SIGTERM and SIGHUP do every command's. Not "pidone run", which hands
// Ctrl-C to the guest, nor the relay, which QEMU runs.
var interruptible = map[string]bool{"build": true, "test": true, "kernel": true, "disk": true, "rootfs": true, "web": true}

// signalContext returns the context of the command args: cancelled, with
// a signalError as its cause, by SIGTERM, SIGHUP and, for interruptible
// commands, SIGINT, so that they stop their children and remove their
// temporary files on the way out. stop undoes it all.
func signalContext(args []string) (ctx context.Context, stop func()) {
	caught := []os.Signal{syscall.SIGTERM, syscall.SIGHUP}
	if len(args) > 0 && interruptible[args[0]] {
		caught = append(caught, os.Interrupt)
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, caught...)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-sigs:
			cancel(signalError{sig})
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel(nil)
	}
}

// exitCode ends pidone with a status and no message (it was said already).
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usage)
		return usageError{"no command given"}
	}
	switch args[0] {
	case "run":
		return cmdRun(ctx, args[1:])
	case "build":
		return cmdBuild(ctx, args[1:])
	case "test":
		return cmdTest(ctx, args[1:])
	case "kernel":
		return cmdKernel(ctx, args[1:])
	case "disk":
		return cmdDisk(ctx, args[1:])
	case "rootfs":
		return cmdRootfs(ctx, args[1:])
	case "web":
		return cmdWeb(ctx, args[1:])
	case "cache":
		return cmdCache(args[1:])
	case vm.RelayCommand:
		// Not for people: QEMU runs it per --guestfwd connection.
		fs := flag.NewFlagSet("pidone relay", flag.ContinueOnError)
		slots := fs.String("slots", "", "directory of the VM's relay slots")
		if err := parse(fs, args[1:]); err != nil {
			return err
		}
		if fs.NArg() != 1 {
			return usageError{"relay takes HOST:PORT"}
		}
		return vm.Relay(*slots, fs.Arg(0))
	case "version", "--version":
		fmt.Println("pidone", version())
		return nil
	case "help", "-h", "-help", "--help":
		fmt.Print(usage)
		return nil
	}
	return usageError{fmt.Sprintf("unknown command %q", args[0])}
}
