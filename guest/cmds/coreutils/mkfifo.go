package coreutils

import (
	"io/fs"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "mkfifo", Usage: "[-m MODE] NAME...", Summary: "make named pipes", Run: mkfifo, Quick: true})

func mkfifo(e *cmds.Env, args []string) error {
	var f cmds.Flags
	modeArg := f.String('m', "mode", "", "permissions, as for chmod, from a=rw (default 0666 less the umask)")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) == 0 {
		return cmds.Usagef("missing operand")
	}
	mode := uint32(0o666)
	if *modeArg != "" {
		spec, err := parseChmod(*modeArg)
		if err != nil {
			return err
		}
		mode = spec.apply(0o666, false, 0)
	}
	for _, name := range ops {
		p := e.Path(name)
		if err := unix.Mkfifo(p, mode); err != nil {
			e.Warn(&fs.PathError{Op: "mkfifo", Path: name, Err: err})
			continue
		}
		// mkfifo(2) applies the umask; -m means exactly MODE.
		if *modeArg != "" {
			if err := unix.Chmod(p, mode); err != nil {
				e.Warn(&fs.PathError{Op: "chmod", Path: name, Err: err})
			}
		}
	}
	return nil
}
