package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"pidone.dev/host/kernel"
	"pidone.dev/host/vm"
)

// machineFlags are the VM's own flags, the same for pidone run and
// pidone test: which kernel, how much memory, how many CPUs, what more
// on the kernel command line, and the devices.
type machineFlags struct {
	accel   string
	kernel  string
	mem     int
	smp     int
	append  string
	devices deviceFlags
}

func (m *machineFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&m.accel, "accel", vm.AccelAuto, "accelerator: auto (KVM when it works on this host, else TCG), kvm or tcg")
	fs.StringVar(&m.kernel, "kernel", "", "kernel `image` to boot (default: $PIDONE_KERNEL, pidone's cache, /boot)")
	fs.IntVar(&m.mem, "mem", 256, "guest memory in `MiB`")
	fs.IntVar(&m.smp, "smp", 1, "virtual CPUs")
	fs.StringVar(&m.append, "append", "", "extra kernel command line")
	m.devices.register(fs)
}

// check refuses values QEMU would reject with a message about something
// else, before anything is built.
func (m *machineFlags) check() error {
	if m.mem < 16 {
		return usageError{fmt.Sprintf("--mem %d: too little memory for Linux; give at least 16 (MiB)", m.mem)}
	}
	if m.smp < 1 {
		return usageError{fmt.Sprintf("--smp %d: give 1 or more virtual CPUs", m.smp)}
	}
	if _, err := vm.ParseAccel(m.accel); err != nil {
		return usageError{err.Error()}
	}
	if strings.ContainsAny(m.append, "\n\x00") {
		return usageError{"--append: the kernel command line is one line; remove the newline"}
	}
	return nil
}

// find resolves the kernel and checks that it can have the devices asked
// for.
func (m *machineFlags) find() (*kernel.Kernel, error) {
	k, err := kernel.Find(m.kernel)
	if err != nil {
		return nil, err
	}
	if err := m.devices.checkShareKernel(k); err != nil {
		return nil, err
	}
	return k, nil
}

// config is the VM for kernel k with these flags; initOpts go first on
// the command line, --append last. say, if set, is told when auto falls
// back to TCG.
func (m *machineFlags) config(ctx context.Context, k *kernel.Kernel, arch string, initOpts []string, say func(string)) (vm.Config, error) {
	cache, err := kernel.CacheDir()
	if err != nil {
		return vm.Config{}, err
	}
	accel, err := vm.ResolveAccel(ctx, m.accel, arch, &vm.KVMProbe{Kernel: k.Path, Cache: cache}, say)
	if err != nil {
		return vm.Config{}, err
	}
	cmdline := append(initOpts, m.devices.initOptions()...)
	if m.append != "" {
		cmdline = append(cmdline, m.append)
	}
	cfg := vm.Config{
		Kernel: k.Path,
		Append: strings.Join(cmdline, " "),
		Mem:    m.mem,
		CPUs:   m.smp,
		Arch:   arch,
		Accel:  accel,
	}
	m.devices.apply(&cfg)
	return cfg, nil
}
