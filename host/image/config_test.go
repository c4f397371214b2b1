package image

import (
	"os"
	"path/filepath"
	"testing"

	"pidone.dev/host/kernel"
)

func TestConfigFile(t *testing.T) {
	dir := t.TempDir()
	k := &kernel.Kernel{Path: filepath.Join(dir, "vmlinuz-"+testVersion), Version: testVersion}
	if f, ok := ConfigFile(k); ok {
		t.Errorf("a kernel without a config file: %+v", f)
	}
	os.WriteFile(filepath.Join(dir, "config-"+testVersion), []byte("CONFIG_X=y\n"), 0o644)
	want := File{Host: filepath.Join(dir, "config-"+testVersion), Guest: "/boot/config-" + testVersion}
	if f, ok := ConfigFile(k); !ok || f != want {
		t.Errorf("ConfigFile = %+v, %v; want %+v", f, ok, want)
	}
	for _, k := range []*kernel.Kernel{nil, {Path: filepath.Join(dir, "bzImage")}} {
		if f, ok := ConfigFile(k); ok {
			t.Errorf("kernel %+v: %+v", k, f)
		}
	}
}
