package main

import (
	"crypto/rand"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"pidone.dev/host/kernel"
)

// These tests provoke each boot failure pidone must explain, for real:
// a real kernel in a real QEMU, and pidone's own words on stderr.

func TestDiagnoseBootFailures(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "empty.cpio")
	os.WriteFile(empty, nil, 0o644)
	// 48 MB of noise in the image: with 128 MiB the kernel runs out of
	// memory unpacking it.
	big := filepath.Join(t.TempDir(), "big.bin")
	noise := make([]byte, 48<<20)
	rand.Read(noise)
	os.WriteFile(big, noise, 0o644)
	tests := []struct {
		name string
		env  []string
		args []string
		want string // a regular expression, matched in pidone's explanation
		line string // in the kernel line quoted beside it ("" when silent)
	}{
		{"rdinit missing", nil, []string{"--append", "rdinit=/no/such/init"},
			"The initramfs has no runnable /no/such/init", "VFS: Unable to mount root fs"},
		{"init exits", nil, []string{"--append", "rdinit=/bin/false"},
			"PID 1 exited or crashed", "Attempted to kill init"},
		// An init of the user's that prints, then exits: the kernel
		// panics and resets, and a reset after a program spoke looks like
		// a reboot to QEMU; pidone stops after a few in a row.
		{"init prints and exits", nil, []string{"--append", "rdinit=/bin/uname"},
			"the guest reset 3 times in a row", ""},
		{"no initramfs", nil, []string{"--initrd", empty},
			"no initramfs to run and no root disk", "VFS: Unable to mount root fs"},
		{"out of memory unpacking", nil, []string{"--mem", "128", "--file", big + ":/big.bin"},
			"ran out of memory while unpacking the initramfs", "oom"},
		// Which of the two the kernel runs into depends on the image's
		// size: an allocation failing, or the unpacker's buffer cut short.
		{"too little memory to unpack", nil, []string{"--mem", "72"},
			"ran out of memory|with only 72 MiB of memory is usually too little memory", ""},
		{"too little memory to start", nil, []string{"--mem", "40"},
			"reset before the kernel printed anything, which is what too little memory \\(40 MiB\\) does", ""},
		{"wrong console", []string{"PIDONE_SILENT_AFTER=8s"}, []string{"--append", "console=ttyAMA0"},
			"this machine needs console=ttyS0", ""},
		{"qemu fails", nil, []string{"--mem", "99999999"},
			"QEMU failed: cannot set up guest memory", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := append([]string{"run"}, tt.args...)
			var stderr string
			var code int
			if tt.name == "wrong console" {
				// The VM runs on, silent, after pidone has spoken: stop it
				// as a user would, and check it was ended.
				_, stderr, code = pidoneFor(t, 40*time.Second, tt.env, args...)
			} else {
				_, stderr, code = pidone(t, tt.env, args...)
			}
			if code == 0 {
				t.Errorf("exit status 0 for a failed boot; stderr:\n%s", stderr)
			}
			if !regexp.MustCompile(tt.want).MatchString(stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, stderr)
			}
			if tt.line != "" && (!strings.Contains(stderr, "kernel: ") || !strings.Contains(stderr, tt.line)) {
				t.Errorf("stderr lacks the kernel line %q:\n%s", tt.line, stderr)
			}
			if strings.Contains(stderr, "goroutine ") {
				t.Errorf("Go panic:\n%s", stderr)
			}
		})
	}
}

// TestDiagnoseModuleMismatch boots the cloud kernel with an image whose
// modules are the generic kernel's: pidone says so before it boots (it
// does not read what init prints), and init finds none for the running
// kernel and says so too.
func TestDiagnoseModuleMismatch(t *testing.T) {
	t.Parallel()
	generic, ok := kernel.Cached("generic")
	cloud, ok2 := kernel.Cached("cloud")
	if !ok || !ok2 {
		t.Fatal("this test needs the cloud and generic kernels: make test fetches them (pidone kernel fetch --flavour generic)")
	}
	img := filepath.Join(t.TempDir(), "generic.cpio")
	if _, stderr, code := pidone(t, nil, "build", "--kernel", generic.Path, "--modules", "virtio_pci,virtio_rng", "--compress", "none", "-o", img); code != 0 {
		t.Fatalf("build: %s", stderr)
	}
	stdout, stderr, code := pidone(t, nil, "run", "--kernel", cloud.Path, "--initrd", img, "--append", "pidone.run=settle")
	if code != 0 {
		t.Errorf("status %d (the boot itself succeeds); stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "init: modules: the image has modules for kernel "+generic.Version+", but this is "+cloud.Version) {
		t.Errorf("init did not say the modules are for another kernel:\n%s", stdout)
	}
	if !strings.Contains(stderr, "pidone: note: The image's kernel modules are for kernel "+generic.Version+", not for "+cloud.Version+", the one booted") {
		t.Errorf("no explanation on stderr:\n%s", stderr)
	}
}
