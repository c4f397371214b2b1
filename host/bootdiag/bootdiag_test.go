package bootdiag

import (
	"strings"
	"testing"
)

func TestWatcherFirstCauseWins(t *testing.T) {
	w := &Watcher{}
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
}

func TestWatcherEachRule(t *testing.T) {
	for _, r := range rules {
		w := &Watcher{}
		w.Write([]byte("[    1.000000] x " + r.match + " y\n"))
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

func TestSilent(t *testing.T) {
	w := &Watcher{}
	w.Write([]byte("Probing EDD (edd=off to disable)... ok\r\n"))
	if d := w.Silent(true, 48, "ttyS0"); d == nil || !strings.Contains(d.Cause, "too little memory (48 MiB)") || !d.Fatal {
		t.Errorf("reset without output: %+v", d)
	}
	if d := w.Silent(false, 256, "ttyS0"); d == nil || !strings.Contains(d.Fix, "console=ttyS0") {
		t.Errorf("no output yet: %+v", d)
	}
	w.Write([]byte("pidone:/# "))
	if d := w.Silent(true, 256, "ttyS0"); d != nil {
		t.Errorf("a prompt is not silence: %+v", d)
	}
}

func TestOOMWhileUnpacking(t *testing.T) {
	w := &Watcher{}
	w.Write([]byte("[ 2.9] kworker/u2:0 invoked oom-killer: gfp_mask=0x140cca\n"))
	if d := w.Diagnosis(); d == nil || !strings.Contains(d.Cause, "while unpacking the initramfs") {
		t.Errorf("OOM before init: %+v", d)
	}
}

// TestProgramsCannotFakeTheKernel prints, after init's first line, every
// line that would be a diagnosis from the kernel: none may count, since
// any program in the guest can print them.
func TestProgramsCannotFakeTheKernel(t *testing.T) {
	for _, r := range rules {
		for _, first := range []string{"init: up at 1.02s since kernel start\r\n", "pidone:/# echo hi\r\n"} {
			noticed := 0
			w := &Watcher{Noticed: func(*Diagnosis) { noticed++ }}
			w.Write([]byte("Probing EDD (edd=off to disable)... ok\r\n[    0.2] PCI: Fatal: No config space access function found\r\n"))
			if w.Started() {
				t.Fatal("the kernel's lines taken for a program's")
			}
			w.Write([]byte(first))
			w.Write([]byte("[    9.999999] " + r.match + "\r\n" + r.match + "\r\n"))
			if d := w.Diagnosis(); d != nil || noticed != 0 {
				t.Errorf("after %q, %q was believed: %+v", first, r.match, d)
			}
			if !w.Started() {
				t.Errorf("%q not seen as a program's line", first)
			}
		}
	}
}

func TestKernelLine(t *testing.T) {
	for line, want := range map[string]bool{
		"[    0.000000] Linux version 6.1": true,
		"\r[   12.5] x":                    true,
		"[ 1.0][    T1] caller id":         true,
		"init: up":                         false,
		"[1]+  Done  sleep 1":              false,
		"[    x.1] no":                     false,
		"[    1.] no":                      false,
		"pidone:/# [    1.0] Kernel panic": false,
		"":                                 false,
	} {
		if got := KernelLine(line); got != want {
			t.Errorf("KernelLine(%q) = %v, want %v", line, got, want)
		}
	}
}

func TestQuietFilter(t *testing.T) {
	var out strings.Builder
	f := QuietFilter(&out)
	in := "[    0.072000] tsc: Unable to calibrate against PIT\r\n" +
		"[    1.388087] acpi PNP0A03:00: fail to add MMCONFIG information, can't access\r\n" +
		"[    2.000000] real warning\r\n" +
		"init: up\r\n[1]+  Done  sleep 1\r\npidone:/# "
	for i := 0; i < len(in); i += 5 {
		f.Write([]byte(in[i:min(i+5, len(in))]))
	}
	want := "[    2.000000] real warning\r\ninit: up\r\n[1]+  Done  sleep 1\r\npidone:/# "
	if out.String() != want {
		t.Errorf("filtered:\n%q\nwant\n%q", out.String(), want)
	}
}

func TestRootPanicWithInitramfs(t *testing.T) {
	line := "[ 2.1] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)\n"
	for _, tt := range []struct{ initrd, cmdline, want string }{
		{"", "", "no initramfs to run"},
		{"/i.cpio", "console=ttyS0", "has no runnable /init,"},
		{"/i.cpio", "rdinit=/sbin/x", "has no runnable /sbin/x,"},
	} {
		w := &Watcher{Initrd: tt.initrd, Cmdline: tt.cmdline}
		w.Write([]byte(line))
		if d := w.Diagnosis(); d == nil || !strings.Contains(d.Cause, tt.want) {
			t.Errorf("%+v: %+v", tt, d)
		}
	}
}

func TestUnpackingFailsWithLittleMemory(t *testing.T) {
	line := "[ 1.09] Initramfs unpacking failed: invalid magic at start of compressed archive\n"
	w := &Watcher{Mem: 72}
	w.Write([]byte(line))
	if d := w.Diagnosis(); d == nil || !strings.Contains(d.Cause, "with only 72 MiB of memory is usually too little memory") {
		t.Errorf("72 MiB: %+v", d)
	}
	w = &Watcher{Mem: 256}
	w.Write([]byte(line))
	if d := w.Diagnosis(); d == nil || !strings.Contains(d.Cause, "not a valid cpio archive") {
		t.Errorf("256 MiB: %+v", d)
	}
}
