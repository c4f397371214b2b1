package bootdiag

import (
	"strings"
	"testing"
)

func TestWatcherFirstCauseWins(t *testing.T) {
	panicked := 0
	w := &Watcher{Panicked: func() { panicked++ }}
	console := "[    0.9] Initramfs unpacking failed: no cpio magic\r\n" +
		"[    1.2] VFS: Unable to mount root fs on unknown-block(0,0)\r\n" +
		"[    1.2] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)\r\n" +
		"[    1.3] Kernel panic - not syncing: again\n"
	// Split writes anywhere, as a pipe does.
	for i := 0; i < len(console); i += 7 {
		end := min(i+7, len(console))
		w.Write([]byte(console[i:end]))
	}
	d := w.Diagnosis()
	if d == nil || !strings.Contains(d.Cause, "not a valid cpio") || !d.Fatal {
		t.Fatalf("diagnosis = %+v", d)
	}
	if !strings.HasPrefix(d.Line, "[    0.9] Initramfs") {
		t.Errorf("line = %q", d.Line)
	}
	if panicked != 1 || !w.KernelPanicked() {
		t.Errorf("Panicked called %d times", panicked)
	}
}

func TestWatcherEachRule(t *testing.T) {
	for _, r := range rules {
		w := &Watcher{}
		w.Write([]byte("x " + r.match + " y\n"))
		if d := w.Diagnosis(); d == nil || d.Cause != r.cause {
			t.Errorf("%q: diagnosis %+v", r.match, d)
		}
	}
	w := &Watcher{}
	w.Write([]byte("pidone:/# ls\nbin dev\n"))
	if d := w.Diagnosis(); d != nil {
		t.Errorf("healthy console diagnosed: %+v", d)
	}
}

func FuzzWatcher(f *testing.F) {
	f.Add([]byte("Kernel panic - not syncing: x\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		w := &Watcher{}
		w.Write(b)
		w.Diagnosis()
	})
}
