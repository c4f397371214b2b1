package kernel

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseConfig(t *testing.T) {
	c, err := ParseConfig(strings.NewReader("#\n# Automatically generated\nCONFIG_NET_9P=m\n# CONFIG_9P_FS is not set\nCONFIG_EXT4_FS=y\nCONFIG_LOCALVERSION=\"-x\"\nCONFIG_NR_CPUS=64\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Has("NET_9P") || !c.Has("CONFIG_EXT4_FS") || c.Has("9P_FS") || c.Has("NR_CPUS") || c["LOCALVERSION"] != "-x" {
		t.Errorf("config = %v", c)
	}
}

// A generic kernel fetched into the cache for 9p must not become the
// kernel every other boot uses, even when its version is newer.
func TestFindPrefersCloud(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("PIDONE_CACHE", cache)
	t.Setenv("PIDONE_KERNEL", "")
	cloud := fakeKernel(t, cache, "6.1.0-26-cloud-amd64")
	generic := fakeKernel(t, cache, "6.1.0-27-amd64")
	k, err := Find("")
	if err != nil || k.Path != cloud {
		t.Errorf("Find = %+v, %v; want the cloud kernel %s", k, err, cloud)
	}
	if k, ok := Cached("generic"); !ok || k.Path != generic {
		t.Errorf("Cached(generic) = %+v, %v", k, ok)
	}
	if _, ok := Cached("rt"); ok {
		t.Errorf("Cached(rt) found something")
	}
	// Without a cloud kernel, the newest is used.
	os.RemoveAll(filepath.Dir(filepath.Dir(cloud)))
	if k, err := Find(""); err != nil || k.Path != generic {
		t.Errorf("Find with only generic = %+v, %v", k, err)
	}
}

func TestKernelConfig(t *testing.T) {
	cache := t.TempDir()
	vmlinuz := fakeKernel(t, cache, "6.1.0-26-cloud-amd64")
	k := &Kernel{Path: vmlinuz, Version: "6.1.0-26-cloud-amd64"}
	if _, err := k.Config(); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("no config file: err = %v, want ErrNotExist", err)
	}
	os.WriteFile(filepath.Join(filepath.Dir(vmlinuz), "config-6.1.0-26-cloud-amd64"), []byte("# CONFIG_NET_9P is not set\nCONFIG_VIRTIO_BLK=m\n"), 0o644)
	c, err := k.Config()
	if err != nil || c.Has("NET_9P") || !c.Has("VIRTIO_BLK") {
		t.Errorf("Config = %v, %v", c, err)
	}
	if _, err := (&Kernel{Path: "/x/bzImage"}).Config(); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("unknown version: %v", err)
	}
}
