package initd

import (
	"os"

	"golang.org/x/sys/unix"
)

// fallbacks are tried after pidone.init, in the kernel's own order.
var fallbacks = []string{"/sbin/init", "/etc/init", "/bin/init", "/bin/sh"}

// execInit replaces pidone's init with the user's, after the basic mounts.
// It returns only when nothing could be run; pidone's init then goes on.
func (in *initd) execInit(path string) {
	self, _ := os.Stat("/proc/self/exe")
	for _, p := range append([]string{path}, fallbacks...) {
		if st, err := os.Stat(p); err != nil {
			in.logf("cannot run %s as init: %v", p, err)
			continue
		} else if self != nil && os.SameFile(st, self) {
			// That is pidone itself: exec'ing it would start over.
			continue
		}
		if p != path {
			in.logf("pidone.init=%s failed; falling back to %s", path, p)
		}
		err := unix.Exec(p, []string{p}, os.Environ())
		in.logf("cannot run %s as init: %v", p, err)
	}
	in.logf("no init from pidone.init=%s or %v could run; going on with pidone's init", path, fallbacks)
}
