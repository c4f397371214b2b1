// Package kernel finds the Linux kernel pidone boots, fetches Debian's
// kernels (with their modules) into pidone's cache without root, and
// builds small ones of its own from source (Build).
//
// Resolution order: an explicit path, $PIDONE_KERNEL, the newest kernel
// of the guest's architecture in the cache (of its default Debian flavour
// if there is one: cloud on amd64), then a kernel pidone built for it,
// then the host's readable /boot/vmlinuz-*. A kernel of another
// architecture is never picked. "tiny" instead of a path is the kernel
// pidone kernel build made for the architecture.
package kernel

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"pidone.dev/host/vm"
	"pidone.dev/pkg/fserr"
)

// Kernel is a bootable kernel image.
type Kernel struct {
	Path    string // the vmlinuz (or an ELF vmlinux)
	Version string // uname -r, e.g. 6.1.0-26-cloud-amd64; "" if unknown
	Flavour string // Debian flavour (cloud, generic) for cached kernels, or tiny for built ones
	Arch    string // GOARCH; "" if unknown
	Modules string // its /lib/modules/VERSION tree, "" if none is known
	Source  string // where it was found: flag, PIDONE_KERNEL, cache, /boot
}

// CacheDir is pidone's cache: $PIDONE_CACHE, else $XDG_CACHE_HOME/pidone,
// else ~/.cache/pidone.
func CacheDir() (string, error) {
	if d := os.Getenv("PIDONE_CACHE"); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory: set PIDONE_CACHE (%w)", err)
	}
	return filepath.Join(d, "pidone"), nil
}

func kernelsDir() (string, error) {
	d, err := CacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "kernels"), nil
}

// bootGlob is where distributions install kernels.
var bootGlob = "/boot/vmlinuz-*"

// ErrNotFound is returned by Find when no kernel is anywhere.
var ErrNotFound = errors.New("no kernel found")

// Find resolves the kernel to boot for the host's architecture; path is
// the --kernel flag ("" for none). See FindArch.
func Find(path string) (*Kernel, error) { return FindArch(path, "") }

// FindArch resolves the kernel to boot for a guest of goarch ("" is the
// host's); path is the --kernel flag ("" for none), and "tiny", there or
// in $PIDONE_KERNEL, is the kernel pidone kernel build made for goarch
// (see Tiny). A kernel given by path or $PIDONE_KERNEL that is known to
// be of another architecture is an error; cached and /boot kernels of
// other architectures are passed over.
func FindArch(path, goarch string) (*Kernel, error) {
	a, err := vm.LookupArch(goarch)
	if err != nil {
		return nil, err
	}
	source := "--kernel"
	if path == "" {
		path, source = os.Getenv("PIDONE_KERNEL"), "PIDONE_KERNEL"
	}
	if path == TinyFlavour {
		return Tiny(a.GOARCH)
	}
	if path != "" {
		k, err := fromPath(path, source)
		if err != nil {
			return nil, err
		}
		if k.Arch != "" && k.Arch != a.GOARCH {
			return nil, fmt.Errorf("kernel %s (from %s) is for %s, not %s: give a kernel for %s, or boot it with --arch %s", k.Path, source, k.Arch, a.GOARCH, a.GOARCH, k.Arch)
		}
		return k, nil
	}
	cached, err := List()
	if err != nil {
		return nil, err
	}
	var mine []Kernel
	other := ""
	for _, k := range cached {
		switch {
		case k.Arch != a.GOARCH:
			if other == "" {
				other = k.Version
			}
		case k.Flavour != TinyFlavour:
			// A built kernel is asked for by name, or used when
			// there is no other (riscv64 has no Debian kernel).
			mine = append(mine, k)
		}
	}
	if len(mine) > 0 {
		// The architecture's default Debian flavour first (cloud on
		// amd64: small, with the virtio drivers). A generic kernel
		// fetched for what only it has (9p) must not take over every
		// boot by having a newer version.
		if len(a.DebianFlavours) > 0 {
			for _, k := range mine {
				if k.Flavour == a.DebianFlavours[0] {
					return &k, nil
				}
			}
		}
		return &mine[0], nil
	}
	if k, err := Tiny(a.GOARCH); err == nil {
		return k, nil
	}
	boot, _ := filepath.Glob(bootGlob)
	sort.Sort(sort.Reverse(sort.StringSlice(boot)))
	unreadable := ""
	for _, p := range boot {
		if readable(p) {
			k := &Kernel{Path: p, Version: strings.TrimPrefix(filepath.Base(p), "vmlinuz-"), Source: "/boot"}
			k.Arch = fileArch(p, k.Version)
			if k.Arch != a.GOARCH {
				continue
			}
			if d := "/lib/modules/" + k.Version; isDir(d) {
				k.Modules = d
			}
			return k, nil
		}
		unreadable = p
	}
	hint := ""
	if unreadable != "" {
		hint = fmt.Sprintf(" (%s is not readable by this user, as on Ubuntu)", unreadable)
	}
	if other != "" {
		hint += fmt.Sprintf(" (the cached %s is not for %s)", other, a.GOARCH)
	}
	return nil, notFound(a, hint)
}

// notFound says how to get a kernel for a.
func notFound(a *vm.Arch, hint string) error {
	if a.GOARCH == "amd64" && runtime.GOARCH == "amd64" {
		return fmt.Errorf(`%w%s: run "pidone kernel fetch" (Debian/Ubuntu: downloads linux-image-cloud-amd64 into pidone's cache, no root needed), or point --kernel or PIDONE_KERNEL at a bzImage`, ErrNotFound, hint)
	}
	if a.DebianKernel == "" {
		return fmt.Errorf(`%w for %s%s: Debian has none; build one with "pidone kernel build --arch %s", or give a kernel for %s with --kernel`, ErrNotFound, a.GOARCH, hint, a.GOARCH, a.GOARCH)
	}
	meta, _ := metaPackage(a.DebianFlavours[0], a.DebianKernel)
	return fmt.Errorf(`%w for %s%s: run "pidone kernel fetch --arch %s" (Debian's %s, into pidone's cache; make kernel-%s does it), or give a kernel for %s with --kernel`, ErrNotFound, a.GOARCH, hint, a.GOARCH, meta, a.GOARCH, a.GOARCH)
}

func fromPath(p, source string) (*Kernel, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("kernel %s (from %s): %w", p, source, fserr.Reason(err))
	}
	if st.IsDir() {
		return nil, fmt.Errorf("kernel %s (from %s) is a directory; give the vmlinuz/bzImage file", p, source)
	}
	if !readable(p) {
		return nil, fmt.Errorf("kernel %s (from %s) is not readable: copy it somewhere readable or chmod it", p, source)
	}
	k := &Kernel{Path: p, Source: source}
	if v, ok := imageVersion(filepath.Base(p)); ok {
		k.Version = v
		if _, flavour := archFlavour(v); flavour == TinyFlavour {
			k.Flavour = flavour
		}
		k.Modules = modulesBeside(p, v)
	}
	k.Arch = fileArch(p, k.Version)
	return k, nil
}

// fileArch is the architecture of the kernel image at path: what its
// header says, else what its version's Debian suffix says, else ""
// when neither tells.
func fileArch(path, version string) string {
	if a, _, err := vm.KernelFileArch(path); err == nil && a != "" {
		return a
	}
	if version == "" {
		return ""
	}
	a, _ := archFlavour(version)
	return a
}

// modulesBeside finds the module tree of ROOT/boot/vmlinuz-VERSION where
// a package puts it, ROOT/lib/modules/VERSION: pidone's cache, an
// unpacked package, or the host's own /boot and /lib/modules.
func modulesBeside(vmlinuz, version string) string {
	root := filepath.Dir(filepath.Dir(vmlinuz))
	for _, m := range []string{"lib/modules", "usr/lib/modules"} {
		if d := filepath.Join(root, m, version); isDir(d) {
			return d
		}
	}
	return ""
}

// Tiny returns the kernel pidone kernel build made for goarch: of those
// built with pidone's configuration alone, one whose configuration has
// every option of this pidone's fragments (a build from an older
// pidone, with other options, is passed over while there is one), the
// newest version, the most recently built first; failing that, one
// built with a fragment of the user's.
func Tiny(goarch string) (*Kernel, error) {
	ks, err := List()
	if err != nil {
		return nil, err
	}
	frags, _ := Fragments(goarch, "")
	rank := func(k *Kernel) int {
		if _, err := os.Stat(filepath.Join(filepath.Dir(filepath.Dir(k.Path)), customFragment)); err == nil {
			return 2 // the user's options
		}
		if c, err := k.Config(); err == nil && len(frags) > 0 && CheckConfig(c, frags...) == nil {
			return 0 // this pidone's
		}
		return 1 // an older pidone's
	}
	var best *Kernel
	bestRank := 3
	var bestTime time.Time
	for i := range ks {
		k := &ks[i]
		if k.Flavour != TinyFlavour || k.Arch != goarch {
			continue
		}
		r := rank(k)
		var t time.Time
		if st, err := os.Stat(k.Path); err == nil {
			t = st.ModTime()
		}
		// List is newest first: a later one wins only by a better rank,
		// or by being built more recently with the same version.
		if best == nil || r < bestRank || r == bestRank && k.Version == best.Version && t.After(bestTime) {
			best, bestRank, bestTime = k, r, t
		}
	}
	if best == nil {
		flag := ""
		if goarch != runtime.GOARCH {
			flag = " --arch " + goarch
		}
		return nil, fmt.Errorf(`%w: no tiny kernel for %s in pidone's cache: build one with "pidone kernel build%s" (a few minutes)`, ErrNotFound, goarch, flag)
	}
	return best, nil
}

// List returns the cached kernels, newest first.
func List() ([]Kernel, error) {
	dir, err := kernelsDir()
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	var ks []Kernel
	for _, e := range entries {
		if k, ok := loadCached(filepath.Join(dir, e.Name())); ok {
			ks = append(ks, k)
		}
	}
	sort.Slice(ks, func(i, j int) bool { return versionLess(ks[j].Version, ks[i].Version) })
	return ks, nil
}

// imageVersion is the version in a kernel image's name: vmlinuz-V, or
// vmlinux-V for an ELF image.
func imageVersion(name string) (string, bool) {
	for _, prefix := range []string{"vmlinuz-", "vmlinux-"} {
		if v, ok := strings.CutPrefix(name, prefix); ok && v != "" {
			return v, true
		}
	}
	return "", false
}

// loadCached reads one unpacked kernel package: boot/vmlinuz-V and
// lib/modules/V (or usr/lib/modules/V on merged-/usr packages), or a
// kernel pidone built, in pidone-tiny-GOARCH-KEY: boot/vmlinuz-V (or
// boot/vmlinux-V) and no modules.
func loadCached(root string) (Kernel, bool) {
	images, _ := filepath.Glob(filepath.Join(root, "boot", "vmlinu[xz]-*"))
	if len(images) != 1 {
		return Kernel{}, false
	}
	v, _ := imageVersion(filepath.Base(images[0]))
	k := Kernel{Path: images[0], Version: v, Source: "cache"}
	_, k.Flavour = archFlavour(k.Version)
	if rest, ok := strings.CutPrefix(filepath.Base(root), "pidone-tiny-"); ok {
		// The version is the user's to change (LOCALVERSION); the
		// directory says what pidone built.
		k.Arch, _, _ = strings.Cut(rest, "-")
		k.Flavour = TinyFlavour
		return k, true
	}
	k.Arch = fileArch(k.Path, k.Version)
	for _, m := range []string{"lib/modules", "usr/lib/modules"} {
		if d := filepath.Join(root, m, k.Version); isDir(d) {
			k.Modules = d
			break
		}
	}
	return k, true
}

// archFlavour reads Debian's version suffix: 6.1.0-26-cloud-amd64 is
// amd64's cloud flavour, 6.1.0-26-686 386's generic one. A version
// without such a suffix (Ubuntu's 6.8.0-45-generic) is taken to be the
// host's.
func archFlavour(version string) (arch, flavour string) {
	arch = runtime.GOARCH
	for _, name := range vm.ArchNames() {
		a, _ := vm.LookupArch(name)
		suffixes := []string{"-" + a.GOARCH}
		if a.DebianKernel != "" {
			suffixes = append(suffixes, "-"+a.DebianKernel, "-"+a.DebianKernel+"-pae")
		}
		for _, s := range suffixes {
			if strings.HasSuffix(version, s) {
				arch = a.GOARCH
			}
		}
	}
	flavour = "generic"
	switch {
	case strings.Contains(version, "-cloud-"):
		flavour = "cloud"
	case strings.Contains(version, "-pidone-tiny-"):
		flavour = TinyFlavour
	}
	return arch, flavour
}

// versionLess orders kernel versions by their numbers: 6.1.0-9 < 6.1.0-26.
func versionLess(a, b string) bool {
	na, nb := numbers(a), numbers(b)
	for i := 0; i < len(na) && i < len(nb); i++ {
		if na[i] != nb[i] {
			return na[i] < nb[i]
		}
	}
	if len(na) != len(nb) {
		return len(na) < len(nb)
	}
	return a < b
}

func numbers(s string) []int {
	var out []int
	n, in := 0, false
	for _, c := range s {
		if c >= '0' && c <= '9' {
			n, in = n*10+int(c-'0'), true
			continue
		}
		if in {
			out = append(out, n)
		}
		n, in = 0, false
	}
	if in {
		out = append(out, n)
	}
	return out
}

func readable(p string) bool {
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	f.Close()
	return true
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
