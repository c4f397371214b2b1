package vm_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"pidone.dev/host/kernel"
	"pidone.dev/host/vm"
	"pidone.dev/internal/hosttest"
	"pidone.dev/pkg/expect"
	"pidone.dev/vmtest"
)

// TestSnapshotRestore boots pidone to its shell, saves the VM, ends it,
// and restores the snapshot in a new QEMU: the shell answers there, and
// what the first boot did (a file in /tmp) is there too.
func TestSnapshotRestore(t *testing.T) {
	hosttest.Only(t, "QEMU and kernel")
	k, err := kernel.Find("")
	if err != nil {
		t.Fatal(err)
	}
	img := vmtest.Image(t, &vmtest.Options{})
	cfg := func() *vm.Config {
		return &vm.Config{Kernel: k.Path, Initrd: img, NoReboot: true}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	v, err := vm.Start(ctx, cfg())
	if err != nil {
		t.Fatal(err)
	}
	defer v.Kill()
	con := expect.New(v.Console(), v.Console(), nil)
	if _, err := con.ExpectRegexp(vmtest.Prompt, time.Minute); err != nil {
		t.Fatal(err)
	}
	con.Send("echo before-$((6*7)) > /tmp/mark\n")
	if _, err := con.ExpectRegexp(vmtest.Prompt, time.Minute); err != nil {
		t.Fatal(err)
	}
	snap := filepath.Join(t.TempDir(), "snap.zst")
	f, err := os.Create(snap)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	if err := v.Snapshot(ctx, f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	st, _ := os.Stat(snap)
	t.Logf("snapshot: %.1f MiB in %v", float64(st.Size())/(1<<20), time.Since(t0).Round(time.Millisecond))
	v.Kill()

	in, err := os.Open(snap)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	c := cfg()
	c.Incoming = in
	t0 = time.Now()
	w, err := vm.Start(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Kill()
	con = expect.New(w.Console(), w.Console(), nil)
	select {
	case <-w.Restored():
	case <-time.After(time.Minute):
		t.Fatalf("the guest was not restored:\n%s", w.Stderr())
	}
	restored := time.Since(t0)
	con.Send("cat /tmp/mark\n")
	if _, err := con.Expect("before-42", time.Minute); err != nil {
		t.Fatalf("the restored guest: %v\n%s", err, w.Stderr())
	}
	t.Logf("restored in %v", restored.Round(time.Millisecond))
	t.Logf("restored and answered in %v", time.Since(t0).Round(time.Millisecond))
	con.Send("poweroff\n")
	if err := w.Wait(); err != nil || w.Ending() != vm.Poweroff {
		t.Errorf("the restored guest ended with %v, %v", w.Ending(), err)
	}
}
