package kernel

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestVersionLess(t *testing.T) {
	ordered := []string{"5.10.0-9-amd64", "6.1.0-9-cloud-amd64", "6.1.0-26-cloud-amd64", "6.1.0-56-cloud-amd64", "6.12.1-1-amd64"}
	for i := 0; i+1 < len(ordered); i++ {
		if !versionLess(ordered[i], ordered[i+1]) || versionLess(ordered[i+1], ordered[i]) {
			t.Errorf("want %s < %s", ordered[i], ordered[i+1])
		}
	}
}

func TestArchFlavour(t *testing.T) {
	for v, want := range map[string][2]string{
		"6.1.0-26-cloud-amd64": {"amd64", "cloud"},
		"6.1.0-26-arm64":       {"arm64", "generic"},
		"6.1.0-26-cloud-arm64": {"arm64", "cloud"},
		"6.1.0-26-686":         {"386", "generic"},
		"6.1.0-26-686-pae":     {"386", "generic"},
		"6.12.9-riscv64":       {"riscv64", "generic"},
		"6.8.0-45-generic":     {"amd64", "generic"},
	} {
		if a, f := archFlavour(v); a != want[0] || f != want[1] {
			t.Errorf("%s: %s %s, want %v", v, a, f, want)
		}
	}
}

// fakeKernel lays out an unpacked Debian kernel package in the cache.
func fakeKernel(t *testing.T, cache, version string) string {
	t.Helper()
	root := filepath.Join(cache, "kernels", "linux-image-"+version)
	vmlinuz := filepath.Join(root, "boot", "vmlinuz-"+version)
	os.MkdirAll(filepath.Dir(vmlinuz), 0o755)
	os.MkdirAll(filepath.Join(root, "lib", "modules", version), 0o755)
	if err := os.WriteFile(vmlinuz, []byte("kernel"), 0o644); err != nil {
		t.Fatal(err)
	}
	return vmlinuz
}

func TestFindOrder(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("PIDONE_CACHE", cache)
	t.Setenv("PIDONE_KERNEL", "")
	fakeKernel(t, cache, "6.1.0-9-cloud-amd64")
	newest := fakeKernel(t, cache, "6.1.0-26-cloud-amd64")

	k, err := Find("")
	if err != nil {
		t.Fatal(err)
	}
	if k.Path != newest || k.Source != "cache" || k.Flavour != "cloud" || !strings.HasSuffix(k.Modules, "lib/modules/6.1.0-26-cloud-amd64") {
		t.Errorf("Find = %+v, want the newest cached kernel", k)
	}
	ks, _ := List()
	if len(ks) != 2 || ks[0].Path != newest {
		t.Errorf("List = %+v", ks)
	}

	other := filepath.Join(t.TempDir(), "bzImage")
	os.WriteFile(other, []byte("k"), 0o644)
	t.Setenv("PIDONE_KERNEL", other)
	if k, err := Find(""); err != nil || k.Path != other || k.Source != "PIDONE_KERNEL" {
		t.Errorf("with PIDONE_KERNEL: %+v, %v", k, err)
	}
	if k, err := Find(newest); err != nil || k.Path != newest || k.Source != "--kernel" {
		t.Errorf("with a flag: %+v, %v", k, err)
	}
}

func TestFindErrors(t *testing.T) {
	t.Setenv("PIDONE_CACHE", t.TempDir())
	t.Setenv("PIDONE_KERNEL", "")
	dir := t.TempDir()
	for _, tt := range []struct{ path, want string }{
		{filepath.Join(dir, "nope"), "kernel " + dir + "/nope (from --kernel): no such file or directory"},
		{dir, "is a directory"},
	} {
		_, err := Find(tt.path)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Find(%q) = %v, want %q", tt.path, err, tt.want)
		}
	}
	t.Setenv("PIDONE_KERNEL", filepath.Join(dir, "gone"))
	if _, err := Find(""); err == nil || !strings.Contains(err.Error(), "(from PIDONE_KERNEL)") {
		t.Errorf("bad PIDONE_KERNEL: %v", err)
	}
}

func TestNotFoundSaysWhatToDo(t *testing.T) {
	defer func(g string) { bootGlob = g }(bootGlob)
	bootGlob = filepath.Join(t.TempDir(), "vmlinuz-*")
	t.Setenv("PIDONE_CACHE", t.TempDir())
	t.Setenv("PIDONE_KERNEL", "")
	_, err := Find("")
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "pidone kernel fetch") {
		t.Errorf("Find with nothing = %v", err)
	}
}

func TestMetaPackage(t *testing.T) {
	if p, _ := metaPackage("", "amd64"); p != "linux-image-cloud-amd64" {
		t.Errorf("default = %s", p)
	}
	if p, _ := metaPackage("generic", "arm64"); p != "linux-image-arm64" {
		t.Errorf("generic = %s", p)
	}
	if _, err := metaPackage("rt", "amd64"); err == nil || !strings.Contains(err.Error(), "want cloud or generic") {
		t.Errorf("bad flavour: %v", err)
	}
}

// A kernel of another architecture is never picked for a guest, and the
// error says how to get one of the right kind.
func TestFindArch(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("PIDONE_CACHE", cache)
	t.Setenv("PIDONE_KERNEL", "")
	defer func(g string) { bootGlob = g }(bootGlob)
	bootGlob = filepath.Join(t.TempDir(), "vmlinuz-*")
	amd64 := fakeKernel(t, cache, "6.1.0-26-cloud-amd64")
	arm64 := fakeKernel(t, cache, "6.1.0-50-arm64")
	i686 := fakeKernel(t, cache, "6.1.0-50-686")
	// A kernel whose name tells nothing, with a riscv64 Image's header:
	// the header wins.
	rv := make([]byte, 0x40)
	copy(rv[0x38:], "RSC\x05")
	built := fakeKernel(t, cache, "6.1.192-pidone")
	os.WriteFile(built, rv, 0o644)
	for arch, want := range map[string]string{"amd64": amd64, "arm64": arm64, "386": i686, "riscv64": built} {
		k, err := FindArch("", arch)
		if err != nil || k.Path != want || k.Arch != arch {
			t.Errorf("FindArch(%s) = %+v, %v; want %s", arch, k, err, want)
		}
	}
	if _, err := FindArch(arm64, "amd64"); err == nil || !strings.Contains(err.Error(), "is for arm64, not amd64") || !strings.Contains(err.Error(), "--arch arm64") {
		t.Errorf("an arm64 kernel for amd64: %v", err)
	}
	t.Setenv("PIDONE_KERNEL", i686)
	if _, err := FindArch("", "amd64"); err == nil || !strings.Contains(err.Error(), "(from PIDONE_KERNEL) is for 386") {
		t.Errorf("PIDONE_KERNEL of 386 for amd64: %v", err)
	}
	t.Setenv("PIDONE_KERNEL", "")

	os.RemoveAll(filepath.Dir(filepath.Dir(arm64)))
	os.RemoveAll(filepath.Dir(filepath.Dir(built)))
	_, err := FindArch("", "arm64")
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), `run "pidone kernel fetch --arch arm64" (Debian's linux-image-arm64`) || !strings.Contains(err.Error(), "make kernel-arm64") {
		t.Errorf("no arm64 kernel: %v", err)
	}
	_, err = FindArch("", "riscv64")
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), `"pidone kernel build --arch riscv64"`) {
		t.Errorf("no riscv64 kernel: %v", err)
	}
}

// Debian has no riscv64 kernel: pidone kernel fetch says what to do
// instead, before asking apt anything.
func TestFetchWithoutDebianKernel(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := Fetch(context.Background(), FetchOptions{Arch: "riscv64"})
	if !errors.Is(err, ErrNoDebianKernel) || !strings.Contains(err.Error(), `"pidone kernel build --arch riscv64"`) {
		t.Errorf("riscv64: %v", err)
	}
	if _, err := Fetch(context.Background(), FetchOptions{Arch: "386", Flavour: "cloud"}); err == nil || !strings.Contains(err.Error(), "Debian's generic kernel for 386") {
		t.Errorf("cloud for 386: %v", err)
	}
}

// Another architecture's packages need dpkg to know it: the error says
// how, before apt is asked.
func TestFetchForeignArch(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("the foreign architecture is arm64 on an amd64 host")
	}
	tools := t.TempDir()
	for name, body := range map[string]string{"dpkg": "echo i386", "apt-get": "exit 1", "apt-cache": "exit 1", "dpkg-deb": "exit 1"} {
		os.WriteFile(filepath.Join(tools, name), []byte("#!/bin/sh\n"+body+"\n"), 0o755)
	}
	t.Setenv("PATH", tools)
	_, err := Fetch(context.Background(), FetchOptions{Arch: "arm64"})
	if err == nil || !strings.Contains(err.Error(), "dpkg --add-architecture arm64 && apt-get update") {
		t.Errorf("arm64 without dpkg's arm64: %v", err)
	}
	_, err = Fetch(context.Background(), FetchOptions{Arch: "386"})
	if err == nil || !strings.Contains(err.Error(), "apt cannot find linux-image-686:i386") {
		t.Errorf("386 with dpkg's i386: %v", err)
	}
}
