package vm

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestArgs(t *testing.T) {
	c := &Config{Kernel: "/k", Initrd: "/i", Append: "pidone.quiet", NoReboot: true}
	args, err := c.Args()
	if err != nil {
		t.Fatal(err)
	}
	line := strings.Join(args, " ")
	for _, want := range []string{
		"-m 256", "-smp 1", "-kernel /k", "-initrd /i", "-no-reboot", "-nodefaults",
		"-serial mon:stdio", "-net none",
		"-M microvm",
		"-append console=ttyS0 loglevel=5 panic=-1 no_timer_check tsc=reliable ",
		"reboot=t printk.time=1 pidone.quiet",
		"-device pvpanic",
	} {
		if !strings.Contains(line, want) {
			t.Errorf("QEMU arguments lack %q:\n%s", want, line)
		}
	}
	if !strings.Contains(line, " pidone.quiet -display") {
		t.Errorf("the caller's append does not come last:\n%s", line)
	}
	// TCG's own options only under TCG.
	if !strings.Contains(line, " tsc=reliable noreplace-smp ") {
		t.Errorf("TCG: no noreplace-smp:\n%s", line)
	}
	kvm, _ := (&Config{Kernel: "/k", Accel: KVM}).Args()
	if l := strings.Join(kvm, " "); strings.Contains(l, "noreplace-smp") || !strings.Contains(l, "-cpu host") {
		t.Errorf("KVM: %s", l)
	}
	pc, _ := (&Config{Kernel: "/k", Machine: PC}).Args()
	if l := strings.Join(pc, " "); !strings.Contains(l, "-M pc,i8042=off") || strings.Contains(l, "tsc_early_khz") || !strings.Contains(l, "virtio-rng-pci") {
		t.Errorf("pc: %s", l)
	}
	if _, err := (&Config{Kernel: "/k", Machine: "q35"}).Args(); err == nil || !strings.Contains(err.Error(), "amd64 guests boot on microvm (the default) or pc") {
		t.Errorf("unknown machine: %v", err)
	}
	c = &Config{Kernel: "/k", Verbose: true, Mem: 64}
	args, _ = c.Args()
	line = strings.Join(args, " ")
	if strings.Contains(line, "loglevel") || strings.Contains(line, "-initrd") || !strings.Contains(line, "-m 64") {
		t.Errorf("verbose, no initrd, 64 MiB: %s", line)
	}
	if _, err := (&Config{Arch: "mips"}).Args(); err == nil || !strings.Contains(err.Error(), "not supported") {
		t.Errorf("mips: %v", err)
	}
}

func TestStartErrors(t *testing.T) {
	_, err := Start(context.Background(), &Config{Kernel: "/no/kernel"})
	if err == nil || err.Error() != "kernel /no/kernel: no such file or directory" {
		t.Errorf("missing kernel: %v", err)
	}
	k := filepath.Join(t.TempDir(), "k")
	os.WriteFile(k, []byte("hostname\n"), 0o644)
	_, err = Start(context.Background(), &Config{Kernel: k})
	if err == nil || !strings.Contains(err.Error(), "is not a Linux kernel image for amd64") {
		t.Errorf("a text file as the kernel: %v", err)
	}
	bz := make([]byte, 0x400)
	copy(bz[0x202:], "HdrS")
	os.WriteFile(k, bz, 0o644) // a 32-bit kernel: XLF_KERNEL_64 clear
	_, err = Start(context.Background(), &Config{Kernel: k})
	if err == nil || !strings.Contains(err.Error(), "is for 386, not amd64") || !strings.Contains(err.Error(), "--arch 386") {
		t.Errorf("a 386 kernel for amd64: %v", err)
	}
	bz[0x236] = 1
	os.WriteFile(k, bz, 0o644)
	t.Setenv("PATH", t.TempDir())
	_, err = Start(context.Background(), &Config{Kernel: k})
	var nf *QEMUNotFoundError
	if !errors.As(err, &nf) || !strings.Contains(err.Error(), "apt-get install qemu-system-x86") {
		t.Errorf("missing QEMU: %v", err)
	}
}

func TestKernelArch(t *testing.T) {
	bz := make([]byte, 0x240)
	copy(bz, "MZ")
	copy(bz[0x202:], "HdrS")
	bz64 := append([]byte(nil), bz...)
	bz64[0x236] = 1 // XLF_KERNEL_64
	arm := make([]byte, 0x40)
	copy(arm[0x38:], "ARM\x64")
	rv := make([]byte, 0x40)
	copy(rv[0x38:], "RSC\x05")
	elf := func(class byte, machine uint16) []byte {
		h := make([]byte, 64)
		copy(h, "\x7fELF")
		h[4], h[5] = class, 1
		h[18], h[19] = byte(machine), byte(machine>>8)
		return h
	}
	for _, tt := range []struct {
		head           []byte
		goarch, format string
	}{
		{bz64, "amd64", "bzImage"},
		{bz, "386", "bzImage"},
		{arm, "arm64", "Image"},
		{rv, "riscv64", "Image"},
		{elf(2, 62), "amd64", "ELF"},
		{elf(2, 183), "arm64", "ELF"},
		{elf(2, 243), "riscv64", "ELF"},
		{elf(1, 3), "386", "ELF"},
		{elf(2, 8), "", ""}, // MIPS
		{[]byte("hostname\n"), "", ""},
		{nil, "", ""},
	} {
		if a, f := KernelArch(tt.head); a != tt.goarch || f != tt.format {
			t.Errorf("KernelArch(%q...) = %q, %q, want %q, %q", tt.head[:min(len(tt.head), 8)], a, f, tt.goarch, tt.format)
		}
	}
}
