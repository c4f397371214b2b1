package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path"
	"path/filepath"
	"strings"
	"time"

	"pidone.dev/host/gobuild"
	"pidone.dev/host/image"
	"pidone.dev/host/kernel"
	"pidone.dev/host/vm"
	"pidone.dev/host/vmexec"
	"pidone.dev/pkg/runproto"
)

// runCommand is "pidone run -- CMD ARGS": the command's output on our
// stdout and stderr, its exit status as ours, the kernel's console only
// with -v.
func runCommand(ctx context.Context, cfg *vm.Config, argv []string, timeout time.Duration) error {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt)
	defer signal.Stop(sigs)
	// The first Ctrl-C goes to the command; a second one ends the VM.
	forward := make(chan os.Signal, 1)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		n := 0
		for sig := range sigs {
			if n++; n == 1 {
				forward <- sig
				continue
			}
			fmt.Fprintln(os.Stderr, "pidone: interrupted again; ending the VM")
			cancel()
		}
	}()
	o := &vmexec.Options{
		Config:  *cfg,
		Request: runproto.Request{Argv: argv},
		Stdin:   os.Stdin,
		Stdout:  os.Stdout,
		Stderr:  os.Stderr,
		Timeout: timeout,
		Signals: forward,
	}
	if cfg.Verbose {
		o.Console = os.Stderr
	}
	res, err := vmexec.Run(ctx, o)
	var be *vmexec.BootError
	switch {
	case errors.Is(err, vmexec.ErrTimeout):
		return fmt.Errorf("%s: timed out after %v; the VM was ended", argv[0], timeout)
	case errors.Is(err, context.Canceled):
		return errors.New("interrupted; the VM was ended")
	case errors.As(err, &be) && be.Diagnosis == nil && be.Ending != vm.Failed && !cfg.Verbose && strings.TrimSpace(be.Console) != "":
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

// goCommand builds argv[0] for the guest when it names a Go main package
// (./cmd/foo, ../x, or an import path with a domain such as
// example.com/tool), and returns the file to add as /bin/NAME; nil if it
// is a plain command.
func goCommand(ctx context.Context, arg, goarch string) (*image.File, error) {
	local := strings.HasPrefix(arg, "./") || strings.HasPrefix(arg, "../")
	remote := !local && strings.Contains(arg, "/") && strings.Contains(strings.SplitN(arg, "/", 2)[0], ".")
	if !local && !remote {
		return nil, nil
	}
	if local {
		if st, err := os.Stat(arg); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("%s: not a Go package directory", arg)
		}
	}
	dir, err := kernel.CacheDir()
	if err != nil {
		return nil, err
	}
	name, id := path.Base(strings.TrimSuffix(arg, "/")), arg
	if local {
		abs, _ := filepath.Abs(arg)
		id = abs
		if name == "." || name == ".." {
			name = filepath.Base(abs)
		}
	}
	out := programFile(dir, goarch, id, name, nil)
	wd, _ := os.Getwd()
	if err := gobuild.Build(ctx, wd, arg, goarch, out); err != nil {
		return nil, err
	}
	return &image.File{Host: out, Guest: "/bin/" + name}, nil
}
