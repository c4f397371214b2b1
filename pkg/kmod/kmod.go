// Package kmod reads Linux kernel module metadata: modules.dep,
// modules.alias and the .modinfo of .ko files, matches device modaliases
// to modules, and orders modules by dependency.
//
// It is the part of kmod's depmod and modprobe that needs no kernel: the
// host uses it to index a kernel's module tree and choose what goes into
// an image, the guest to decide what to load. It reads and writes the
// standard text files, so a tree indexed here also works with kmod's
// tools and the other way round.
package kmod

import "strings"

// Suffixes are the file name endings of module files, compressed or not.
var Suffixes = []string{".ko", ".ko.xz", ".ko.zst", ".ko.gz"}

// TrimSuffix returns p without its module suffix and whether it had one.
func TrimSuffix(p string) (string, bool) {
	for _, s := range Suffixes {
		if strings.HasSuffix(p, s) {
			return p[:len(p)-len(s)], true
		}
	}
	return p, false
}

// Name is a module's name as the kernel knows it, from its file name or
// from a name typed by someone: "kernel/drivers/char/hw_random/virtio-rng.ko.xz"
// and "virtio-rng" are both "virtio_rng". The kernel turns dashes into
// underscores in module names, so both spellings name one module.
func Name(p string) string {
	base, _ := TrimSuffix(p[strings.LastIndexByte(p, '/')+1:])
	return strings.ReplaceAll(base, "-", "_")
}

// NormalizeAlias turns dashes into underscores outside bracket
// expressions, as kmod does to both sides before matching an alias: a
// module's "fs-9p" and a request for "fs_9p" meet. A pattern with an
// unclosed bracket is returned as it is.
func NormalizeAlias(s string) string {
	if !strings.Contains(s, "-") {
		return s
	}
	b := []byte(s)
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '-':
			b[i] = '_'
		case '[':
			j := i + 1
			for j < len(b) && b[j] != ']' {
				j++
			}
			if j == len(b) {
				return s
			}
			i = j
		}
	}
	return string(b)
}
