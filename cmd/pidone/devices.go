package main

import (
	"flag"
	"fmt"
	"os"

	"pidone.dev/host/vm"
)

// deviceFlags are pidone run's devices: network, disks and shares.
type deviceFlags struct {
	net       bool
	forwards  repeated[vm.Forward]
	guestfwds repeated[vm.GuestFwd]
	disks     repeated[vm.Disk]
	shares    []shareFlag
	noRNG     bool
	machine   string
}

type shareFlag struct {
	share vm.Share
	guest string
}

// repeated is a flag that may be given many times, each parsed by parse.
type repeated[T any] struct {
	list  []T
	parse func(string) (T, error)
}

func (r *repeated[T]) String() string { return fmt.Sprint(r.list) }
func (r *repeated[T]) Set(s string) error {
	v, err := r.parse(s)
	if err != nil {
		return err
	}
	r.list = append(r.list, v)
	return nil
}

type shareList struct{ d *deviceFlags }

func (s shareList) String() string { return "" }
func (s shareList) Set(v string) error {
	sh, guest, err := vm.ParseShare(v, len(s.d.shares))
	if err != nil {
		return err
	}
	s.d.shares = append(s.d.shares, shareFlag{sh, guest})
	return nil
}

func (d *deviceFlags) register(fs *flag.FlagSet) {
	d.forwards.parse = vm.ParseForward
	d.guestfwds.parse = vm.ParseGuestFwd
	d.disks.parse = vm.ParseDisk
	fs.BoolVar(&d.net, "net", false, "add a network card (user-mode, restricted: the guest reaches only --guestfwd services) and bring it up with DHCP")
	fs.Var(&d.forwards, "forward", "forward host port to guest port, `HOST:GUEST[/udp]` on 127.0.0.1 (repeatable; implies --net)")
	fs.Var(&d.guestfwds, "guestfwd", "show a host loopback service in the guest, `10.0.2.100:80=127.0.0.1:8080` (repeatable; implies --net)")
	fs.Var(&d.disks, "disk", "attach a raw disk image as /dev/vdX, `FILE[:ro]` (repeatable)")
	fs.Var(shareList{d}, "share", "share a host directory over 9p, `HOSTDIR[:GUESTDIR]` (default /mnt/host; repeatable)")
	fs.BoolVar(&d.noRNG, "no-rng", false, "leave out the virtio-rng device")
	fs.StringVar(&d.machine, "machine", vm.MicroVM, "QEMU machine: microvm (fastest boot) or pc (for kernels without virtio_mmio)")
}

// netOn reports whether the guest gets a network card.
func (d *deviceFlags) netOn() bool {
	return d.net || len(d.forwards.list) > 0 || len(d.guestfwds.list) > 0
}

// initOptions tells init what to do with the devices.
func (d *deviceFlags) initOptions() []string {
	var opts []string
	if d.netOn() {
		opts = append(opts, "pidone.net=dhcp")
	}
	for _, s := range d.shares {
		opts = append(opts, "pidone.share="+s.share.Tag+":"+s.guest)
	}
	return opts
}

func (d *deviceFlags) apply(c *vm.Config) {
	if d.netOn() {
		c.Net = &vm.Net{Forwards: d.forwards.list, GuestFwds: d.guestfwds.list}
		if exe, err := os.Executable(); err == nil {
			c.Net.Relay = exe
		}
	}
	c.Disks = d.disks.list
	for _, s := range d.shares {
		c.Shares = append(c.Shares, s.share)
	}
	c.NoRNG = d.noRNG
	c.Machine = d.machine
}

// drivers are the modules the VM's devices need, for --modules auto:
// command is true for pidone run -- CMD and pidone test, whose ports are
// virtio-serial.
func (d *deviceFlags) drivers(command bool) []string {
	// pvpanic_mmio: QEMU's pvpanic device, through which the host learns
	// of a kernel panic.
	list := []string{vm.Transport(d.machine), "pvpanic_mmio"}
	if !d.noRNG {
		list = append(list, "virtio_rng")
	}
	if d.netOn() {
		list = append(list, "virtio_net")
	}
	if len(d.disks.list) > 0 {
		list = append(list, "virtio_blk")
	}
	if len(d.shares) > 0 {
		list = append(list, "9pnet_virtio", "9p")
	}
	if command {
		list = append(list, "virtio_console")
	}
	return list
}
