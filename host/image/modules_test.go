package image

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"

	"pidone.dev/host/kernel"
	"pidone.dev/pkg/bootopts"
	"pidone.dev/pkg/cpio"
	"pidone.dev/pkg/kmod"
	"pidone.dev/pkg/kmod/kmodtest"
)

const testVersion = "6.1.0-99-amd64"

// testKernel lays out a kernel's module tree like Debian's, with one
// module compressed with xz and one with zstd as other distributions
// ship them, and returns it as the cache would.
func testKernel(t *testing.T) *kernel.Kernel {
	t.Helper()
	// The index pidone makes of the tree goes in a cache of the test's.
	t.Setenv("PIDONE_CACHE", t.TempDir())
	dir := kmodtest.Tree(t, filepath.Join(t.TempDir(), "lib", "modules", testVersion), map[string][]string{
		"kernel/drivers/virtio/virtio.ko":             nil,
		"kernel/drivers/virtio/virtio_ring.ko":        nil,
		"kernel/drivers/virtio/virtio_pci.ko":         {"alias=pci:v00001AF4d*sv*sd*bc*sc*i*", "depends=virtio_ring,virtio"},
		"kernel/drivers/char/hw_random/virtio-rng.ko": {"alias=virtio:d00000004v*", "depends=virtio,virtio_ring"},
		"kernel/drivers/virtio/virtio_balloon.ko":     {"alias=virtio:d00000005v*", "depends=virtio,virtio_ring"},
		"kernel/drivers/net/dummy.ko":                 {"alias=rtnl-link-dummy"},
	})
	enc, _ := zstd.NewWriter(nil)
	os.WriteFile(filepath.Join(dir, "kernel/drivers/block/virtio_blk.ko.zst"), nil, 0o644)
	os.MkdirAll(filepath.Join(dir, "kernel/drivers/block"), 0o755)
	os.WriteFile(filepath.Join(dir, "kernel/drivers/block/virtio_blk.ko.zst"),
		enc.EncodeAll(kmodtest.Module("name=virtio_blk", "alias=virtio:d00000002v*", "depends=virtio,virtio_ring"), nil), 0o644)
	enc.Close()
	var xzb bytes.Buffer
	xw, _ := xz.NewWriter(&xzb)
	xw.Write(kmodtest.Module("name=virtio_net", "alias=virtio:d00000001v*", "depends=virtio,virtio_ring"))
	xw.Close()
	os.MkdirAll(filepath.Join(dir, "kernel/drivers/net"), 0o755)
	os.WriteFile(filepath.Join(dir, "kernel/drivers/net/virtio_net.ko.xz"), xzb.Bytes(), 0o644)
	os.WriteFile(filepath.Join(dir, "modules.builtin"), []byte("kernel/fs/ext4/ext4.ko\n"), 0o644)
	return &kernel.Kernel{Path: "/boot/vmlinuz-" + testVersion, Version: testVersion, Modules: dir}
}

func TestSelectModules(t *testing.T) {
	k := testKernel(t)
	ix, err := k.ModuleIndex()
	if err != nil {
		t.Fatal(err)
	}
	for value, want := range map[string][]string{
		"auto":                  {"virtio_pci", "virtio_net", "virtio_blk", "virtio_rng"},
		"none":                  nil,
		"virtio-rng,ext4":       {"virtio_rng"}, // ext4 is built in: nothing to add
		"auto,dummy,virtio_pci": {"virtio_pci", "virtio_net", "virtio_blk", "virtio_rng", "dummy"},
		"rtnl-link-dummy":       {"dummy"},
	} {
		got := SelectModules(ix, value, nil)
		if !reflect.DeepEqual(got.Names, want) || got.Missing != nil {
			t.Errorf("SelectModules(%q) = %+v; want %q", value, got, want)
		}
	}
	// The VM's devices known: auto is their drivers, and the words after
	// it come too.
	if got := SelectModules(ix, "auto,dummy", []string{"virtio_rng", "virtio_pci", "pvpanic_mmio"}); !reflect.DeepEqual(got.Names, []string{"virtio_pci", "virtio_rng", "dummy"}) {
		t.Errorf("SelectModules(auto,dummy) with drivers = %q", got.Names)
	}
	ms, err := ModulesFor(k, "virtio_pci,virtio_foo", nil)
	if err != nil || !reflect.DeepEqual(ms.Names, []string{"virtio_pci"}) || !reflect.DeepEqual(ms.Missing, []string{"virtio_foo"}) ||
		ms.MissingError() == nil || ms.MissingError().Error() != "--modules: kernel 6.1.0-99-amd64 has no module virtio_foo (pidone kernel modules lists its 8 modules)" {
		t.Errorf("an unknown module: %+v, %v (%v)", ms, err, ms.MissingError())
	}
	// No module tree: auto and none quietly give nothing, names are an error.
	bare := &kernel.Kernel{Path: "/x/bzImage"}
	for _, v := range []string{"", "auto", "none"} {
		if ms, err := ModulesFor(bare, v, nil); ms != nil || err != nil {
			t.Errorf("ModulesFor(bare, %q) = %v, %v", v, ms, err)
		}
	}
	if _, err := ModulesFor(bare, "virtio_net", nil); err == nil || !strings.Contains(err.Error(), "has no known modules") {
		t.Errorf("ModulesFor(bare, virtio_net) = %v", err)
	}
	if _, err := ModulesFor(nil, "virtio_net", nil); err == nil || !strings.Contains(err.Error(), "no kernel") {
		t.Errorf("ModulesFor(nil, virtio_net) = %v", err)
	}
}

// groupKernel is a tree with a little of everything: networking, traffic
// control, filesystems, crypto, block drivers.
func groupKernel(t *testing.T) *kernel.Kernel {
	t.Helper()
	t.Setenv("PIDONE_CACHE", t.TempDir())
	dir := kmodtest.Tree(t, filepath.Join(t.TempDir(), "lib", "modules", testVersion), map[string][]string{
		"kernel/net/sched/act_csum.ko":                  {"depends=libcrc32c"},
		"kernel/net/sched/sch_htb.ko":                   nil,
		"kernel/net/netfilter/nf_conntrack.ko":          {"depends=libcrc32c"},
		"kernel/lib/libcrc32c.ko":                       {"softdep=pre: crc32c"},
		"kernel/arch/x86/crypto/crc32c-intel.ko":        {"alias=crc32c", "alias=crypto-crc32c"},
		"kernel/crypto/crc32c_generic.ko":               {"alias=crc32c", "alias=crypto-crc32c"},
		"kernel/arch/x86/crypto/ghash-clmulni-intel.ko": {"alias=crypto-ghash"},
		"kernel/crypto/ghash-generic.ko":                {"alias=crypto-ghash"},
		"kernel/fs/fat/fat.ko":                          nil,
		"kernel/fs/fat/vfat.ko":                         {"depends=fat", "alias=fs-vfat"},
		"kernel/fs/fat/msdos.ko":                        {"depends=fat", "alias=fs-msdos"},
		"kernel/fs/nls/nls_cp437.ko":                    nil,
		"kernel/fs/nls/nls_ascii.ko":                    nil,
		"kernel/fs/fuse/fuse.ko":                        {"alias=devname:fuse", "alias=char-major-10-229", "alias=fs-fuse"},
		"kernel/drivers/block/loop.ko":                  {"alias=devname:loop-control", "alias=char-major-10-237", "alias=block-major-7-*"},
		"kernel/drivers/net/tun.ko":                     {"alias=devname:net/tun", "alias=char-major-10-200"},
		"kernel/drivers/virtio/virtio_mmio.ko":          nil,
	})
	os.MkdirAll(filepath.Join(filepath.Dir(filepath.Dir(filepath.Dir(dir))), "boot"), 0o755)
	return &kernel.Kernel{Path: filepath.Join(filepath.Dir(filepath.Dir(filepath.Dir(dir))), "boot", "vmlinuz-"+testVersion), Version: testVersion, Modules: dir}
}

// TestSelectGlobsAndGroups: --modules takes path globs ("net/sched/*"),
// directories ("drivers/block"), name globs ("nls_*") and groups (net,
// fs, crypto, block); names and aliases are what init loads at boot.
func TestSelectGlobsAndGroups(t *testing.T) {
	k := groupKernel(t)
	ix, err := k.ModuleIndex()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		value       string
		names, boot []string
		missing     []string
	}{
		{"net/sched/*", []string{"act_csum", "sch_htb"}, nil, nil},
		{"kernel/net/sched/act_*", []string{"act_csum"}, nil, nil},
		{"net", []string{"act_csum", "nf_conntrack", "sch_htb"}, nil, nil},
		{"drivers/block", []string{"loop"}, nil, nil},
		{"block", []string{"loop"}, nil, nil},
		{"fs", []string{"fat", "fuse", "msdos", "nls_ascii", "nls_cp437", "vfat"}, nil, nil},
		{"crypto", []string{"crc32c_generic", "crc32c_intel", "ghash_clmulni_intel", "ghash_generic"}, nil, nil},
		{"nls_*,nls-cp*", []string{"nls_ascii", "nls_cp437"}, nil, nil},
		{"auto,nf_conntrack,crypto-ghash,tun,nosuch,net/nosuch/*,nosuch_*", []string{"virtio_mmio", "nf_conntrack", "ghash_clmulni_intel", "ghash_generic", "tun"},
			[]string{"nf_conntrack", "crypto-ghash", "tun"}, []string{"nosuch", "net/nosuch/*", "nosuch_*"}},
	} {
		got := SelectModules(ix, c.value, nil)
		if !reflect.DeepEqual(got, Selection{Names: c.names, Boot: c.boot, Missing: c.missing}) {
			t.Errorf("SelectModules(%q) = %+v\nwant names %q, boot %q, missing %q", c.value, got, c.names, c.boot, c.missing)
		}
	}
}

// TestModulesMissingAndCompanions: a name the kernel lacks is no error
// (pidone run and test warn and go on); vfat brings the character sets
// its default mount options load, as the kernel's configuration says.
func TestModulesMissingAndCompanions(t *testing.T) {
	k := groupKernel(t)
	ms, err := ModulesFor(k, "auto,vfat,nosuch", []string{"virtio_mmio"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"virtio_mmio", "vfat", "nls_cp437", "nls_iso8859_1"}; !reflect.DeepEqual(ms.Names, want[:3]) ||
		!reflect.DeepEqual(ms.Boot, []string{"vfat"}) || !reflect.DeepEqual(ms.Missing, []string{"nosuch"}) {
		t.Errorf("ModulesFor(auto,vfat,nosuch) = names %q boot %q missing %q", ms.Names, ms.Boot, ms.Missing)
	}
	// No configuration: the kernel's default iocharset, iso8859-1, which
	// this kernel lacks.
	if len(ms.Notes) != 1 || ms.Notes[0] != "vfat wants nls_iso8859_1 for its default iocharset, which kernel "+testVersion+" lacks" {
		t.Errorf("notes = %q", ms.Notes)
	}
	if err := ms.MissingError(); err == nil || err.Error() != "--modules: kernel "+testVersion+" has no module nosuch (pidone kernel modules lists its 17 modules)" {
		t.Errorf("MissingError = %v", err)
	}
	// Debian's configuration: codepage 437, iocharset ascii.
	os.WriteFile(k.ConfigPath(), []byte("CONFIG_FAT_DEFAULT_CODEPAGE=437\nCONFIG_FAT_DEFAULT_IOCHARSET=\"ascii\"\n"), 0o644)
	ms, err = ModulesFor(k, "msdos,vfat", nil)
	if err != nil || !reflect.DeepEqual(ms.Names, []string{"msdos", "vfat", "nls_cp437", "nls_ascii"}) || ms.Notes != nil || ms.MissingError() != nil {
		t.Errorf("ModulesFor(msdos,vfat) with Debian's config = %q %q, %v", ms.Names, ms.Notes, err)
	}
}

// TestImageDevname: the image's modules.devname lists the nodes of the
// modules it has, for init to make at boot; an image without such
// modules has none.
func TestImageDevname(t *testing.T) {
	k := groupKernel(t)
	s := testSpec(t)
	var err error
	for value, want := range map[string]string{
		"auto,tun,loop,fuse": "# Device nodes to trigger on-demand module loading.\nfuse fuse c10:229\nloop loop-control c10:237\ntun net/tun c10:200\n",
		"auto,tun":           "# Device nodes to trigger on-demand module loading.\ntun net/tun c10:200\n",
		"auto":               "",
	} {
		if s.Modules, err = ModulesFor(k, value, nil); err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := Write(&b, s); err != nil {
			t.Fatal(err)
		}
		_, m := readImage(t, b.Bytes())
		got, ok := m["lib/modules/"+testVersion+"/modules.devname"]
		if got.data != want || ok != (want != "") {
			t.Errorf("--modules %s: modules.devname = %q (present %v), want %q", value, got.data, ok, want)
		}
	}
}

func TestImageModules(t *testing.T) {
	k := testKernel(t)
	s := testSpec(t)
	ms, err := ModulesFor(k, "virtio_pci,virtio_net,virtio_blk", nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Modules = ms
	var a, b bytes.Buffer
	if err := Write(&a, s); err != nil {
		t.Fatal(err)
	}
	if err := Write(&b, s); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Errorf("two builds with modules differ")
	}
	_, m := readImage(t, a.Bytes())
	base := "lib/modules/" + testVersion + "/"
	for _, p := range []string{"virtio", "virtio_ring", "virtio_pci"} {
		e, ok := m[base+"kernel/drivers/virtio/"+p+".ko"]
		if !ok || e.mode != cpio.TypeReg|0o644 || !strings.HasPrefix(e.data, "\x7fELF") {
			t.Errorf("%s.ko: %+v (present %v)", p, e, ok)
		}
	}
	// Compressed modules go in decompressed, under the .ko name.
	for _, p := range []string{"kernel/drivers/net/virtio_net.ko", "kernel/drivers/block/virtio_blk.ko"} {
		mi, err := kmod.ReadModInfo(strings.NewReader(m[base+p].data))
		if err != nil || mi.Name != kmod.Name(p) {
			t.Errorf("%s in the image: %+v, %v", p, mi, err)
		}
	}
	for _, p := range []string{"kernel/drivers/char/hw_random/virtio-rng.ko", "kernel/drivers/virtio/virtio_balloon.ko", "kernel/drivers/net/virtio_net.ko.xz"} {
		if _, ok := m[base+p]; ok {
			t.Errorf("%s is in the image", p)
		}
	}
	dep := m[base+"modules.dep"].data
	for _, line := range []string{
		"kernel/drivers/net/virtio_net.ko: kernel/drivers/virtio/virtio_ring.ko kernel/drivers/virtio/virtio.ko\n",
		"kernel/drivers/virtio/virtio_ring.ko:\n",
	} {
		if !strings.Contains(dep, line) {
			t.Errorf("modules.dep lacks %q:\n%s", line, dep)
		}
	}
	if strings.Contains(dep, "virtio-rng") || strings.Count(dep, "\n") != 5 {
		t.Errorf("modules.dep is not filtered to the image's 5 modules:\n%s", dep)
	}
	alias := m[base+"modules.alias"].data
	if !strings.Contains(alias, "alias virtio:d00000001v* virtio_net\n") || strings.Contains(alias, "virtio_rng") || strings.Contains(alias, "dummy") {
		t.Errorf("modules.alias:\n%s", alias)
	}
	if got := m[base+"modules.builtin"].data; got != "kernel/fs/ext4/ext4.ko\n" {
		t.Errorf("modules.builtin = %q", got)
	}
	absent := m[base+bootopts.AbsentFile].data
	if !strings.Contains(absent, "alias virtio:d00000004v* virtio_rng\n") || !strings.Contains(absent, "alias virtio:d00000005v* virtio_balloon\n") ||
		strings.Contains(absent, "virtio_net") || strings.Contains(absent, "dummy") {
		t.Errorf("%s:\n%s", bootopts.AbsentFile, absent)
	}
	if _, ok := m["sbin/modprobe"]; ok {
		t.Errorf("/sbin/modprobe is in the image: the kernel would run it before /init")
	}
	if e := m["lib/pidone/modprobe"]; e.mode != cpio.TypeSymlink|0o777 || e.data != "../../init" {
		t.Errorf("/lib/pidone/modprobe = %+v", e)
	}
	// In an appliance whose /init is its own program, modprobe is
	// pidone's binary.
	s.Userland = s.Init
	a.Reset()
	if err := Write(&a, s); err != nil {
		t.Fatal(err)
	}
	if _, m := readImage(t, a.Bytes()); m["lib/pidone/modprobe"].data != "../../bin/pidone" {
		t.Errorf("appliance's /lib/pidone/modprobe = %+v", m["lib/pidone/modprobe"])
	}
	s.Userland = ""

	// none: no modules, no index, but the list of what is missing.
	s.Modules, _ = ModulesFor(k, "none", nil)
	a.Reset()
	if err := Write(&a, s); err != nil {
		t.Fatal(err)
	}
	_, m = readImage(t, a.Bytes())
	for name := range m {
		if strings.HasPrefix(name, base) && name != base+bootopts.AbsentFile && name != base+"kernel" {
			t.Errorf("--modules none: %s is in the image", name)
		}
	}
	if _, ok := m["lib/pidone/modprobe"]; ok {
		t.Errorf("--modules none: /lib/pidone/modprobe is in the image")
	}
	if !strings.Contains(m[base+bootopts.AbsentFile].data, "virtio_pci") {
		t.Errorf("--modules none: %s lacks virtio_pci", bootopts.AbsentFile)
	}
}

func TestModulesKey(t *testing.T) {
	k := testKernel(t)
	s := testSpec(t)
	key0, _ := s.Key()
	s.Modules, _ = ModulesFor(k, "auto", nil)
	k1, err := s.Key()
	if err != nil || k1 == key0 {
		t.Fatalf("modules left the key as it was (%v)", err)
	}
	if again, _ := s.Key(); again != k1 {
		t.Errorf("the same modules gave two keys")
	}
	s.Modules, _ = ModulesFor(k, "virtio_pci", nil)
	if k2, _ := s.Key(); k2 == k1 {
		t.Errorf("another module set kept the key")
	}
	s.Modules, _ = ModulesFor(k, "auto", nil)
	// A module that changes on disk changes the key.
	os.WriteFile(filepath.Join(k.Modules, "kernel/drivers/virtio/virtio.ko"), kmodtest.Module("name=virtio", "description=rebuilt"), 0o644)
	if k3, _ := s.Key(); k3 == k1 {
		t.Errorf("a changed module kept the key")
	}
	os.Remove(filepath.Join(k.Modules, "kernel/drivers/virtio/virtio.ko"))
	if _, err := s.Key(); err == nil || !strings.Contains(err.Error(), "virtio.ko: no such file or directory") {
		t.Errorf("a missing module: %v", err)
	}
}
