package initd_test

import (
	"encoding/binary"
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
	vmtest.SkipInGuest(t)
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

// TestModulesNamedLoadAtBoot: what --modules names, init loads at boot
// after the devices' drivers, with kmod's rules: libcrc32c with its soft
// dependency crc32c_intel (the guest's CPU has SSE4.2 and PCLMULQDQ; a
// soft dependency that fails to load is a note, which
// guest/modprobe's TestLoadSoftdepFails checks), nf_conntrack, and the
// alias crypto-ghash, whose every module is tried. MODULE.PARAM=VALUE on
// the kernel command line goes to the module as it loads, at boot and
// later.
func TestModulesNamedLoadAtBoot(t *testing.T) {
	t.Parallel()
	v := vmtest.Boot(t, &vmtest.Options{
		Modules: "auto,nf_conntrack,act_connmark,act_csum,crypto-ghash",
		Append:  "nf-conntrack.hashsize=3000 nf_conntrack.enable_hooks=1",
	})
	checkLoaded(t, "--modules auto,nf_conntrack,act_connmark,act_csum,crypto-ghash", lsmodNames(t, v),
		[]string{"nf_conntrack", "libcrc32c", "crc32c_intel", "act_connmark", "act_csum", "ghash_generic", "virtio_mmio", "virtio_rng"},
		[]string{"virtio_blk"})
	if strings.Contains(v.Output(), "cannot load") || strings.Contains(v.Output(), "none of its modules") {
		t.Errorf("init reported a module that need not load:\n%s", v.Output())
	}
	// The command line's hashsize (rounded up to whole pages by the
	// kernel): the default for 256 MiB is 2048.
	if out := v.Run("cat /sys/module/nf_conntrack/parameters/hashsize"); out != "3072\n" {
		t.Errorf("nf_conntrack's hashsize = %q, want the command line's 3000 (3072)", out)
	}
	if out := v.Run("grep -A2 'name.*: ghash' /proc/crypto"); !strings.Contains(out, "ghash-generic") {
		t.Errorf("/proc/crypto's ghash:\n%s", out)
	}
	// Out and in again with modprobe: the command line's parameters
	// first, the command's own last, so they win.
	out := v.Run("rmmod act_connmark act_csum nf_conntrack libcrc32c; modprobe -v nf_conntrack hashsize=5000; echo status $?; cat /sys/module/nf_conntrack/parameters/hashsize")
	if !regexp.MustCompile(`insmod /lib/modules/\S+/nf_conntrack.ko hashsize=3000 enable_hooks=1 hashsize=5000\n`).MatchString(out) ||
		!strings.HasSuffix(out, "status 0\n5120\n") {
		t.Errorf("modprobe -v nf_conntrack hashsize=5000:\n%s", out)
	}
	if out := v.Run("modprobe crypto-ghash; echo status $?"); out != "status 0\n" {
		t.Errorf("modprobe crypto-ghash, loaded already:\n%s", out)
	}
}

// TestModulesGenericKernel: on Debian's generic kernel, ext4, xfs and
// btrfs are modules that need libcrc32c or ask for crc32c: they load, and
// the data disk's ext4 mounts (it was reported as missing from the
// kernel when a soft dependency of it failed to load).
func TestModulesGenericKernel(t *testing.T) {
	vmtest.SkipInGuest(t)
	t.Parallel()
	k := genericKernel(t)
	v := vmtest.Boot(t, &vmtest.Options{
		Kernel:  k.Path,
		Disks:   []vm.Disk{{Path: newDisk(t)}},
		Modules: "auto,ext4,xfs,btrfs",
		// Packed but not loaded at boot: pidone.data needs ext4 itself.
		Boot: bootopts.Options{Data: "/dev/vda", Modules: "auto"},
	})
	if out := v.Run("mount"); !strings.Contains(out, "/dev/vda on /data type ext4") || strings.Contains(v.Output(), "pidone.data") {
		t.Errorf("the data disk is not mounted:\n%s\n%s", out, v.Output())
	}
	if out := v.Run("modprobe xfs; echo status $?; modprobe btrfs; echo status $?"); out != "status 0\nstatus 0\n" {
		t.Errorf("modprobe xfs, btrfs:\n%s", out)
	}
	checkLoaded(t, "generic kernel", lsmodNames(t, v), []string{"ext4", "jbd2", "xfs", "btrfs", "libcrc32c"}, nil)
}

// TestStaticNodes: the nodes of the image's modules that declare one are
// there at boot with their modules not loaded, and opening one loads its
// module (the kernel asks /sbin/modprobe for char-major-10-200). vfat,
// mounted, brings the character sets of its default options.
func TestStaticNodes(t *testing.T) {
	t.Parallel()
	v := vmtest.Boot(t, &vmtest.Options{
		Modules: "auto,tun,loop,fuse,vfat",
		Disks:   []vm.Disk{{Path: fatImage(t)}},
		// Packed, not loaded: the kernel loads them when asked.
		Boot: bootopts.Options{Modules: "auto"},
	})
	out := v.Run("ls -l /dev/net/tun /dev/loop-control /dev/fuse")
	// ls -l's columns are BusyBox's: compare with the blanks squeezed.
	squeezed := strings.Join(strings.Fields(out), " ")
	for _, want := range []string{"crw------- 1 root root 10, 200 ", "crw------- 1 root root 10, 237 ", "crw------- 1 root root 10, 229 "} {
		if !strings.Contains(squeezed, want) {
			t.Errorf("no %q node:\n%s", want, out)
		}
	}
	checkLoaded(t, "at boot", lsmodNames(t, v), nil, []string{"tun", "loop", "fuse", "vfat", "nls_cp437"})
	if out := v.Run("true < /dev/net/tun && true < /dev/loop-control && true < /dev/fuse && echo opened"); out != "opened\n" {
		t.Errorf("opening the nodes:\n%s", out)
	}
	if out := v.Run("mkdir -p /m && mount -t vfat /dev/vda /m && echo mounted"); out != "mounted\n" {
		t.Errorf("mount -t vfat:\n%s", out)
	}
	checkLoaded(t, "after opening the nodes and mounting vfat", lsmodNames(t, v), []string{"tun", "loop", "fuse", "vfat", "fat", "nls_cp437", "nls_ascii"}, nil)
}

// fatImage is an empty 1 MiB FAT12 filesystem (what mkfs.vfat makes of a
// floppy-sized disk), made here: the host need not have dosfstools.
func fatImage(t *testing.T) string {
	t.Helper()
	const sectors, fatSectors = 2048, 6
	img := make([]byte, sectors*512)
	b := img[:512]
	le := binary.LittleEndian
	copy(b, []byte{0xEB, 0x3C, 0x90})
	copy(b[3:], "MSWIN4.1")
	le.PutUint16(b[11:], 512)     // bytes per sector
	b[13] = 1                     // sectors per cluster
	le.PutUint16(b[14:], 1)       // reserved sectors
	b[16] = 2                     // FATs
	le.PutUint16(b[17:], 224)     // root directory entries
	le.PutUint16(b[19:], sectors) // sectors
	b[21] = 0xF8                  // media: fixed disk
	le.PutUint16(b[22:], fatSectors)
	le.PutUint16(b[24:], 32) // sectors per track
	le.PutUint16(b[26:], 2)  // heads
	b[38] = 0x29             // extended boot signature
	le.PutUint32(b[39:], 0x1d0e5eed)
	copy(b[43:], "PIDONE     FAT12   ")
	b[510], b[511] = 0x55, 0xAA
	for i := 0; i < 2; i++ {
		copy(img[512*(1+fatSectors*i):], []byte{0xF8, 0xFF, 0xFF}) // media, end of chain
	}
	p := filepath.Join(t.TempDir(), "fat.img")
	if err := os.WriteFile(p, img, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
