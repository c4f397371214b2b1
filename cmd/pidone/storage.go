package main

import (
	"fmt"

	"pidone.dev/host/kernel"
)

// checkShareKernel refuses --share with a kernel whose configuration says
// it has no 9p (Debian's cloud flavour): the guest could only report the
// missing filesystem after a whole boot. A kernel without a known
// configuration is given the benefit of the doubt.
func (d *deviceFlags) checkShareKernel(k *kernel.Kernel) error {
	if len(d.shares) == 0 {
		return nil
	}
	c, err := k.Config()
	if err != nil || c.Has("NET_9P") {
		return nil
	}
	fix := `run "pidone kernel fetch --flavour generic" and pass the kernel it prints with --kernel`
	if g, ok := kernel.Cached("generic"); ok {
		fix = "add --kernel " + g.Path
	}
	return fmt.Errorf("--share needs 9p, which kernel %s lacks (no CONFIG_NET_9P in %s): %s", k.Version, k.ConfigPath(), fix)
}
