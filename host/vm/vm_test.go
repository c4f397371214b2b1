package vm

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"pidone.dev/host/kernel"
	"pidone.dev/internal/hosttest"
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
		"-append console=ttyS0 loglevel=5 panic=-1 no_timer_check ",
		"reboot=t printk.time=1 tsc=reliable",
		"-device pvpanic",
	} {
		if !strings.Contains(line, want) {
			t.Errorf("QEMU arguments lack %q:\n%s", want, line)
		}
	}
	if !strings.Contains(line, " pidone.quiet -display") {
		t.Errorf("the caller's append does not come last:\n%s", line)
	}
	pc, _ := (&Config{Kernel: "/k", Machine: PC}).Args()
	if l := strings.Join(pc, " "); !strings.Contains(l, "-M pc,i8042=off") || strings.Contains(l, "tsc_early_khz") || !strings.Contains(l, "virtio-rng-pci") {
		t.Errorf("pc: %s", l)
	}
	if _, err := (&Config{Kernel: "/k", Machine: "q35"}).Args(); err == nil || !strings.Contains(err.Error(), "use microvm (the default) or pc") {
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
	os.WriteFile(k, bz, 0o644)
	t.Setenv("PATH", t.TempDir())
	_, err = Start(context.Background(), &Config{Kernel: k})
	var nf *QEMUNotFoundError
	if !errors.As(err, &nf) || !strings.Contains(err.Error(), "apt-get install qemu-system-x86") {
		t.Errorf("missing QEMU: %v", err)
	}
}

func TestKernelFormat(t *testing.T) {
	bz := make([]byte, 0x240)
	copy(bz, "MZ")
	copy(bz[0x202:], "HdrS")
	arm := make([]byte, 0x40)
	copy(arm[0x38:], "ARM\x64")
	for _, tt := range []struct {
		head   []byte
		goarch string
		want   string
	}{
		{bz, "amd64", "bzImage"},
		{bz, "arm64", ""},
		{arm, "arm64", "Image"},
		{arm, "amd64", ""},
		{[]byte("\x7fELF\x02\x01"), "amd64", "ELF"},
		{[]byte("hostname\n"), "amd64", ""},
		{nil, "amd64", ""},
	} {
		if got := KernelFormat(tt.head, tt.goarch); got != tt.want {
			t.Errorf("KernelFormat(%q..., %s) = %q, want %q", tt.head[:min(len(tt.head), 8)], tt.goarch, got, tt.want)
		}
	}
}

// TestKillEndsQEMU starts a real QEMU, frozen before its first
// instruction (-S), and checks that Kill ends it by PID.
func TestKillEndsQEMU(t *testing.T) {
	hosttest.Only(t, "QEMU and kernel")
	k, err := kernel.Find("")
	if err != nil {
		t.Fatal(err)
	}
	v, err := Start(context.Background(), &Config{Kernel: k.Path, Extra: []string{"-S"}})
	if err != nil {
		t.Fatal(err)
	}
	proc := "/proc/" + strconv.Itoa(v.PID())
	time.Sleep(200 * time.Millisecond)
	if _, err := os.Stat(proc); err != nil {
		t.Fatalf("QEMU is not running: %v\n%s", err, v.Stderr())
	}
	v.Kill()
	select {
	case <-v.Done():
	default:
		t.Fatal("QEMU still running after Kill")
	}
	if _, err := os.Stat(proc); err == nil {
		t.Errorf("%s still exists after Kill", proc)
	}
}
