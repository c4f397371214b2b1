package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"pidone.dev/internal/syncbuf"
)

// pidone run -- CMD, as a user runs it in a script or CI.

func TestRunCommand(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := pidone(t, nil, "run", "--", "uname", "-a")
	if code != 0 || !strings.HasPrefix(stdout, "Linux pidone 6.") || strings.Count(stdout, "\n") != 1 {
		t.Errorf("uname -a: status %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if stderr != "" {
		t.Errorf("kernel or init messages leaked into stderr: %q", stderr)
	}
}

func TestRunCommandStatusAndStreams(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(pidoneBin, "run", "--", "sh", "-c", "cat; echo to-stderr >&2; exit 3")
	cmd.Stdin = strings.NewReader("from stdin\n")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 3 {
		t.Errorf("exit: %v, want status 3", err)
	}
	if stdout.String() != "from stdin\n" || stderr.String() != "to-stderr\n" {
		t.Errorf("stdout %q, stderr %q", stdout.String(), stderr.String())
	}
}

func TestRunGoPackage(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := pidone(t, nil, "run", "--", "./testdata/hello", "a", "b")
	if code != 7 || !strings.HasPrefix(stdout, "hello a b from 6.") {
		t.Errorf("status %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestRunTimeoutAndInterrupt(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	_, stderr, code := pidone(t, []string{"TMPDIR=" + tmp}, "run", "--timeout", "20s", "--", "sleep", "600")
	if code != 1 || !strings.Contains(stderr, "sleep: timed out after 20s; the VM was ended") {
		t.Errorf("timeout: status %d, stderr %q", code, stderr)
	}
	noTemp(t, tmp)

	// Ctrl-C at the host reaches the command as SIGINT.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, pidoneBin, "run", "--", "sh", "-c", "echo started; sleep 600")
	var out syncBuffer
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for !strings.Contains(out.String(), "started") && ctx.Err() == nil {
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 130 {
		t.Errorf("after Ctrl-C: %v, want status 130", err)
	}
}

// noTemp fails the test if pidone left anything in its TMPDIR.
func noTemp(t *testing.T, tmp string) {
	t.Helper()
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		var names []string
		for _, e := range left {
			names = append(names, e.Name())
		}
		t.Errorf("left behind in TMPDIR: %s", strings.Join(names, " "))
	}
}

// TestInterruptAttached: SIGINT to pidone run without a terminal (Ctrl-C
// in a pipeline, kill -INT) ends the VM, by its PID, and leaves nothing
// behind.
func TestInterruptAttached(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, pidoneBin, "run")
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	in, _ := cmd.StdinPipe()
	defer in.Close()
	var out, stderr syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for !strings.Contains(out.String(), "# ") && ctx.Err() == nil {
		time.Sleep(100 * time.Millisecond)
	}
	qemu := qemuChildren(cmd.Process.Pid)
	if len(qemu) != 1 {
		t.Fatalf("QEMU processes of pidone: %v", qemu)
	}
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(stderr.String(), "stopped by a signal; the VM was ended") {
		t.Errorf("after SIGINT: %v, stderr %q", err, stderr.String())
	}
	if _, err := os.Stat("/proc/" + qemu[0]); err == nil {
		t.Errorf("QEMU (pid %s) outlived pidone", qemu[0])
	}
	noTemp(t, tmp)
}

// qemuChildren lists the PIDs of pidone's QEMU children.
func qemuChildren(pid int) []string {
	var pids []string
	var b []byte
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	for _, f := range tasks {
		c, _ := os.ReadFile(f)
		b = append(append(b, ' '), c...)
	}
	for _, p := range strings.Fields(string(b)) {
		if comm, _ := os.ReadFile("/proc/" + p + "/comm"); strings.HasPrefix(string(comm), "qemu-system") && !slices.Contains(pids, p) {
			pids = append(pids, p)
		}
	}
	return pids
}

// syncBuffer can be read while it is written.
type syncBuffer = syncbuf.Buffer

// pidone test runs go test's binaries in VMs and answers like go test.
func TestGoTestInVM(t *testing.T) {
	t.Parallel()
	cover := filepath.Join(t.TempDir(), "cover.out")
	stdout, stderr, code := pidone(t, nil, "test", "-v", "-coverprofile", cover, "./testdata/gotest/pass")
	if code != 0 || !strings.Contains(stdout, "--- PASS: TestInVM") || !strings.Contains(stdout, "ok  \tpidone.dev/cmd/pidone/testdata/gotest/pass\t") {
		t.Errorf("passing package: status %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if b, err := os.ReadFile(cover); err != nil || !strings.HasPrefix(string(b), "mode: set\n") || !strings.Contains(string(b), "pass/pass.go:") {
		t.Errorf("coverage profile: %q, %v", b, err)
	}
	// With -failfast, as with go test, no package starts after one failed.
	stdout, _, code = pidone(t, nil, "test", "-failfast", "-p", "1", "./testdata/gotest/fail", "./testdata/gotest/pass")
	if code != 1 || !strings.Contains(stdout, "this test fails on purpose") || !strings.Contains(stdout, "FAIL\tpidone.dev/cmd/pidone/testdata/gotest/fail") ||
		strings.Contains(stdout, "gotest/pass") {
		t.Errorf("failing package: status %d\n%s", code, stdout)
	}
}

// Two packages whose import paths flatten to the same file name
// (a/b_c and a_b/c), tested at once: each runs its own tests, and the
// failing one is reported.
func TestGoTestPackagesApart(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := pidone(t, nil, "test", "-p", "2", "./testdata/gotest/collide/...")
	if code != 1 || !strings.Contains(stdout, "ok  \tpidone.dev/cmd/pidone/testdata/gotest/collide/a/b_c\t") ||
		!strings.Contains(stdout, "FAIL\tpidone.dev/cmd/pidone/testdata/gotest/collide/a_b/c\t") ||
		!strings.Contains(stdout, "a_b/c fails on purpose") {
		t.Errorf("status %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}
