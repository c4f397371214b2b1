package initd

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// cgroupRoot is where systemd and container runtimes expect the unified
// cgroup hierarchy; sysfs has the directory for it.
const cgroupRoot = "/sys/fs/cgroup"

// startCgroups mounts cgroup2 on /sys/fs/cgroup and enables every
// controller the kernel has for the root's children, so that a program
// or a test can make a cgroup and limit it at once, as under systemd.
// The root may enable controllers while processes sit in it (the "no
// internal processes" rule spares it), and the cpu controller's rule
// that real-time processes stay in the root holds at boot.
//
// It works in the background, and the function it returns waits for it
// and gives its outcome (as often as called): the write to
// cgroup.subtree_control took 7–14 ms under TCG, mostly waiting (the
// kernel takes cgroup_threadgroup_rwsem for writing, which waits for an
// RCU grace period), while init has other things to do; done in line,
// the whole took 15–20 ms of init's start.
func startCgroups() (wait func() error) {
	done := make(chan error, 1)
	go func() { done <- setupCgroups() }()
	return sync.OnceValue(func() error { return <-done })
}

// setupCgroups does startCgroups' work. A kernel without cgroups is no
// error: there is nothing to mount.
func setupCgroups() error {
	err := unix.Mount("cgroup2", cgroupRoot, "cgroup2", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "")
	switch {
	case errors.Is(err, unix.ENODEV), errors.Is(err, unix.ENOENT):
		return nil // no CONFIG_CGROUPS: no filesystem, no mount point
	case err != nil && !errors.Is(err, unix.EBUSY):
		return fmt.Errorf("mount cgroup2 on %s: %w", cgroupRoot, err)
	}
	b, err := os.ReadFile(cgroupRoot + "/cgroup.controllers")
	if err != nil {
		return fmt.Errorf("cgroup2: %w", err)
	}
	ctrls := strings.Fields(string(b))
	if len(ctrls) == 0 {
		return nil
	}
	// One write enables them all (one grace period), or none if one
	// fails; then each alone, so that one the kernel refuses costs only
	// itself.
	if enableControllers(ctrls...) == nil {
		return nil
	}
	var failed []string
	for _, c := range ctrls {
		if err := enableControllers(c); err != nil {
			failed = append(failed, fmt.Sprintf("%s (%v)", c, err))
		}
	}
	if failed != nil {
		return fmt.Errorf("cgroup2: cannot enable the controllers %s", strings.Join(failed, ", "))
	}
	return nil
}

// enableControllers writes "+c" for each controller to the root's
// cgroup.subtree_control.
func enableControllers(ctrls ...string) error {
	f, err := os.OpenFile(cgroupRoot+"/cgroup.subtree_control", os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.WriteString("+" + strings.Join(ctrls, " +"))
	return err
}
