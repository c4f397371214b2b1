package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"

	"pidone.dev/guest/cmds"
	"pidone.dev/host/gobuild"
	"pidone.dev/host/image"
	"pidone.dev/host/kernel"
	"pidone.dev/pkg/cmdline"
)

// imageFlags are the flags of every command that builds an image.
type imageFlags struct {
	files    fileList
	cmdline  string
	compress string
	guest    string
	net      bool
	arch     string
	hostname string
	modules  string
	// kern is the kernel the image is for: its modules go in. nil when
	// none is known.
	kern *kernel.Kernel
	app  appFlags
	// drivers, when the VM's devices are known (run, test), are the
	// modules --modules auto means; nil means every virtio driver.
	drivers []string
}

// archFlag is --arch, checked as it is parsed: it names directories in
// the cache, so nothing may be done with a value pidone cannot build.
type archFlag struct{ p *string }

func (a archFlag) String() string {
	if a.p == nil {
		return ""
	}
	return *a.p
}

func (a archFlag) Set(s string) error {
	if err := gobuild.CheckArch(s); err != nil {
		return err
	}
	*a.p = s
	return nil
}

type fileList []image.File

func (f *fileList) String() string { return fmt.Sprint(*f) }
func (f *fileList) Set(s string) error {
	file, err := image.ParseFile(s)
	if err != nil {
		return err
	}
	*f = append(*f, file)
	return nil
}

// register adds the image flags to fs; compress is the default
// compression ("pidone build" ships gzip, "pidone run" boots faster
// without).
func (f *imageFlags) register(fs *flag.FlagSet, compress string) {
	fs.Var(&f.files, "file", "add a host file or directory as `HOST[:GUEST]` (repeatable)")
	fs.Func("cmdline", "init `options` baked into the image, e.g. pidone.run=CMD", func(s string) error {
		// Split as the kernel and init split it: a quote left open
		// would swallow the rest of the line.
		if err := cmdline.Check(s); err != nil {
			return err
		}
		f.cmdline = s
		return nil
	})
	fs.StringVar(&f.compress, "compress", compress, "compression: gzip, zstd or none")
	fs.StringVar(&f.guest, "guest", os.Getenv("PIDONE_GUEST"), "use this prebuilt guest `binary` instead of building one")
	f.arch = runtime.GOARCH
	fs.Var(archFlag{&f.arch}, "arch", "guest architecture (GOARCH): "+strings.Join(gobuild.Arches, ", "))
	f.hostname = "pidone"
	fs.Func("hostname", "the guest's host `name` (default pidone)", func(s string) error {
		if err := image.CheckHostname(s); err != nil {
			return err
		}
		f.hostname = s
		return nil
	})
	f.app.register(fs)
	fs.StringVar(&f.modules, "modules", "auto", "kernel modules to include: auto (the virtio drivers the kernel has), none, or `NAME,NAME...` (auto may be one; pidone kernel modules lists them)")
}

// explicitModules reports whether --modules names modules, which then
// need a kernel with a module tree.
func (f *imageFlags) explicitModules() bool {
	return f.modules != "auto" && f.modules != "none" && f.modules != ""
}

// build makes the image described by f in pidone's cache, unless an
// identical one is there, and returns its path.
func (f *imageFlags) build(ctx context.Context) (string, error) {
	// --arch names directories below: it must be one pidone builds for.
	if err := gobuild.CheckArch(f.arch); err != nil {
		return "", usageError{"--arch: " + err.Error()}
	}
	max, err := cacheMax()
	if err != nil {
		return "", err
	}
	// Mistakes in --app are found before the guest is built.
	if _, err := f.app.parseApps(); err != nil {
		return "", err
	}
	dir, err := kernel.CacheDir()
	if err != nil {
		return "", err
	}
	guest := f.guest
	if guest == "" {
		var tags []string
		if f.net {
			tags = []string{gobuild.NetTag}
		}
		guest = gobuild.GuestFile(dir, f.arch, tags...)
		if err := gobuild.Guest(ctx, f.arch, guest, tags...); err != nil {
			return "", err
		}
	}
	mtime, err := image.DefaultModTime()
	if err != nil {
		return "", err
	}
	var names []string
	for _, c := range cmds.All() {
		names = append(names, c.Name)
	}
	if k := f.kern; k != nil && k.Modules != "" && k.Arch != "" && k.Arch != f.arch && f.modules != "none" {
		return "", fmt.Errorf("kernel %s is for %s and the image for %s (--arch %s): its modules would not load; give a kernel for %s with --kernel, or leave modules out with --modules none", k.Version, k.Arch, f.arch, f.arch, f.arch)
	}
	mods, err := image.ModulesFor(f.kern, f.modules)
	if err != nil {
		return "", err
	}
	if mods != nil && f.drivers != nil && (f.modules == "" || f.modules == "auto") {
		// pidone run knows the VM's devices: only their drivers go in.
		var keep []string
		for _, n := range mods.Names {
			for _, d := range f.drivers {
				if n == d {
					keep = append(keep, n)
				}
			}
		}
		mods.Names = keep
	}
	spec := &image.Spec{
		Init:        guest,
		Commands:    names,
		Files:       f.files,
		Cmdline:     f.cmdline,
		Hostname:    f.hostname,
		Compression: f.compress,
		ModTime:     mtime,
		Modules:     mods,
	}
	if err := f.app.add(ctx, spec, f.arch, f.net); err != nil {
		return "", err
	}
	img, err := image.Cached(ctx, filepath.Join(dir, "images", f.arch), spec)
	if err != nil {
		return "", err
	}
	// The cache keeps the most recently used images within its limit;
	// one that cannot be pruned now will be at the next build.
	_, _ = image.Prune(filepath.Join(dir, "images"), max)
	return img, nil
}

func defaultImageName(compress string) string {
	switch compress {
	case "zstd":
		return "initramfs.cpio.zst"
	case "none":
		return "initramfs.cpio"
	}
	return "initramfs.cpio.gz"
}

func cmdBuild(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("pidone build", flag.ContinueOnError)
	var f imageFlags
	f.register(fs, "gzip")
	fs.BoolVar(&f.net, "net", false, "include networking (ip, dhcp, wget, ping)")
	out := fs.String("o", "", "output `file` (default initramfs.cpio.gz, .zst or .cpio by compression)")
	kflag := fs.String("kernel", "", "the kernel `image` the initramfs is for, whose modules go in (default: as pidone run)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("pidone build takes no arguments, got %q", strings.Join(fs.Args(), " "))}
	}
	// Without a kernel the image simply has no modules, unless the user
	// asked for some by name.
	k, err := kernel.Find(*kflag)
	if err != nil && (*kflag != "" || f.explicitModules()) {
		return err
	}
	f.kern = k
	if *out == "" {
		*out = defaultImageName(f.compress)
	}
	if st, err := os.Stat(*out); err == nil && st.IsDir() {
		return usageError{fmt.Sprintf("-o %s is a directory; -o names the image file: give a file, such as %s", *out, filepath.Join(*out, defaultImageName(f.compress)))}
	}
	img, err := f.build(ctx)
	if err != nil {
		return err
	}
	if err := image.CopyFile(ctx, *out, img); err != nil {
		return err
	}
	if st, err := os.Stat(*out); err == nil {
		fmt.Fprintf(os.Stderr, "pidone: wrote %s (%.1f MiB)\n", *out, float64(st.Size())/(1<<20))
	}
	return nil
}

func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}
