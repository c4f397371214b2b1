// Package vmexec runs one command in a fresh VM, as "pidone run -- CMD"
// does: it boots the machine with virtio-serial ports for the command's
// stdin, stdout, stderr and a control channel, streams them, and returns
// the command's exit status once the guest has powered off. The kernel's
// console is kept apart, for diagnosis.
package vmexec

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	"pidone.dev/host/bootdiag"
	"pidone.dev/host/vm"
	"pidone.dev/pkg/bootopts"
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

	// Files, if set, is a newc archive of the work's files, unpacked in
	// the guest's / before the command starts.
	Files io.Reader

	// Ready, if set, is called once the guest waits for its request:
	// the moment to save it (vm.VM.Snapshot, then Continue). An error
	// ends the run.
	Ready func(*vm.VM) error
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
	Ending    vm.Ending           // how QEMU said the VM ended
	Diagnosis *bootdiag.Diagnosis // nil if no known cause was seen
	Console   string              // the console's last lines
	Err       error
}

func (e *BootError) Error() string {
	switch {
	case e.Err != nil:
		return e.Err.Error()
	case e.Diagnosis != nil:
		return "boot failed: " + e.Diagnosis.String()
	}
	return e.Reason() + "; run with -v to see its console"
}

// Reason says what happened when there is no diagnosis: how QEMU said the
// VM ended.
func (e *BootError) Reason() string {
	switch e.Ending {
	case vm.Panic:
		return "the guest kernel panicked before the command ended"
	case vm.Reset:
		return "the guest rebooted before the command ended"
	case vm.Poweroff:
		return "the guest powered off before the command ended"
	}
	return "the VM ended before the command did"
}

// ErrTooLarge is a result larger than the protocol allows: files to
// collect that the guest should have left out.
var ErrTooLarge = fmt.Errorf("file too large to collect: the guest sent more than %d MiB of results", runproto.MaxMessage>>20)

func (e *BootError) Unwrap() error { return e.Err }

// Run boots the VM, runs the command and returns how it ended.
func Run(ctx context.Context, o *Options) (*Result, error) {
	cfg := o.Config
	cfg.NoReboot = true
	cfg.Ports = nil
	for _, name := range runproto.Ports {
		cfg.Ports = append(cfg.Ports, vm.Port{Name: name})
	}
	exec, err := bootopts.Options{Exec: true}.Encode()
	if err != nil {
		return nil, err
	}
	cfg.Append = strings.TrimSpace(exec + " " + cfg.Append)

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
	// bootErr explains a VM that ended (or is ended now) without sending
	// the command's status. QEMU says how it ended; the console only
	// explains a kernel that gave up before init ran.
	bootErr := func() error {
		select {
		case <-v.Done():
		case <-time.After(time.Second):
			// Give QEMU a moment to exit by itself, so that a panic or a
			// reset is told apart from a VM that simply stopped talking.
		}
		v.Kill()
		qemuErr := v.Wait()
		<-consoleDone
		if ctx.Err() == context.DeadlineExceeded {
			return ErrTimeout
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		e := &BootError{Ending: v.Ending(), Console: console.String(), Err: qemuErr}
		if e.Ending == vm.Failed {
			return e
		}
		if !watch.Started() {
			e.Diagnosis = watch.Diagnosis()
			if e.Diagnosis == nil && e.Ending == vm.Reset {
				e.Diagnosis = watch.Silent(true, cfg.Mem, vm.Console(cfg.Arch))
			}
		}
		return e
	}

	conns := map[string]*net.UnixConn{}
	for _, name := range runproto.Ports {
		c, err := v.DialPort(name, 30*time.Second)
		if err != nil {
			return nil, bootErr()
		}
		defer c.Close()
		conns[name] = c
	}
	ctl := conns[runproto.Control]
	ctlr := runproto.NewReader(ctl)
	ready := make(chan error, 1)
	if cfg.Incoming != nil {
		// Restored: the guest said it was ready before it was saved,
		// and waits for its request from where it was.
		go func() {
			select {
			case <-v.Restored():
				ready <- nil
			case <-v.Done():
				ready <- errors.New("QEMU ended")
			}
		}()
	} else {
		go func() { ready <- ctlr.Read(&runproto.Ready{}) }()
	}
	select {
	case err := <-ready:
		if err != nil {
			return nil, bootErr()
		}
	case <-ctx.Done():
		return nil, bootErr()
	}
	if o.Ready != nil {
		if err := o.Ready(v); err != nil {
			return nil, err
		}
	}
	// A guest restored from a snapshot takes the time and fresh entropy
	// from here (runproto.Request); so does a cold one, harmlessly.
	req := o.Request
	req.Time = time.Now().UnixNano()
	req.Seed = make([]byte, 32)
	if _, err := rand.Read(req.Seed); err != nil {
		return nil, err
	}
	req.Files = o.Files != nil
	if err := runproto.Write(ctl, req); err != nil {
		return nil, bootErr()
	}
	filesDone := make(chan error, 1)
	go func() {
		f := conns[runproto.Files]
		var err error
		if o.Files != nil {
			_, err = io.Copy(f, o.Files)
		}
		f.CloseWrite()
		filesDone <- err
	}()

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

	type reply struct {
		res runproto.Result
		err error
	}
	replies := make(chan reply, 1)
	go func() {
		var r reply
		r.err = ctlr.Read(&r.res)
		replies <- r
	}()
	var r reply
	select {
	case r = <-replies:
	case <-ctx.Done():
		return nil, bootErr()
	}
	switch {
	case errors.Is(r.err, runproto.ErrTooLarge):
		return nil, ErrTooLarge
	case r.err != nil:
		return nil, bootErr()
	}
	select {
	case err := <-filesDone:
		if err != nil {
			return nil, fmt.Errorf("sending the work's files: %w", err)
		}
	default: // the guest ran without reading them all
	}
	// The guest powers off after sending the status; its output ports
	// were closed before it, so the copies end once QEMU has.
	select {
	case <-v.Done():
	case <-time.After(30 * time.Second):
		v.Kill()
	}
	copies.Wait()
	if r.res.Error != "" {
		fmt.Fprintln(orDiscard(o.Stderr), r.res.Error)
	}
	return &Result{Status: clampStatus(r.res.Status), Files: wanted(r.res.Files, o.Request.Collect)}, nil
}

// clampStatus keeps a status the guest reported within what a process
// can exit with: 256 must not become the host's 0.
func clampStatus(s int) int {
	return min(max(s, 0), 255)
}

// wanted keeps the files the request asked for, and drops any other the
// guest sent.
func wanted(files map[string][]byte, collect []string) map[string][]byte {
	var out map[string][]byte
	for _, name := range collect {
		if b, ok := files[name]; ok {
			if out == nil {
				out = map[string][]byte{}
			}
			out[name] = b
		}
	}
	return out
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
