package vm_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"pidone.dev/host/kernel"
	"pidone.dev/host/vm"
	"pidone.dev/internal/hosttest"
)

// Tests that boot the kernel pidone would boot: outside package vm,
// since host/kernel, which finds it, depends on vm's table.

// TestKVMProbe boots the real kernel under KVM, as auto does the first
// time on a host: whatever the verdict, it comes within the deadline and
// says why when it is no.
func TestKVMProbe(t *testing.T) {
	hosttest.Only(t, "QEMU and kernel")
	k, err := kernel.Find("")
	if err != nil {
		t.Fatal(err)
	}
	ok, why := (&vm.KVMProbe{Kernel: k.Path}).Works(context.Background())
	t.Logf("KVM works here: %v %s", ok, why)
	if !ok && why == "" {
		t.Error("no reason given")
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
	v, err := vm.Start(context.Background(), &vm.Config{Kernel: k.Path, Extra: []string{"-S"}})
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
