//go:build suites

package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSuites runs real kernel-facing test suites under pidone test, as a
// user would, with the command lines the README gives: `make suites`. It
// needs the Go module proxy (the suites are fetched into a module of its
// own) and takes a few minutes under TCG.
func TestSuites(t *testing.T) {
	dir := t.TempDir()
	mod := "module suites.test\n\ngo 1.26.8\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(mod), 0o644); err != nil {
		t.Fatal(err)
	}
	goCmd := func(args ...string) {
		t.Helper()
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	for _, p := range []string{
		"github.com/vishvananda/netlink@v1.3.1",
		"github.com/u-root/u-root/pkg/mount@v0.16.0",
		"github.com/u-root/u-root/pkg/mount/loop@v0.16.0",
		"github.com/containerd/cgroups/v3/cgroup2@v3.1.3",
	} {
		goCmd("get", "-t", p)
	}
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	mount := filepath.Join(strings.TrimSpace(string(out)), "github.com/u-root/u-root@v0.16.0/pkg/mount/testdata")

	for _, s := range []struct {
		name string
		args []string
		min  int // tests that must pass
	}{
		{"netlink", []string{
			"--net", "--mem", "1024",
			"--append", "nf_conntrack.enable_hooks=1 sysctl.net.ipv4.ip_forward=1",
			"--modules", "auto,net,drivers/net,crypto,nf_conntrack_netlink,sch_sfq,sch_hfsc,fou",
			"--file", "/usr/sbin/ip",
			"-skip", "TestXfrmMonitorExpire|TestSfqAddDel|TestRouteViaAddDel",
			"github.com/vishvananda/netlink"}, 230},
		{"mount", []string{
			"--modules", "auto,ext4,vfat",
			"--disk", filepath.Join(mount, "1MB.ext4_vfat") + ":ro",
			"--disk", filepath.Join(mount, "12Kzeros") + ":ro",
			"--disk", filepath.Join(mount, "gptdisk") + ":ro",
			"-skip", "TestIdentify",
			"github.com/u-root/u-root/pkg/mount"}, 7},
		{"loop", []string{"--modules", "auto,loop,vfat", "github.com/u-root/u-root/pkg/mount/loop"}, 2},
		{"cgroup2", []string{
			"--file", "/usr/bin/sleep", "--file", "/usr/bin/dd",
			"-skip", "Systemd|TestErrorsWhenUnitAlreadyExists|TestIgnoreUnitExistsWhenPidNegativeOne|TestCPUQuotaPeriodUSec|TestEventChanCleanupOnCgroupRemoval",
			"github.com/containerd/cgroups/v3/cgroup2"}, 20},
	} {
		t.Run(s.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, pidoneBin, append([]string{"test", "-v"}, s.args...)...)
			cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
			cmd.WaitDelay = 30 * time.Second
			cmd.Dir = dir
			out, err := cmd.CombinedOutput()
			text := string(out)
			pass := len(regexp.MustCompile(`(?m)^--- PASS`).FindAllString(text, -1))
			fails := regexp.MustCompile(`(?m)^--- FAIL: \S+`).FindAllString(text, -1)
			skips := len(regexp.MustCompile(`(?m)^--- SKIP`).FindAllString(text, -1))
			t.Logf("%s: %d passed, %d failed, %d skipped", s.name, pass, len(fails), skips)
			if err != nil || len(fails) > 0 || pass < s.min {
				t.Errorf("pidone test %s: %v; failed: %v; passed %d, want at least %d\n%s", strings.Join(s.args, " "), err, fails, pass, s.min, tail(text, 60))
			}
		})
	}
}

func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
