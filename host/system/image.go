package system

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"pidone.dev/host/disk"
	"pidone.dev/host/gobuild"
	"pidone.dev/host/image"
	"pidone.dev/host/kernel"
	"pidone.dev/pkg/cmdlist"
)

// Build makes the image for s without knowing the machine it will boot
// on (pidone build): with every virtio driver kernel k has (nil: no
// modules unless Modules names some, which is then an error), compressed
// with gzip unless Compress says otherwise. It returns its path in
// pidone's cache.
func (s *System) Build(ctx context.Context, k *kernel.Kernel) (string, error) {
	return s.image(ctx, k, nil)
}

// Image makes the image s boots (pidone run, vmtest): with only the
// drivers of s's devices, and the serial ports' when exec (commands come
// from the host).
func (s *System) Image(ctx context.Context, k *kernel.Kernel, exec bool) (string, error) {
	return s.image(ctx, k, s.drivers(exec))
}

// image builds s's image in pidone's cache, unless one with the same
// inputs is there. drivers, when the VM's devices are known, are what
// --modules auto means; nil means every virtio driver.
func (s *System) image(ctx context.Context, k *kernel.Kernel, drivers []string) (string, error) {
	if err := s.Check(); err != nil {
		return "", err
	}
	max, err := CacheMax()
	if err != nil {
		return "", err
	}
	dir, err := kernel.CacheDir()
	if err != nil {
		return "", err
	}
	arch := s.arch()
	guest := s.Guest
	if guest == "" {
		guest = gobuild.GuestFile(dir, arch, s.tags()...)
		if err := gobuild.Guest(ctx, arch, guest, s.tags()...); err != nil {
			return "", err
		}
	}
	mtime, err := image.DefaultModTime()
	if err != nil {
		return "", err
	}
	if k != nil && k.Modules != "" && k.Arch != "" && k.Arch != arch && s.Modules != "none" {
		return "", fmt.Errorf("kernel %s is for %s and the image for %s (--arch %s): its modules would not load; give a kernel for %s with --kernel, or leave modules out with --modules none", k.Version, k.Arch, arch, arch, arch)
	}
	// The VM's devices known, auto is only their drivers.
	mods, err := image.ModulesFor(k, s.modules(drivers != nil), drivers)
	if err != nil {
		return "", err
	}
	if err := mods.MissingError(); err != nil {
		if drivers == nil {
			return "", err // pidone build: the image is what is asked for
		}
		// pidone run and test go on without, and say so once, not
		// once per package.
		warnOnce(s.Log, "pidone: "+err.Error()+"; going on without")
	}
	if mods != nil && drivers != nil {
		for _, n := range mods.Notes {
			warnOnce(s.Log, "pidone: --modules: "+n)
		}
	}
	baked, err := s.bakedOptions(ctx)
	if err != nil {
		return "", err
	}
	compress := s.Compress
	if compress == "" {
		compress = defaultCompress
	}
	hostname := s.Hostname
	if hostname == "" {
		hostname = "pidone"
	}
	spec := &image.Spec{
		Init:        guest,
		Commands:    cmdlist.Names,
		Files:       s.Files,
		Cmdline:     baked,
		Hostname:    hostname,
		Compression: compress,
		ModTime:     mtime,
		Modules:     mods,
	}
	if c, ok := image.ConfigFile(k); ok {
		// First: a user's --file at its path wins.
		spec.Files = append([]image.File{c}, spec.Files...)
	}
	progs, err := s.buildPrograms(ctx)
	if err != nil {
		return "", err
	}
	if s.PID1 {
		spec.Userland, spec.Init = spec.Init, progs[0].host
	} else {
		for _, p := range progs {
			spec.Files = append(spec.Files, image.File{Host: p.host, Guest: p.guest})
		}
	}
	img, err := image.Cached(ctx, filepath.Join(dir, "images", arch), spec)
	if err != nil {
		return "", err
	}
	// The cache keeps the most recently used images within its limit;
	// one that cannot be pruned now will be at the next build.
	_, _ = image.Prune(filepath.Join(dir, "images"), max)
	return img, nil
}

// warned holds the warnings said, so that each is said once however many
// systems (pidone test's packages) are built.
var warned sync.Map

func warnOnce(w io.Writer, msg string) {
	if _, said := warned.LoadOrStore(msg, true); !said && w != nil {
		fmt.Fprintln(w, msg)
	}
}

// modules is the --modules value for an image. When the VM is known
// (pidone run, test, vmtest), names add to the devices' drivers, without
// which it could not boot to its command ("--modules nf_conntrack" means
// auto,nf_conntrack there); "none" still means none. pidone build takes
// the value as it is.
func (s *System) modules(vmKnown bool) string {
	v := s.Modules
	if s.Root != "" && v != "none" {
		// The root disk's filesystem, which init mounts before anything
		// could load it on demand (built in, in most kernels).
		if v == "" {
			v = "auto"
		}
		v += ",ext4"
	}
	if !vmKnown || v == "" {
		return v
	}
	for _, w := range strings.Split(v, ",") {
		if w = strings.TrimSpace(w); w == "auto" || w == "none" {
			return v
		}
	}
	return "auto," + v
}

// tags are the guest's build tags: networking only when there is a card
// (or pidone build --net asked for it).
func (s *System) tags() []string {
	if s.netOn() {
		return []string{gobuild.NetTag}
	}
	return nil
}

// bakedOptions are the init options written into the image: s.Init with
// the apps, then the user's own (Cmdline), which win.
func (s *System) bakedOptions(ctx context.Context) (string, error) {
	o := s.Init
	progs, err := s.programs()
	if err != nil {
		return "", err
	}
	if !s.PID1 {
		for _, p := range progs {
			o.Apps = append(o.Apps, append([]string{p.guest}, p.args...))
		}
	}
	text, err := o.Encode()
	if err != nil {
		return "", err
	}
	if s.Cmdline != "" {
		if text != "" {
			text += " "
		}
		text += s.Cmdline
	}
	return text, nil
}

// CacheMax is the image cache's size limit: $PIDONE_CACHE_MAX, or
// image.DefaultMax.
func CacheMax() (int64, error) {
	v := os.Getenv("PIDONE_CACHE_MAX")
	if v == "" {
		return image.DefaultMax, nil
	}
	n, err := disk.ParseSize(v)
	if err != nil {
		return 0, fmt.Errorf("PIDONE_CACHE_MAX=%q: want the image cache's size limit, such as 512M or 2G", v)
	}
	return n, nil
}
