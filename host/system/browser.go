package system

import (
	"context"
	"fmt"
	"os"
	"strings"

	"pidone.dev/host/kernel"
	"pidone.dev/host/vm"
	"pidone.dev/pkg/bootopts"
)

// BrowserArch is the architecture a browser boots: v86, the emulator
// pidone web runs in the page, is a 32-bit x86 PC.
const BrowserArch = "386"

// Browser is what a browser's emulator boots for a system (pidone web):
// files and a kernel command line, no QEMU.
type Browser struct {
	Kernel  string // the kernel image (a bzImage)
	Initrd  string // the initramfs, in pidone's cache
	Cmdline string // the kernel command line
	Mem     int    // MiB
}

// Browser builds what a browser's emulator boots for s. The kernel is the
// one s would boot under QEMU (FindKernel: pidone run --arch 386 and
// pidone web boot the same), the image has no modules, since the
// emulator's PC has no virtio device to drive, and the console is the
// first serial port. Its machine is a PC, so the kernel is told what
// QEMU's pc machine tells it.
func (s *System) Browser(ctx context.Context) (*Browser, error) {
	if s.Arch == "" {
		s.Arch = BrowserArch
	}
	if s.arch() != BrowserArch {
		return nil, fmt.Errorf("--arch %s: the browser's emulator (v86) runs %s guests only", s.arch(), BrowserArch)
	}
	if s.Machine == "" {
		s.Machine = vm.PC
	}
	if s.Machine != vm.PC {
		return nil, fmt.Errorf("--machine %s: the browser's emulator is a PC (pc)", s.Machine)
	}
	if s.netOn() || len(s.Disks) > 0 || len(s.Shares) > 0 {
		return nil, fmt.Errorf("the browser's emulator has no network, disks or shares from pidone")
	}
	if err := s.Check(); err != nil {
		return nil, err
	}
	k, err := s.browserKernel()
	if err != nil {
		return nil, err
	}
	initrd := s.Initrd
	if initrd == "" {
		// No devices, so auto is no drivers.
		if initrd, err = s.image(ctx, k, []string{}); err != nil {
			return nil, err
		}
	}
	o := s.bootOptions(bootopts.Options{})
	if o.Modules == "" {
		o.Modules = s.bootModules(k)
	}
	opts, err := o.Encode()
	if err != nil {
		return nil, err
	}
	c := &vm.Config{Arch: s.arch(), Machine: s.Machine, Accel: vm.TCG, Verbose: s.Verbose}
	c.Append = strings.TrimSpace(opts + " " + s.Append)
	cmdline, err := c.Cmdline()
	if err != nil {
		return nil, err
	}
	mem := s.Mem
	if mem == 0 {
		mem = 256
	}
	return &Browser{Kernel: k.Path, Initrd: initrd, Cmdline: cmdline, Mem: mem}, nil
}

// browserKernel is the kernel the browser boots: the one asked for, else
// pidone's tiny i386 kernel when it has been built (an emulator in
// WebAssembly runs Debian's 686 kernel's driver probing several times
// slower than QEMU), else what pidone run --arch 386 boots.
func (s *System) browserKernel() (*kernel.Kernel, error) {
	if s.Kernel == "" && os.Getenv("PIDONE_KERNEL") == "" {
		if k, err := kernel.Tiny(BrowserArch); err == nil {
			return k, nil
		}
	}
	return s.FindKernel()
}
