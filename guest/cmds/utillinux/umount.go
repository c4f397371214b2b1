package utillinux

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "umount", Usage: "[-lf] DIR|SRC...", Summary: "unmount filesystems", Run: umount, Quick: true})

func umount(e *cmds.Env, args []string) error {
	var f cmds.Flags
	lazy := f.Bool('l', "lazy", "detach now, clean up when no longer busy")
	force := f.Bool('f', "force", "force, even if unreachable (network filesystems)")
	f.Bool('n', "no-mtab", "accepted for compatibility: there is no /etc/mtab")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) == 0 {
		return cmds.Usagef("missing operand")
	}
	flags := 0
	if *lazy {
		flags |= unix.MNT_DETACH
	}
	if *force {
		flags |= unix.MNT_FORCE
	}
	for _, op := range ops {
		e.Warn(umountOne(e.Path(op), op, flags))
	}
	return nil
}

func umountOne(path, op string, flags int) error {
	err := unix.Unmount(path, flags)
	if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOENT) {
		// Not a mount point: maybe a source ("umount /dev/vdb").
		if ms, merr := cmds.Mounts(); merr == nil {
			for i := len(ms) - 1; i >= 0; i-- {
				if ms[i].Source == op || ms[i].Source == filepath.Clean(path) {
					path = ms[i].Dir
					err = unix.Unmount(path, flags)
					break
				}
			}
		}
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.EINVAL):
		return fmt.Errorf("%s: not mounted", path)
	case errors.Is(err, unix.EBUSY):
		return fmt.Errorf("%s: target is busy (umount -l detaches it now and unmounts when it is no longer in use)", path)
	}
	return cmds.RootHint(&fs.PathError{Op: "umount", Path: path, Err: err})
}
