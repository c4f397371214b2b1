package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"pidone.dev/pkg/kmod/kmodtest"
)

// fakeCache makes a pidone cache holding one kernel package, unpacked
// as Debian's is (no modules.dep), with a few modules.
func fakeCache(t *testing.T) (cache, version string) {
	t.Helper()
	cache, version = t.TempDir(), "6.1.0-77-cloud-amd64"
	root := filepath.Join(cache, "kernels", "linux-image-"+version)
	os.MkdirAll(filepath.Join(root, "boot"), 0o755)
	os.WriteFile(filepath.Join(root, "boot", "vmlinuz-"+version), []byte("not really a kernel"), 0o644)
	kmodtest.Tree(t, filepath.Join(root, "lib", "modules", version), map[string][]string{
		"kernel/drivers/virtio/virtio.ko":             nil,
		"kernel/drivers/virtio/virtio_ring.ko":        nil,
		"kernel/drivers/virtio/virtio_pci.ko":         {"alias=pci:v00001AF4d*sv*sd*bc*sc*i*", "depends=virtio,virtio_ring"},
		"kernel/drivers/char/hw_random/virtio-rng.ko": {"alias=virtio:d00000004v*", "depends=virtio,virtio_ring"},
		"kernel/drivers/net/dummy.ko":                 nil,
	})
	return cache, version
}

func TestModulesFlag(t *testing.T) {
	cache, version := fakeCache(t)
	env := []string{"PIDONE_CACHE=" + cache, "PIDONE_KERNEL=", "SOURCE_DATE_EPOCH=0"}
	guest := filepath.Join(t.TempDir(), "guest")
	os.WriteFile(guest, []byte("\x7fELF a guest"), 0o755)
	dir := t.TempDir()

	stdout, stderr, status := pidone(t, env, "kernel", "modules", "virtio*")
	if status != 0 || stdout != "virtio\nvirtio_pci\nvirtio_ring\nvirtio_rng\n" {
		t.Errorf("pidone kernel modules 'virtio*': %q %q %d", stdout, stderr, status)
	}

	_, stderr, status = pidone(t, env, "build", "--guest", guest, "-o", filepath.Join(dir, "x"), "--modules", "virtio_pci,virtio_foo")
	oneLine(t, stderr, status, 1, "--modules: kernel "+version+" has no module virtio_foo (pidone kernel modules lists its 5 modules)")

	for _, c := range []struct {
		modules string
		want    []string
		notWant []string
	}{
		{"auto", []string{"kernel/drivers/virtio/virtio_pci.ko", "kernel/drivers/char/hw_random/virtio-rng.ko", "modules.dep", "modules.alias", "lib/pidone/modprobe"}, []string{"dummy.ko", "sbin/modprobe"}},
		{"auto,dummy", []string{"kernel/drivers/net/dummy.ko", "virtio_pci.ko"}, nil},
		{"none", []string{"pidone.absent"}, []string{".ko", "modules.dep", "lib/pidone/modprobe"}},
	} {
		out := filepath.Join(dir, c.modules+".cpio")
		_, stderr, status := pidone(t, env, "build", "--guest", guest, "--compress", "none", "-o", out, "--modules", c.modules)
		if status != 0 {
			t.Fatalf("pidone build --modules %s: %s", c.modules, stderr)
		}
		f, _ := os.Open(out)
		cmd := exec.Command("cpio", "-it")
		cmd.Stdin = f
		list, err := cmd.Output()
		f.Close()
		if err != nil {
			t.Fatalf("cpio -it: %v", err)
		}
		for _, w := range c.want {
			if !strings.Contains(string(list), w) {
				t.Errorf("--modules %s: the image lacks %s:\n%s", c.modules, w, list)
			}
		}
		for _, w := range c.notWant {
			if strings.Contains(string(list), w) {
				t.Errorf("--modules %s: the image has %s:\n%s", c.modules, w, list)
			}
		}
	}
	// Debian's package had no index: pidone made one, in its cache
	// beside the kernel, not in the kernel's tree.
	if _, err := os.Stat(filepath.Join(cache, "kernels", "linux-image-"+version, "lib", "modules", version, "modules.dep")); err == nil {
		t.Errorf("pidone wrote modules.dep into the kernel's module tree")
	}
	if deps, _ := filepath.Glob(filepath.Join(cache, "modindex", "*", "modules.dep")); len(deps) != 1 {
		t.Errorf("module indexes in the cache: %q, want one", deps)
	}

	// No kernel anywhere: no modules and no complaint, unless asked by name.
	none := []string{"PIDONE_CACHE=" + t.TempDir(), "PIDONE_KERNEL="}
	if _, stderr, status := pidone(t, none, "build", "--guest", guest, "-o", filepath.Join(dir, "y")); status != 0 {
		t.Errorf("build without a kernel: %s", stderr)
	}
	_, stderr, status = pidone(t, none, "build", "--guest", guest, "-o", filepath.Join(dir, "y"), "--modules", "virtio_net")
	oneLine(t, stderr, status, 1, "no kernel found")
}
