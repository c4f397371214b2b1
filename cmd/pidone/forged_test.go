package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// triggers are lines that mean a failed boot when the kernel prints them
// before init, and nothing at all when a program prints them: echoed
// from the shell, they must change nothing.
var triggers = []string{
	"Kernel panic - not syncing: VFS: Unable to mount root fs",
	"[    9.999999] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100",
	"Attempted to kill init",
	"[    1.234567] Initramfs unpacking failed: no cpio magic",
	"[    2.000000] kworker/u2:0 invoked oom-killer: gfp_mask=0x0",
	"[    2.1] Out of memory and no killable processes...",
	"reboot: Restarting system",
	"[    3.000000] reboot: Restarting system",
}

// TestConsoleCannotFakeFailures boots to the shell with pidone run, as a
// user at a terminal would (stdin and stdout piped here), echoes every
// trigger, then prints "reboot: Restarting system" and powers off: pidone
// must neither end the VM early, nor explain a failure, nor boot again.
func TestConsoleCannotFakeFailures(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, pidoneBin, "run")
	in, _ := cmd.StdinPipe()
	var out syncBuffer
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor := func(text string, n int) {
		t.Helper()
		for strings.Count(out.String(), text) < n {
			if ctx.Err() != nil {
				t.Fatalf("no %q on the console:\n%s\nstderr:\n%s", text, out.String(), stderr.String())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	waitFor("# ", 1)
	for i, line := range triggers {
		fmt.Fprintf(in, "echo '%s'; echo done-%d\n", line, i)
		waitFor(fmt.Sprintf("\ndone-%d", i), 1)
	}
	// Still alive after the last one, and after a moment.
	time.Sleep(time.Second)
	io.WriteString(in, "echo alive\n")
	waitFor("\nalive", 1)
	io.WriteString(in, "echo 'reboot: Restarting system'; poweroff\n")
	err := cmd.Wait()
	if err != nil {
		t.Errorf("pidone run: %v; stderr:\n%s", err, stderr.String())
	}
	if stderr.Len() != 0 {
		t.Errorf("pidone said something about the guest's echoes:\n%s", stderr.String())
	}
	if n := strings.Count(out.String(), "init: up at"); n != 1 {
		t.Errorf("the guest booted %d times:\n%s", n, out.String())
	}
}

// TestCommandCannotFakeFailures: the same lines written to /dev/console by
// a command run with pidone run -- CMD.
func TestCommandCannotFakeFailures(t *testing.T) {
	t.Parallel()
	script := "for l in \"$@\"; do echo \"$l\" > /dev/console; done; sleep 2; echo survived"
	args := append([]string{"run", "--", "sh", "-c", script, "sh"}, triggers...)
	stdout, stderr, code := pidone(t, nil, args...)
	if code != 0 || stdout != "survived\n" || stderr != "" {
		t.Errorf("status %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// TestRealPanic: a kernel panic after init is reported by QEMU's pvpanic
// device, in both modes.
func TestRealPanic(t *testing.T) {
	t.Parallel()
	_, stderr, code := pidone(t, nil, "run", "--append", `pidone.run="echo c > /proc/sysrq-trigger"`)
	if code != 1 || !strings.Contains(stderr, "pidone: the guest kernel panicked; see the messages above") {
		t.Errorf("attached: status %d, stderr %q", code, stderr)
	}
	_, stderr, code = pidone(t, nil, "run", "--", "sh", "-c", "echo c > /proc/sysrq-trigger")
	if code != 1 || !strings.Contains(stderr, "the guest kernel panicked before the command ended") || !strings.Contains(stderr, "Kernel panic - not syncing: sysrq triggered crash") {
		t.Errorf("command: status %d, stderr %q", code, stderr)
	}
}
