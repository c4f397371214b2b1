package system

import (
	"context"
	"io"

	"pidone.dev/host/bootdiag"
	"pidone.dev/host/vm"
	"pidone.dev/pkg/bootopts"
)

// Machine is a booting system whose console the caller drives (vmtest,
// the benchmark).
type Machine struct {
	VM *vm.VM
	// Watch has seen everything read from Console.
	Watch *bootdiag.Watcher
	// Console is the serial console: what is read from it is the guest's
	// output, what is written to it is typed.
	Console io.ReadWriter
}

// Start builds s's image (unless Initrd is set) and starts it, returning
// at once. The VM ends with ctx, or with Machine.VM.Kill. A guest reboot
// resets the machine in place, unless NoReboot.
func (s *System) Start(ctx context.Context) (*Machine, error) {
	k, err := s.FindKernel()
	if err != nil {
		return nil, err
	}
	if err := vm.Check(s.arch()); err != nil {
		return nil, err
	}
	initrd, err := s.bootImage(ctx, k, false)
	if err != nil {
		return nil, err
	}
	cfg, err := s.config(ctx, k, initrd, bootopts.Options{})
	if err != nil {
		return nil, err
	}
	v, err := vm.Start(ctx, cfg)
	if err != nil {
		return nil, err
	}
	watch := newWatcher(cfg)
	con := v.Console()
	return &Machine{VM: v, Watch: watch, Console: struct {
		io.Reader
		io.Writer
	}{io.TeeReader(con, watch), con}}, nil
}

// Config is the VM Start would boot: the kernel found, the image built
// (unless Initrd is set), the accelerator chosen.
func (s *System) Config(ctx context.Context) (*vm.Config, error) {
	k, err := s.FindKernel()
	if err != nil {
		return nil, err
	}
	initrd, err := s.bootImage(ctx, k, false)
	if err != nil {
		return nil, err
	}
	return s.config(ctx, k, initrd, bootopts.Options{})
}
