package image

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"pidone.dev/host/kernel"
	"pidone.dev/pkg/bootopts"
	"pidone.dev/pkg/cpio"
	"pidone.dev/pkg/fserr"
	"pidone.dev/pkg/kmod"
)

// Modules are kernel modules for the image, installed under
// /lib/modules/Version with the same relative paths as in the kernel's
// tree (decompressed: the kernel loads plain .ko files fastest, and the
// image as a whole is compressed anyway), together with the parts of
// modules.dep, modules.alias and modules.softdep that describe them and
// the kernel's modules.builtin.
type Modules struct {
	Version string      // the kernel's release (uname -r)
	Dir     string      // the kernel's module tree on the host (lib/modules/VERSION)
	Index   *kmod.Index // Dir's index (kernel.Kernel.ModuleIndex)

	// Names are the modules wanted; what they need comes along. With
	// none, the image gets no modules but still the list of the kernel's
	// virtual-device drivers it lacks, so that init can say which module
	// a device needs.
	Names []string
}

// AutoModules are the drivers of the devices pidone gives a VM (MMIO and
// PCI transports, network, disk, random numbers, console, vsock, 9p
// shares, and the pvpanic device that tells QEMU of a kernel panic):
// what --modules auto includes, each only if the kernel has it as a
// module.
var AutoModules = []string{
	"virtio_mmio", "virtio_pci", "virtio_net", "virtio_blk", "virtio_rng", "virtio_console",
	"vmw_vsock_virtio_transport", "9pnet_virtio", "9p", "pvpanic_mmio",
}

// ModulesFor returns the modules of kernel k that a --modules value asks
// for: "auto" (or "") for AutoModules, "none", or module names and
// aliases separated by commas, where "auto" may be one of them. It
// returns nil when k has no known module tree and the value is auto or
// none; asking for modules by name then is an error.
func ModulesFor(k *kernel.Kernel, value string) (*Modules, error) {
	if value == "" {
		value = "auto"
	}
	explicit := value != "auto" && value != "none"
	if k == nil || k.Modules == "" || k.Version == "" {
		if !explicit {
			return nil, nil
		}
		what := "no kernel"
		if k != nil {
			what = "kernel " + k.Path
		}
		return nil, fmt.Errorf("--modules %s: %s has no known modules; use a kernel from pidone kernel fetch, or a /boot kernel with its /lib/modules", value, what)
	}
	ix, err := k.ModuleIndex()
	if err != nil {
		return nil, err
	}
	names, err := SelectModules(ix, value)
	var nf *kmod.NotFoundError
	if errors.As(err, &nf) {
		return nil, fmt.Errorf("--modules: kernel %s has no module %s (pidone kernel modules lists its %d modules)", k.Version, nf.Name, len(ix.Modules))
	}
	if err != nil {
		return nil, err
	}
	return &Modules{Version: k.Version, Dir: k.Modules, Index: ix, Names: names}, nil
}

// SelectModules turns a --modules value into module names of ix (see
// ModulesFor). A name that ix does not have is a *kmod.NotFoundError; a
// built-in driver needs nothing and is left out.
func SelectModules(ix *kmod.Index, value string) ([]string, error) {
	var names []string
	add := func(n string) {
		for _, x := range names {
			if x == n {
				return
			}
		}
		names = append(names, n)
	}
	for _, w := range strings.Split(value, ",") {
		switch w = strings.TrimSpace(w); w {
		case "", "none":
		case "auto":
			for _, n := range AutoModules {
				if _, ok := ix.Modules[n]; ok {
					add(n)
				}
			}
		default:
			mods, builtin := ix.Resolve(w)
			if len(mods) == 0 && !builtin {
				return nil, &kmod.NotFoundError{Name: w}
			}
			for _, n := range mods {
				add(n)
			}
		}
	}
	return names, nil
}

// moduleFile is a module to copy into the image.
type moduleFile struct {
	guest, host string
}

// plan works out what the modules put into the image: module files to
// copy (and decompress) and the small index files, by guest path.
func (ms *Modules) plan() ([]moduleFile, map[string][]byte, error) {
	if ms.Version == "" || strings.ContainsAny(ms.Version, "/\x00") {
		return nil, nil, fmt.Errorf("modules: bad kernel version %q", ms.Version)
	}
	base := "/lib/modules/" + ms.Version
	order, err := ms.Index.Order(ms.Names, true)
	if err != nil {
		return nil, nil, fmt.Errorf("modules of %s: %w", ms.Version, err)
	}
	sub := ms.Index.Subset(order)
	var files []moduleFile
	for _, name := range order {
		m := sub.Modules[name]
		host := filepath.Join(ms.Dir, filepath.FromSlash(m.Path))
		rel, _ := kmod.TrimSuffix(m.Path)
		m.Path = rel + ".ko"
		files = append(files, moduleFile{guest: base + "/" + m.Path, host: host})
	}
	text := map[string][]byte{}
	if len(order) > 0 {
		var dep, alias, softdep bytes.Buffer
		kmod.WriteDep(&dep, sub.Deps())
		kmod.WriteAlias(&alias, sub.Aliases)
		text[base+"/"+kmod.DepFile] = dep.Bytes()
		text[base+"/"+kmod.AliasFile] = alias.Bytes()
		if len(sub.Softdeps) > 0 {
			kmod.WriteSoftdep(&softdep, sub.SoftdepList())
			text[base+"/"+kmod.SoftdepFile] = softdep.Bytes()
		}
		// modprobe answers "built in" for these rather than "no such
		// module".
		if b, err := os.ReadFile(filepath.Join(ms.Dir, kmod.BuiltinFile)); err == nil {
			text[base+"/"+kmod.BuiltinFile] = b
		}
	}
	var absent bytes.Buffer
	for _, a := range ms.Index.Aliases {
		if _, in := sub.Modules[a.Module]; !in && isVirtualDevice(a.Pattern) {
			fmt.Fprintf(&absent, "alias %s %s\n", a.Pattern, a.Module)
		}
	}
	if absent.Len() > 0 {
		text[base+"/"+bootopts.AbsentFile] = append([]byte("# Drivers of virtual devices that kernel "+ms.Version+" has and this image lacks: pidone build --modules adds them.\n"), absent.Bytes()...)
	}
	return files, text, nil
}

// isVirtualDevice says whether an alias is for a device QEMU gives
// pidone's VMs: virtio devices and the PCI functions (vendor 0x1af4)
// that carry them.
func isVirtualDevice(pattern string) bool {
	// virtio devices, the virtio PCI transport (Red Hat's vendor id) and
	// the virtio-mmio transport (microvm's, described by ACPI).
	return strings.HasPrefix(pattern, "virtio:") || strings.HasPrefix(pattern, "pci:v00001AF4") ||
		strings.Contains(pattern, "LNRO0005")
}

// addModules adds the modules' entries to m, and bootopts.ModprobeLink as a link
// to modprobe, the guest's absolute path of pidone's binary.
func (ms *Modules) addModules(m map[string]*entry, modprobe string) error {
	files, text, err := ms.plan()
	if err != nil {
		return err
	}
	for _, f := range files {
		data, err := kernel.ReadModule(f.host)
		if err != nil {
			return fmt.Errorf("module %s: %w", f.host, fserr.Reason(err))
		}
		m[f.guest] = &entry{mode: cpio.TypeReg | 0o644, data: data}
	}
	for p, b := range text {
		m[p] = &entry{mode: cpio.TypeReg | 0o644, data: b}
	}
	if len(files) > 0 {
		// The kernel runs /sbin/modprobe to load what it needs on demand
		// (mount -t 9p asks for "fs-9p"). Not from the start, though:
		// before /init runs, the kernel asks for crypto algorithms and
		// protocols that no image of ours carries, and starting a Go
		// binary for each cost 0.3 s of every boot under TCG. init makes
		// /sbin/modprobe a link to this one as it starts.
		// Relative, like every link in the image ("../../init").
		link, err := filepath.Rel(filepath.Dir(bootopts.ModprobeLink), modprobe)
		if err != nil {
			return err
		}
		m[bootopts.ModprobeLink] = &entry{mode: cpio.TypeSymlink | 0o777, link: link}
	}
	return nil
}
