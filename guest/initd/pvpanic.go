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
// print "Kernel panic". In distribution kernels the driver is a module:
// pvpanic_mmio for the ACPI device QEMU0001 (x86's ISA pvpanic),
// pvpanic_pci for QEMU's PCI one (1b36:0011, on arm64 and riscv64). A
// kernel with it built in, or a machine without the device, leaves
// nothing to do.
func (in *initd) loadPanicDriver() {
	var aliases []string
	acpi, _ := filepath.Glob("/sys/bus/acpi/devices/QEMU0001:*")
	for _, d := range acpi {
		if _, err := os.Lstat(filepath.Join(d, "physical_node", "driver")); err == nil {
			continue // bound: built in, or loaded already
		}
		if b, err := os.ReadFile(filepath.Join(d, "modalias")); err == nil {
			aliases = append(aliases, strings.TrimSpace(string(b)))
		}
	}
	pci, _ := filepath.Glob("/sys/bus/pci/devices/*")
	for _, d := range pci {
		if !pciIs(d, "0x1b36", "0x0011") {
			continue
		}
		if _, err := os.Lstat(filepath.Join(d, "driver")); err == nil {
			continue
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

// pciIs reports whether the PCI device at sysfs directory dir is
// vendor:device (as sysfs writes them, 0x1b36).
func pciIs(dir, vendor, device string) bool {
	v, err1 := os.ReadFile(filepath.Join(dir, "vendor"))
	d, err2 := os.ReadFile(filepath.Join(dir, "device"))
	return err1 == nil && err2 == nil && strings.TrimSpace(string(v)) == vendor && strings.TrimSpace(string(d)) == device
}
