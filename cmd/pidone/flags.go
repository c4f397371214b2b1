package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"pidone.dev/host/gobuild"
	"pidone.dev/host/image"
	"pidone.dev/host/system"
	"pidone.dev/host/vm"
	"pidone.dev/pkg/cmdline"
)

// parse parses flags and turns flag's own errors into usage errors.
// A mistake gets one line; the flag list is for -h.
func parse(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(os.Stderr)
			fmt.Fprintf(os.Stderr, "Usage of %s:\n", fs.Name())
			fs.PrintDefaults()
			return err
		}
		return usageError{err.Error()}
	}
	return nil
}

// imageFlags registers the flags of every command that builds an image,
// writing into s; compress is the default compression ("pidone build"
// ships gzip, "pidone run" boots faster without).
func imageFlags(fs *flag.FlagSet, s *system.System, compress string) {
	s.Compress = compress
	fs.Func("file", "add a host file or directory as `HOST[:GUEST]` (repeatable)", func(v string) error {
		f, err := image.ParseFile(v)
		s.Files = append(s.Files, f)
		return err
	})
	fs.Func("cmdline", "init `options` baked into the image, e.g. pidone.run=CMD", func(v string) error {
		// Split as the kernel and init split it: a quote left open
		// would swallow the rest of the line.
		if err := cmdline.Check(v); err != nil {
			return err
		}
		s.Cmdline = v
		return nil
	})
	fs.StringVar(&s.Compress, "compress", compress, "compression: gzip, zstd or none")
	fs.StringVar(&s.Guest, "guest", os.Getenv("PIDONE_GUEST"), "use this prebuilt guest `binary` instead of building one")
	s.Arch = runtime.GOARCH
	fs.Func("arch", "guest architecture (GOARCH): "+strings.Join(gobuild.Arches, ", "), func(v string) error {
		// It names directories in the cache: nothing may be done with
		// a value pidone cannot build.
		if err := gobuild.CheckArch(v); err != nil {
			return err
		}
		s.Arch = v
		return nil
	})
	s.Hostname = "pidone"
	fs.Func("hostname", "the guest's host `name` (default pidone)", func(v string) error {
		if err := image.CheckHostname(v); err != nil {
			return err
		}
		s.Hostname = v
		return nil
	})
	fs.Func("app", "build the Go main package `PKG [ARGS]` into the image and have init run and supervise it (repeatable)", func(v string) error {
		f := strings.Fields(v)
		if len(f) == 0 {
			return fmt.Errorf("--app: give a Go main package, such as ./cmd/server")
		}
		if strings.Contains(v, `"`) {
			return fmt.Errorf("--app %s: an argument cannot hold a double quote (init's command line has no escape for it)", v)
		}
		s.Apps = append(s.Apps, system.App{Pkg: f[0], Args: f[1:]})
		return nil
	})
	fs.BoolVar(&s.Init.NoShell, "no-shell", false, "no shell on the console: the --app programs are the system")
	fs.BoolVar(&s.PID1, "pid1", false, "the one --app program is PID 1 itself (it calls initd.Run or initd.Setup); pidone's commands stay in /bin")
	fs.StringVar(&s.Modules, "modules", "auto", "kernel modules to include: auto (the drivers of the VM's devices; for build, every virtio driver), none, or a list `auto,NAME,...` of modules or aliases (run and test also load them at boot), globs of names ('nls_*') or paths ('net/sched/*'), and groups (net, fs, crypto, block) that the kernel loads on demand; pidone kernel modules lists them")
}

// machineFlags registers the VM's flags, the same for pidone run and
// pidone test.
func machineFlags(fs *flag.FlagSet, s *system.System) {
	s.Accel = vm.AccelAuto
	fs.StringVar(&s.Accel, "accel", vm.AccelAuto, "accelerator: auto (KVM when it works on this host, else TCG), kvm or tcg")
	fs.StringVar(&s.Kernel, "kernel", "", "kernel `image` to boot, or tiny for pidone kernel build's (default: $PIDONE_KERNEL, pidone's cache, /boot)")
	fs.IntVar(&s.Mem, "mem", 256, "guest memory in `MiB`")
	fs.IntVar(&s.CPUs, "smp", 1, "virtual CPUs")
	fs.StringVar(&s.Append, "append", "", "extra kernel command line")
	fs.BoolVar(&s.Net, "net", false, "add a network card (user-mode, restricted: the guest reaches only --guestfwd services) and bring it up with DHCP")
	fs.Func("forward", "forward host port to guest port, `HOST:GUEST[/udp]` on 127.0.0.1 (repeatable; implies --net)", func(v string) error {
		f, err := vm.ParseForward(v)
		s.Forwards = append(s.Forwards, f)
		return err
	})
	fs.Func("guestfwd", "show a host loopback service in the guest, `10.0.2.100:80=127.0.0.1:8080` (repeatable; implies --net)", func(v string) error {
		g, err := vm.ParseGuestFwd(v)
		s.GuestFwds = append(s.GuestFwds, g)
		return err
	})
	fs.Func("disk", "attach a raw disk image as /dev/vdX, `FILE[:ro]` (repeatable)", func(v string) error {
		d, err := vm.ParseDisk(v)
		s.Disks = append(s.Disks, d)
		return err
	})
	fs.Func("share", "share a host directory over 9p, `HOSTDIR[:GUESTDIR]` (default /mnt/host; repeatable)", func(v string) error {
		host, guest, _ := strings.Cut(v, ":")
		if host == "" {
			return fmt.Errorf("want HOSTDIR[:GUESTDIR]")
		}
		if guest != "" && !strings.HasPrefix(guest, "/") {
			return fmt.Errorf("%s: the guest directory must be absolute", v)
		}
		s.Shares = append(s.Shares, system.Share{HostDir: host, Dir: guest})
		return nil
	})
	fs.StringVar(&s.Root, "root", "", "boot into this root `disk` (pidone rootfs makes one from a container image or a directory): /dev/vda, read-write")
	fs.BoolVar(&s.NoRNG, "no-rng", false, "leave out the virtio-rng device")
	fs.BoolVar(&s.Cold, "cold", false, "with a command, and in pidone test: boot the VM rather than restore its saved snapshot")
	fs.StringVar(&s.Machine, "machine", "", "QEMU `machine`: on x86 microvm (the default, fastest boot) or pc (for kernels without virtio_mmio); virt on arm64 and riscv64")
}

// check is system.Check as a usage error: every mistake it finds is one
// in the flags.
func check(s *system.System) error {
	if err := s.Check(); err != nil {
		return usageError{err.Error()}
	}
	return nil
}
