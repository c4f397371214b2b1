package initd

import (
	"bufio"
	"os"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/power"
)

// grace is how long processes get to exit after SIGTERM before SIGKILL.
const grace = 3 * time.Second

// shutdown stops every process, syncs, unmounts writable filesystems and
// carries out a. It does not return.
func (in *initd) shutdown(a power.Action) {
	in.shutting = true
	start := time.Now()
	if !in.opts.Quiet {
		in.logf("%s: stopping processes", a)
	}
	// kill(-1) reaches every process but init itself.
	_ = unix.Kill(-1, unix.SIGTERM)
	_ = unix.Kill(-1, unix.SIGCONT)
	if !waitAllGone(grace) {
		in.logf("%s: processes left after %v; killing them", a, grace)
		_ = unix.Kill(-1, unix.SIGKILL)
		waitAllGone(time.Second)
	}
	unix.Sync()
	for _, err := range unmountAll() {
		in.logf("%v", err)
	}
	unix.Sync()
	in.debugf("%s after %s", a, since(start))
	err := power.Now(a)
	// Only a failed reboot syscall gets here; PID 1 must still not exit.
	in.logf("%s: %v", a, err)
	for {
		time.Sleep(time.Hour)
	}
}

// waitAllGone reaps children until none is left or d has passed.
func waitAllGone(d time.Duration) bool {
	deadline := time.Now().Add(d)
	for {
		for {
			pid, err := unix.Wait4(-1, nil, unix.WNOHANG, nil)
			if err == unix.ECHILD {
				return true
			}
			if pid <= 0 {
				break
			}
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// virtual filesystems hold nothing to lose; unmounting them only costs time.
var virtual = map[string]bool{
	"proc": true, "sysfs": true, "devtmpfs": true, "devpts": true, "tmpfs": true,
	"rootfs": true, "ramfs": true, "cgroup": true, "cgroup2": true, "debugfs": true,
	"tracefs": true, "securityfs": true, "pstore": true, "bpf": true, "mqueue": true,
	"hugetlbfs": true, "configfs": true, "fusectl": true, "binfmt_misc": true,
}

// unmountAll unmounts every real filesystem, innermost first; one that is
// busy is remounted read-only, or else frozen, so that it is clean when
// power goes.
func unmountAll() []error {
	f, err := os.Open("/proc/mounts")
	if err != nil {
		return []error{err}
	}
	var targets []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 3 || virtual[fields[2]] || fields[1] == "/" {
			continue
		}
		targets = append(targets, unescapeMount(fields[1]))
	}
	f.Close()
	var errs []error
	for i := len(targets) - 1; i >= 0; i-- {
		t := targets[i]
		if err := unix.Unmount(t, 0); err != nil {
			if err2 := unix.Mount("", t, "", unix.MS_REMOUNT|unix.MS_RDONLY, ""); err2 != nil && freeze(t) != nil {
				errs = append(errs, &os.PathError{Op: "unmount", Path: t, Err: err})
			}
		}
	}
	return errs
}

// fiFreeze is FIFREEZE, _IOWR('X', 119, int), which x/sys/unix lacks.
const fiFreeze = 0xC0045877

// freeze is the last resort for a filesystem that can be neither
// unmounted nor made read-only, which happens when a process that
// outlived SIGKILL (stuck in the kernel) holds a file open for writing:
// freezing writes out every dirty page and, on ext4, empties the journal
// and marks the filesystem clean, which is all that matters when the
// power goes next. Freezing waits for writes under way; one stuck for
// good must not stop the power-off, so the wait is bounded.
func freeze(dir string) error {
	done := make(chan error, 1)
	go func() {
		fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if err == nil {
			err = unix.IoctlSetInt(fd, fiFreeze, 0)
			unix.Close(fd)
		}
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(2 * time.Second):
		return unix.ETIMEDOUT
	}
}

// unescapeMount undoes /proc/mounts' octal escapes (\040 for a space).
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s)+0 && i+3 <= len(s)-1+1 {
			if v, ok := octal3(s[i+1 : i+4]); ok {
				b.WriteByte(v)
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func octal3(s string) (byte, bool) {
	if len(s) != 3 {
		return 0, false
	}
	v := 0
	for _, c := range s {
		if c < '0' || c > '7' {
			return 0, false
		}
		v = v*8 + int(c-'0')
	}
	return byte(v), v < 256
}
