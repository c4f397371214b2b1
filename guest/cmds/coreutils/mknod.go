package coreutils

import (
	"io/fs"
	"strconv"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "mknod", Usage: "[-m MODE] NAME TYPE [MAJOR MINOR]", Summary: "make a device node or FIFO (TYPE b, c, u or p)", Run: mknod, Quick: true})

func mknod(e *cmds.Env, args []string) error {
	var f cmds.Flags
	modeArg := f.String('m', "mode", "", "permissions, in octal (default 0666 less the umask)")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) < 2 {
		return cmds.Usagef("missing operand")
	}
	name, kind := ops[0], ops[1]
	var typ uint32
	switch kind {
	case "b":
		typ = unix.S_IFBLK
	case "c", "u":
		typ = unix.S_IFCHR
	case "p":
		typ = unix.S_IFIFO
	default:
		return cmds.Usagef("invalid device type '%s' (b, c, u or p)", kind)
	}
	var dev uint64
	switch {
	case typ == unix.S_IFIFO && len(ops) != 2:
		return cmds.Usagef("a FIFO (p) takes no major and minor numbers")
	case typ != unix.S_IFIFO && len(ops) != 4:
		return cmds.Usagef("a %s device needs MAJOR and MINOR numbers", kind)
	case typ != unix.S_IFIFO:
		major, err1 := strconv.ParseUint(ops[2], 0, 32)
		minor, err2 := strconv.ParseUint(ops[3], 0, 32)
		if err1 != nil || err2 != nil {
			return cmds.Usagef("invalid device number %s %s", ops[2], ops[3])
		}
		dev = unix.Mkdev(uint32(major), uint32(minor))
	}
	perm := uint64(0o666)
	if *modeArg != "" {
		if perm, err = strconv.ParseUint(*modeArg, 8, 32); err != nil || perm > 0o7777 {
			return cmds.Usagef("invalid mode '%s' (octal, like 0660)", *modeArg)
		}
	}
	path := e.Path(name)
	if err := unix.Mknod(path, typ|uint32(perm), int(dev)); err != nil {
		return cmds.RootHint(&fs.PathError{Op: "mknod", Path: name, Err: err})
	}
	// mknod(2) applies the umask; an explicit -m means exactly that mode,
	// as in coreutils.
	if *modeArg != "" {
		if err := unix.Chmod(path, uint32(perm)); err != nil {
			return &fs.PathError{Op: "chmod", Path: name, Err: err}
		}
	}
	return nil
}
