package main

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"pidone.dev/host/kernel"
	"pidone.dev/pkg/expect"
	"pidone.dev/vmtest"
)

// TestArches boots every architecture but the host's through the CLI, as
// a person would: the shell's prompt on the console, a few commands,
// Ctrl-C of a foreground program, poweroff ending pidone with status 0;
// then pidone run -- uname -m and a Go test under pidone test. The
// kernels are Debian's for arm64 and 386 (make kernel-arm64 and make
// kernel-386 fetch them), and one pidone kernel build makes for riscv64.
// amd64's are the rest of the tests.
func TestArches(t *testing.T) {
	for _, tt := range []struct{ arch, uname string }{
		{"arm64", "aarch64"},
		{"386", "i686"},
		{"riscv64", "riscv64"},
	} {
		t.Run(tt.arch, func(t *testing.T) {
			t.Parallel()
			if _, err := kernel.FindArch("", tt.arch); err != nil {
				t.Fatal(err)
			}
			console(t, tt.arch, tt.uname)
			stdout, stderr, code := pidone(t, nil, "run", "--arch", tt.arch, "--", "uname", "-m")
			if code != 0 || stdout != tt.uname+"\n" {
				t.Errorf("pidone run --arch %s -- uname -m: status %d, stdout %q, stderr %q", tt.arch, code, stdout, stderr)
			}
			stdout, stderr, code = pidone(t, nil, "test", "--arch", tt.arch, "-v",
				"--env", "WANT_GOARCH="+tt.arch, "--env", "WANT_UNAME="+tt.uname, "./testdata/gotest/arch")
			if code != 0 || !strings.Contains(stdout, "--- PASS: TestArch") {
				t.Errorf("pidone test --arch %s: status %d\nstdout:\n%s\nstderr:\n%s", tt.arch, code, stdout, stderr)
			}
		})
	}
}

// console drives pidone run's console for arch.
func console(t *testing.T, arch, uname string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, pidoneBin, "run", "--arch", arch)
	cmd.Env = os.Environ()
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	c := expect.New(out, in, nil)
	fail := func(what string, err error) {
		t.Helper()
		t.Fatalf("%s: %v\nconsole:\n%s\nstderr:\n%s", what, err, c.Output(), stderr.String())
	}
	prompt := func() string {
		t.Helper()
		m, err := c.ExpectRegexp(vmtest.Prompt, 2*time.Minute)
		if err != nil {
			fail("waiting for the prompt", err)
		}
		return m[0]
	}
	run := func(line, want string) {
		t.Helper()
		c.Send(line + "\n")
		if _, err := c.Expect(want, time.Minute); err != nil {
			fail(line, err)
		}
		prompt()
	}
	prompt()
	run("uname -m", "\n"+uname+"\n")
	run("echo sum-$((6*7))", "sum-42")
	run("ls /bin/sh && cat /proc/1/cmdline; echo", "/init")
	run("mkdir /tmp/d && touch /tmp/d/file && ls /tmp/d", "\nfile\n")
	c.Send("echo zz-$((1+1)); sleep 100\n")
	if _, err := c.Expect("zz-2", time.Minute); err != nil {
		fail("sleep", err)
	}
	time.Sleep(300 * time.Millisecond)
	c.Send("\x03")
	prompt()
	run("echo status $?", "status 130")
	c.Send("poweroff\n")
	if err := cmd.Wait(); err != nil {
		fail("poweroff", err)
	}
}
