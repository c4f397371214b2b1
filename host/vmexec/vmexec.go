// Package vmexec runs one command in a fresh VM, as "pidone run -- CMD"
// does: it boots the machine with virtio-serial ports for the command's
// stdin, stdout, stderr and a control channel, streams them, and returns
// the command's exit status once the guest has powered off. The kernel's
// console is kept apart, for diagnosis.
package vmexec

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"pidone.dev/host/bootdiag"
	"pidone.dev/host/vm"
	"pidone.dev/pkg/runproto"
)

// Options say what to run and where.
type Options struct {
	// Config is the machine; its Initrd must hold pidone's init and the
	// virtio_console driver. Run adds the ports and the init option.
	Config vm.Config

	Request runproto.Request

	Stdin          io.Reader // nil: the command reads end-of-file
	Stdout, Stderr io.Writer // nil: discarded
	Console        io.Writer // a copy of the kernel's console, if not nil

	// Timeout ends the VM, if not 0, and Run returns ErrTimeout.
	Timeout time.Duration

	// Signals, if not nil, are sent to the command as they arrive
	// (Ctrl-C on the host becomes SIGINT in the guest).
	Signals <-chan os.Signal
}

// Result is how the command ended.
type Result struct {
	Status int               // exit status; 128+N when killed by signal N
	Files  map[string][]byte // the files asked for in Request.Collect
}

// ErrTimeout is returned when Options.Timeout passed first.
var ErrTimeout = errors.New("timed out")

// BootError is a VM that failed before the command's status came back.
type BootError struct {
	Diagnosis *bootdiag.Diagnosis // nil if no known cause was seen
	Console   string              // the console's last lines
	Err       error
}

func (e *BootError) Error() string {
	switch {
	case e.Diagnosis != nil:
		return "boot failed: " + e.Diagnosis.String()
	case e.Err != nil:
		return e.Err.Error()
	}
	return "the VM ended before the command did; run with -v to see its console"
}

func (e *BootError) Unwrap() error { return e.Err }

// Run boots the VM, runs the command and returns how it ended.
func Run(ctx context.Context, o *Options) (*Result, error) {
	dir, err := os.MkdirTemp("", "pidone-run-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	cfg := o.Config
	cfg.NoReboot = true
	cfg.Ports = nil
	for i, name := range runproto.Ports {
		cfg.Ports = append(cfg.Ports, vm.Port{Name: name, Socket: filepath.Join(dir, fmt.Sprintf("p%d", i))})
	}
	cfg.Append = strings.TrimSpace(cfg.Append + " " + runproto.InitOption)

	if o.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.Timeout)
		defer cancel()
	}
	v, err := vm.Start(ctx, &cfg)
	if err != nil {
		return nil, err
	}
	defer v.Kill()

	watch := &bootdiag.Watcher{Initrd: cfg.Initrd, Cmdline: cfg.Append, Mem: cfg.Mem}
	watch.Panicked = func() { time.AfterFunc(500*time.Millisecond, v.Kill) }
	var console tail
	sinks := []io.Writer{watch, &console}
	if o.Console != nil {
		sinks = append(sinks, o.Console)
	}
	consoleDone := make(chan struct{})
	go func() {
		io.Copy(io.MultiWriter(sinks...), v.Console())
		close(consoleDone)
	}()
	bootErr := func(err error) error {
		v.Kill()
		<-consoleDone
		if ctx.Err() == context.DeadlineExceeded {
			return ErrTimeout
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		d := watch.Diagnosis()
		if d == nil {
			d = watch.Silent(true, cfg.Mem, vm.Console(cfg.Arch))
		}
		return &BootError{Diagnosis: d, Console: console.String(), Err: err}
	}

	conns := map[string]*net.UnixConn{}
	for _, p := range cfg.Ports {
		c, err := v.DialPort(p, 30*time.Second)
		if err != nil {
			return nil, bootErr(err)
		}
		defer c.Close()
		conns[p.Name] = c
	}
	ctl := conns[runproto.Control]
	if err := runproto.Write(ctl, o.Request); err != nil {
		return nil, bootErr(err)
	}

	var copies sync.WaitGroup
	out := func(name string, w io.Writer) {
		if w == nil {
			w = io.Discard
		}
		copies.Add(1)
		go func() {
			defer copies.Done()
			io.Copy(w, conns[name])
		}()
	}
	out(runproto.Stdout, o.Stdout)
	out(runproto.Stderr, o.Stderr)
	go func() {
		in := conns[runproto.Stdin]
		if o.Stdin != nil {
			io.Copy(in, o.Stdin)
		}
		// End of input: the guest's reads see end-of-file.
		in.CloseWrite()
	}()
	if o.Signals != nil {
		go func() {
			for sig := range o.Signals {
				if s, ok := sig.(syscall.Signal); ok {
					runproto.Write(ctl, runproto.Signal{Signal: int(s)})
				}
			}
		}()
	}

	results := make(chan runproto.Result, 1)
	go func() {
		var res runproto.Result
		if runproto.NewReader(ctl).Read(&res) == nil {
			results <- res
		}
		close(results)
	}()
	var res runproto.Result
	var ok bool
	select {
	case res, ok = <-results:
	case <-ctx.Done():
	}
	if !ok {
		return nil, bootErr(nil)
	}
	// The guest powers off after sending the status; its output ports
	// were closed before it, so the copies end once QEMU has.
	select {
	case <-v.Done():
	case <-time.After(30 * time.Second):
		v.Kill()
	}
	copies.Wait()
	if res.Error != "" {
		fmt.Fprintln(orDiscard(o.Stderr), res.Error)
	}
	return &Result{Status: res.Status, Files: res.Files}, nil
}

func orDiscard(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}

// tail keeps the last 8 KB written, for error messages.
type tail struct {
	mu  sync.Mutex
	buf []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > 8<<10 {
		t.buf = t.buf[len(t.buf)-8<<10:]
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(bytes.ReplaceAll(t.buf, []byte("\r"), nil))
}
