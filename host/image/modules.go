package image

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
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
// modules.dep, modules.alias, modules.softdep and modules.devname that
// describe them and the kernel's modules.builtin.
type Modules struct {
	Version string      // the kernel's release (uname -r)
	Dir     string      // the kernel's module tree on the host (lib/modules/VERSION)
	Index   *kmod.Index // Dir's index (kernel.Kernel.ModuleIndex)

	// Names are the modules wanted; what they need comes along. With
	// none, the image gets no modules but still the list of the kernel's
	// virtual-device drivers it lacks, so that init can say which module
	// a device needs.
	Names []string

	// Boot are the words of the --modules value that name modules (or
	// aliases) of the kernel, as written: what init loads at boot after
	// the devices' drivers (bootopts.Options.Modules). Globs and groups
	// are not among them: their modules are in the image for modprobe and
	// for the kernel to load on demand.
	Boot []string
	// Missing are the words that name nothing in the kernel: module
	// names, aliases, globs or groups. MissingError says so.
	Missing []string
	// Notes say what the image lacks that a module will want when used:
	// a companion (see Companions) the kernel does not have.
	Notes []string
}

// AutoModules are the drivers of the devices pidone gives a VM (MMIO and
// PCI transports, network, disk, random numbers, console, vsock, 9p
// shares, and the pvpanic devices, ISA and PCI, that tell QEMU of a
// kernel panic):
// what --modules auto includes, each only if the kernel has it as a
// module.
var AutoModules = []string{
	"virtio_mmio", "virtio_pci", "virtio_net", "virtio_blk", "virtio_rng", "virtio_console",
	"vmw_vsock_virtio_transport", "9pnet_virtio", "9p", "pvpanic_mmio", "pvpanic_pci",
}

// Groups are --modules words that stand for parts of the kernel's module
// tree, as directories under kernel/ (path globs, see SelectModules).
var Groups = map[string][]string{
	"net":    {"net"},                     // protocols, netfilter, traffic control, bridges, tunnels...
	"fs":     {"fs"},                      // filesystems, and the character sets they use (nls)
	"crypto": {"crypto", "arch/*/crypto"}, // algorithms, generic and CPU-accelerated
	"block":  {"block", "drivers/block"},  // the block layer's modules, loop, nbd, zram...
}

// ModulesFor returns the modules of kernel k that a --modules value asks
// for (see SelectModules): "auto" (or "") for the drivers of the VM's
// devices, drivers (AutoModules when nil), "none", or names, aliases,
// globs and groups separated by commas, where "auto" may be one of them.
// Words that name nothing in k are not an error but the result's
// Missing. It returns nil when k has no known module tree and the value
// is auto or none; asking for modules by name then is an error.
func ModulesFor(k *kernel.Kernel, value string, drivers []string) (*Modules, error) {
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
	sel := SelectModules(ix, value, drivers)
	ms := &Modules{Version: k.Version, Dir: k.Modules, Index: ix, Names: sel.Names, Boot: sel.Boot, Missing: sel.Missing}
	if len(sel.Names) > 0 {
		config, _ := k.Config() // unknown: the kernel's defaults
		for _, c := range Companions(ix, config, sel.Names) {
			if _, ok := ix.Modules[c.Module]; ok {
				if !slices.Contains(ms.Names, c.Module) {
					ms.Names = append(ms.Names, c.Module)
				}
			} else if !ix.Builtin[c.Module] {
				ms.Notes = append(ms.Notes, fmt.Sprintf("%s wants %s %s, which kernel %s lacks", c.For, c.Module, c.Why, k.Version))
			}
		}
	}
	return ms, nil
}

// MissingError says which words of --modules the kernel has no module
// for; nil when there are none. pidone build stops on it; pidone run and
// test say it and go on.
func (ms *Modules) MissingError() error {
	if ms == nil || len(ms.Missing) == 0 {
		return nil
	}
	return fmt.Errorf("--modules: kernel %s has no module %s (pidone kernel modules lists its %d modules)",
		ms.Version, strings.Join(ms.Missing, ", "), len(ms.Index.Modules))
}

// Selection is what a --modules value selects of a kernel's modules.
type Selection struct {
	Names   []string // the modules to put in the image, without what they need
	Boot    []string // the words that name modules or aliases, for init to load
	Missing []string // the words that name nothing
}

// SelectModules turns a --modules value into module names of ix. Its
// words, separated by commas, are:
//
//   - "auto": the drivers of the VM's devices (AutoModules when drivers
//     is nil) that ix has as modules; "none" and "" add nothing;
//   - a group (Groups): every module under its directories;
//   - a word with a '/': a path glob, matched (kmod.Match, where '*'
//     crosses '/') against each module's path below kernel/ without its
//     suffix; "net/sched/*" is every module under kernel/net/sched, and a
//     directory without a wildcard ("drivers/block") is all below it;
//   - a word with '*', '?' or '[': a glob of module names ("nls_*");
//   - else a module name or an alias (vfat, fs-9p, crypto-ghash), which
//     init also loads at boot (Boot).
//
// A built-in driver needs nothing and is left out; a word that names
// nothing goes in Missing.
func SelectModules(ix *kmod.Index, value string, drivers []string) Selection {
	var sel Selection
	add := func(n string) {
		if !slices.Contains(sel.Names, n) {
			sel.Names = append(sel.Names, n)
		}
	}
	for _, w := range strings.Split(value, ",") {
		w = strings.TrimSpace(w)
		switch {
		case w == "" || w == "none":
		case w == "auto":
			for _, n := range AutoModules {
				if _, ok := ix.Modules[n]; ok && (drivers == nil || slices.Contains(drivers, n)) {
					add(n)
				}
			}
		case Groups[w] != nil || strings.ContainsAny(w, "/*?["):
			var found []string
			switch {
			case Groups[w] != nil:
				found = pathMatches(ix, Groups[w])
			case strings.Contains(w, "/"):
				found = pathMatches(ix, []string{w})
			default:
				found = nameMatches(ix, w)
			}
			if len(found) == 0 {
				sel.Missing = append(sel.Missing, w)
			}
			for _, n := range found {
				add(n)
			}
		default:
			mods, builtin := ix.Resolve(w)
			if len(mods) == 0 && !builtin {
				sel.Missing = append(sel.Missing, w)
				continue
			}
			if len(mods) > 0 && !slices.Contains(sel.Boot, w) {
				sel.Boot = append(sel.Boot, w)
			}
			for _, n := range mods {
				add(n)
			}
		}
	}
	return sel
}

// pathMatches returns the modules, sorted by name, whose path below
// kernel/ (without its suffix) matches one of the globs, or is below a
// directory one of them names.
func pathMatches(ix *kmod.Index, globs []string) []string {
	var found []string
	for _, n := range ix.Names() {
		p, _ := kmod.TrimSuffix(ix.Modules[n].Path)
		p = strings.TrimPrefix(p, "kernel/")
		for _, g := range globs {
			g = strings.TrimSuffix(strings.TrimPrefix(g, "kernel/"), "/")
			g, _ = kmod.TrimSuffix(g)
			if kmod.Match(g, p) || kmod.Match(g+"/*", p) {
				found = append(found, n)
				break
			}
		}
	}
	return found
}

// nameMatches returns the modules, sorted, whose names match the glob,
// with dashes and underscores alike.
func nameMatches(ix *kmod.Index, glob string) []string {
	glob = kmod.NormalizeAlias(glob)
	var found []string
	for _, n := range ix.Names() {
		if kmod.Match(glob, n) {
			found = append(found, n)
		}
	}
	return found
}

// A Companion is a module that another needs when it is used, which no
// depends= or softdep= says because the kernel asks for it by name at
// that moment: it goes into the image with the module, for the kernel
// to load on demand.
type Companion struct {
	For    string // the module that needs it
	Module string
	Why    string // for messages
}

// Companions returns the companions of the modules names that kernel
// configuration c implies (nil c: the kernel's defaults). So far they are
// the character sets of FAT's default mount options: mounting vfat or
// msdos loads the codepage's (FAT_DEFAULT_CODEPAGE, nls_cp437), and vfat
// also the I/O character set's (FAT_DEFAULT_IOCHARSET: nls_ascii in
// Debian's kernels, nls_iso8859-1 upstream); without them the mount
// fails.
func Companions(ix *kmod.Index, c kernel.Config, names []string) []Companion {
	get := func(key, def string) string {
		if v := c[key]; v != "" {
			return v
		}
		return def
	}
	var cs []Companion
	for _, n := range names {
		switch n {
		case "vfat", "msdos":
			cs = append(cs, Companion{For: n, Module: kmod.Name("nls_cp" + get("FAT_DEFAULT_CODEPAGE", "437")), Why: "for its default codepage"})
			if n == "vfat" {
				cs = append(cs, Companion{For: n, Module: kmod.Name("nls_" + get("FAT_DEFAULT_IOCHARSET", "iso8859-1")), Why: "for its default iocharset"})
			}
		}
	}
	return cs
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
		// Init makes these nodes at boot: opening one loads its module.
		if ds := sub.Devnames(); len(ds) > 0 {
			var devname bytes.Buffer
			kmod.WriteDevname(&devname, ds)
			text[base+"/"+kmod.DevnameFile] = devname.Bytes()
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
