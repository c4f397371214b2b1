package coreutils

import (
	"io/fs"

	"golang.org/x/sys/unix"

	"pidone.dev/guest/cmds"
)

var _ = cmds.Register(&cmds.Cmd{Name: "sync", Usage: "[-df] [FILE]...", Summary: "write cached data to disk", Run: syncFiles, Quick: true})

func syncFiles(e *cmds.Env, args []string) error {
	var f cmds.Flags
	data := f.Bool('d', "data", "only the files' data, not all metadata")
	fsys := f.Bool('f', "file-system", "the whole filesystems holding the files")
	ops, err := f.Parse(args)
	if err != nil {
		return err
	}
	if len(ops) == 0 {
		if *data || *fsys {
			return cmds.Usagef("-d and -f need a file")
		}
		unix.Sync()
		return nil
	}
	for _, op := range ops {
		// O_NONBLOCK so that a FIFO does not wait for a writer.
		fd, err := unix.Open(e.Path(op), unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
		if err != nil {
			e.Warn(&fs.PathError{Op: "open", Path: op, Err: err})
			continue
		}
		switch {
		case *fsys:
			err = unix.Syncfs(fd)
		case *data:
			err = unix.Fdatasync(fd)
		default:
			err = unix.Fsync(fd)
		}
		unix.Close(fd)
		if err != nil {
			e.Warn(&fs.PathError{Op: "sync", Path: op, Err: err})
		}
	}
	return nil
}
