package vm

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"pidone.dev/pkg/fserr"
)

// Accelerators: KVM runs the guest on the host's CPU, 5-20 times faster
// than TCG, QEMU's emulator, which works everywhere.
const (
	AccelAuto = "auto"
	KVM       = "kvm"
	TCG       = "tcg"
)

// accelArgs is each accelerator's part of QEMU's command line: its own
// flags, and whether the kernel needs the TSC frequency given (microvm
// under TCG sometimes fails to calibrate it and hangs; under KVM the
// kernel reads it from the host). The CPU is the host's under KVM, and
// the architecture's TCGCPU under TCG.
var accelArgs = map[string]struct {
	qemu   []string
	tscKHz bool
}{
	KVM: {[]string{"-accel", "kvm"}, false},
	TCG: {[]string{"-accel", "tcg"}, true},
}

// ParseAccel checks an --accel value.
func ParseAccel(s string) (string, error) {
	switch s {
	case "", AccelAuto:
		return AccelAuto, nil
	case KVM, TCG:
		return s, nil
	}
	return "", fmt.Errorf("--accel %q: use auto (KVM when it works here, else TCG), kvm or tcg", s)
}

// ResolveAccel turns an --accel value into KVM or TCG for a guest of
// goarch: auto is KVM when the probe finds that it works here (say is
// told why not, if set), kvm is an error when it does not.
func ResolveAccel(ctx context.Context, accel, goarch string, p *KVMProbe, say func(string)) (string, error) {
	accel, err := ParseAccel(accel)
	if err != nil || accel == TCG {
		return accel, err
	}
	a, err := LookupArch(goarch)
	if err != nil {
		return "", err
	}
	if !a.KVM(runtime.GOARCH) {
		if accel == KVM {
			return "", fmt.Errorf("--accel kvm: KVM on this %s host does not run %s guests; use --accel tcg", runtime.GOARCH, a.GOARCH)
		}
		return TCG, nil
	}
	ok, why := p.Works(ctx)
	switch {
	case ok:
		return KVM, nil
	case accel == KVM:
		return "", fmt.Errorf("--accel kvm: this host's KVM does not run guests (%s); --accel tcg will", why)
	}
	if say != nil {
		say("KVM does not run guests here (" + why + "); using TCG")
	}
	return TCG, nil
}

// probeDeadline bounds the probe boot. A kernel under working KVM reaches
// its root-mount panic in about a second; one that has not in this long
// is not running.
var probeDeadline = 8 * time.Second

// KVMProbe finds out whether KVM runs guests on this host, which "/dev/kvm
// opens" does not tell: under nested virtualization the device opens,
// answers and creates VMs, yet the guest hangs after its first kernel
// line, or QEMU aborts setting the CPU up. So it boots kernel with no
// initramfs and panic=-1, and KVM works if the machine resets (the
// kernel's panic at the root mount) within probeDeadline. The verdict is
// kept in Cache, per host boot, so the probe costs once.
type KVMProbe struct {
	Kernel string // a kernel for Arch
	Arch   string // the guest's GOARCH; "" is the host's
	Cache  string // a directory for the verdict; "" to probe every time
}

// Works reports whether KVM runs guests here, and if not, why.
func (p *KVMProbe) Works(ctx context.Context) (bool, string) {
	if why := kvmUsable(); why != "" {
		return false, why
	}
	file := ""
	if p.Cache != "" {
		if id, err := os.ReadFile("/proc/sys/kernel/random/boot_id"); err == nil {
			file = filepath.Join(p.Cache, "kvm-"+strings.TrimSpace(string(id)))
		}
	}
	if file != "" {
		// One probe at a time: tests start many VMs at once.
		os.MkdirAll(p.Cache, 0o755)
		if lock, err := os.OpenFile(filepath.Join(p.Cache, "kvm.lock"), os.O_CREATE|os.O_RDWR, 0o644); err == nil {
			defer lock.Close()
			unix.Flock(int(lock.Fd()), unix.LOCK_EX)
		}
		if b, err := os.ReadFile(file); err == nil {
			ok, why, _ := strings.Cut(string(b), "\n")
			return ok == "ok", why
		}
	}
	ok, why := p.probe(ctx)
	if ctx.Err() != nil {
		return false, "interrupted"
	}
	if file != "" {
		verdict := "fails\n" + why
		if ok {
			verdict = "ok\n"
		}
		os.WriteFile(file, []byte(verdict), 0o644)
	}
	return ok, why
}

// kvmDevice is KVM's device; tests point it elsewhere.
var kvmDevice = "/dev/kvm"

// kvmUsable says why KVM cannot be used at all, or "".
func kvmUsable() string {
	if runtime.GOOS != "linux" {
		return "KVM is Linux's"
	}
	f, err := os.OpenFile(kvmDevice, os.O_RDWR, 0)
	if err != nil {
		if errors.Is(err, os.ErrPermission) {
			return kvmDevice + ": permission denied (add your user to the kvm group)"
		}
		return kvmDevice + ": " + fserr.Reason(err).Error()
	}
	f.Close()
	return ""
}

func (p *KVMProbe) probe(ctx context.Context) (bool, string) {
	ctx, cancel := context.WithTimeout(ctx, probeDeadline)
	defer cancel()
	v, err := Start(ctx, &Config{Kernel: p.Kernel, Arch: p.Arch, Mem: 128, Accel: KVM, NoReboot: true, NoRNG: true})
	if err != nil {
		return false, err.Error()
	}
	defer v.Kill()
	go func() { // nobody reads the console: keep QEMU from blocking on it
		buf := make([]byte, 4096)
		for {
			if _, err := v.stdout.Read(buf); err != nil {
				return
			}
		}
	}()
	err = v.Wait()
	switch e := v.Ending(); {
	case e == Reset || e == Panic || e == Poweroff:
		return true, ""
	case e == Failed:
		return false, "QEMU failed under KVM: " + strings.TrimPrefix(err.Error(), "QEMU failed: ")
	}
	return false, fmt.Sprintf("a guest under KVM did not boot within %v", probeDeadline)
}
