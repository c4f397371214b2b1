package initd

import (
	"os"
	"path/filepath"
	"strings"

	"pidone.dev/guest/modprobe"
)

// loadPanicDriver loads the driver of QEMU's pvpanic device before
// anything else runs, so that a kernel panic (init dying included) is
// reported to QEMU, and through it to pidone on the host. pidone does not
// believe panics it reads on the console: once init runs, any program can
// print "Kernel panic". In distribution kernels the driver is a module
// (pvpanic_mmio for the ACPI device QEMU0001); a kernel with it built in,
// or a machine without the device, leaves nothing to do.
func (in *initd) loadPanicDriver() {
	var aliases []string
	devs, _ := filepath.Glob("/sys/bus/acpi/devices/QEMU0001:*")
	for _, d := range devs {
		if _, err := os.Lstat(filepath.Join(d, "physical_node", "driver")); err == nil {
			continue // bound: built in, or loaded already
		}
		if b, err := os.ReadFile(filepath.Join(d, "modalias")); err == nil {
			aliases = append(aliases, strings.TrimSpace(string(b)))
		}
	}
	if len(aliases) == 0 {
		return
	}
	sys, err := modprobe.Open("/", "")
	if err != nil {
		return // no modules for this kernel: coldplug says so
	}
	for _, a := range aliases {
		for _, m := range sys.Index.Lookup(a) {
			if _, err := sys.Load(m, modprobe.Options{}); err != nil {
				in.debugf("pvpanic: %v", err)
			}
		}
	}
}
