package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

var pidoneBin string

func TestMain(m *testing.M) {
	if os.Getenv("PIDONE_IN_TEST_VM") == "1" {
		// These tests drive the pidone CLI, which builds with go and
		// boots QEMU: the host's, not a test VM's.
		fmt.Println("inside a pidone test VM: the CLI's tests run on the host")
		os.Exit(0)
	}
	dir, err := os.MkdirTemp("", "pidone-cli-")
	if err != nil {
		panic(err)
	}
	pidoneBin = filepath.Join(dir, "pidone")
	build := exec.Command("go", "build", "-o", pidoneBin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		os.Stderr.Write(out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// pidone runs the CLI and returns its stdout, stderr and exit status.
func pidone(t *testing.T, env []string, args ...string) (string, string, int) {
	t.Helper()
	return pidoneFor(t, 3*time.Minute, env, args...)
}

// pidoneFor is pidone with a time limit, after which pidone gets SIGTERM,
// as from a user's kill.
func pidoneFor(t *testing.T, d time.Duration, env []string, args ...string) (string, string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	cmd := exec.CommandContext(ctx, pidoneBin, args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 10 * time.Second
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return stdout.String(), stderr.String(), code
}

// oneLine checks that stderr is one line saying want, and status is code.
func oneLine(t *testing.T, stderr string, status, code int, want ...string) {
	t.Helper()
	if status != code {
		t.Errorf("exit status %d, want %d; stderr:\n%s", status, code, stderr)
	}
	if strings.Count(strings.TrimRight(stderr, "\n"), "\n") != 0 {
		t.Errorf("want a one-line error, got:\n%s", stderr)
	}
	for _, w := range want {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr %q lacks %q", stderr, w)
		}
	}
	if strings.Contains(stderr, "goroutine") || strings.Contains(stderr, "panic") {
		t.Errorf("Go panic: %s", stderr)
	}
}

func TestBuildIsDeterministic(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.cpio.gz"), filepath.Join(dir, "b.cpio.gz")
	for _, out := range []string{a, b} {
		if _, stderr, code := pidone(t, nil, "build", "-o", out, "--file", "main.go:/src/main.go", "--cmdline", "pidone.quiet"); code != 0 {
			t.Fatalf("pidone build: %s", stderr)
		}
	}
	ba, _ := os.ReadFile(a)
	bb, _ := os.ReadFile(b)
	if len(ba) == 0 || !bytes.Equal(ba, bb) {
		t.Errorf("two builds differ (%d and %d bytes)", len(ba), len(bb))
	}
	// The standard tool reads it: /init, /dev/console and our file.
	list := exec.Command("sh", "-c", "gzip -dc "+a+" | cpio -itv --quiet")
	out, err := list.CombinedOutput()
	if err != nil {
		t.Fatalf("cpio -it: %v\n%s", err, out)
	}
	for _, want := range []string{" init\n", "dev/console", "src/main.go", "bin/ls -> ../init", "etc/passwd"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("cpio -itv lacks %q:\n%s", want, out)
		}
	}
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	kernel := filepath.Join(dir, "vmlinuz")
	os.WriteFile(kernel, []byte("not really"), 0o644)
	tests := []struct {
		name string
		env  []string
		args []string
		code int
		want []string
	}{
		{"missing --file", nil, []string{"build", "-o", filepath.Join(dir, "x.gz"), "--file", "/no/such/file:/x"}, 1,
			[]string{"pidone: --file /no/such/file: no such file or directory"}},
		{"unwritable output", nil, []string{"build", "-o", "/no/such/dir/initramfs.cpio.gz"}, 1,
			[]string{"cannot write /no/such/dir/initramfs.cpio.gz"}},
		{"missing kernel", nil, []string{"run", "--kernel", "/no/such/vmlinuz"}, 1,
			[]string{"kernel /no/such/vmlinuz (from --kernel): no such file or directory"}},
		{"missing kernel env", []string{"PIDONE_KERNEL=/no/vmlinuz"}, []string{"run"}, 1,
			[]string{"(from PIDONE_KERNEL)"}},
		{"missing qemu", []string{"PATH=" + filepath.Dir(goBin(t))}, []string{"run", "--kernel", kernel}, 1,
			[]string{"qemu-system-x86_64 not found", "apt-get install qemu-system-x86"}},
		{"bad compression", nil, []string{"build", "--compress", "lzma"}, 1, []string{"use gzip, zstd or none"}},
		{"unknown command", nil, []string{"frobnicate"}, 2, []string{`unknown command "frobnicate"`}},
		{"bad flag", nil, []string{"run", "--nope"}, 2, []string{"flag provided but not defined: -nope"}},
		{"public guestfwd", nil, []string{"run", "--guestfwd", "10.0.2.100:80=1.2.3.4:80"}, 2, []string{"only reach services on loopback addresses"}},
		{"missing disk", nil, []string{"run", "--disk", "/no/such.img"}, 1, []string{"disk /no/such.img: no such file or directory"}},
		{"too little memory", nil, []string{"run", "--mem", "4"}, 2, []string{"--mem 4"}},
		{"negative smp", nil, []string{"run", "--smp", "-1", "--", "true"}, 2, []string{"--smp -1: give 1 or more virtual CPUs"}},
		{"negative timeout", nil, []string{"run", "--timeout", "-5s", "--", "true"}, 2, []string{"--timeout -5s: give a positive duration"}},
		// QEMU's own refusals come first, not a guess about memory.
		{"too many cpus", nil, []string{"run", "--smp", "1000", "--", "true"}, 1, []string{"QEMU failed: Invalid SMP CPUs 1000"}},
		{"too much memory", nil, []string{"run", "--mem", "99999999999", "--", "true"}, 1, []string{"QEMU failed: cannot set up guest memory"}},
		{"text file as kernel", nil, []string{"run", "--kernel", "/etc/hostname", "--", "true"}, 1, []string{"kernel /etc/hostname is not a Linux kernel image for amd64"}},
		{"test: too little memory", nil, []string{"test", "--mem", "4", "./testdata/gotest/pass"}, 2, []string{"--mem 4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := pidone(t, tt.env, tt.args...)
			oneLine(t, stderr, code, tt.code, tt.want...)
		})
	}
}

// TestTestQEMUError: pidone test reports QEMU's own error where go test
// reports a package's, on stdout beside its FAIL line.
func TestTestQEMUError(t *testing.T) {
	stdout, _, code := pidone(t, nil, "test", "--smp", "1000", "./testdata/gotest/pass")
	if code != 1 || !strings.Contains(stdout, "QEMU failed: Invalid SMP CPUs 1000") || !strings.Contains(stdout, "FAIL\tpidone.dev/cmd/pidone/testdata/gotest/pass") {
		t.Errorf("status %d, stdout:\n%s", code, stdout)
	}
}

func goBin(t *testing.T) string {
	p, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCorruptInitrd boots a real kernel with an initrd that is not a cpio
// archive: the kernel says "no cpio magic" and panics, and pidone must
// say in plain words what that means, end QEMU and exit non-zero.
func TestCorruptInitrd(t *testing.T) {
	// gzip of something that is not cpio: the kernel inflates it and then
	// finds "no cpio magic", the classic hand-made-initramfs mistake.
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(bytes.Repeat([]byte("this is not an initramfs\n"), 100))
	zw.Close()
	bad := filepath.Join(t.TempDir(), "bad.cpio.gz")
	os.WriteFile(bad, gz.Bytes(), 0o644)
	stdout, stderr, code := pidone(t, nil, "run", "--initrd", bad)
	if code != 1 {
		t.Errorf("exit status %d, want 1", code)
	}
	if !strings.Contains(stdout, "no cpio magic") {
		t.Errorf("the console did not show the kernel's complaint:\n%s", stdout)
	}
	if !strings.HasPrefix(stderr, "pidone: boot failed: The initramfs is not a valid cpio archive") ||
		!strings.Contains(stderr, "kernel: ") || !strings.Contains(stderr, "no cpio magic") {
		t.Errorf("stderr does not explain the failure next to the kernel's line:\n%s", stderr)
	}
}
