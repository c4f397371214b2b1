package kernel

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"

	"pidone.dev/pkg/kmod"
	"pidone.dev/pkg/kmod/kmodtest"
)

func xzBytes(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := xz.NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func zstdBytes(t *testing.T, b []byte) []byte {
	t.Helper()
	enc, _ := zstd.NewWriter(nil)
	defer enc.Close()
	return enc.EncodeAll(b, nil)
}

func TestModuleIndex(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("PIDONE_CACHE", cache)
	t.Setenv("PIDONE_KERNEL", "")
	vmlinuz := fakeKernel(t, cache, "6.1.0-26-amd64")
	k, err := Find("")
	if err != nil || k.Path != vmlinuz {
		t.Fatalf("Find = %+v, %v", k, err)
	}
	kmodtest.Tree(t, k.Modules, map[string][]string{
		"kernel/drivers/virtio/virtio.ko": nil,
	})
	dir := filepath.Join(k.Modules, "kernel/net/9p")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "9pnet_virtio.ko.xz"), xzBytes(t, kmodtest.Module("name=9pnet_virtio", "alias=virtio:d00000009v*", "depends=virtio,9pnet")), 0o644)
	os.WriteFile(filepath.Join(dir, "9pnet.ko.zst"), zstdBytes(t, kmodtest.Module("name=9pnet")), 0o644)

	ix, err := k.ModuleIndex()
	if err != nil {
		t.Fatal(err)
	}
	order, err := ix.Order([]string{"virtio:d00000009v00001AF4"}, true)
	if err != nil || len(order) != 3 || order[2] != "9pnet_virtio" {
		t.Errorf("order for a 9p device = %q, %v", order, err)
	}
	// The index is saved in the cache, in the standard files.
	for _, f := range []string{kmod.DepFile, kmod.AliasFile, kmod.SoftdepFile} {
		if _, err := os.Stat(filepath.Join(k.Modules, f)); err != nil {
			t.Errorf("%s not saved: %v", f, err)
		}
	}
	again, err := k.ModuleIndex()
	if err != nil || len(again.Modules) != 3 {
		t.Errorf("second ModuleIndex = %v, %v", again, err)
	}
	b, err := ReadModule(filepath.Join(dir, "9pnet_virtio.ko.xz"))
	if err != nil || !bytes.Equal(b, kmodtest.Module("name=9pnet_virtio", "alias=virtio:d00000009v*", "depends=virtio,9pnet")) {
		t.Errorf("ReadModule(.ko.xz) = %d bytes, %v", len(b), err)
	}

	bare := &Kernel{Path: "/x/bzImage"}
	if _, err := bare.ModuleIndex(); !errors.Is(err, ErrNoModules) {
		t.Errorf("ModuleIndex of a kernel without modules: %v", err)
	}
}
