package main

import (
	"context"
	"io"
	"os/exec"
	"strings"
	"testing"
	"time"

	"pidone.dev/host/kernel"
)

// TestTinyKernel: the kernel pidone kernel build makes from pidone's
// configuration boots pidone to its prompt, with init's mounts, runs
// commands and powers off cleanly; and pidone run -- CMD works on it.
// Building the kernel takes minutes, so the test does not: make
// kernel-tiny (and so make test) builds it when it is missing.
func TestTinyKernel(t *testing.T) {
	t.Parallel()
	k, err := kernel.Find("tiny")
	if err != nil {
		t.Fatalf("%v\nbuild it with: make kernel-tiny", err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, pidoneBin, "run", "--kernel", "tiny")
	in, _ := cmd.StdinPipe()
	defer in.Close()
	var out, stderr syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor := func(what string) bool {
		for !strings.Contains(out.String(), what) {
			if ctx.Err() != nil {
				t.Errorf("no %q on the console:\n%s\nstderr: %s", what, out.String(), stderr.String())
				return false
			}
			time.Sleep(100 * time.Millisecond)
		}
		return true
	}
	if waitFor("pidone:/# ") {
		io.WriteString(in, "ls /proc; mount; echo END-$((6*7))\n")
		if waitFor("END-42") {
			for _, want := range []string{"meminfo", "uptime", "devtmpfs on /dev type devtmpfs", "devpts on /dev/pts", "tmpfs on /tmp type tmpfs", "cgroup2 on /sys/fs/cgroup type cgroup2"} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("no %q in ls /proc and mount:\n%s", want, out.String())
				}
			}
		}
		io.WriteString(in, "poweroff\n")
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("pidone run --kernel tiny, poweroff: %v, want status 0\n%s\nstderr: %s", err, out.String(), stderr.String())
	}

	stdout, errs, code := pidone(t, nil, "run", "--kernel", "tiny", "--", "uname", "-a")
	if code != 0 || !strings.HasPrefix(stdout, "Linux pidone "+k.Version+" ") || errs != "" {
		t.Errorf("uname -a on %s: status %d, stdout %q, stderr %q", k.Version, code, stdout, errs)
	}
}
