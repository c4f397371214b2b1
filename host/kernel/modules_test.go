package kernel

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

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
	idx, err := k.IndexDir()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{kmod.DepFile, kmod.AliasFile, kmod.SoftdepFile} {
		if _, err := os.Stat(filepath.Join(idx, f)); err != nil {
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

// snapshot lists every file under dir with its mode, size, time and
// contents.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		b, _ := os.ReadFile(p)
		m[p] = fmt.Sprintf("%v %d %v %x", info.Mode(), info.Size(), info.ModTime(), sha256.Sum256(b))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// A kernel's module tree belongs to whoever installed it (a /boot kernel's
// /lib/modules is root's): pidone only reads it and keeps the index it
// makes in its own cache, made once per state of the tree.
func TestModuleIndexLeavesTheTreeAlone(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("PIDONE_CACHE", cache)
	tree := filepath.Join(t.TempDir(), "lib", "modules", "6.1.0-9-amd64")
	kmodtest.Tree(t, tree, map[string][]string{
		"kernel/drivers/virtio/virtio.ko":     nil,
		"kernel/drivers/virtio/virtio_pci.ko": {"alias=pci:v00001AF4d*sv*sd*bc*sc*i*", "depends=virtio"},
	})
	os.WriteFile(filepath.Join(tree, kmod.BuiltinFile), []byte("kernel/fs/ext4/ext4.ko\n"), 0o644)
	before := snapshot(t, filepath.Dir(filepath.Dir(tree)))
	calls := 0
	depmod = func(dir string, d kmod.Decompressor) (*kmod.Index, error) {
		calls++
		return kmod.Depmod(dir, d)
	}
	t.Cleanup(func() { depmod = kmod.Depmod })

	k := &Kernel{Path: "/boot/vmlinuz-6.1.0-9-amd64", Version: "6.1.0-9-amd64", Modules: tree}
	for i := 0; i < 2; i++ {
		ix, err := k.ModuleIndex()
		if err != nil {
			t.Fatal(err)
		}
		if m := ix.Modules["virtio_pci"]; m == nil || len(m.Deps) != 1 || !ix.Builtin["ext4"] {
			t.Errorf("call %d: index %+v, builtin %v", i+1, m, ix.Builtin)
		}
	}
	if calls != 1 {
		t.Errorf("the tree was indexed %d times, want once (then the cached index)", calls)
	}
	after := snapshot(t, filepath.Dir(filepath.Dir(tree)))
	for p, v := range after {
		if before[p] != v {
			t.Errorf("ModuleIndex wrote %s into the module tree", p)
		}
	}
	for p := range before {
		if _, ok := after[p]; !ok {
			t.Errorf("ModuleIndex removed %s from the module tree", p)
		}
	}
	deps, _ := filepath.Glob(filepath.Join(cache, "modindex", "*", kmod.DepFile))
	if len(deps) != 1 {
		t.Errorf("cached indexes: %q, want one modules.dep under %s/modindex", deps, cache)
	}

	// A module that changes makes a new index.
	later := time.Now().Add(time.Minute)
	os.Chtimes(filepath.Join(tree, "kernel/drivers/virtio/virtio.ko"), later, later)
	if _, err := k.ModuleIndex(); err != nil || calls != 2 {
		t.Errorf("after touching a module: %d indexings, %v", calls, err)
	}
}
