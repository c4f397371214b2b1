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
