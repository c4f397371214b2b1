// Package system is the recipe of a pidone system: one description of
// what boots (architecture, kernel, machine, devices, files, programs,
// modules, init options), from which it builds the image, configures the
// VM and boots it with boot diagnosis attached. pidone run, pidone run --
// CMD, pidone test, vmtest and the benchmark all go through it, so that a
// system is the same whichever of them boots it, and a new dimension of a
// system is one field here.
package system

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"pidone.dev/host/gobuild"
	"pidone.dev/host/image"
	"pidone.dev/host/kernel"
	"pidone.dev/host/vm"
	"pidone.dev/pkg/bootopts"
	"pidone.dev/pkg/cmdline"
)

// System describes a pidone system. The zero value is pidone's default:
// the shell on the console of a 256 MiB VM of the host's architecture
// (a microvm on x86), on the kernel Find picks, with the drivers of its
// devices.
type System struct {
	// The machine.
	Arch    string // GOARCH of the guest; "" is the host's
	Kernel  string // kernel image; "" finds one (kernel.Find)
	Machine string // QEMU's machine: "" is the architecture's default (vm.Arch)
	Accel   string // vm.AccelAuto (the default), vm.KVM or vm.TCG
	Mem     int    // MiB; 0 means 256
	CPUs    int    // 0 means 1

	// Its devices.
	Net       bool          // a network card (implied by Forwards and GuestFwds)
	Forwards  []vm.Forward  // host port → guest port
	GuestFwds []vm.GuestFwd // guest address → host loopback service
	Disks     []vm.Disk     // virtio-blk disks: /dev/vda, ... (after Root)
	// Root is a root disk (pidone rootfs): attached first, as /dev/vda,
	// read-write; init mounts it and switches into it (root=).
	Root string
	// ScratchRoot gives the guest's writes to Root a throwaway overlay
	// (pidone test: every package's VM starts from the same root disk,
	// side by side). Disks keep what the guest writes.
	ScratchRoot bool
	Shares      []Share // host directories over 9p
	NoRNG       bool    // leave out the entropy device

	// The image.
	Initrd   string       // boot this initramfs instead of building one
	Guest    string       // a prebuilt guest binary; "" builds pidone's
	Files    []image.File // host files and directories to add
	Apps     []App        // Go programs init starts and supervises
	PID1     bool         // the one App is PID 1 itself (it calls initd.Run)
	Modules  string       // kernel modules: "" or "auto", "none", or names (image.ModulesFor)
	Hostname string       // "" is "pidone"
	Compress string       // "gzip", "zstd" or "none" ("" is none: boots unpack it sooner)
	// Init are init options baked into the image; Cmdline more of them,
	// as a user wrote them (pidone build --cmdline).
	Init    bootopts.Options
	Cmdline string

	// The boot.
	Boot     bootopts.Options // init options for this boot, on the kernel command line
	Append   string           // more kernel command line, last
	Verbose  bool             // keep all the kernel's messages
	NoReboot bool             // a guest reboot ends the system rather than booting it again
	// Cold boots every Run rather than restoring the system's snapshot
	// (warm starts: see warm.go).
	Cold bool
	// Log gets pidone's notes about the boot (a module mismatch, KVM
	// falling back to TCG under Verbose) and the relays' lines; nil
	// discards them.
	Log io.Writer
}

// Share is a host directory shared with the guest over 9p, mounted on
// Dir ("" is /mnt/host, /mnt/host1, ...).
type Share struct {
	HostDir  string
	Dir      string
	ReadOnly bool
	// NoMount attaches the share (tag shareN) and leaves mounting it to
	// the guest.
	NoMount bool
}

// App is a Go main package built into the image and run by init with
// Args (pidone run --app 'PKG ARGS').
type App struct {
	Pkg  string
	Args []string
}

// Default is the image pidone run and vmtest boot when nothing else is
// asked: uncompressed, since the kernel unpacks it about 50 ms sooner
// under TCG than a gzip one.
const defaultCompress = "none"

// arch is the guest's GOARCH.
func (s *System) arch() string {
	if s.Arch == "" {
		return runtime.GOARCH
	}
	return s.Arch
}

// Check finds the mistakes that need no build or boot to find, so that
// callers can report them before doing anything.
func (s *System) Check() error {
	if err := gobuild.CheckArch(s.arch()); err != nil {
		return fmt.Errorf("--arch: %w", err)
	}
	if _, err := vm.MachineOf(s.arch(), s.Machine); err != nil {
		return fmt.Errorf("--machine: %w", err)
	}
	if s.Mem != 0 && s.Mem < 16 {
		return fmt.Errorf("--mem %d: too little memory for Linux; give at least 16 (MiB)", s.Mem)
	}
	if s.CPUs < 0 {
		return fmt.Errorf("--smp %d: give 1 or more virtual CPUs", s.CPUs)
	}
	if _, err := vm.ParseAccel(s.Accel); err != nil {
		return err
	}
	if strings.ContainsAny(s.Append, "\n\x00") {
		return errors.New("--append: the kernel command line is one line; remove the newline")
	}
	if err := cmdline.Check(s.Append); err != nil {
		return fmt.Errorf("--append: %w", err)
	}
	if err := cmdline.Check(s.Cmdline); err != nil {
		return fmt.Errorf("--cmdline: %w", err)
	}
	if s.Hostname != "" {
		if err := image.CheckHostname(s.Hostname); err != nil {
			return err
		}
	}
	if s.PID1 && len(s.Apps) != 1 {
		return fmt.Errorf("--pid1 needs exactly one --app (got %d)", len(s.Apps))
	}
	if _, err := s.programs(); err != nil {
		return err
	}
	for i, sh := range s.Shares {
		if sh.Dir != "" && !strings.HasPrefix(sh.Dir, "/") {
			return fmt.Errorf("--share %s:%s: the guest directory must be absolute", s.Shares[i].HostDir, sh.Dir)
		}
	}
	if _, err := s.Init.Encode(); err != nil {
		return err
	}
	if _, err := s.Boot.Encode(); err != nil {
		return err
	}
	return nil
}

// FindKernel resolves the kernel to boot and checks that it can have the
// devices asked for.
func (s *System) FindKernel() (*kernel.Kernel, error) {
	k, err := kernel.FindArch(s.Kernel, s.arch())
	if err != nil {
		return nil, err
	}
	if err := s.checkShareKernel(k); err != nil {
		return nil, err
	}
	return k, nil
}

// checkShareKernel refuses shares with a kernel whose configuration says
// it has no 9p (Debian's cloud flavour): the guest could only report the
// missing filesystem after a whole boot. A kernel without a known
// configuration is given the benefit of the doubt.
func (s *System) checkShareKernel(k *kernel.Kernel) error {
	if len(s.Shares) == 0 {
		return nil
	}
	c, err := k.Config()
	if err != nil || c.Has("NET_9P") {
		return nil
	}
	fix := `run "pidone kernel fetch --flavour generic" and pass the kernel it prints with --kernel`
	if g, ok := kernel.Cached("generic"); ok {
		fix = "add --kernel " + g.Path
	}
	return fmt.Errorf("--share needs 9p, which kernel %s lacks (no CONFIG_NET_9P in %s): %s", k.Version, k.ConfigPath(), fix)
}

// disks are the VM's virtio-blk disks: the root disk first.
func (s *System) disks() []vm.Disk {
	var ds []vm.Disk
	if s.Root != "" {
		ds = append(ds, vm.Disk{Path: s.Root, Scratch: s.ScratchRoot})
	}
	return append(ds, s.Disks...)
}

// netOn reports whether the guest gets a network card.
func (s *System) netOn() bool {
	return s.Net || len(s.Forwards) > 0 || len(s.GuestFwds) > 0
}

// shares are the 9p devices, tagged share0, share1, ..., with their
// guest directories.
func (s *System) shares() ([]vm.Share, []bootopts.Share) {
	var devs []vm.Share
	var mounts []bootopts.Share
	for i, sh := range s.Shares {
		tag := fmt.Sprintf("share%d", i)
		dir := sh.Dir
		if dir == "" {
			dir = "/mnt/host"
			if i > 0 {
				dir += fmt.Sprint(i)
			}
		}
		devs = append(devs, vm.Share{HostDir: sh.HostDir, Tag: tag, ReadOnly: sh.ReadOnly})
		if !sh.NoMount {
			mounts = append(mounts, bootopts.Share{Tag: tag, Dir: dir})
		}
	}
	return devs, mounts
}

// drivers are the modules the VM's devices need, what --modules auto
// means when the VM is known: exec is true when commands come from the
// host over virtio-serial ports (pidone run -- CMD, pidone test).
func (s *System) drivers(exec bool) []string {
	// The machine's virtio transport, and its pvpanic device's driver,
	// through which the host learns of a kernel panic. Check has
	// refused a machine the architecture lacks.
	var list []string
	if m, err := vm.MachineOf(s.arch(), s.Machine); err == nil {
		list = append(list, m.Transport, m.PanicDriver)
	}
	if !s.NoRNG {
		list = append(list, "virtio_rng")
	}
	if s.netOn() {
		list = append(list, "virtio_net")
	}
	if len(s.disks()) > 0 {
		list = append(list, "virtio_blk")
	}
	if len(s.Shares) > 0 {
		list = append(list, "9pnet_virtio", "9p")
	}
	if exec {
		list = append(list, "virtio_console")
	}
	return list
}

// bootModules is pidone.modules for a boot whose --modules names modules
// or aliases of the kernel: "auto," and those names, so that init loads
// them after the devices' drivers; "" (init's default, auto) otherwise.
// Globs and groups only fill the image (image.Modules.Boot).
func (s *System) bootModules(k *kernel.Kernel) string {
	if s.Initrd != "" || s.Modules == "" || s.Modules == "auto" || s.Modules == "none" {
		return ""
	}
	ms, err := image.ModulesFor(k, s.modules(true), nil)
	if err != nil || ms == nil || len(ms.Boot) == 0 {
		return "" // the image build has said what is wrong
	}
	return "auto," + strings.Join(ms.Boot, ",")
}

// bootOptions are init's options for one boot: what the devices need,
// then the caller's.
func (s *System) bootOptions(extra bootopts.Options) bootopts.Options {
	var o bootopts.Options
	if s.netOn() {
		o.Net = "dhcp"
	}
	_, o.Shares = s.shares()
	if s.Root != "" {
		o.Root = "/dev/vda"
	}
	return o.Merge(s.Boot).Merge(extra)
}

// Config is the VM that boots initrd, with init options extra for this
// boot. auto acceleration is resolved here (a probe the first time on a
// host boot).
func (s *System) config(ctx context.Context, k *kernel.Kernel, initrd string, extra bootopts.Options) (*vm.Config, error) {
	cache, err := kernel.CacheDir()
	if err != nil {
		return nil, err
	}
	var say func(string)
	if s.Verbose && s.Log != nil {
		say = func(m string) { fmt.Fprintln(s.Log, "pidone: "+m) }
	}
	accel, err := vm.ResolveAccel(ctx, s.Accel, s.arch(), &vm.KVMProbe{Kernel: k.Path, Arch: s.arch(), Cache: cache}, say)
	if err != nil {
		return nil, err
	}
	o := s.bootOptions(extra)
	if o.Modules == "" {
		o.Modules = s.bootModules(k)
	}
	opts, err := o.Encode()
	if err != nil {
		return nil, err
	}
	cmdline := opts
	if s.Append != "" {
		cmdline = strings.TrimSpace(cmdline + " " + s.Append)
	}
	devs, _ := s.shares()
	c := &vm.Config{
		Kernel:   k.Path,
		Initrd:   initrd,
		Append:   cmdline,
		Mem:      s.Mem,
		CPUs:     s.CPUs,
		Arch:     s.arch(),
		Machine:  s.Machine,
		Accel:    accel,
		Verbose:  s.Verbose,
		NoReboot: s.NoReboot,
		Disks:    s.disks(),
		Shares:   devs,
		NoRNG:    s.NoRNG,
		Log:      s.Log,
	}
	if s.netOn() {
		c.Net = &vm.Net{Forwards: s.Forwards, GuestFwds: s.GuestFwds}
		if len(s.GuestFwds) > 0 {
			relay, err := relayProgram()
			if err != nil {
				return nil, err
			}
			c.Net.Relay = relay
		}
	}
	return c, nil
}

// RelayProgram is the pidone CLI, which QEMU runs as "PROGRAM relay ..."
// for each guest connection to a --guestfwd service; "" is this program,
// which is right in the CLI. Tests, whose binary is not pidone, set it.
var RelayProgram string

func relayProgram() (string, error) {
	if RelayProgram != "" {
		return RelayProgram, nil
	}
	return os.Executable()
}
