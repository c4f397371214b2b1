package kmod_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"pidone.dev/pkg/kmod"
	"pidone.dev/pkg/kmod/kmodtest"
)

func TestMatch(t *testing.T) {
	// Expected results are glibc 2.36's fnmatch(pattern, s, 0).
	for _, c := range []struct {
		pattern, s string
		want       bool
	}{
		{"", "", true},
		{"", "a", false},
		{"*", "", true},
		{"*", "pci:v00001AF4d00001000sv00001AF4sd00000001bc02sc00i00", true},
		{"pci:v00001AF4d*sv*sd*bc*sc*i*", "pci:v00001AF4d00001000sv00001AF4sd00000001bc02sc00i00", true},
		{"pci:v00001AF4d*sv*sd*bc*sc*i*", "pci:v00008086d00001237sv00001AF4sd00001100bc06sc00i00", false},
		{"virtio:d00000001v*", "virtio:d00000001v00001AF4", true},
		{"virtio:d00000001v*", "virtio:d00000010v00001AF4", false},
		{"usb:v*p*d*dc*dsc*dp*ic08isc06ip50in*", "usb:v0781p5567d0100dc00dsc00dp00ic08isc06ip50in00", true},
		{"usb:v05ACp*d*dc*dsc*dp*ic03isc01ip02in*", "usb:v05ACp0221d0100dc00dsc00dp00ic03isc01ip02in00", true},
		{"acpi*:PNP0501:*", "acpi:PNP0501:", true},
		{"of:N*T*Cfsl,imx7d-sdma", "of:NsdmaTCfsl,imx7d-sdma", true},
		// '*' crosses '/' and '.', unlike path.Match.
		{"a*c", "a/b.c", true},
		{"?", "/", true},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"*a*a*a*a*a*b", strings.Repeat("a", 60), false},
		// Sets, ranges, negation, classes.
		{"d0[0-2]*", "d01x", true},
		{"d0[0-2]*", "d03x", false},
		{"[!a]", "b", true},
		{"[!a]", "a", false},
		{"[^a]", "b", true},
		{"[]a]", "]", true},
		{"[!]a]", "]", false},
		{"[a-]", "-", true},
		{"[z-a]", "m", false},
		{"[[:digit:]]x", "5x", true},
		{"[[:alpha:]]", "5", false},
		{"[[:xdigit:][:space:]]", " ", true},
		{"[[:foo:]]", "f", false}, // unknown class: matches nothing
		{"[a[:foo:]]", "a", true}, // ... unless found before it
		{"[[.a.]]", "a", true},
		{"[[.ab.]]", "a", false},
		{"[[=a=]]", "a", true},
		{"[[.a.]-]", "a", false}, // glibc takes [.a.] as a range start here
		// A '[' with no ']' is an ordinary byte; a '\' at the end loses.
		{"[", "[", true},
		{"[ab", "[ab", true},
		{"[ab", "a", false},
		{"[[a", "[[a", true},
		{"[a-", "[a-", false},
		{"a\\", "a\\", false},
		{"\\*", "*", true},
		{"\\*", "a", false},
		{"[\\]]", "]", true},
		{"[a\\-z]", "b", false},
		{"[a\\-z]", "-", true},
		// C strings end at NUL.
		{"ab\x00c", "ab", true},
		{"ab", "ab\x00zz", true},
	} {
		if got := kmod.Match(c.pattern, c.s); got != c.want {
			t.Errorf("Match(%q, %q) = %v, want %v", c.pattern, c.s, got, c.want)
		}
	}
}

func TestName(t *testing.T) {
	for in, want := range map[string]string{
		"kernel/drivers/char/hw_random/virtio-rng.ko": "virtio_rng",
		"kernel/net/9p/9pnet_virtio.ko.xz":            "9pnet_virtio",
		"virtio-rng":                                  "virtio_rng",
		"extra/foo.ko.zst":                            "foo",
		"bar.ko.gz":                                   "bar",
	} {
		if got := kmod.Name(in); got != want {
			t.Errorf("Name(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"fs-9p":        "fs_9p",
		"usb:v[0-9]-x": "usb:v[0-9]_x",
		"a[-":          "a[-",
		"plain":        "plain",
	} {
		if got := kmod.NormalizeAlias(in); got != want {
			t.Errorf("NormalizeAlias(%q) = %q, want %q", in, got, want)
		}
	}
}

const depText = `kernel/drivers/net/virtio_net.ko: kernel/drivers/net/net_failover.ko kernel/net/core/failover.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
kernel/drivers/net/net_failover.ko: kernel/net/core/failover.ko
kernel/net/core/failover.ko:
kernel/drivers/virtio/virtio.ko:
kernel/drivers/virtio/virtio_ring.ko:
kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
kernel/drivers/char/hw_random/virtio-rng.ko.xz: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
kernel/lib/a.ko: kernel/lib/b.ko
kernel/lib/b.ko: kernel/lib/a.ko
`

const aliasText = `# Aliases extracted from modules themselves.
alias virtio:d00000001v* virtio_net
alias pci:v00001AF4d*sv*sd*bc*sc*i* virtio_pci
alias virtio:d00000004v* virtio_rng
alias fs-9p 9p
`

func testIndex(t *testing.T) *kmod.Index {
	t.Helper()
	deps, err := kmod.ParseDep(strings.NewReader(depText))
	if err != nil {
		t.Fatal(err)
	}
	aliases, err := kmod.ParseAlias(strings.NewReader(aliasText))
	if err != nil {
		t.Fatal(err)
	}
	softdeps, err := kmod.ParseSoftdep(strings.NewReader("softdep virtio_net pre: fs-9p post: virtio-rng\n"))
	if err != nil {
		t.Fatal(err)
	}
	return kmod.NewIndex(deps, aliases, softdeps, []string{"ext4", "crc32c_generic"})
}

func TestParseAndWriteRoundTrip(t *testing.T) {
	deps, err := kmod.ParseDep(strings.NewReader(depText))
	if err != nil {
		t.Fatal(err)
	}
	if len(deps) != 9 || deps[0].Path != "kernel/drivers/net/virtio_net.ko" || len(deps[0].Deps) != 4 || len(deps[2].Deps) != 0 {
		t.Fatalf("ParseDep: %+v", deps)
	}
	var buf bytes.Buffer
	kmod.WriteDep(&buf, deps)
	if buf.String() != strings.ReplaceAll(depText, ".ko:\n", ".ko:\n") {
		t.Errorf("WriteDep(ParseDep(x)) != x:\n%s", buf.String())
	}
	as, _ := kmod.ParseAlias(strings.NewReader(aliasText))
	buf.Reset()
	kmod.WriteAlias(&buf, as)
	if buf.String() != aliasText {
		t.Errorf("WriteAlias(ParseAlias(x)) != x:\n%s", buf.String())
	}
	sds, _ := kmod.ParseSoftdep(strings.NewReader("# c\nsoftdep a pre: b c\nsoftdep a post: d\nsoftdep e x pre: f\n"))
	want := []kmod.Softdep{{Module: "a", Pre: []string{"b", "c"}, Post: []string{"d"}}, {Module: "e", Pre: []string{"f"}}}
	if !reflect.DeepEqual(sds, want) {
		t.Errorf("ParseSoftdep = %+v, want %+v", sds, want)
	}
	buf.Reset()
	kmod.WriteSoftdep(&buf, sds)
	if got := buf.String(); !strings.Contains(got, "softdep a pre: b c post: d\nsoftdep e pre: f\n") {
		t.Errorf("WriteSoftdep:\n%s", got)
	}
	names, _ := kmod.ParseBuiltin(strings.NewReader("kernel/fs/ext4/ext4.ko\nkernel/crypto/crc32c-generic.ko\n\n"))
	if !reflect.DeepEqual(names, []string{"ext4", "crc32c_generic"}) {
		t.Errorf("ParseBuiltin = %q", names)
	}
}

func TestParseErrors(t *testing.T) {
	for _, in := range []string{"no colon here\n", ": a.ko\n", "a b.ko: c.ko\n"} {
		if _, err := kmod.ParseDep(strings.NewReader(in)); err == nil || !strings.Contains(err.Error(), "modules.dep line 1") {
			t.Errorf("ParseDep(%q) = %v, want an error naming line 1", in, err)
		}
	}
	if _, err := kmod.ParseAlias(strings.NewReader("# x\nalias onlypattern\n")); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("ParseAlias: %v, want an error naming line 2", err)
	}
	if as, err := kmod.ParseAlias(strings.NewReader("options x y=1\n")); err != nil || len(as) != 0 {
		t.Errorf("ParseAlias skips other keywords: %v %v", as, err)
	}
}

func TestLookupAndResolve(t *testing.T) {
	ix := testIndex(t)
	for modalias, want := range map[string][]string{
		"virtio:d00000001v00001AF4":                             {"virtio_net"},
		"pci:v00001AF4d00001005sv00001AF4sd00000004bc00scFFi00": {"virtio_pci"},
		"pci:v00008086d00007000sv00001AF4sd00001100bc06sc01i00": nil,
		"fs-9p": {"9p"},
		"fs_9p": {"9p"}, // dashes and underscores are one
	} {
		if got := ix.Lookup(modalias); !reflect.DeepEqual(got, want) {
			t.Errorf("Lookup(%q) = %q, want %q", modalias, got, want)
		}
	}
	if mods, builtin := ix.Resolve("virtio-rng"); !reflect.DeepEqual(mods, []string{"virtio_rng"}) || builtin {
		t.Errorf("Resolve(virtio-rng) = %q %v", mods, builtin)
	}
	if mods, builtin := ix.Resolve("ext4"); mods != nil || !builtin {
		t.Errorf("Resolve(ext4) = %q %v, want built in", mods, builtin)
	}
	if mods, builtin := ix.Resolve("nosuch"); mods != nil || builtin {
		t.Errorf("Resolve(nosuch) = %q %v", mods, builtin)
	}
}

func TestOrder(t *testing.T) {
	ix := testIndex(t)
	for _, c := range []struct {
		names []string
		soft  bool
		want  []string
		err   string
	}{
		{[]string{"virtio_net"}, false, []string{"virtio_ring", "virtio", "failover", "net_failover", "virtio_net"}, ""},
		{[]string{"virtio_pci", "virtio_net"}, false, []string{"virtio_ring", "virtio", "virtio_pci", "failover", "net_failover", "virtio_net"}, ""},
		{[]string{"virtio_rng", "virtio-rng"}, false, []string{"virtio_ring", "virtio", "virtio_rng"}, ""},
		{[]string{"virtio:d00000004v00001AF4"}, false, []string{"virtio_ring", "virtio", "virtio_rng"}, ""},
		// The softdep's "pre" is an alias of a module that is not in the
		// tree: soft, so skipped; its "post" comes after.
		{[]string{"virtio_net"}, true, []string{"virtio_ring", "virtio", "failover", "net_failover", "virtio_net", "virtio_rng"}, ""},
		{[]string{"a"}, false, []string{"b", "a"}, ""}, // a cycle, cut
		{[]string{"ext4"}, false, nil, ""},
		{[]string{"virtio_net", "nosuch"}, false, nil, "nosuch: no such module"},
	} {
		got, err := ix.Order(c.names, c.soft)
		if c.err != "" {
			var nf *kmod.NotFoundError
			if err == nil || err.Error() != c.err || !errors.As(err, &nf) {
				t.Errorf("Order(%q) error = %v, want %q", c.names, err, c.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("Order(%q, %v) = %q, %v; want %q", c.names, c.soft, got, err, c.want)
		}
	}
}

func TestSubset(t *testing.T) {
	ix := testIndex(t)
	order, _ := ix.Order([]string{"virtio_net"}, false)
	sub := ix.Subset(order)
	if got := sub.Names(); !reflect.DeepEqual(got, []string{"failover", "net_failover", "virtio", "virtio_net", "virtio_ring"}) {
		t.Errorf("Subset names = %q", got)
	}
	if len(sub.Aliases) != 1 || sub.Aliases[0].Module != "virtio_net" {
		t.Errorf("Subset aliases = %+v", sub.Aliases)
	}
	if _, ok := sub.Softdeps["virtio_net"]; !ok {
		t.Errorf("Subset lost virtio_net's softdep")
	}
	sub.Modules["virtio_net"].Path = "changed.ko"
	if ix.Modules["virtio_net"].Path == "changed.ko" {
		t.Errorf("Subset shares Modules with its index")
	}
	var buf bytes.Buffer
	kmod.WriteDep(&buf, sub.Deps())
	if !strings.Contains(buf.String(), "changed.ko: kernel/drivers/net/net_failover.ko kernel/net/core/failover.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko\n") {
		t.Errorf("subset modules.dep:\n%s", buf.String())
	}
}

func TestParseModInfo(t *testing.T) {
	mi := kmod.ParseModInfo([]byte("license=GPL\x00\x00\x00name=virtio_net\x00alias=virtio:d00000001v*\x00alias=x\x00depends=net_failover,virtio-ring,\x00softdep=pre: a b post: c\x00vermagic=6.1.0 SMP\x00junk\x00"))
	want := &kmod.ModInfo{
		Name: "virtio_net", Aliases: []string{"virtio:d00000001v*", "x"}, Depends: []string{"net_failover", "virtio_ring"},
		SoftPre: []string{"a", "b"}, SoftPost: []string{"c"}, Vermagic: "6.1.0 SMP", License: "GPL",
	}
	if !reflect.DeepEqual(mi, want) {
		t.Errorf("ParseModInfo = %+v, want %+v", mi, want)
	}
	mi, err := kmod.ReadModInfo(bytes.NewReader(kmodtest.Module("name=foo", "alias=pci:v*", "depends=")))
	if err != nil || mi.Name != "foo" || len(mi.Aliases) != 1 || len(mi.Depends) != 0 {
		t.Errorf("ReadModInfo = %+v, %v", mi, err)
	}
	if _, err := kmod.ReadModInfo(strings.NewReader("not an ELF file at all")); !errors.Is(err, kmod.ErrNotModule) {
		t.Errorf("ReadModInfo(garbage) = %v, want ErrNotModule", err)
	}
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func TestDepmodAndLoad(t *testing.T) {
	dir := kmodtest.Tree(t, t.TempDir(), map[string][]string{
		"kernel/drivers/virtio/virtio.ko":             nil,
		"kernel/drivers/virtio/virtio_ring.ko":        nil,
		"kernel/drivers/virtio/virtio_pci.ko":         {"alias=pci:v00001AF4d*sv*sd*bc*sc*i*", "depends=virtio_ring,virtio"},
		"kernel/net/core/failover.ko":                 nil,
		"kernel/drivers/net/net_failover.ko":          {"depends=failover"},
		"kernel/drivers/net/virtio_net.ko":            {"alias=virtio:d00000001v*", "depends=net_failover,virtio,virtio_ring"},
		"kernel/drivers/char/hw_random/virtio-rng.ko": {"alias=virtio:d00000004v*", "depends=virtio,virtio_ring,builtin_thing", "softdep=pre: virtio_pci"},
		"updates/virtio_ring.ko":                      {"description=newer"},
	})
	// A gzip module, a "zstd" one read through the decompressor, and files
	// that are not modules.
	os.MkdirAll(filepath.Join(dir, "kernel/fs"), 0o755)
	os.WriteFile(filepath.Join(dir, "kernel/fs/9p.ko.gz"), gz(kmodtest.Module("name=9p", "alias=fs-9p")), 0o644)
	os.WriteFile(filepath.Join(dir, "kernel/fs/x.ko.zst"), kmodtest.Module("name=x"), 0o644)
	os.WriteFile(filepath.Join(dir, "kernel/readme.ko"), []byte("not ELF"), 0o644)
	os.WriteFile(filepath.Join(dir, "modules.builtin"), []byte("kernel/fs/ext4/ext4.ko\n"), 0o644)

	decompressed := 0
	ix, err := kmod.Depmod(dir, func(name string, r io.Reader) (io.Reader, error) {
		if name != "x.ko.zst" {
			t.Errorf("decompressor asked for %s", name)
		}
		decompressed++
		return r, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if decompressed != 1 {
		t.Errorf("decompressor called %d times, want 1", decompressed)
	}
	want := []string{"9p", "failover", "net_failover", "virtio", "virtio_net", "virtio_pci", "virtio_ring", "virtio_rng", "x"}
	if got := ix.Names(); !reflect.DeepEqual(got, want) {
		t.Errorf("Depmod modules = %q, want %q", got, want)
	}
	if p := ix.Modules["virtio_ring"].Path; p != "updates/virtio_ring.ko" {
		t.Errorf("virtio_ring from %s, want updates/ to win", p)
	}
	if d := ix.Modules["virtio_net"].Deps; !reflect.DeepEqual(d, []string{"net_failover", "failover", "virtio_ring", "virtio"}) &&
		!reflect.DeepEqual(d, []string{"virtio_ring", "virtio", "net_failover", "failover"}) {
		t.Errorf("virtio_net deps = %q: want every module before the ones it needs", d)
	}
	if !ix.Builtin["ext4"] || ix.Softdeps["virtio_rng"] == nil || len(ix.Lookup("fs-9p")) != 1 {
		t.Errorf("Depmod: builtin %v softdeps %v fs-9p %v", ix.Builtin, ix.Softdeps, ix.Lookup("fs-9p"))
	}

	if _, err := kmod.Load(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load of a tree without modules.dep: %v, want ErrNotExist", err)
	}
	if err := ix.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	back, err := kmod.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Deps(), ix.Deps()) || !reflect.DeepEqual(back.Aliases, ix.Aliases) ||
		!reflect.DeepEqual(back.SoftdepList(), ix.SoftdepList()) || !reflect.DeepEqual(back.Builtin, ix.Builtin) {
		t.Errorf("Load(WriteDir(ix)) differs from ix")
	}
	order, err := back.Order([]string{"virtio_rng"}, true)
	if err != nil || !reflect.DeepEqual(order, []string{"virtio_ring", "virtio", "virtio_pci", "virtio_rng"}) {
		t.Errorf("Order after Load = %q, %v", order, err)
	}
}
