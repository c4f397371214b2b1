package vm

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAccelArgs(t *testing.T) {
	kvm, err := (&Config{Kernel: "/k", Accel: KVM}).Args()
	if err != nil {
		t.Fatal(err)
	}
	if l := strings.Join(kvm, " "); !strings.Contains(l, "-accel kvm -cpu host") || strings.Contains(l, "tsc_early_khz") {
		t.Errorf("kvm: %s", l)
	}
	for _, a := range []string{"", TCG} {
		tcg, _ := (&Config{Kernel: "/k", Accel: a}).Args()
		if l := strings.Join(tcg, " "); !strings.Contains(l, "-accel tcg -cpu qemu64,+ssse3,+sse4.1,+sse4.2,+popcnt,+pclmulqdq,+aes") || strings.Contains(l, "-cpu host") || (tscKHz() != "" && !strings.Contains(l, "tsc_early_khz=")) {
			t.Errorf("tcg (%q): %s", a, l)
		}
	}
	if _, err := (&Config{Kernel: "/k", Accel: AccelAuto}).Args(); err == nil {
		t.Error("auto reached QEMU's arguments unresolved")
	}
	for in, want := range map[string]string{"": AccelAuto, "auto": AccelAuto, "kvm": KVM, "tcg": TCG, "hvf": ""} {
		if got, err := ParseAccel(in); got != want || (want == "") != (err != nil) {
			t.Errorf("ParseAccel(%q) = %q, %v", in, got, err)
		}
	}
}

// TestKVMVerdictCached: the probe's verdict is kept per host boot, and
// auto and kvm follow it.
func TestKVMVerdictCached(t *testing.T) {
	// A device that opens, as /dev/kvm does on hosts where KVM hangs.
	kvmDevice = filepath.Join(t.TempDir(), "kvm")
	os.WriteFile(kvmDevice, nil, 0o600)
	defer func() { kvmDevice = "/dev/kvm" }()
	id, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	verdict := filepath.Join(cache, "kvm-"+strings.TrimSpace(string(id)))
	// No kernel: a probe would fail at once; a cached verdict needs none.
	p := &KVMProbe{Kernel: "/no/kernel", Cache: cache}
	os.WriteFile(verdict, []byte("ok\n"), 0o644)
	if got, err := ResolveAccel(context.Background(), AccelAuto, "", p, nil); got != KVM || err != nil {
		t.Errorf("cached ok: %q, %v", got, err)
	}
	os.WriteFile(verdict, []byte("fails\nit hangs"), 0o644)
	var said string
	if got, err := ResolveAccel(context.Background(), AccelAuto, "", p, func(s string) { said = s }); got != TCG || err != nil || !strings.Contains(said, "it hangs") {
		t.Errorf("cached failure, auto: %q, %v, said %q", got, err, said)
	}
	if _, err := ResolveAccel(context.Background(), KVM, "", p, nil); err == nil || !strings.Contains(err.Error(), "--accel tcg will") {
		t.Errorf("cached failure, kvm: %v", err)
	}
	os.Remove(verdict)
	if ok, _ := p.Works(context.Background()); ok {
		t.Error("a probe without a kernel worked")
	}
	if b, err := os.ReadFile(verdict); err != nil || !strings.HasPrefix(string(b), "fails\n") {
		t.Errorf("verdict after the probe: %q, %v", b, err)
	}
}

func TestResolveAccel(t *testing.T) {
	kvmDevice = "/no/kvm"
	defer func() { kvmDevice = "/dev/kvm" }()
	var said string
	if got, err := ResolveAccel(context.Background(), AccelAuto, "", &KVMProbe{}, func(s string) { said = s }); got != TCG || err != nil || !strings.Contains(said, "/no/kvm: no such file") {
		t.Errorf("auto without /dev/kvm: %q, %v, said %q", got, err, said)
	}
	p := &KVMProbe{Kernel: "/no/kernel"}
	if got, err := ResolveAccel(context.Background(), TCG, "", p, nil); got != TCG || err != nil {
		t.Errorf("tcg: %q, %v", got, err)
	}
	if got, err := ResolveAccel(context.Background(), AccelAuto, "arm64", p, nil); got != TCG || err != nil {
		t.Errorf("auto for another arch: %q, %v", got, err)
	}
	if _, err := ResolveAccel(context.Background(), KVM, "arm64", p, nil); err == nil {
		t.Error("kvm for another arch accepted")
	}
	if _, err := ResolveAccel(context.Background(), "xen", "", p, nil); err == nil {
		t.Error("unknown accelerator accepted")
	}
}
