package vm

import (
	"strings"
	"testing"
)

// Each architecture's QEMU command line: its binary, machine, CPU,
// console, pvpanic device and virtio transport, and only its own kernel
// options.
func TestArchArgs(t *testing.T) {
	for _, tt := range []struct {
		arch, machine, qemu string
		want, not           []string
	}{
		{"arm64", "", "qemu-system-aarch64",
			[]string{"-M virt -accel tcg -cpu max,pauth-impdef=on", "-append console=ttyAMA0 loglevel=5 printk.time=1 -display", "-device pvpanic-pci", "-device virtio-rng-device", "virtio-serial-device"},
			[]string{"tsc", "no_timer_check", "reboot=t", "noreplace-smp"}},
		{"riscv64", "virt", "qemu-system-riscv64",
			[]string{"-M virt -accel tcg -cpu rv64", "-append console=ttyS0 loglevel=5 printk.time=1 -display", "-device pvpanic-pci", "-device virtio-rng-device"},
			[]string{"tsc", "no_timer_check", "reboot=t", "-bios", "noreplace-smp"}},
		{"386", "", "qemu-system-i386",
			[]string{"-M microvm -accel tcg -cpu qemu32,+ssse3", "console=ttyS0 loglevel=5 no_timer_check tsc=reliable noreplace-smp", "reboot=t printk.time=1", "-device pvpanic ", "-device virtio-rng-device"},
			[]string{"qemu64"}},
		{"386", "pc", "qemu-system-i386",
			[]string{"-M pc,i8042=off -accel tcg -cpu qemu32,", "-device pvpanic ", "-device virtio-rng-pci", "virtio-serial-pci"},
			[]string{"tsc_early_khz", "reboot=t"}},
	} {
		c := &Config{Kernel: "/k", Arch: tt.arch, Machine: tt.machine, Ports: []Port{{Name: "p", Socket: "/s"}}}
		args, err := c.Args()
		if err != nil {
			t.Errorf("%s %s: %v", tt.arch, tt.machine, err)
			continue
		}
		line := strings.Join(args, " ") + " "
		for _, w := range tt.want {
			if !strings.Contains(line, w) {
				t.Errorf("%s %s: no %q in\n%s", tt.arch, tt.machine, w, line)
			}
		}
		for _, n := range tt.not {
			if strings.Contains(line, n) {
				t.Errorf("%s %s: %q in\n%s", tt.arch, tt.machine, n, line)
			}
		}
		if bin, _ := Binary(tt.arch); bin != tt.qemu {
			t.Errorf("%s: QEMU %s, want %s", tt.arch, bin, tt.qemu)
		}
	}
	if _, err := (&Config{Kernel: "/k", Arch: "arm64", Machine: MicroVM}).Args(); err == nil || !strings.Contains(err.Error(), "arm64 guests boot on virt (the default)") {
		t.Errorf("microvm for arm64: %v", err)
	}
	if c := Console("arm64"); c != "ttyAMA0" {
		t.Errorf("arm64's console: %s", c)
	}
}

// The table is whole: every row has what booting and fetching need, and
// every machine its transport and pvpanic device.
func TestArchTable(t *testing.T) {
	for _, a := range arches {
		if a.GOARCH == "" || a.Uname == "" || a.QEMU == "" || a.Package == "" || a.Console == "" || a.TCGCPU == "" ||
			len(a.Machines) == 0 || len(a.Images) == 0 || a.ELF == 0 || a.DebianArch == "" || a.LinuxArch == "" || a.KernelImage == "" {
			t.Errorf("%s: incomplete: %+v", a.GOARCH, a)
		}
		if (a.DebianKernel == "") != (len(a.DebianFlavours) == 0) {
			t.Errorf("%s: Debian kernel %q with flavours %v", a.GOARCH, a.DebianKernel, a.DebianFlavours)
		}
		for _, m := range a.Machines {
			if m.Transport == "" || m.Bus == "" || m.Panic == "" || m.PanicDriver == "" || len(m.Args) == 0 {
				t.Errorf("%s: machine %s incomplete: %+v", a.GOARCH, m.Name, m)
			}
		}
		if !a.KVM(a.GOARCH) {
			t.Errorf("%s: KVM on a host of its own kind does not run it", a.GOARCH)
		}
	}
	if _, err := LookupArch("mips"); err == nil || !strings.Contains(err.Error(), "supported: amd64, arm64, riscv64, 386") {
		t.Errorf("mips: %v", err)
	}
}

// A missing QEMU is named with the Debian package that has it.
func TestCheckNamesPackage(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	for arch, pkg := range map[string]string{"amd64": "qemu-system-x86", "386": "qemu-system-x86", "arm64": "qemu-system-arm", "riscv64": "qemu-system-misc"} {
		if err := Check(arch); err == nil || !strings.Contains(err.Error(), "apt-get install "+pkg+")") {
			t.Errorf("%s: %v", arch, err)
		}
	}
}
