package image

import (
	"os"

	"pidone.dev/host/kernel"
)

// ConfigFile is the file that puts kernel k's build configuration where
// the distributions keep it, /boot/config-VERSION (VERSION as uname -r
// gives it), for tests and programs that check the kernel's options:
// Debian's kernels have no /proc/config.gz (CONFIG_IKCONFIG is off). ok
// is false when the configuration is not known: no kernel, a kernel of
// no known version, or no config file beside it.
//
// Every image for a known kernel gets it, whichever command builds it:
// Debian's cloud kernel's costs 31 KB of a gzip image (123 KB
// uncompressed, as pidone run boots it), the generic one's 60 KB
// (254 KB).
func ConfigFile(k *kernel.Kernel) (f File, ok bool) {
	if k == nil {
		return File{}, false
	}
	p := k.ConfigPath()
	if p == "" {
		return File{}, false
	}
	if st, err := os.Stat(p); err != nil || !st.Mode().IsRegular() {
		return File{}, false
	}
	return File{Host: p, Guest: "/boot/config-" + k.Version}, true
}
