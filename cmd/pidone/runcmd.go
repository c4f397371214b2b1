package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"

	"pidone.dev/host/system"
	"pidone.dev/host/vm"
	"pidone.dev/host/vmexec"
)

// runCommand is "pidone run -- CMD ARGS": the command's output on our
// stdout and stderr, its exit status as ours, the kernel's console only
// with -v.
func runCommand(ctx context.Context, s *system.System, argv []string, timeout time.Duration) error {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt)
	defer signal.Stop(sigs)
	// A Ctrl-C while the image is built stops the build. Once the VM
	// runs, the first goes to the command and a second ends the VM.
	forward := make(chan os.Signal, 1)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	booting := make(chan struct{})
	go func() {
		n := 0
		for sig := range sigs {
			select {
			case <-booting:
			default:
				cancel()
				continue
			}
			if n++; n == 1 {
				forward <- sig
				continue
			}
			fmt.Fprintln(os.Stderr, "pidone: interrupted again; ending the VM")
			cancel()
		}
	}()
	c := &system.Command{
		Argv:    argv,
		Stdin:   os.Stdin,
		Stdout:  os.Stdout,
		Stderr:  os.Stderr,
		Timeout: timeout,
		Signals: forward,
		Booting: func() { close(booting) },
	}
	if s.Verbose {
		c.Console = os.Stderr
	}
	res, err := s.Run(ctx, c)
	var be *vmexec.BootError
	switch {
	case errors.Is(err, vmexec.ErrTimeout):
		return fmt.Errorf("%s: timed out after %v; the VM was ended", argv[0], timeout)
	case errors.Is(err, system.ErrInterrupted):
		return err
	case errors.Is(err, context.Canceled):
		return errors.New("interrupted; the VM was ended")
	case errors.As(err, &be) && be.Diagnosis == nil && be.Ending != vm.Failed && !s.Verbose && strings.TrimSpace(be.Console) != "":
		return fmt.Errorf("%s; its console said:\n%s", be.Reason(), excerpt(be.Console, 15))
	case err != nil:
		return err
	}
	if res.Status != 0 {
		return exitCode(res.Status)
	}
	return nil
}

// excerpt is n lines of a console: from the last kernel panic's first
// line if there is one (its cause comes first, the stack after), else
// the last n.
func excerpt(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.Contains(lines[i], "Kernel panic - not syncing") {
			return strings.Join(lines[i:min(i+n, len(lines))], "\n")
		}
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
