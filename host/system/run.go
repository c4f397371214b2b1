package system

import (
	"context"
	"io"
	"os"
	"time"

	"pidone.dev/host/vm"
	"pidone.dev/host/vmexec"
	"pidone.dev/pkg/bootopts"
	"pidone.dev/pkg/runproto"
)

// Command is one command to run in a fresh VM (pidone run -- CMD).
type Command struct {
	// Argv is the command: a guest command, a file in the image, or a Go
	// main package (./cmd/x, example.com/x), which is built and added.
	Argv    []string
	Env     []string // added to init's environment
	Dir     string   // working directory; "" is /
	Collect []string // guest files to bring back (Result.Files)

	Stdin          io.Reader // nil: the command reads end-of-file
	Stdout, Stderr io.Writer // nil: discarded
	// Console, if set, gets a copy of the kernel's console.
	Console io.Writer
	// Timeout, if not 0, ends the VM; Run then returns vmexec.ErrTimeout.
	Timeout time.Duration
	// Signals, if set, are sent to the command as they arrive.
	Signals <-chan os.Signal
	// Booting, if set, is called once the image is built, as the VM
	// starts: from then on a Ctrl-C is the command's, not the build's.
	Booting func()
}

// Run boots s, runs c in it and returns how it ended, as pidone run --
// CMD does: the command's streams travel on virtio-serial ports of their
// own, its exit status comes back, and the VM powers off. A failed boot
// is a *vmexec.BootError with QEMU's account and pidone's explanation.
func (s *System) Run(ctx context.Context, c *Command) (*vmexec.Result, error) {
	k, err := s.FindKernel()
	if err != nil {
		return nil, err
	}
	if err := vm.Check(s.arch()); err != nil {
		return nil, err
	}
	sys, argv, err := s.goCommand(ctx, c.Argv)
	if err != nil {
		return nil, err
	}
	initrd, err := sys.bootImage(ctx, k, true)
	if err != nil {
		return nil, err
	}
	cfg, err := sys.config(ctx, k, initrd, bootopts.Options{})
	if err != nil {
		return nil, err
	}
	if c.Booting != nil {
		c.Booting()
	}
	return vmexec.Run(ctx, &vmexec.Options{
		Config:  *cfg,
		Request: runproto.Request{Argv: argv, Env: c.Env, Dir: c.Dir, Collect: c.Collect},
		Stdin:   c.Stdin,
		Stdout:  c.Stdout,
		Stderr:  c.Stderr,
		Console: c.Console,
		Timeout: c.Timeout,
		Signals: c.Signals,
	})
}
