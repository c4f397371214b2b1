package system

import (
	"os"
	"path/filepath"
	"testing"

	"pidone.dev/host/vm"
)

// TestSnapshotKey: the key follows every input of the VM but the ones
// that do not reach the guest (forwarded ports, the host's TSC rate).
func TestSnapshotKey(t *testing.T) {
	dir := t.TempDir()
	k := filepath.Join(dir, "vmlinuz")
	img := filepath.Join(dir, "i.cpio")
	os.WriteFile(k, []byte("kernel"), 0o644)
	os.WriteFile(img, []byte("image"), 0o644)
	base := func() *vm.Config {
		return &vm.Config{Kernel: k, Initrd: img, Append: "pidone.exec", Net: &vm.Net{}}
	}
	key := func(c *vm.Config) string {
		t.Helper()
		s, err := snapshotKey(c)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	k0 := key(base())
	if key(base()) != k0 {
		t.Fatal("the same VM gave two keys")
	}
	fwd := base()
	fwd.Net.Forwards = []vm.Forward{{Proto: "tcp", HostPort: 8080, GuestPort: 80}}
	if key(fwd) != k0 {
		t.Error("a forwarded port changed the key")
	}
	tsc := base()
	tsc.Append += " tsc_early_khz=1234"
	if key(tsc) != k0 {
		t.Error("the TSC's rate changed the key")
	}
	for what, c := range map[string]*vm.Config{
		"memory":       {Kernel: k, Initrd: img, Append: "pidone.exec", Net: &vm.Net{}, Mem: 512},
		"CPUs":         {Kernel: k, Initrd: img, Append: "pidone.exec", Net: &vm.Net{}, CPUs: 2},
		"command line": {Kernel: k, Initrd: img, Append: "pidone.exec pidone.debug", Net: &vm.Net{}},
		"no network":   {Kernel: k, Initrd: img, Append: "pidone.exec"},
		"machine":      {Kernel: k, Initrd: img, Append: "pidone.exec", Net: &vm.Net{}, Machine: vm.PC},
	} {
		if key(c) == k0 {
			t.Errorf("another %s gave the same key", what)
		}
	}
	// A kernel replaced in place (another size, another time).
	os.WriteFile(k, []byte("another kernel"), 0o644)
	if key(base()) == k0 {
		t.Error("a changed kernel gave the same key")
	}
}

func TestColdReason(t *testing.T) {
	for _, tt := range []struct {
		s    System
		cold bool
	}{
		{System{}, false},
		{System{Cold: true}, true},
		{System{Shares: []Share{{HostDir: "/x"}}}, true},
		{System{Disks: []vm.Disk{{Path: "d.img", ReadOnly: true}}}, false},
		{System{Disks: []vm.Disk{{Path: "d.img"}}}, true},
	} {
		if got := tt.s.coldReason() != ""; got != tt.cold {
			t.Errorf("%+v: cold %v, want %v", tt.s, got, tt.cold)
		}
	}
}
