// Package kernel finds the Linux kernel pidone boots, and fetches Debian's
// kernels (with their modules) into pidone's cache without root.
//
// Resolution order: an explicit path, $PIDONE_KERNEL, the newest kernel
// in the cache (of the cloud flavour if there is one), then the host's
// readable /boot/vmlinuz-*.
package kernel

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"pidone.dev/pkg/fserr"
)

// Kernel is a bootable kernel image.
type Kernel struct {
	Path    string // the vmlinuz
	Version string // uname -r, e.g. 6.1.0-26-cloud-amd64; "" if unknown
	Flavour string // Debian flavour (cloud, generic) for cached kernels
	Arch    string // GOARCH
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

// Find resolves the kernel to boot; path is the --kernel flag ("" for none).
func Find(path string) (*Kernel, error) {
	if path != "" {
		return fromPath(path, "--kernel")
	}
	if p := os.Getenv("PIDONE_KERNEL"); p != "" {
		return fromPath(p, "PIDONE_KERNEL")
	}
	cached, err := List()
	if err != nil {
		return nil, err
	}
	if len(cached) > 0 {
		// The cloud flavour is the default: small, with the virtio
		// drivers. A generic kernel fetched for what only it has (9p)
		// must not take over every boot by having a newer version.
		for _, k := range cached {
			if k.Flavour == "cloud" {
				return &k, nil
			}
		}
		return &cached[0], nil
	}
	boot, _ := filepath.Glob(bootGlob)
	sort.Sort(sort.Reverse(sort.StringSlice(boot)))
	unreadable := ""
	for _, p := range boot {
		if readable(p) {
			k := &Kernel{Path: p, Version: strings.TrimPrefix(filepath.Base(p), "vmlinuz-"), Arch: "amd64", Source: "/boot"}
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
	return nil, fmt.Errorf(`%w%s: run "pidone kernel fetch" (Debian/Ubuntu: downloads linux-image-cloud-amd64 into pidone's cache, no root needed), or point --kernel or PIDONE_KERNEL at a bzImage`, ErrNotFound, hint)
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
	k := &Kernel{Path: p, Arch: "amd64", Source: source}
	if v, ok := strings.CutPrefix(filepath.Base(p), "vmlinuz-"); ok {
		k.Version = v
		k.Arch, _ = archFlavour(v)
		k.Modules = modulesBeside(p, v)
	}
	return k, nil
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

// loadCached reads one unpacked kernel package: boot/vmlinuz-V and
// lib/modules/V (or usr/lib/modules/V on merged-/usr packages).
func loadCached(root string) (Kernel, bool) {
	vm, _ := filepath.Glob(filepath.Join(root, "boot", "vmlinuz-*"))
	if len(vm) != 1 {
		return Kernel{}, false
	}
	k := Kernel{Path: vm[0], Version: strings.TrimPrefix(filepath.Base(vm[0]), "vmlinuz-"), Source: "cache"}
	k.Arch, k.Flavour = archFlavour(k.Version)
	for _, m := range []string{"lib/modules", "usr/lib/modules"} {
		if d := filepath.Join(root, m, k.Version); isDir(d) {
			k.Modules = d
			break
		}
	}
	return k, true
}

// archFlavour reads Debian's version suffix: 6.1.0-26-cloud-amd64.
func archFlavour(version string) (arch, flavour string) {
	parts := strings.Split(version, "-")
	arch = parts[len(parts)-1]
	switch arch {
	case "amd64", "arm64":
	case "riscv64":
	default:
		arch = "amd64"
	}
	flavour = "generic"
	if strings.Contains(version, "-cloud-") {
		flavour = "cloud"
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
