package initd_test

import (
	"slices"
	"strings"
	"testing"

	"pidone.dev/vmtest"
)

// TestCgroups: init mounts cgroup2 on /sys/fs/cgroup with every
// controller the kernel has enabled for the root's children, so that a
// test can make a cgroup, limit it and move a process into it.
func TestCgroups(t *testing.T) {
	t.Parallel()
	r := vmtest.Command(t, nil, "sh", "-c", `
		grep ' /sys/fs/cgroup ' /proc/mounts | cut -d' ' -f1-3
		echo "available: $(cat /sys/fs/cgroup/cgroup.controllers)"
		echo "enabled: $(cat /sys/fs/cgroup/cgroup.subtree_control)"
		mkdir /sys/fs/cgroup/t || exit 1
		echo 20 > /sys/fs/cgroup/t/pids.max || exit 1
		echo 64M > /sys/fs/cgroup/t/memory.max || exit 1
		sleep 30 &
		echo $! > /sys/fs/cgroup/t/cgroup.procs || exit 1
		echo "sleep in: $(cat /proc/$!/cgroup)"
		echo "child has: $(cat /sys/fs/cgroup/t/cgroup.controllers)"
		echo "procs: $(cat /sys/fs/cgroup/t/cgroup.procs | wc -l)"
		kill $!`)
	if r.Status != 0 {
		t.Fatalf("status %d\n%s%s", r.Status, r.Stdout, r.Stderr)
	}
	lines := map[string]string{}
	for _, l := range strings.Split(r.Stdout, "\n") {
		k, v, _ := strings.Cut(l, ": ")
		lines[k] = v
	}
	if !strings.Contains(r.Stdout, "cgroup2 /sys/fs/cgroup cgroup2\n") {
		t.Errorf("cgroup2 is not mounted on /sys/fs/cgroup:\n%s", r.Stdout)
	}
	enabled := strings.Fields(lines["enabled"])
	for _, c := range []string{"cpu", "io", "memory", "pids"} {
		if !slices.Contains(enabled, c) {
			t.Errorf("controller %s not enabled at the root:\n%s", c, r.Stdout)
		}
	}
	if lines["enabled"] != lines["available"] || lines["child has"] != lines["available"] {
		t.Errorf("every controller the kernel has should be enabled for the root's children:\n%s", r.Stdout)
	}
	if lines["sleep in"] != "0::/t" || lines["procs"] != "1" {
		t.Errorf("the process did not move into the child cgroup:\n%s", r.Stdout)
	}
}
