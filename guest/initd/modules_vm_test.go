package initd_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"pidone.dev/host/kernel"
	"pidone.dev/host/system"
	"pidone.dev/host/vm"
	"pidone.dev/pkg/bootopts"
	"pidone.dev/vmtest"
)

// Kernel modules: init loads the drivers of the devices that are there
// (coldplug), and no others; modprobe and lsmod work on the real kernel.

// lsmodNames returns the names lsmod lists.
func lsmodNames(t *testing.T, v *vmtest.VM) map[string]bool {
	t.Helper()
	out := v.Run("lsmod")
	if !strings.HasPrefix(out, "Module                  Size  Used by\n") {
		t.Fatalf("lsmod:\n%s", out)
	}
	names := map[string]bool{}
	for _, line := range strings.Split(out, "\n")[1:] {
		if f := strings.Fields(line); len(f) > 0 {
			names[f[0]] = true
		}
	}
	return names
}

func checkLoaded(t *testing.T, what string, loaded map[string]bool, want, notWant []string) {
	t.Helper()
	for _, m := range want {
		if !loaded[m] {
			t.Errorf("%s: %s is not loaded (lsmod: %v)", what, m, loaded)
		}
	}
	for _, m := range notWant {
		if loaded[m] {
			t.Errorf("%s: %s is loaded, but no device needs it", what, m)
		}
	}
}

func diskFile(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "disk.img")
	if err := os.WriteFile(p, make([]byte, 1<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestColdplugDefaultDevices boots with only the default virtio-rng: init
// loads the PCI transport and the RNG driver, nothing for devices that
// are not there, and the kernel then takes its randomness from QEMU.
func TestColdplugDefaultDevices(t *testing.T) {
	t.Parallel()
	v := vmtest.Boot(t, &vmtest.Options{Boot: bootopts.Options{Debug: true}})
	checkLoaded(t, "default devices", lsmodNames(t, v),
		[]string{"virtio_mmio", "virtio_rng", "virtio", "virtio_ring"},
		[]string{"virtio_net", "virtio_blk", "virtio_console", "vmw_vsock_virtio_transport"})
	if !regexp.MustCompile(`init: modules: loaded .*virtio_mmio.*virtio_rng`).MatchString(v.Output()) {
		t.Errorf("init did not say what it loaded (pidone.debug):\n%s", v.Output())
	}
	if strings.Contains(v.Output(), "no module for device") {
		t.Errorf("a default device lacks its module:\n%s", v.Output())
	}

	// The hardware RNG is QEMU's, and it gives bytes.
	if out := v.Run("cat /sys/class/misc/hw_random/rng_current"); !strings.HasPrefix(out, "virtio_rng") {
		t.Errorf("rng_current = %q, want virtio_rng.N", out)
	}
	if out := v.Run("head -c 64 /dev/hwrng | wc -c"); strings.TrimSpace(out) != "64" {
		t.Errorf("reading /dev/hwrng: %q", out)
	}

	// modprobe's errors, and a module out and back in on the real kernel.
	release := strings.TrimSpace(v.Run("uname -r"))
	if out := v.Run("modprobe nosuchmod; echo status $?"); out != "modprobe: nosuchmod: no such module in /lib/modules/"+release+" (pidone build --modules adds modules)\nstatus 1\n" {
		t.Errorf("modprobe nosuchmod:\n%s", out)
	}
	if out := v.Run("modprobe ext4; echo status $?"); !strings.Contains(out, "ext4 is built into the kernel\nstatus 0") {
		t.Errorf("modprobe of a built-in driver:\n%s", out)
	}
	if out := v.Run("modprobe -r virtio_rng; echo status $?; cat /sys/class/misc/hw_random/rng_current"); !strings.Contains(out, "status 0\n") || strings.Contains(out, "virtio_rng") {
		t.Errorf("modprobe -r virtio_rng:\n%s", out)
	}
	checkLoaded(t, "after modprobe -r virtio_rng", lsmodNames(t, v), []string{"virtio_mmio"}, []string{"virtio_rng"})
	if out := v.Run("modprobe -v virtio-rng; echo status $?; cat /sys/class/misc/hw_random/rng_current"); !regexp.MustCompile(`(?s)insmod /lib/modules/.*/virtio-rng.ko\nstatus 0\nvirtio_rng`).MatchString(out) {
		t.Errorf("modprobe -v virtio-rng:\n%s", out)
	}
	if out := v.Run("rmmod virtio_ring; echo status $?"); !strings.Contains(out, "rmmod: virtio_ring: in use by") || !strings.Contains(out, "status 1") {
		t.Errorf("rmmod of a module in use:\n%s", out)
	}
	if out := v.Run("insmod /lib/modules/" + release + "/kernel/drivers/virtio/virtio.ko; echo status $?"); !strings.Contains(out, "module already loaded\nstatus 1") {
		t.Errorf("insmod of a loaded module:\n%s", out)
	}
}

// TestColdplugDiskAndNet: devices added to the VM get their drivers, and
// a second pass loads the drivers of what the virtio-mmio transport brings up.
func TestColdplugDiskAndNet(t *testing.T) {
	t.Parallel()
	v := vmtest.Boot(t, &vmtest.Options{Disks: []vm.Disk{{Path: diskFile(t)}}, Net: true})
	checkLoaded(t, "disk and network", lsmodNames(t, v),
		[]string{"virtio_mmio", "virtio_blk", "virtio_net", "virtio_rng"},
		[]string{"virtio_console", "vmw_vsock_virtio_transport"})
	if out := v.Run("test -b /dev/vda && echo disk; test -e /sys/class/net/eth0 && echo eth0"); out != "disk\neth0\n" {
		t.Errorf("no /dev/vda or eth0:\n%s", out)
	}
}

// TestImageWithoutModules: an image built with --modules none on a VM
// that has a disk boots to the prompt all the same; init says nothing of
// the disk's missing driver, unless asked with pidone.debug.
func TestImageWithoutModules(t *testing.T) {
	t.Parallel()
	disk := diskFile(t)
	missing := regexp.MustCompile(`init: no module for device (\S+) \((acpi:LNRO0005:\S*)\): virtio_mmio is not in the image; add it with pidone build --modules`)
	t.Run("quiet", func(t *testing.T) {
		t.Parallel()
		v := vmtest.Boot(t, &vmtest.Options{Modules: "none", Disks: []vm.Disk{{Path: disk, ReadOnly: true}}})
		if strings.Contains(v.Output(), "no module") || strings.Contains(v.Output(), "modules") {
			t.Errorf("init talked about modules without pidone.debug:\n%s", v.Output())
		}
		if out := v.Run("lsmod | wc -l; ls /dev/vda"); !strings.HasPrefix(out, "1\n") || !strings.Contains(out, "No such file") {
			t.Errorf("--modules none loaded something:\n%s", out)
		}
	})
	t.Run("debug", func(t *testing.T) {
		t.Parallel()
		v := vmtest.Boot(t, &vmtest.Options{Modules: "none", Disks: []vm.Disk{{Path: disk, ReadOnly: true}}, Boot: bootopts.Options{Debug: true}})
		if m := missing.FindStringSubmatch(v.Output()); m == nil {
			t.Errorf("with pidone.debug, init did not name the device without a module:\n%s", v.Output())
		}
	})
}

// TestModulesOnDemand: with the generic kernel, which has 9p, the share's
// transport is loaded at boot and the filesystem when mount asks for it:
// the kernel runs /sbin/modprobe, which is pidone's.
func TestModulesOnDemand(t *testing.T) {
	t.Parallel()
	ks, _ := kernel.List()
	var generic *kernel.Kernel
	for i := range ks {
		if ks[i].Flavour == "generic" && ks[i].Modules != "" {
			generic = &ks[i]
			break
		}
	}
	if generic == nil {
		t.Fatal("no generic kernel cached (9p is a module only there): run make kernel-generic, or pidone kernel fetch --flavour generic")
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "hello.txt"), []byte("over 9p\n"), 0o644)
	v := vmtest.Boot(t, &vmtest.Options{Kernel: generic.Path, Shares: []system.Share{{HostDir: dir, ReadOnly: true, NoMount: true}}})
	// The image has no /sbin/modprobe for the kernel to run while it
	// boots; init links it.
	if out := v.Run("ls -l /sbin/modprobe"); !strings.Contains(out, "/sbin/modprobe -> /lib/pidone/modprobe") {
		t.Errorf("ls -l /sbin/modprobe:\n%s", out)
	}
	loaded := lsmodNames(t, v)
	checkLoaded(t, "9p share", loaded, []string{"9pnet_virtio", "9pnet"}, []string{"9p", "virtio_blk"})
	out := v.Run("mkdir -p /mnt/m && mount -t 9p -o trans=virtio,ro share0 /mnt/m && cat /mnt/m/hello.txt")
	if !strings.Contains(out, "over 9p") {
		t.Fatalf("mounting the 9p share:\n%s", out)
	}
	checkLoaded(t, "after mount -t 9p", lsmodNames(t, v), []string{"9p"}, nil)
	v.Send("poweroff\n")
	if err := v.Exit(60 * time.Second); err != nil {
		t.Error(err)
	}
}
