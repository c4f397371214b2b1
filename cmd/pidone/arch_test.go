package main

import (
	"os"
	"path/filepath"
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

// An image for one architecture does not get another's kernel modules.
func TestArchOfModules(t *testing.T) {
	cache, version := t.TempDir(), "6.1.0-77-cloud-arm64"
	root := filepath.Join(cache, "kernels", "linux-image-"+version)
	os.MkdirAll(filepath.Join(root, "boot"), 0o755)
	os.WriteFile(filepath.Join(root, "boot", "vmlinuz-"+version), []byte("not really a kernel"), 0o644)
	kmodtest.Tree(t, filepath.Join(root, "lib", "modules", version), map[string][]string{
		"kernel/drivers/virtio/virtio_pci.ko": {"alias=pci:v00001AF4d*sv*sd*bc*sc*i*"},
	})
	env := []string{"PIDONE_CACHE=" + cache, "PIDONE_KERNEL="}
	guest := filepath.Join(t.TempDir(), "guest")
	os.WriteFile(guest, []byte("\x7fELF a guest"), 0o755)
	out := filepath.Join(t.TempDir(), "x.cpio")
	_, stderr, code := pidone(t, env, "build", "--guest", guest, "-o", out)
	oneLine(t, stderr, code, 1, "kernel "+version+" is for arm64", "--arch amd64", "--modules none")
	if _, err := os.Stat(out); err == nil {
		t.Errorf("%s written", out)
	}
	if _, stderr, code := pidone(t, env, "build", "--guest", guest, "-o", out, "--modules", "none"); code != 0 {
		t.Errorf("--modules none: status %d: %s", code, stderr)
	}
}
