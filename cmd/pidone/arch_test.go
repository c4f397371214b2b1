package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pidone.dev/pkg/kmod/kmodtest"
)

// --arch is checked against the architectures pidone supports before
// anything is written: it names a directory in the cache.
func TestArchChecked(t *testing.T) {
	dir := t.TempDir()
	cache := filepath.Join(dir, "cache")
	env := []string{"PIDONE_CACHE=" + cache, "PIDONE_KERNEL="}
	for _, cmd := range []string{"build", "run", "test"} {
		_, stderr, code := pidone(t, env, cmd, "--arch", "../../escape", "-o", filepath.Join(dir, "x"))
		if cmd != "build" {
			_, stderr, code = pidone(t, env, cmd, "--arch", "../../escape")
		}
		oneLine(t, stderr, code, 2, "-arch", "../../escape", "amd64")
	}
	_, stderr, code := pidone(t, env, "kernel", "fetch", "--arch", "../../escape")
	oneLine(t, stderr, code, 2, "-arch", "../../escape", "amd64")
	_, stderr, code = pidone(t, env, "kernel", "build", "--arch", "../../escape")
	oneLine(t, stderr, code, 2, "-arch", "../../escape", "amd64, arm64, riscv64")
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a rejected --arch left %v in %s", entries, dir)
	}
}

// An image for one architecture does not get another's kernel modules:
// a cached kernel of another architecture is passed over, and one given
// with --kernel is refused.
func TestArchOfModules(t *testing.T) {
	cache, version := t.TempDir(), "6.1.0-77-cloud-arm64"
	root := filepath.Join(cache, "kernels", "linux-image-"+version)
	os.MkdirAll(filepath.Join(root, "boot"), 0o755)
	vmlinuz := filepath.Join(root, "boot", "vmlinuz-"+version)
	os.WriteFile(vmlinuz, []byte("not really a kernel"), 0o644)
	kmodtest.Tree(t, filepath.Join(root, "lib", "modules", version), map[string][]string{
		"kernel/drivers/virtio/virtio_pci.ko": {"alias=pci:v00001AF4d*sv*sd*bc*sc*i*"},
	})
	env := []string{"PIDONE_CACHE=" + cache, "PIDONE_KERNEL="}
	guest := filepath.Join(t.TempDir(), "guest")
	os.WriteFile(guest, []byte("\x7fELF a guest"), 0o755)
	out := filepath.Join(t.TempDir(), "x.cpio")
	_, stderr, code := pidone(t, env, "build", "--arch", "amd64", "--kernel", vmlinuz, "--guest", guest, "-o", out)
	oneLine(t, stderr, code, 1, "kernel "+vmlinuz+" (from --kernel) is for arm64, not amd64", "--arch arm64")
	if _, err := os.Stat(out); err == nil {
		t.Errorf("%s written", out)
	}
	_, stderr, code = pidone(t, env, "build", "--arch", "amd64", "--guest", guest, "-o", out, "--modules", "virtio_pci")
	oneLine(t, stderr, code, 1, "no kernel found", "the cached "+version+" is not for amd64")
	if _, stderr, code := pidone(t, env, "build", "--arch", "arm64", "--guest", guest, "-o", out, "--modules", "virtio_pci", "--compress", "none"); code != 0 {
		t.Errorf("--arch arm64: status %d: %s", code, stderr)
	}
	if b, _ := os.ReadFile(out); !strings.Contains(string(b), "virtio_pci.ko") {
		t.Errorf("the arm64 image lacks the arm64 kernel's module")
	}
}
