package kernel

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Every architecture has a fragment of its own, every fragment parses,
// and the options whose loss broke boots before are in pidone's.
func TestFragments(t *testing.T) {
	for _, arch := range BuildArches() {
		frags, err := Fragments(arch, "")
		if err != nil {
			t.Fatalf("%s: %v", arch, err)
		}
		if len(frags) != 2 || frags[1].Name != "pidone-"+arch+".config" || len(frags[1].Options) == 0 {
			t.Errorf("%s: fragments %+v", arch, frags)
		}
	}
	frags, _ := Fragments("amd64", "")
	have := map[string]string{}
	for _, f := range frags {
		for _, o := range f.Options {
			have[o.Name] = o.Value
		}
	}
	for name, v := range map[string]string{"SHMEM": "y", "TMPFS": "y", "DEVTMPFS": "y", "FUTEX": "y", "EPOLL": "y", "MODULES": "n", "PVH": "y", "SERIO": "n", "VIRTIO_MMIO": "y", "RD_ZSTD": "y"} {
		if have[name] != v {
			t.Errorf("amd64 fragments: CONFIG_%s=%q, want %s", name, have[name], v)
		}
	}
	if _, err := Fragments("mips", ""); err == nil {
		t.Error("mips has fragments")
	}
}

func TestUserFragment(t *testing.T) {
	dir := t.TempDir()
	mine := filepath.Join(dir, "mine.config")
	os.WriteFile(mine, []byte("CONFIG_LOOP=y\n"), 0o644)
	frags, err := Fragments("amd64", mine)
	if err != nil || len(frags) != 3 || frags[2].Options[0].String() != "CONFIG_LOOP=y" {
		t.Fatalf("Fragments = %+v, %v", frags, err)
	}
	for _, tt := range []struct{ content, want string }{
		{"", "no CONFIG_ options"},
		{"LOOP=y\n", "mine.config:1"},
	} {
		os.WriteFile(mine, []byte(tt.content), 0o644)
		if _, err := Fragments("amd64", mine); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v, want %q", tt.content, err, tt.want)
		}
	}
	if _, err := Fragments("amd64", filepath.Join(dir, "nope")); err == nil || !strings.Contains(err.Error(), "--config") {
		t.Errorf("missing fragment: %v", err)
	}
}

// The key changes with anything that changes the kernel, and not with a
// fragment's comments or file name.
func TestBuildKey(t *testing.T) {
	frags, _ := Fragments("amd64", "")
	a, _ := ParseFragment("a.config", []byte("# mine\nCONFIG_LOOP=y\n"))
	b, _ := ParseFragment("other/b.config", []byte("CONFIG_LOOP=y\n"))
	c, _ := ParseFragment("a.config", []byte("CONFIG_LOOP=n\n"))
	base := BuildKey("tar 1", "amd64", frags)
	if len(base) != 64 {
		t.Fatalf("key %q", base)
	}
	with := func(f Fragment) []Fragment { return append(append([]Fragment{}, frags...), f) }
	if BuildKey("tar 1", "amd64", with(a)) != BuildKey("tar 1", "amd64", with(b)) {
		t.Error("a fragment's comments or name changed the key")
	}
	for name, k := range map[string]string{
		"source":          BuildKey("tar 2", "amd64", frags),
		"arch":            BuildKey("tar 1", "arm64", frags),
		"user fragment":   BuildKey("tar 1", "amd64", with(a)),
		"another value":   BuildKey("tar 1", "amd64", with(c)),
		"pidone fragment": BuildKey("tar 1", "amd64", frags[:1]),
	} {
		if k == base {
			t.Errorf("the %s does not change the key", name)
		}
	}
	// Framing: options are not run together.
	x, _ := ParseFragment("x", []byte("CONFIG_A=y\nCONFIG_B=y\n"))
	y1, _ := ParseFragment("y", []byte("CONFIG_A=y\n"))
	y2, _ := ParseFragment("y", []byte("CONFIG_B=y\n"))
	if BuildKey("s", "amd64", []Fragment{x}) == BuildKey("s", "amd64", []Fragment{y1, y2}) {
		t.Error("one fragment of A and B keys as two fragments of A, B")
	}
}

func TestBuildArches(t *testing.T) {
	for arch, want := range map[string]struct{ linux, image, cross, pkg string }{
		"amd64":   {"x86_64", "vmlinux", "", "gcc"},
		"386":     {"i386", "arch/x86/boot/bzImage", "", "gcc"},
		"arm64":   {"arm64", "arch/arm64/boot/Image", "aarch64-linux-gnu-", "gcc-aarch64-linux-gnu"},
		"riscv64": {"riscv", "arch/riscv/boot/Image", "riscv64-linux-gnu-", "gcc-riscv64-linux-gnu"},
	} {
		ba := buildArches[arch]
		cross := crossPrefix(arch, "amd64")
		if ba.linux != want.linux || ba.image != want.image || cross != want.cross || crossPackage(cross) != want.pkg {
			t.Errorf("%s: ARCH=%s image %s cross %q (%s)", arch, ba.linux, ba.image, cross, crossPackage(cross))
		}
		if ba.files == 0 || len(ba.targets) == 0 {
			t.Errorf("%s: no targets or estimate", arch)
		}
	}
	// On an arm64 host, x86-64 is the cross build.
	if p := crossPrefix("amd64", "arm64"); p != "x86_64-linux-gnu-" || crossPackage(p) != "gcc-x86-64-linux-gnu" {
		t.Errorf("amd64 on arm64: %q %s", p, crossPackage(p))
	}
	if got := strings.Join(BuildArches(), " "); got != "386 amd64 arm64 riscv64" {
		t.Errorf("BuildArches = %s", got)
	}
}

// builtKernel lays out a kernel pidone kernel build made.
func builtKernel(t *testing.T, cache, arch, key, version string, custom bool) string {
	t.Helper()
	root := filepath.Join(cache, "kernels", builtDir(arch, key))
	name := "vmlinuz-"
	if arch == "amd64" {
		name = "vmlinux-"
	}
	img := filepath.Join(root, "boot", name+version)
	os.MkdirAll(filepath.Dir(img), 0o755)
	if err := os.WriteFile(img, []byte("\x7fELF"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(root, "boot", "config-"+version), []byte("CONFIG_9P_FS=y\n# CONFIG_MODULES is not set\n"), 0o644)
	if custom {
		os.WriteFile(filepath.Join(root, customFragment), []byte("CONFIG_LOOP=y\n"), 0o644)
	}
	return img
}

// A build with this pidone's options wins over a more recent one from an
// older pidone's (another key, a configuration without some option).
func TestTinyPrefersCurrentOptions(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("PIDONE_CACHE", cache)
	t.Setenv("PIDONE_KERNEL", "")
	frags, err := Fragments("386", "")
	if err != nil {
		t.Fatal(err)
	}
	cfg := MergeConfig(nil, frags...)
	current := builtKernel(t, cache, "386", "a0123456789abcdef", "6.1.192-pidone-tiny-386", false)
	os.WriteFile(filepath.Join(filepath.Dir(current), "config-6.1.192-pidone-tiny-386"), cfg, 0o644)
	old := time.Now().Add(-time.Hour)
	os.Chtimes(current, old, old)
	older := builtKernel(t, cache, "386", "b0123456789abcdef", "6.1.192-pidone-tiny-386", false)
	if k, err := Tiny("386"); err != nil || k.Path != current {
		t.Errorf("Tiny = %+v, %v; want %s (this pidone's options), not the more recent %s", k, err, current, older)
	}
}

func TestFindTiny(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("PIDONE_CACHE", cache)
	t.Setenv("PIDONE_KERNEL", "")
	const key = "0123456789abcdef0123456789abcdef"

	// None built: the error says how to build one, for the arch asked.
	_, err := FindArch("tiny", "arm64")
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), `"pidone kernel build --arch arm64"`) {
		t.Errorf("no tiny kernel: %v", err)
	}

	cloud := fakeKernel(t, cache, "6.1.0-26-cloud-amd64")
	tiny := builtKernel(t, cache, "amd64", "a"+key, "6.1.192-pidone-tiny-amd64", false)
	arm := builtKernel(t, cache, "arm64", "b"+key, "6.1.192-pidone-tiny-arm64", false)
	custom := builtKernel(t, cache, "amd64", "c"+key, "6.1.193-pidone-tiny-amd64", true)

	k, err := FindArch("tiny", "amd64")
	if err != nil || k.Path != tiny || k.Flavour != "tiny" || k.Arch != "amd64" || k.Modules != "" || k.Version != "6.1.192-pidone-tiny-amd64" {
		t.Errorf("tiny for amd64 = %+v, %v; want %s (pidone's own, not the newer custom one)", k, err, tiny)
	}
	if c, err := k.Config(); err != nil || !c.Has("9P_FS") {
		t.Errorf("tiny kernel's config: %v, %v", c, err)
	}
	if k, err := FindArch("tiny", "arm64"); err != nil || k.Path != arm || k.Arch != "arm64" {
		t.Errorf("tiny for arm64 = %+v, %v", k, err)
	}
	t.Setenv("PIDONE_KERNEL", "tiny")
	if k, err := FindArch("", "arm64"); err != nil || k.Path != arm {
		t.Errorf("PIDONE_KERNEL=tiny: %+v, %v", k, err)
	}
	t.Setenv("PIDONE_KERNEL", "")

	// A built kernel never becomes the default while a fetched one is
	// there, even with a newer version.
	if k, err := Find(""); err != nil || k.Path != cloud {
		t.Errorf("default = %+v, %v; want the cloud kernel", k, err)
	}
	// Its path given as --kernel is read as a tiny kernel too.
	if k, err := FindArch(arm, "arm64"); err != nil || k.Arch != "arm64" || k.Flavour != "tiny" || k.Version != "6.1.192-pidone-tiny-arm64" {
		t.Errorf("--kernel %s = %+v, %v", arm, k, err)
	}
	// and refused for another architecture's guest.
	if _, err := Find(arm); err == nil || !strings.Contains(err.Error(), "is for arm64, not amd64") {
		t.Errorf("--kernel %s for amd64: %v", arm, err)
	}

	// Of two builds of pidone's own configuration with one version, the
	// more recent.
	again := builtKernel(t, cache, "amd64", "d"+key, "6.1.192-pidone-tiny-amd64", false)
	old := time.Now().Add(-time.Hour)
	os.Chtimes(tiny, old, old)
	if k, _ := FindArch("tiny", "amd64"); k.Path != again {
		t.Errorf("tiny = %s, want the more recent build %s", k.Path, again)
	}
	// Only a custom one: that one.
	os.RemoveAll(filepath.Dir(filepath.Dir(tiny)))
	os.RemoveAll(filepath.Dir(filepath.Dir(again)))
	if k, _ := FindArch("tiny", "amd64"); k.Path != custom {
		t.Errorf("tiny = %s, want the custom build %s", k.Path, custom)
	}
	ks, _ := List()
	for _, k := range ks {
		if k.Flavour == "tiny" && k.Modules != "" {
			t.Errorf("tiny kernel with modules: %+v", k)
		}
	}
}
