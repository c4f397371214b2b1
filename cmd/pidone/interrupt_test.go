package main

import (
	"bytes"
	"crypto/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// interrupt starts pidone, sends it SIGINT (as Ctrl-C would, to pidone
// alone: its children must be stopped by pidone) once ready says so,
// and returns its exit status and stderr.
func interrupt(t *testing.T, env []string, ready func() bool, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(pidoneBin, args...)
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	// A child pidone failed to end must not keep the test waiting for
	// its output.
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	deadline := time.Now().Add(2 * time.Minute)
	for !ready() {
		select {
		case err := <-done:
			t.Fatalf("pidone %s ended before it could be interrupted: %v\n%s", strings.Join(args, " "), err, stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("pidone %s: not ready to interrupt after 2 minutes\n%s", strings.Join(args, " "), stderr.String())
		}
	}
	cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("pidone %s still running 30 s after SIGINT\n%s", strings.Join(args, " "), stderr.String())
	}
	return cmd.ProcessState.ExitCode(), stderr.String()
}

// glob reports whether pattern matches a file.
func glob(pattern string) func() bool {
	return func() bool { m, _ := filepath.Glob(pattern); return len(m) > 0 }
}

// fakeTools makes a directory of scripts to put first on PATH.
func fakeTools(t *testing.T, scripts map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range scripts {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// leftovers lists what is under dir: files and directories, or with
// filesOnly only files (the cache's own directories may stay).
func leftovers(t *testing.T, dir string, filesOnly bool) []string {
	t.Helper()
	var found []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && p != dir && !(filesOnly && d.IsDir()) {
			found = append(found, p)
		}
		return nil
	})
	return found
}

// Ctrl-C during pidone disk create removes the half-made image.
func TestInterruptDiskCreate(t *testing.T) {
	dir := t.TempDir()
	tools := fakeTools(t, map[string]string{"mkfs.ext4": "exec sleep 60"})
	env := []string{"PATH=" + tools + ":" + os.Getenv("PATH")}
	code, stderr := interrupt(t, env, glob(filepath.Join(dir, ".*")), "disk", "create", "--size", "3G", filepath.Join(dir, "d.img"))
	if code == 0 {
		t.Errorf("exit status 0 after SIGINT")
	}
	if l := leftovers(t, dir, false); len(l) > 0 {
		t.Errorf("left behind: %q\n%s", l, stderr)
	}
}

// Ctrl-C during pidone build leaves no temporary or partial image, in
// the cache or at -o.
func TestInterruptBuild(t *testing.T) {
	cache, out := t.TempDir(), t.TempDir()
	big := filepath.Join(t.TempDir(), "big")
	b := make([]byte, 96<<20) // incompressible: gzip -9 takes seconds
	rand.Read(b)
	os.WriteFile(big, b, 0o644)
	guest := filepath.Join(t.TempDir(), "guest")
	os.WriteFile(guest, []byte("\x7fELF a guest"), 0o755)
	env := []string{"PIDONE_CACHE=" + cache, "PIDONE_KERNEL="}
	code, stderr := interrupt(t, env, glob(filepath.Join(cache, "images", "*", ".*")),
		"build", "--guest", guest, "--file", big+":/big", "-o", filepath.Join(out, "initramfs.cpio.gz"))
	if code == 0 {
		t.Errorf("exit status 0 after SIGINT")
	}
	if l := append(leftovers(t, filepath.Join(cache, "images"), true), leftovers(t, out, false)...); len(l) > 0 {
		t.Errorf("left behind: %q\n%s", l, stderr)
	}
}

// Ctrl-C during pidone kernel fetch removes the download.
func TestInterruptKernelFetch(t *testing.T) {
	cache := t.TempDir()
	tools := fakeTools(t, map[string]string{
		"apt-cache": "echo linux-image-cloud-amd64; echo '  Depends: linux-image-6.1.0-99-cloud-amd64'",
		"apt-get":   "echo partial > linux-image.deb.partial; exec sleep 60",
		"dpkg-deb":  "exit 1",
	})
	env := []string{"PIDONE_CACHE=" + cache, "PATH=" + tools + ":" + os.Getenv("PATH")}
	code, stderr := interrupt(t, env, glob(filepath.Join(cache, "kernels", ".fetch-*", "*.partial")), "kernel", "fetch")
	if code == 0 {
		t.Errorf("exit status 0 after SIGINT")
	}
	if l := leftovers(t, filepath.Join(cache, "kernels"), false); len(l) > 0 {
		t.Errorf("left behind: %q\n%s", l, stderr)
	}
}

// Ctrl-C during pidone test removes the test binaries and stops go and
// the VM.
func TestInterruptGoTest(t *testing.T) {
	tmp := t.TempDir()
	code, stderr := interrupt(t, []string{"TMPDIR=" + tmp}, glob(filepath.Join(tmp, "pidone-test-*", "*", "*.test")),
		"test", "./testdata/gotest/pass")
	if code == 0 {
		t.Errorf("exit status 0 after SIGINT")
	}
	if l := leftovers(t, tmp, false); len(l) > 0 {
		t.Errorf("left behind: %q\n%s", l, stderr)
	}
}
