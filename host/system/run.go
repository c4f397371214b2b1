package system

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"pidone.dev/host/image"
	"pidone.dev/host/vm"
	"pidone.dev/host/vmexec"
	"pidone.dev/pkg/bootopts"
	"pidone.dev/pkg/fserr"
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
	// Files are the work's files (a test binary, its package's
	// directory), sent into the guest once it is up rather than built
	// into the image, so that one image, and one snapshot, serve every
	// run.
	Files []image.File

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
	// Saved, if set, is told when this run saved the system's snapshot
	// for later runs (warm.go): how long saving took, and its size.
	Saved func(took time.Duration, size int64)
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
	prog, argv, err := s.goCommand(ctx, c.Argv)
	if err != nil {
		return nil, err
	}
	files := c.Files
	if prog != nil {
		files = append(append(files[:0:0], c.Files...), *prog)
	}
	initrd, err := s.bootImage(ctx, k, true)
	if err != nil {
		return nil, err
	}
	cfg, err := s.config(ctx, k, initrd, bootopts.Options{})
	if err != nil {
		return nil, err
	}
	var archive io.Reader
	if len(files) > 0 {
		for _, f := range files {
			if _, err := os.Lstat(f.Host); err != nil {
				return nil, fmt.Errorf("%s: %w", f.Host, fserr.Reason(err))
			}
		}
		// Written as the guest reads it: a test binary and its package
		// need not be held in memory.
		pr, pw := io.Pipe()
		go func() { pw.CloseWithError(image.WriteFiles(pw, files, 0)) }()
		defer pr.Close() // a guest that read none of it
		archive = pr
	}
	o := &vmexec.Options{
		Config:  *cfg,
		Request: runproto.Request{Argv: argv, Env: c.Env, Dir: c.Dir, Collect: c.Collect},
		Files:   archive,
		Stdin:   c.Stdin,
		Stdout:  c.Stdout,
		Stderr:  c.Stderr,
		Console: c.Console,
		Timeout: c.Timeout,
		Signals: c.Signals,
	}
	if c.Booting != nil {
		c.Booting()
	}
	return s.runWarm(ctx, o, c.Saved)
}
