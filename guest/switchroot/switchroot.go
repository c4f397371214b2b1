// Package switchroot hands a system over from its initramfs to a real
// root filesystem, as switch_root does: the virtual filesystems move into
// the new root, the initramfs's own files are deleted (they would hold
// memory for nothing), and the new root becomes the process's root. It
// serves init (root= on the kernel command line) and the switch_root
// command.
package switchroot

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// moved are the mount points that go along into the new root.
var moved = []string{"/dev", "/proc", "/sys", "/run", "/tmp"}

// Switch makes newRoot, a mounted filesystem, the root of the calling
// process: /dev, /proc, /sys, /run and /tmp move into it, the
// initramfs's files are deleted, and the process changes into it (chdir,
// mount --move to /, chroot). Only the initramfs's PID 1 should call it:
// other processes keep the old root.
func Switch(newRoot string) error {
	var root, nr unix.Stat_t
	if err := unix.Stat("/", &root); err != nil {
		return err
	}
	if err := unix.Stat(newRoot, &nr); err != nil {
		return fmt.Errorf("%s: %w", newRoot, err)
	}
	if nr.Dev == root.Dev {
		return fmt.Errorf("%s is not a mounted filesystem: mount the new root there first", newRoot)
	}
	if err := checkInit(); err != nil {
		return err
	}
	for _, m := range moved {
		dst := filepath.Join(newRoot, m)
		var st unix.Stat_t
		if unix.Stat(m, &st) != nil || st.Dev == root.Dev {
			continue // not a mount of its own
		}
		os.MkdirAll(dst, 0o755)
		if err := unix.Mount(m, dst, "", unix.MS_MOVE, ""); err != nil {
			// The new root lacks the directory (a read-only root): the
			// mount is detached instead, and the new root mounts its own.
			unix.Unmount(m, unix.MNT_DETACH)
		}
	}
	if err := os.Chdir(newRoot); err != nil {
		return err
	}
	// The initramfs's files: everything on its own device, but the new
	// root and whatever is mounted.
	deleteContents("/", root.Dev, newRoot)
	if err := unix.Mount(".", "/", "", unix.MS_MOVE, ""); err != nil {
		return fmt.Errorf("moving %s to /: %w", newRoot, err)
	}
	if err := unix.Chroot("."); err != nil {
		return fmt.Errorf("chroot %s: %w", newRoot, err)
	}
	return os.Chdir("/")
}

// checkInit refuses to delete a root that is not an initramfs: the
// rootfs of an initramfs is a ramfs or tmpfs.
func checkInit() error {
	var fs unix.Statfs_t
	if err := unix.Statfs("/", &fs); err != nil {
		return err
	}
	if t := uint32(fs.Type); t != unix.RAMFS_MAGIC && t != unix.TMPFS_MAGIC {
		return errors.New("the root is not an initramfs (ramfs or tmpfs): nothing to switch from")
	}
	return nil
}

// deleteContents removes dir's files and directories that live on dev,
// leaving mount points, and skip, alone.
func deleteContents(dir string, dev uint64, skip string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if p == skip {
			continue
		}
		var st unix.Stat_t
		if unix.Lstat(p, &st) != nil || st.Dev != dev {
			continue
		}
		if e.IsDir() {
			deleteContents(p, dev, skip)
			unix.Rmdir(p)
			continue
		}
		unix.Unlink(p)
	}
}
