package system

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pidone.dev/host/kernel"
	"pidone.dev/pkg/kmod/kmodtest"
)

// TestBootModules: the modules and aliases --modules names are init's
// pidone.modules for the boot, after auto; globs, groups, built-in
// drivers and names the kernel lacks are not.
func TestBootModules(t *testing.T) {
	t.Setenv("PIDONE_CACHE", t.TempDir())
	version := "6.1.0-99-cloud-amd64"
	dir := kmodtest.Tree(t, filepath.Join(t.TempDir(), "lib/modules", version), map[string][]string{
		"kernel/drivers/virtio/virtio_mmio.ko":          nil,
		"kernel/net/netfilter/nf_conntrack.ko":          nil,
		"kernel/net/sched/act_csum.ko":                  nil,
		"kernel/crypto/ghash-generic.ko":                {"alias=crypto-ghash"},
		"kernel/arch/x86/crypto/ghash-clmulni-intel.ko": {"alias=crypto-ghash"},
	})
	os.WriteFile(filepath.Join(dir, "modules.builtin"), []byte("kernel/fs/ext4/ext4.ko\n"), 0o644)
	k := &kernel.Kernel{Path: "/boot/vmlinuz-" + version, Version: version, Modules: dir}
	for value, want := range map[string]string{
		"":     "",
		"auto": "",
		"none": "",
		"auto,nf_conntrack,crypto-ghash,ext4,net/sched/*,net,nosuch": "auto,nf_conntrack,crypto-ghash",
		"nf_conntrack": "auto,nf_conntrack",
		"net/sched/*":  "",
	} {
		s := System{Modules: value}
		if got := s.bootModules(k); got != want {
			t.Errorf("--modules %q: pidone.modules=%q, want %q", value, got, want)
		}
	}
	// A given initrd is booted as it is.
	if got := (&System{Modules: "auto,nf_conntrack", Initrd: "x.cpio"}).bootModules(k); got != "" {
		t.Errorf("with --initrd: pidone.modules=%q", got)
	}
}

// TestWarnOnce: a warning is said once however many packages' systems
// are built.
func TestWarnOnce(t *testing.T) {
	var b bytes.Buffer
	for i := 0; i < 3; i++ {
		warnOnce(&b, "pidone: test warning "+t.Name())
	}
	warnOnce(nil, "pidone: nowhere")
	if strings.Count(b.String(), "test warning") != 1 {
		t.Errorf("warnings:\n%s", b.String())
	}
}

// TestNamesAddToDrivers: with the VM known, --modules NAME keeps the
// devices' drivers (the console's among them), which the boot needs.
func TestNamesAddToDrivers(t *testing.T) {
	for in, want := range map[string]string{
		"":                  "",
		"auto":              "auto",
		"none":              "none",
		"nf_conntrack":      "auto,nf_conntrack",
		"tun,loop":          "auto,tun,loop",
		"none,nf_conntrack": "none,nf_conntrack",
	} {
		if got := (&System{Modules: in}).modules(true); got != want {
			t.Errorf("modules(%q) = %q, want %q", in, got, want)
		}
	}
	if got := (&System{Modules: "tun"}).modules(false); got != "tun" {
		t.Errorf("pidone build's value changed: %q", got)
	}
}
